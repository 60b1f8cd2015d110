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

from harness import World, check, eq, expect, new_dir, opora

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from servers import MailServers  # noqa: E402

SUPPORT = "support@example.test"
CUSTOMER = "customer@example.test"


class Ctx:
    pass


def setup():
    x = Ctx()
    x.ms = MailServers(new_dir("mail"))
    x.ms.start()
    env = {"OPORA_SMTP_URL": "smtp://127.0.0.1:%d" % x.ms.smtp_port, "OPORA_MAIL_FROM": SUPPORT,
           "OPORA_MAIL_POLL_MS": 300, "OPORA_MAIL_RETRY_MS": 300}
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
        x.ms.stop()


def swaks(x, subject, body, frm=CUSTOMER, to=SUPPORT, headers=()):
    argv = ["swaks", "--server", "127.0.0.1:%d" % x.ms.smtp_port, "--to", to, "--from", frm,
            "--header", "Subject: " + subject, "--body", body]
    for h in headers:
        argv += ["--add-header", h]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "swaks failed: %s" % r.stdout[-500:])


def tickets_with(x, subject, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        d = expect(x.w.admin.get("/tickets", query={"limit": 100}), 200)
        found = [t for t in d["tickets"] if t["subject"] == subject]
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
