"""servers.py - a throwaway Dovecot (IMAP + LMTP) and Postfix (SMTP) on
loopback ports for the mail tests, configured from the files beside this one,
living in a temporary directory, stopped at the end. Needs root (both
servers drop to their own users); fails loudly when a binary is missing."""
import os, shutil, socket, subprocess, time

HERE = os.path.dirname(os.path.abspath(__file__))

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

def wait_port(port, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False

def fill(name, dst, values):
    text = open(os.path.join(HERE, name)).read()
    for k, v in values.items():
        text = text.replace("@%s@" % k, str(v))
    with open(dst, "w") as f:
        f.write(text)

class MailServers:
    USERS = ["support", "customer", "agent", "agent2", "other", "tls", "bulk"]
    PASSWORD = "secret"

    def __init__(self, root):
        for b in ("/usr/sbin/dovecot", "/usr/sbin/postfix"):
            if not os.path.exists(b):
                raise RuntimeError("%s is missing: run ./setup (dovecot-imapd, dovecot-lmtpd, postfix)" % b)
        self.dir = os.path.join(root, "mailsrv")
        os.makedirs(self.dir)
        # the servers' own users must reach their files: open the path up
        p = os.path.abspath(root)
        while p not in ("/", "/tmp"):
            os.chmod(p, os.stat(p).st_mode | 0o055)
            p = os.path.dirname(p)
        os.chmod(self.dir, 0o755)
        self.imap_port, self.lmtp_port, self.smtp_port = free_port(), free_port(), free_port()
        self.imaps_port = free_port()
        # where opora's LMTP listener is to be (Postfix delivers helpdesk.test there)
        self.opora_lmtp = os.path.join(self.dir, "opora-lmtp.sock")
        self.values = {"DIR": self.dir, "IMAP_PORT": self.imap_port, "IMAPS_PORT": self.imaps_port,
                       "LMTP_PORT": self.lmtp_port, "SMTP_PORT": self.smtp_port,
                       "OPORA_LMTP": self.opora_lmtp}
        self.ca_file = self.make_certs(os.path.join(self.dir, "tls"))
        self.dovecot_conf = os.path.join(self.dir, "dovecot.conf")
        fill("dovecot.conf", self.dovecot_conf, self.values)
        with open(os.path.join(self.dir, "dovecot-users"), "w") as f:
            for u in self.USERS:
                f.write("%s@example.test:{PLAIN}%s\n" % (u, self.PASSWORD))
        mail = os.path.join(self.dir, "mail")
        os.makedirs(mail)
        shutil.chown(mail, 65534, 65534)
        self.pf = os.path.join(self.dir, "postfix")
        os.makedirs(self.pf)
        fill("postfix-main.cf", os.path.join(self.pf, "main.cf"), self.values)
        fill("postfix-master.cf", os.path.join(self.pf, "master.cf"), self.values)
        for d in ("postfix-spool", "postfix-data"):
            os.makedirs(os.path.join(self.dir, d))
        shutil.chown(os.path.join(self.dir, "postfix-data"), "postfix")
        # postfix-script check makes the queue's folders with their owners
        subprocess.run(["/usr/sbin/postfix", "-c", self.pf, "set-permissions"], capture_output=True)
        self.dovecot = None

    @staticmethod
    def make_certs(d):
        """A throwaway CA and a server certificate for 127.0.0.1 and localhost
        signed by it, in d; returns the CA's PEM file (what clients trust)."""
        os.makedirs(d)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        ext = os.path.join(d, "ext.cnf")
        with open(ext, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        for argv in (["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                                             "-subj", "/CN=opora test CA"],
                     ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr",
                                     "-subj", "/CN=127.0.0.1"],
                     ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                      "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", ext]):
            r = subprocess.run(["openssl"] + argv, cwd=d, capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("openssl %s failed: %s" % (argv[0], r.stderr[-500:]))
        return os.path.join(d, "ca.pem")

    def start(self):
        self.dovecot = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", self.dovecot_conf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if not all(wait_port(p) for p in (self.imap_port, self.imaps_port, self.lmtp_port)):
            raise RuntimeError("dovecot did not start: " + self.log("dovecot.log"))
        self.start_smtp()

    def start_smtp(self):
        r = subprocess.run(["/usr/sbin/postfix", "-c", self.pf, "start"], capture_output=True, text=True)
        if r.returncode != 0 or not wait_port(self.smtp_port):
            raise RuntimeError("postfix did not start: %s %s %s" % (r.stdout, r.stderr, self.log("postfix.log")))

    def stop_smtp(self):
        subprocess.run(["/usr/sbin/postfix", "-c", self.pf, "stop"], capture_output=True)
        end = time.time() + 10
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", self.smtp_port), timeout=0.3).close()
                time.sleep(0.1)
            except OSError:
                return

    def stop(self):
        self.stop_smtp()
        if self.dovecot:
            self.dovecot.terminate()
            try:
                self.dovecot.wait(10)
            except subprocess.TimeoutExpired:
                self.dovecot.kill()

    def log(self, name):
        try:
            return open(os.path.join(self.dir, name)).read()[-3000:]
        except OSError:
            return "(no %s)" % name

    def queue(self):
        """What Postfix holds (postqueue -p), as text."""
        return subprocess.run(["/usr/sbin/postqueue", "-c", self.pf, "-p"], capture_output=True,
                              text=True).stdout

    def flush(self):
        subprocess.run(["/usr/sbin/postfix", "-c", self.pf, "flush"], capture_output=True)
