"""Mail by LMTP into `opora serve --lmtp` (OPORA_LMTP_LISTEN): a session
spoken by hand (pipelining, per-recipient replies, unknown recipients,
duplicates, a refused message, the size cap), Postfix delivering
helpdesk.test to opora's socket (tests/mail/postfix-main.cf), the server
killed while Postfix has mail for it (deferred, delivered after the
restart: nothing lost), `opora mail-in` handing over by LMTP and falling
back to a direct import, and concurrent sessions where one bad message
leaves the others alone. Needs root (Dovecot and Postfix drop to their
users); a server that cannot start fails the test."""
import concurrent.futures
import os
import socket
import subprocess
import sys
import time

from harness import World, check, eq, expect, opora, uniq

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from servers import MailServers  # noqa: E402

HELP = "help@helpdesk.test"


class Ctx:
    pass


def setup():
    x = Ctx()
    from harness import new_dir
    x.ms = MailServers(new_dir("lmtp-mail"))
    x.ms.start()
    x.sock = x.ms.opora_lmtp
    x.env = {"OPORA_LMTP_LISTEN": x.sock, "OPORA_LMTP_RECIPIENTS": HELP + ", @desk.helpdesk.test",
             "OPORA_LMTP_IDLE_TIMEOUT": "4",
             # 1 MiB of message text at once (test_memory_for_messages_is_shared)
             "OPORA_LMTP_MEMORY_MB": "1"}
    try:
        x.w = World("lmtp", env=x.env)
    except Exception:
        x.ms.stop()
        raise
    return x


def teardown(x):
    try:
        x.w.finish()
    finally:
        x.ms.stop()


class Lmtp:
    """An LMTP client by hand: commands sent in one burst, replies read back."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(30)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.greeting = self.reply()

    def reply(self):
        """One reply (all its lines) as (code, last line's text)."""
        while True:
            line = self.f.readline().decode()
            check(len(line) >= 4, "a reply line: %r" % line)
            if line[3] == " ":
                return int(line[:3]), line[4:].strip()

    def send(self, *cmds):
        self.s.sendall(b"".join(c.encode() + b"\r\n" for c in cmds))

    def message(self, raw):
        """DATA's text: dot-stuffed, ended by a lone dot."""
        body = raw.replace("\r\n", "\n").split("\n")
        self.s.sendall(("\r\n".join("." + l if l.startswith(".") else l for l in body)
                        + "\r\n.\r\n").encode())

    def close(self):
        self.s.close()


def msg(subject, frm="customer@example.test", mid=None, body="hello"):
    return "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@example.test>\r\n\r\n%s\r\n" % (
        frm, HELP, subject, mid or uniq("m"), body)


def tickets(x, subject):
    d = expect(x.w.admin.get("/tickets", query={"limit": 100}), 200)["tickets"]
    return [t for t in d if t["subject"] == subject]


def wait_for(what, fn, timeout=30, flush=None):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        if flush:
            flush()
        time.sleep(0.5)
    check(False, "timed out waiting for " + what)


def test_lmtp_session_by_hand(x):
    c = Lmtp(x.sock)
    eq(c.greeting[0], 220, "greeting")
    c.send("LHLO test.client")
    code, last = c.reply()
    eq(code, 250, "LHLO")
    subj = uniq("By LMTP ")
    # pipelined: sender, a known, an unknown and a known-by-domain recipient, DATA
    c.send("MAIL FROM:<customer@example.test>", "RCPT TO:<%s>" % HELP,
           "RCPT TO:<nobody@helpdesk.test>", "RCPT TO:<queue@desk.helpdesk.test>", "DATA")
    eq([c.reply()[0] for _ in range(5)], [250, 250, 550, 250, 354], "pipelined replies")
    c.message(msg(subj, body="line\r\n.starts with a dot"))
    r1, r2 = c.reply(), c.reply()
    eq((r1[0], r2[0]), (250, 250), "one reply per accepted recipient")
    check(r1[1].startswith("2.0.0"), "imported: %r" % (r1,))
    # 250 only after the commit: the ticket is there at once
    ts = tickets(x, subj)
    eq(len(ts), 1, "one ticket for two recipients")
    check(".starts with a dot" in ts[0]["description"], "dot unstuffed: %r" % ts[0]["description"])
    eq(ts[0]["channel"], "email", "channel")

    # the same message again: accepted, and dropped as a duplicate
    mid = uniq("dup")
    for _ in range(2):
        c.send("MAIL FROM:<customer@example.test>", "RCPT TO:<%s>" % HELP, "DATA")
        eq([c.reply()[0] for _ in range(3)], [250, 250, 354], "envelope")
        c.message(msg(subj + " dup", mid=mid))
        eq(c.reply()[0], 250, "duplicate accepted")
    eq(len(tickets(x, subj + " dup")), 1, "one ticket for a duplicate")

    # not a message (no sender): 250 2.6.0, kept in the rejections
    c.send("MAIL FROM:<>", "RCPT TO:<%s>" % HELP, "DATA")
    eq([c.reply()[0] for _ in range(3)], [250, 250, 354], "envelope of a bad message")
    c.message("Subject: no sender at all\r\n\r\nx\r\n")
    code, text = c.reply()
    eq(code, 250, "a refused message is accepted (no bounce)")
    check(text.startswith("2.6.0") and "no_from" in text, "refusal said: %r" % text)
    rows = expect(x.w.admin.get("/mail/rejections"), 200)["rejections"]
    check(any(r.get("source") == "lmtp" and r.get("reason") == "no_from" for r in rows),
          "the refusal is logged: %r" % rows[:3])

    # over the size cap, announced: refused before the data
    c.send("MAIL FROM:<customer@example.test> SIZE=999999999")
    eq(c.reply()[0], 552, "SIZE over the cap")
    c.send("RSET", "NOOP", "QUIT")
    eq([c.reply()[0] for _ in range(3)], [250, 250, 221], "RSET NOOP QUIT")
    c.close()


def test_idle_connection_is_closed(x):
    c = Lmtp(x.sock)
    c.send("LHLO t")
    eq(c.reply()[0], 250, "LHLO")
    t0 = time.time()
    code, text = c.reply()  # nothing sent: the server gives up (lmtp_idle_timeout = 4)
    eq(code, 421, "closed after the idle timeout: %s" % text)
    check(3 <= time.time() - t0 < 15, "after about 4 s: %.1f" % (time.time() - t0))
    eq(c.f.read(), b"", "and the connection is closed")
    c.close()


def test_mailbox_address_is_a_recipient(x):
    box = expect(x.w.admin.post("/mail/mailboxes", {
        "name": uniq("box"), "url": "imap://127.0.0.1:%d/INBOX" % x.ms.imap_port,
        "username": "imapbox@helpdesk.test", "password": "x"}), 201)
    try:
        c = Lmtp(x.sock)
        c.send("LHLO t", "MAIL FROM:<>", "RCPT TO:<imapbox@helpdesk.test>",
               "RCPT TO:<other@helpdesk.test>", "QUIT")
        eq([c.reply()[0] for _ in range(5)], [250, 250, 250, 550, 221],
           "a mailbox's address is accepted, another is not")
        c.close()
    finally:
        x.w.admin.delete("/mail/mailboxes/%d" % box["id"])


def swaks(x, subject, body, to=HELP):
    r = subprocess.run(["swaks", "--server", "127.0.0.1:%d" % x.ms.smtp_port, "--to", to,
                        "--from", "customer@example.test", "--header", "Subject: " + subject,
                        "--body", body], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "swaks failed: %s" % r.stdout[-500:])


def test_postfix_delivers_by_lmtp(x):
    subj = uniq("Through Postfix ")
    swaks(x, subj, "Delivered by Postfix's lmtp transport.")
    ts = wait_for("the ticket from Postfix", lambda: tickets(x, subj))
    eq(len(ts), 1, "one ticket")
    check(x.w.srv.wait_for_lines(
        lambda ls: any('source="lmtp"' in l and "mail imported" in l for l in ls), timeout=5),
        "imported by the LMTP listener")


def test_server_down_postfix_defers_and_delivers(x):
    x.w.srv.kill()  # no goodbye: the socket file is left behind
    check(os.path.exists(x.sock), "a killed server leaves its socket")
    subjects = [uniq("While down %d " % i) for i in range(3)]
    for s in subjects:
        swaks(x, s, "Sent while opora was down.")
    # Postfix holds them (deferred: nobody answers on the socket)
    # (each entry's reason names the socket: "connect to ...[PATH]: Connection refused")
    q = wait_for("Postfix to defer the messages",
                 lambda: (lambda q: q if q.count(x.sock + "]") >= 3 else "")(x.ms.queue()),
                 timeout=30)
    check("Connection refused" in q, "deferred because nobody answers: %s" % q)
    x.w.srv.start()
    for s in subjects:
        ts = wait_for("%r after the restart" % s, lambda s=s: tickets(x, s), timeout=60,
                      flush=x.ms.flush)
        eq(len(ts), 1, "delivered once: %s" % s)
    wait_for("an empty queue", lambda: "helpdesk.test" not in x.ms.queue(), timeout=30,
             flush=x.ms.flush)


def test_mail_in_hands_over_by_lmtp(x):
    db = x.w.srv.db
    subj = uniq("mail-in over LMTP ")
    r = opora("mail-in", "--db", db, "--lmtp", x.sock, "--recipient", HELP, input=msg(subj),
              env=x.env)
    eq(r.rc, 0, "handed over: %r" % r)
    eq(len(tickets(x, subj)), 1, "a ticket")
    check(x.w.srv.wait_for_lines(
        lambda ls: any('source="lmtp"' in l and "mail imported" in l for l in ls), timeout=5),
        "imported by the server, not by mail-in")
    # the recipient from the environment (as Postfix's pipe sets it), a refused message: 65
    r = opora("mail-in", "--db", db, input="Subject: nobody\r\n\r\nx\r\n",
              env=dict(x.env, RECIPIENT=HELP))
    eq(r.rc, 65, "a refused message is mail-in's 65: %r" % r)
    # no server at that address: imported directly
    subj2 = uniq("mail-in fallback ")
    r = opora("mail-in", "--db", db, "--lmtp", x.sock + ".none", "--recipient", HELP,
              input=msg(subj2), env=x.env)
    eq(r.rc, 0, "imported directly: %r" % r)
    check("importing directly" in r.err, "says so: %r" % r.err)
    eq(len(tickets(x, subj2)), 1, "a ticket from the direct import")


def test_concurrent_sessions_one_bad_message(x):
    tag = uniq("conc")

    def session(k):
        c = Lmtp(x.sock)
        c.send("LHLO t")
        c.reply()
        codes = []
        for i in range(5):
            c.send("MAIL FROM:<>", "RCPT TO:<%s>" % HELP, "DATA")
            [c.reply() for _ in range(3)]
            if k == 3 and i == 2:
                c.message("this is not a message at all \x01\x02")
            else:
                c.message(msg("%s %d-%d" % (tag, k, i), frm="conc%d@example.test" % k))
            codes.append(c.reply())
        c.send("QUIT")
        c.close()
        return codes
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        res = list(ex.map(session, range(8)))
    for k, codes in enumerate(res):
        for i, (code, text) in enumerate(codes):
            eq(code, 250, "session %d message %d: %s" % (k, i, text))
            if k == 3 and i == 2:
                check(text.startswith("2.6."), "the bad one is refused: %r" % text)
            else:
                check(text.startswith("2.0.0 Ok: ticket"), "imported: %r" % text)
    d = expect(x.w.admin.get("/tickets", query={"limit": 100}), 200)["tickets"]
    eq(len([t for t in d if t["subject"].startswith(tag + " ")]), 39,
       "every good message is a ticket")


def test_memory_for_messages_is_shared(x):
    """lmtp_memory_mb is 1 here: while one connection holds 900 KB of a
    message not yet ended, another's 400 KB message is read but deferred
    (452 4.3.1, the MTA keeps it); once the first is answered, its retry is
    taken."""
    a, b = Lmtp(x.sock), Lmtp(x.sock)
    try:
        for c in (a, b):
            c.send("LHLO t", "MAIL FROM:<customer@example.test>", "RCPT TO:<%s>" % HELP, "DATA")
            for _ in range(4):
                c.reply()
        held, deferred = uniq("Held "), uniq("Deferred ")
        a.s.sendall(msg(held, body=("a" * 998 + "\r\n") * 900).encode())  # no final dot yet
        time.sleep(1)  # the server has read it all
        small = msg(deferred, body=("b" * 998 + "\r\n") * 400)
        b.message(small)
        code, text = b.reply()
        eq((code, text[:5]), (452, "4.3.1"), "deferred while the memory is held: %r" % text)
        a.s.sendall(b".\r\n")
        eq(a.reply()[0], 250, "the held message is taken")
        b.send("MAIL FROM:<customer@example.test>", "RCPT TO:<%s>" % HELP, "DATA")
        for _ in range(3):
            b.reply()
        b.message(small)
        eq(b.reply()[0], 250, "the retry is taken")
        wait_for("both tickets", lambda: tickets(x, held) and tickets(x, deferred))
        eq(len(tickets(x, deferred)), 1, "the deferred message made one ticket")
        check(x.w.srv.wait_for_lines(lambda ls: [l for l in ls if "lmtp message deferred" in l],
                                     timeout=5), "the deferral is in the log")
    finally:
        a.close()
        b.close()
