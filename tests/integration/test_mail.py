"""The email channel against real servers: a Dovecot (IMAP + LMTP) and a
Postfix (SMTP) started here on loopback ports from tests/mail/*.conf.
Mail sent with swaks lands in a mailbox, opora polls it into tickets; an
agent's reply goes out through Postfix into the customer's mailbox, read
back by IMAP with its threading headers; Postfix stopped mid-test and
started again loses nothing; `opora mail-in` exit codes; duplicates,
auto-replies and a spoofed agent sender. A server that cannot start fails
the test (it never skips)."""
import email
import email.policy
import imaplib
import os
import subprocess
import sys
import time

import socket
import sqlite3
import ssl
import threading
import threading

from harness import PASSWORD, World, check, eq, expect, expect_err, new_dir, opora, uniq

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from servers import MailServers  # noqa: E402

SUPPORT = "support@example.test"
CUSTOMER = "customer@example.test"


class Ctx:
    pass


class Clock(threading.Thread):
    """The server's clock (OPORA_TEST_CLOCK): real time plus an offset the
    tests may move, written to the file every 50 ms."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.offset_ms, self.stop = path, 0, threading.Event()
        self.lock = threading.Lock()
        self.tick()

    def tick(self):
        with self.lock:
            with open(self.path + ".tmp", "w") as f:
                f.write(str(int(time.time() * 1000) + self.offset_ms))
            os.replace(self.path + ".tmp", self.path)

    def run(self):
        while not self.stop.wait(0.05):
            self.tick()

    def forward(self, ms):
        with self.lock:
            self.offset_ms += ms
        self.tick()


def setup():
    x = Ctx()
    x.ms = MailServers(new_dir("mail"))
    x.ms.start()
    x.clock = Clock(os.path.join(new_dir("mail-clock"), "now"))
    x.clock.start()
    env = {"OPORA_SMTP_URL": "smtp://127.0.0.1:%d" % x.ms.smtp_port, "OPORA_MAIL_FROM": SUPPORT,
           "OPORA_TEST_CLOCK": x.clock.path,
           "OPORA_MAIL_POLL_MS": 300, "OPORA_MAIL_RETRY_MS": 300,
           # a big poll fetches on 3 connections (test_imap_bulk_on_several_connections)
           "OPORA_IMAP_CONNECTIONS": 3,
           # the test CA: IMAPS/STARTTLS certificates are verified against it
           "OPORA_MAIL_CA_FILE": x.ms.ca_file}
    try:
        x.w = World("mail", env=env)
    except Exception:
        x.ms.stop()
        raise
    x.env = env
    r = opora("mailbox", "add", "--db", x.w.srv.db, "--name", "support",
              "--url", "imap://127.0.0.1:%d/INBOX" % x.ms.imap_port, "--user", SUPPORT,
              "--password", MailServers.PASSWORD, env=env)
    eq(r.rc, 0, "mailbox add: %r" % r)
    return x


def teardown(x):
    try:
        x.w.finish()
    finally:
        x.clock.stop.set()
        x.ms.stop()


def swaks(x, subject, body, frm=CUSTOMER, to=SUPPORT, headers=()):
    argv = ["swaks", "--server", "127.0.0.1:%d" % x.ms.smtp_port, "--to", to, "--from", frm,
            "--header", "Subject: " + subject, "--body", body]
    for h in headers:
        argv += ["--add-header", h]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "swaks failed: %s" % r.stdout[-500:])


def tickets_with(x, subject, timeout=20, prefix=None):
    """The tickets titled subject (or, with prefix, whose subject starts with it)."""
    end = time.time() + timeout
    while time.time() < end:
        d = expect(x.w.admin.get("/tickets", query={"limit": 100}), 200)
        found = [t for t in d["tickets"]
                 if (t["subject"].startswith(prefix) if prefix else t["subject"] == subject)]
        if found:
            return found
        time.sleep(0.2)
    return []


def imap_messages(x, user, timeout=20, want=1, pred=None):
    """The messages in user's INBOX (email.message objects), waiting for want."""
    end = time.time() + timeout
    msgs = []
    while time.time() < end:
        i = imaplib.IMAP4("127.0.0.1", x.ms.imap_port)
        i.login(user, MailServers.PASSWORD)
        i.select("INBOX", readonly=True)
        _, data = i.uid("SEARCH", None, "ALL")
        msgs = []
        for uid in data[0].split():
            _, d = i.uid("FETCH", uid, "(BODY.PEEK[])")
            msgs.append(email.message_from_bytes(d[0][1], policy=email.policy.default))
        i.logout()
        if pred:
            msgs = [m for m in msgs if pred(m)]
        if len(msgs) >= want:
            return msgs
        time.sleep(0.3)
    return msgs


def test_imap_intake_reply_and_outage(x):
    swaks(x, "Printer on fire", "It is burning.")
    ts = tickets_with(x, "Printer on fire")
    eq(len(ts), 1, "one ticket from the mailbox")
    t = ts[0]
    eq(t["channel"], "email", "channel")
    # the customer got "request received", threaded to their message
    got = imap_messages(x, CUSTOMER, pred=lambda m: "[#%d]" % t["id"] in str(m["Subject"]))
    check(got, "no 'request received' in the customer's mailbox")
    received = got[0]
    check(received["In-Reply-To"], "In-Reply-To on the notification")
    eq(received["Auto-Submitted"], "auto-generated", "Auto-Submitted")

    # the customer answers the notification: a comment on the same ticket
    swaks(x, "Re: " + str(received["Subject"]), "Still burning.",
          headers=["In-Reply-To: " + received["Message-ID"],
                   "References: " + received["Message-ID"]])
    end = time.time() + 20
    comments = []
    while time.time() < end:
        comments = expect(x.w.admin.get("/tickets/%d/comments" % t["id"]), 200)["comments"]
        if any("Still burning" in c["body"] for c in comments):
            break
        time.sleep(0.2)
    check(any("Still burning" in c["body"] for c in comments), "reply threaded: %r" % comments)
    eq(len(tickets_with(x, "Printer on fire")), 1, "no second ticket")

    # SMTP down: an agent's reply waits in the outbox, then goes out
    x.ms.stop_smtp()
    expect(x.w.admin.post("/tickets/%d/comments" % t["id"],
                          {"body": "We sent the fire brigade.", "public": True}), 201)
    time.sleep(2)
    x.ms.start_smtp()
    got = imap_messages(x, CUSTOMER, timeout=30,
                        pred=lambda m: "fire brigade" in m.get_body().get_content())
    check(got, "the reply sent during the outage never arrived")
    reply = got[0]
    check(reply["In-Reply-To"] and reply["References"], "threading headers on the reply")


def test_mail_in_exit_codes_duplicates_noise(x):
    db = x.w.srv.db
    msg = ("From: Mail In <mailin@example.test>\r\nTo: support@example.test\r\n"
           "Subject: via pipe\r\nMessage-ID: <pipe-1@example.test>\r\n\r\nhello\r\n")
    r = opora("mail-in", "--db", db, input=msg, env=x.env)
    eq(r.rc, 0, "mail-in accepted: %r" % r)
    r = opora("mail-in", "--db", db, input=msg, env=x.env)
    eq(r.rc, 0, "duplicate accepted (and dropped): %r" % r)
    eq(len(tickets_with(x, "via pipe")), 1, "one ticket for a duplicate")
    auto = msg.replace("pipe-1", "pipe-2").replace("via pipe", "away") \
              .replace("\r\n\r\n", "\r\nAuto-Submitted: auto-replied\r\n\r\n")
    r = opora("mail-in", "--db", db, input=auto, env=x.env)
    eq(r.rc, 0, "auto-reply accepted: %r" % r)
    eq(len(tickets_with(x, "away", timeout=1)), 0, "no ticket for an auto-reply")
    r = opora("mail-in", "--db", db, input="Subject: no sender\r\n\r\nx\r\n", env=x.env)
    eq(r.rc, 65, "rejected: %r" % r)
    r = opora("mail-in", "--db", os.path.join(new_dir("nodb"), "missing.db"), input=msg,
              env=x.env)
    eq(r.rc, 75, "no database is a temporary failure: %r" % r)


def test_spoofed_agent(x):
    agent = x.w.user("agent", level="middle")
    addr = agent.user["email"]
    msg = ("From: %s\r\nSubject: spoof\r\nMessage-ID: <spoof-1@example.test>\r\n\r\nhi\r\n" % addr)
    r = opora("mail-in", "--db", x.w.srv.db, input=msg, env=x.env)
    eq(r.rc, 0, "spoofed agent mail is dropped, not bounced: %r" % r)
    eq(len(tickets_with(x, "spoof", timeout=1)), 0, "no ticket or reply from a spoofed agent")


# ---- second wave: the admin API, caps, agent mail, locks, TLS ----

def rejections(x, **query):
    return expect(x.w.admin.get("/mail/rejections", query=query), 200)["rejections"]


def mailboxes(x):
    return expect(x.w.admin.get("/mail/mailboxes"), 200)["mailboxes"]


def wait_for(what, fn, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def test_http_admin_endpoints(x):
    boxes = mailboxes(x)
    eq([b["name"] for b in boxes], ["support"], "the mailbox of setup")
    b = boxes[0]
    check(b["password_set"] is True and "password" not in b, "the password never leaves: %r" % b)
    check(b["last_uid"] >= 0 and "url" in b, "state fields: %r" % b)
    agent = x.w.user("agent", level="senior")
    customer = x.w.user("customer")
    for c in (agent, customer):
        expect_err(c.get("/mail/mailboxes"), 403, what="non-admin list")
        expect_err(c.post("/mail/mailboxes", {"name": "x", "url": "imap://h:1/INBOX"}), 403)
        expect_err(c.delete("/mail/mailboxes/%d" % b["id"]), 403)
        expect_err(c.get("/mail/outbox"), 403)
        expect_err(c.get("/mail/rejections"), 403)
    expect_err(x.w.anon().get("/mail/outbox"), 401)
    # bad input: 422 naming the field, nothing stored
    for body, field in (({"url": "imap://h:1/INBOX"}, "name"),
                        ({"name": "n1"}, "url"),
                        ({"name": "n1", "url": "http://h/INBOX"}, "url"),
                        ({"name": "n1", "url": "imap://h:1/"}, "url"),
                        ({"name": "n1", "url": "imap://h:1/INBOX", "starttls": "yes"}, "starttls"),
                        ({"name": "n1", "url": "imap://h:1/INBOX", "colour": 1}, "colour"),
                        ({"name": "", "url": "imap://h:1/INBOX"}, "name"),
                        ({"name": "n1", "url": "imap://h:1/INBOX", "username": "a\nb"}, "username")):
        expect_err(x.w.admin.post("/mail/mailboxes", body), 422, field=field, what=repr(body))
    eq(len(mailboxes(x)), 1, "nothing stored by bad input")
    expect_err(x.w.admin.post("/mail/mailboxes", {"name": "SUPPORT", "url": "imap://h:1/INBOX"}),
               409, field="name", what="a taken name")
    nb = expect(x.w.admin.post("/mail/mailboxes",
                               {"name": "spare", "url": "imaps://127.0.0.1:1/INBOX",
                                "username": "u", "password": "p", "move_to": "Archive"}), 201)
    eq((nb["name"], nb["move_to"], nb["starttls"], nb["active"]), ("spare", "Archive", False, True),
       "created mailbox")
    eq(len(mailboxes(x)), 2, "listed")
    expect(x.w.admin.delete("/mail/mailboxes/%d" % nb["id"]), 204)
    expect_err(x.w.admin.delete("/mail/mailboxes/%d" % nb["id"]), 404)
    eq(len(mailboxes(x)), 1, "removed")

    # the outbox: counts, state filter, paging
    ob = expect(x.w.admin.get("/mail/outbox"), 200)
    c = ob["counts"]
    check(c["sent"] + c["pending"] + c["failed"] >= len(ob["messages"]), "counts: %r" % c)
    for st in ("pending", "sent", "failed"):
        d = expect(x.w.admin.get("/mail/outbox", query={"state": st}), 200)
        check(all(m["state"] == st for m in d["messages"]), "state filter %s" % st)
    one = expect(x.w.admin.get("/mail/outbox", query={"limit": 1}), 200)
    if len(ob["messages"]) > 1:
        eq(len(one["messages"]), 1, "limit")
        nxt = expect(x.w.admin.get("/mail/outbox", query={"limit": 1,
                                                          "before_id": one["next_before_id"]}), 200)
        eq(nxt["messages"][0]["id"], ob["messages"][1]["id"], "the next page")
    expect_err(x.w.admin.get("/mail/outbox", query={"state": "lost"}), 422, field="state")
    expect_err(x.w.admin.get("/mail/outbox", query={"limit": 0}), 422, field="limit")
    expect_err(x.w.admin.get("/mail/rejections", query={"before_id": "x"}), 422, field="before_id")

    # the rejections log shows what mail-in refused
    r = opora("mail-in", "--db", x.w.srv.db, input="Subject: nobody\r\n\r\nx\r\n", env=x.env)
    eq(r.rc, 65, "no sender: %r" % r)
    rj = rejections(x, limit=1)[0]
    eq((rj["source"], rj["reason"]), ("mail-in", "no_from"), "the rejection: %r" % rj)


def test_caps_oversized_and_long_sender(x):
    db = x.w.srv.db
    # a 300-character address is no sender: refused, and no customer made of a cut copy
    local = "a" * 287
    msg = ("From: <%s@example.test>\r\nSubject: long sender\r\nMessage-ID: <long-1@example.test>"
           "\r\n\r\nhi\r\n" % local)
    r = opora("mail-in", "--db", db, input=msg, env=x.env)
    eq(r.rc, 65, "long sender refused: %r" % r)
    eq(rejections(x, limit=1)[0]["reason"], "from_too_long", "reason")
    users = expect(x.w.admin.get("/users", query={"q": "aaaaaaaaaa", "limit": 10}), 200)["users"]
    eq(users, [], "no customer from a cut address")

    # over the 25 MiB cap through the pipe: refused as too_big, exit 65
    big = "From: big@example.test\r\nSubject: big\r\n\r\n" + ("x" * 998 + "\r\n") * (26 << 10)
    r = opora("mail-in", "--db", db, input=big, env=x.env, timeout=120)
    eq(r.rc, 65, "too big: %r" % r)
    rj = rejections(x, limit=1)[0]
    eq((rj["source"], rj["reason"]), ("mail-in", "too_big"), "pipe rejection")
    check(rj["size"] > 25 << 20, "size recorded: %r" % rj)

    # and through IMAP (past the fetch buffer): too_big, not no_from; the
    # mailbox goes on with the next message
    before = rejections(x, limit=1)[0]["id"]
    im = imaplib.IMAP4("127.0.0.1", x.ms.imap_port)
    im.login(SUPPORT, MailServers.PASSWORD)
    huge = ("From: huge@example.test\r\nTo: %s\r\nSubject: huge\r\nMessage-ID: <huge-1@example.test>"
            "\r\n\r\n" % SUPPORT) + ("y" * 998 + "\r\n") * (27 << 10)
    im.append("INBOX", None, None, huge.encode())
    im.logout()
    swaks(x, "after the huge one", "small")
    rj = wait_for("the IMAP rejection",
                  lambda: [j for j in rejections(x, limit=5) if j["id"] > before], timeout=60)
    eq((rj[0]["source"], rj[0]["reason"]), ("support", "too_big"), "IMAP rejection: %r" % rj)
    check(tickets_with(x, "after the huge one"), "the next message was imported")
    eq(len(tickets_with(x, "huge", timeout=1)), 0, "no ticket for the huge message")


def staff(x, name, level="middle"):
    """An agent whose address has a mailbox in Dovecot; a Client acting as them."""
    addr = name + "@example.test"
    u = expect(x.w.admin.post("/users", {"name": name.capitalize() + " " + uniq("n"), "email": addr,
                                         "role": "agent", "level": level,
                                         "password": PASSWORD}), 201)
    c = x.w.token_for(addr)
    c.user = u
    return c


def test_agent_mail_assigned_reply_escalated_solved(x):
    agent = staff(x, "agent")
    agent2 = staff(x, "agent2", "senior")
    l1 = x.w.group("l1", members=[agent.user["id"]])
    l2 = x.w.group("l2", members=[agent2.user["id"]])
    subject = uniq("Router down ")
    swaks(x, subject, "The router is dead.")
    t = wait_for("the ticket", lambda: tickets_with(x, subject))[0]
    # assigned by the admin: the agent gets mail with a signed reply token
    expect(x.w.admin.patch("/tickets/%d" % t["id"], {"group_id": l1["id"],
                                                    "assignee_id": agent.user["id"]}), 200)
    got = imap_messages(x, "agent@example.test",
                        pred=lambda m: ("[#%d]" % t["id"]) in str(m["Subject"]))
    check(got, "no 'assigned' mail for the agent")
    assigned = got[0]
    check("Assigned to you" in str(assigned["Subject"]), "subject: %s" % assigned["Subject"])

    # a reply to it from the agent's address is the agent's public reply
    swaks(x, "Re: " + str(assigned["Subject"]), "Please restart it.", frm="agent@example.test",
          headers=["In-Reply-To: " + assigned["Message-ID"], "References: " + assigned["Message-ID"]])

    def agent_comment():
        cs = expect(x.w.admin.get("/tickets/%d/comments" % t["id"]), 200)["comments"]
        return [c for c in cs if "Please restart it" in c["body"]]
    c = wait_for("the agent's reply", agent_comment)[0]
    eq((c["author_id"], c["public"]), (agent.user["id"], True), "recorded as the agent's public reply")
    # ...which the customer receives
    check(imap_messages(x, CUSTOMER, pred=lambda m: "Please restart it" in m.get_body().get_content()),
          "the customer did not get the agent's mailed reply")
    # the same token from another agent's address is not enough
    swaks(x, "Re: " + str(assigned["Subject"]), "I am not him.", frm="agent2@example.test",
          headers=["In-Reply-To: " + assigned["Message-ID"], "References: " + assigned["Message-ID"]])

    # escalated to L2 (unassigned): its members get mail
    expect(agent.post("/tickets/%d/escalate" % t["id"], {"group_id": l2["id"],
                                                         "reason": "needs a network engineer"}), 200)
    got = imap_messages(x, "agent2@example.test",
                        pred=lambda m: ("[#%d]" % t["id"]) in str(m["Subject"]))
    check(got and "Escalated" in str(got[0]["Subject"]), "no 'escalated' mail: %r" % got)
    check("needs a network engineer" in got[0].get_body().get_content(), "the reason in the mail")

    # solved: the customer is told
    expect(agent2.patch("/tickets/%d" % t["id"], {"status": "solved"}), 200)
    got = imap_messages(x, CUSTOMER, pred=lambda m: ("[#%d] Solved" % t["id"]) in str(m["Subject"]))
    check(got, "no 'solved' mail for the customer")
    cs = expect(x.w.admin.get("/tickets/%d/comments" % t["id"]), 200)["comments"]
    check(not any("I am not him" in c["body"] for c in cs), "a token of another agent was taken")


def test_sla_warning_and_breach_mail_to_the_assignee(x):
    found = expect(x.w.admin.get("/users", query={"q": "agent@example.test"}), 200)["users"]
    mine = [u for u in found if u["email"] == "agent@example.test"]
    agent = mine[0] if mine else staff(x, "agent").user
    g = x.w.group("l1", members=[agent["id"]])
    pol = expect(x.w.admin.post("/sla/policies", {
        "name": uniq("Mail SLA "), "position": 0, "conditions": {"group_ids": [g["id"]]},
        "targets": {"first_response": {"minutes": 60, "business": False}},
        "breach_actions": ["notify_assignee"]}), 201)
    t = x.w.ticket(group_id=g["id"], assignee_id=agent["id"])
    x.clock.forward(49 * 60 * 1000)  # past 80 % of the hour: the warning
    got = imap_messages(x, "agent@example.test",
                        pred=lambda m: ("[#%d] SLA" % t["id"]) in str(m["Subject"]))
    check(got and "risk" in got[0].get_body().get_content(), "no SLA warning mail: %r" % got)
    x.clock.forward(12 * 60 * 1000)  # past the hour: the breach
    got = imap_messages(x, "agent@example.test",
                        pred=lambda m: ("[#%d] SLA" % t["id"]) in str(m["Subject"])
                        and "breached" in m.get_body().get_content())
    check(got, "no SLA breach mail")
    expect(x.w.admin.patch("/sla/policies/%d" % pol["id"], {"active": False}), 200)


def test_locked_database_is_a_temporary_failure(x):
    db = x.w.srv.db
    msg = ("From: locked@example.test\r\nSubject: while locked\r\n"
           "Message-ID: <locked-1@example.test>\r\n\r\nhi\r\n")
    if db.startswith("postgres"):
        # no file to lock: a database server that does not answer is the
        # temporary failure, and the retry against the real one goes through
        r = opora("mail-in", "--db", "postgres://opora@127.0.0.1:1/none", input=msg, env=x.env,
                  timeout=60)
        eq(r.rc, 75, "an unreachable database: the MTA retries: %r" % r)
        r = opora("mail-in", "--db", db, input=msg, env=x.env)
        eq(r.rc, 0, "the MTA's retry goes through: %r" % r)
        eq(len(tickets_with(x, "while locked")), 1, "stored on the retry")
        return
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        t0 = time.time()
        r = opora("mail-in", "--db", db, input=msg, env=x.env, timeout=60)
        eq(r.rc, 75, "a locked database: the MTA retries: %r" % r)
        check(time.time() - t0 < 30, "gave up in time")
    finally:
        con.rollback()
        con.close()
    eq(len(tickets_with(x, "while locked", timeout=1)), 0, "nothing stored while locked")
    r = opora("mail-in", "--db", db, input=msg, env=x.env)
    eq(r.rc, 0, "the MTA's retry goes through: %r" % r)
    eq(len(tickets_with(x, "while locked")), 1, "stored on the retry")


def test_parallel_mail_in(x):
    """An MTA runs several deliveries at once: none fails or waits out a lock."""
    import concurrent.futures
    tag = uniq("par")
    msgs = ["From: par%d@example.test\r\nSubject: %s %d\r\nMessage-ID: <%s-%d@example.test>"
            "\r\n\r\nbody %d\r\n" % (i, tag, i, tag, i, i) for i in range(16)]

    def one(m):
        return opora("mail-in", "--db", x.w.srv.db, input=m, env=x.env).rc
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        rcs = list(ex.map(one, msgs))
    eq(rcs, [0] * 16, "exit codes")
    d = expect(x.w.admin.get("/tickets", query={"limit": 100}), 200)["tickets"]
    eq(len([t for t in d if t["subject"].startswith(tag + " ")]), 16, "one ticket each")


def untrusted_tls_server(port_box, stop):
    """A TLS server whose certificate comes from a CA opora does not trust."""
    d = new_dir("badca")
    MailServers.make_certs(os.path.join(d, "tls"))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, "tls", "server.pem"), os.path.join(d, "tls", "server.key"))
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    port_box.append(srv.getsockname()[1])
    while not stop.is_set():
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        try:
            with ctx.wrap_socket(conn, server_side=True) as s:
                s.sendall(b"* OK IMAP ready\r\n")
                s.recv(100)
        except (OSError, ssl.SSLError):
            pass
    srv.close()


def test_imap_bulk_on_several_connections(x):
    """70 messages waiting in a mailbox: fetched on 3 connections at once,
    each imported once (a repeated Message-ID dropped), all flagged seen."""
    box = "bulk@example.test"
    im = imaplib.IMAP4("127.0.0.1", x.ms.imap_port)
    im.login(box, MailServers.PASSWORD)
    tag = uniq("Bulk ")
    for i in range(70):
        mid = "<%s-%d@example.test>" % (tag.replace(" ", "-"), 0 if i == 69 else i)
        att = ""
        raw = ("From: bulk%d@example.org\r\nTo: %s\r\nSubject: %s %d\r\nMessage-ID: %s\r\n"
               "MIME-Version: 1.0\r\n" % (i % 7, box, tag, i, mid))
        if i % 5 == 0:  # some with an attachment, written by the fetchers
            att = ("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: "
                   "attachment; filename=\"f%d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                   "%s\r\n" % (i, __import__("base64").b64encode(os.urandom(600)).decode()))
            raw += ('Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
                    "Content-Type: text/plain; charset=UTF-8\r\n\r\nbody %d\r\n%s--b--\r\n" % (i, att))
        else:
            raw += "Content-Type: text/plain; charset=UTF-8\r\n\r\nbody %d\r\n" % i
        im.append("INBOX", None, None, raw.encode())
    b = expect(x.w.admin.post("/mail/mailboxes", {
        "name": "bulk", "url": "imap://127.0.0.1:%d/INBOX" % x.ms.imap_port,
        "username": box, "password": MailServers.PASSWORD}), 201)
    try:
        line = x.w.srv.wait_for_lines(lambda ls: [l for l in ls if "mailbox polled" in l
                                                  and 'mailbox="bulk"' in l], timeout=60)
        check(line, "no poll of the bulk mailbox in the log")
        check("imported=70 connections=3" in line[0], "one poll, 3 connections: %r" % line[0])
        subjects = {}
        for t in tickets_with(x, None, prefix=tag):
            subjects[t["subject"]] = subjects.get(t["subject"], 0) + 1
        eq(sorted(subjects), sorted("%s %d" % (tag, i) for i in range(69)),
           "each message a ticket, the repeated Message-ID dropped")
        eq(set(subjects.values()), {1}, "each imported once")
        im.select("INBOX", readonly=True)
        _, unseen = im.uid("SEARCH", None, "UNSEEN")
        eq(unseen[0].split(), [], "every message flagged seen once committed")
        _, allm = im.uid("SEARCH", None, "ALL")
        eq(len(allm[0].split()), 70, "none lost on the server")
    finally:
        im.logout()
        x.w.admin.delete("/mail/mailboxes/%d" % b["id"])


def test_imaps_and_starttls_verified(x):
    tls_box = expect(x.w.admin.post("/mail/mailboxes", {
        "name": "imaps", "url": "imaps://127.0.0.1:%d/INBOX" % x.ms.imaps_port,
        "username": "other@example.test", "password": MailServers.PASSWORD}), 201)
    st_box = expect(x.w.admin.post("/mail/mailboxes", {
        "name": "starttls", "url": "imap://127.0.0.1:%d/INBOX" % x.ms.imap_port,
        "username": "tls@example.test", "password": MailServers.PASSWORD, "starttls": True}), 201)
    port, stop = [], threading.Event()
    th = threading.Thread(target=untrusted_tls_server, args=(port, stop), daemon=True)
    th.start()
    wait_for("the untrusted server", lambda: port, timeout=10)
    bad_box = expect(x.w.admin.post("/mail/mailboxes", {
        "name": "untrusted", "url": "imaps://127.0.0.1:%d/INBOX" % port[0],
        "username": "u", "password": "p"}), 201)
    try:
        s1, s2 = uniq("Over IMAPS "), uniq("Over STARTTLS ")
        swaks(x, s1, "tls one", to="other@example.test")
        swaks(x, s2, "tls two", to="tls@example.test")
        check(tickets_with(x, s1), "nothing imported over IMAPS")
        check(tickets_with(x, s2), "nothing imported over STARTTLS")

        def bad_error():
            b = [m for m in mailboxes(x) if m["id"] == bad_box["id"]]
            return b and b[0]["last_error"]
        err = wait_for("the untrusted mailbox's error", bad_error)
        check("certificate" in err.lower() or "ssl" in err.lower(),
              "an untrusted certificate is refused: %r" % err)
        for b in mailboxes(x):
            if b["id"] in (tls_box["id"], st_box["id"]):
                eq(b["last_error"], "", "TLS mailbox %s polled cleanly" % b["name"])
    finally:
        stop.set()
        for b in (tls_box, st_box, bad_box):
            x.w.admin.delete("/mail/mailboxes/%d" % b["id"])
