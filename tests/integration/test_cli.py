"""The command line: init, user add/list/passwd, token create, backup,
migrate, demo, version, --help, and refusals of bad flags."""

import os
import re
import sqlite3

from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, CYRILLIC_RE, Failure, Server, check, eq,
                     expect, expect_err, new_dir, opora, uniq)

COMMANDS = ("init", "serve", "user", "token", "demo", "migrate", "backup", "version")


def fresh_db():
    d = new_dir("cli")
    db = os.path.join(d, "opora.db")
    r = opora("init", "--db", db, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD,
              cwd=d)
    return db, r


def ticket_count(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        eq(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", "integrity of %s" % db)
        return con.execute("SELECT count(*) FROM tickets").fetchone()[0]
    finally:
        con.close()


def test_init():
    db, r = fresh_db()
    eq(r.rc, 0, "opora init exit status (%r)" % r)
    check(os.path.exists(db), "init made no database")
    check(ADMIN_EMAIL in r.out + r.err, "init does not say whom it made: %r" % r)
    r2 = opora("init", "--db", db, "--admin-email", "x@example.com", "--admin-password",
               "another-pass-1")
    check(r2.rc != 0 and r2.err.strip(), "init over an existing database: %r" % r2)
    d = new_dir("cli")
    r3 = opora("init", "--db", os.path.join(d, "x.db"), "--admin-password", "pw-long-enough")
    check(r3.rc != 0 and r3.err.strip(), "init without --admin-email: %r" % r3)
    r4 = opora("init", "--db", os.path.join(d, "y.db"), "--admin-email", "a@example.com",
               "--admin-password", "short")
    check(r4.rc != 0 and r4.err.strip(), "init with a too short password: %r" % r4)


def test_help_and_version():
    for argv in (("help",), ("--help",)):
        r = opora(*argv)
        eq(r.rc, 0, "opora %s exit status (%r)" % (argv[0], r))
        text = r.out + r.err
        for cmd in COMMANDS:
            check(cmd in text, "%s does not list %s: %r" % (argv[0], cmd, text))
    for cmd in COMMANDS:
        r = opora(cmd, "--help")
        eq(r.rc, 0, "opora %s --help exit status (%r)" % (cmd, r))
        check(len((r.out + r.err).strip()) > 10, "opora %s --help says nothing" % cmd)
    r = opora("version")
    eq(r.rc, 0, "opora version (%r)" % r)
    check(re.match(r"^opora \d+\.\d+\.\d+", r.out), "opora version output %r" % r.out)
    r = opora("user", "--help", env={"LC_ALL": "ru_RU.UTF-8"})
    eq(r.rc, 0, "help in Russian exit status")
    check(CYRILLIC_RE.search(r.out + r.err), "opora user --help under LC_ALL=ru_RU: %r" % r)


def test_bad_flags():
    db, _ = fresh_db()
    cases = [
        ("nosuchcommand",),
        ("user", "add", "--db", db, "--email", "a@example.com", "--bogus", "1"),
        ("user", "frobnicate", "--db", db),
        ("user", "add", "--db", db),  # no --email
        ("user", "add", "--db", db, "--email", "b@example.com", "--role", "king"),
        ("user", "add", "--db", db, "--email", "c@example.com", "--role", "agent", "--level",
         "guru"),
        ("serve", "--db", db, "--threads", "0"),
        ("serve", "--db", db, "--threads", "many"),
        ("serve", "--db", db, "--listen"),  # missing argument
        ("serve", "--db", os.path.join(new_dir("cli"), "missing.db"), "--listen", "127.0.0.1:0"),
        ("token",),
        ("token", "create", "--db", db),  # no --user
        ("token", "create", "--db", db, "--user", "nobody@example.com"),
        ("backup", "--db", db),  # no --to
        ("migrate", "--db", os.path.join(new_dir("cli"), "none.db")),
        ("demo", "--db", os.path.join(new_dir("cli"), "d.db"), "--tickets", "0"),
        ("demo", "--db", os.path.join(new_dir("cli"), "d.db"), "--tickets", "ten"),
        ("version", "--frobnicate"),
    ]
    bad = []
    for argv in cases:
        try:
            r = opora(*argv, timeout=60)
        except Failure as e:  # crashed
            bad.append(str(e))
            continue
        if r.rc == 0 or not r.err.strip():
            bad.append(repr(r))
    check(not bad, "bad invocations that did not fail cleanly with a message:\n  " +
          "\n  ".join(bad))
    r = opora("user", "add", "--db", db, "--email", "a@example.com", "--bogus", "1")
    check("--bogus" in r.err, "the message does not name the bad flag: %r" % r.err)


def test_user_add_list_passwd_and_token():
    db, _ = fresh_db()
    email = uniq("cli") + "@example.com"
    r = opora("user", "add", "--db", db, "--email", email, "--name", "Cli Agent", "--role", "agent",
              "--level", "junior", "--password", "first-pass-1")
    eq(r.rc, 0, "user add (%r)" % r)
    check(email in r.out, "user add prints the user: %r" % r.out)
    r = opora("user", "add", "--db", db, "--email", email, "--name", "Again", "--role", "agent",
              "--level", "junior", "--password", "first-pass-1")
    check(r.rc != 0 and r.err.strip(), "user add of a taken email: %r" % r)
    cust = uniq("clic") + "@example.com"
    eq(opora("user", "add", "--db", db, "--email", cust, "--name", "Клиент").rc, 0, "add customer")
    r = opora("user", "list", "--db", db)
    eq(r.rc, 0, "user list (%r)" % r)
    check(any(email in l and "agent" in l and "junior" in l for l in r.out.splitlines()),
          "user list lacks the agent: %r" % r.out)
    check(any(cust in l and "customer" in l and "Клиент" in l for l in r.out.splitlines()),
          "user list lacks the customer: %r" % r.out)
    check(any(ADMIN_EMAIL in l and "admin" in l for l in r.out.splitlines()),
          "user list lacks the admin: %r" % r.out)
    r = opora("user", "list", "--db", db, "--role", "customer")
    eq(r.rc, 0, "user list --role")
    check(cust in r.out and email not in r.out, "user list --role customer: %r" % r.out)
    r = opora("user", "passwd", "--db", db, "--email", email, "--password", "second-pass-2")
    eq(r.rc, 0, "user passwd (%r)" % r)
    r = opora("user", "passwd", "--db", db, "--email", "ghost@example.com", "--password",
              "second-pass-2")
    check(r.rc != 0 and r.err.strip(), "passwd of an unknown user: %r" % r)
    r = opora("user", "passwd", "--db", db, "--email", email, "--password", "short")
    check(r.rc != 0 and r.err.strip(), "passwd with a short password: %r" % r)
    r = opora("token", "create", "--db", db, "--user", email, "--name", "ci")
    eq(r.rc, 0, "token create (%r)" % r)
    tok = r.out.strip()
    check(re.match(r"^opo_\S+$", tok), "token create printed %r" % r.out)

    srv = Server("cli-serve", db=db, init=False).start()
    try:
        anon = srv.client()
        expect_err(anon.post("/auth/login", {"email": email, "password": "first-pass-1"}), 401,
                   what="the old password after opora user passwd")
        expect(anon.post("/auth/login", {"email": email, "password": "second-pass-2"}), 200,
               what="the new password after opora user passwd")
        me = expect(srv.client(token=tok).get("/me"), 200, what="a token from opora token create")
        eq((me["email"], me["role"], me["level"]), (email, "agent", "junior"), "the token's user")
        # what the CLI did is in the log, via cli
        admin = srv.client()
        expect(admin.login(ADMIN_EMAIL, ADMIN_PASSWORD), 200)
        evs = expect(admin.get("/events", query={"limit": 10000}), 200)["events"]
        mine = [e for e in evs if e["entity"] == "user" and e["entity_id"] == me["id"]]
        check(mine, "no events of the user made by opora user add")
        eq({e["via"] for e in mine}, {"cli"}, "via of opora user add / passwd")
        # a token made while the server runs works at once
        r = opora("token", "create", "--db", db, "--user", cust, "--name", "live")
        eq(r.rc, 0, "token create while serving (%r)" % r)
        eq(expect(srv.client(token=r.out.strip()).get("/me"), 200)["email"], cust, "live token")
    finally:
        srv.stop()


def test_backup_and_migrate():
    srv = Server("cli-backup").start()
    try:
        anon = srv.client()
        expect(anon.login(ADMIN_EMAIL, ADMIN_PASSWORD), 200)
        tok = expect(anon.post("/me/tokens", {"name": "t"}), 201)["token"]
        admin = srv.client(token=tok)
        for i in range(12):
            expect(admin.post("/tickets", {"subject": "backup %d" % i,
                                           "requester": {"email": "b%d@example.com" % i}}), 201)
        n = expect(admin.get("/tickets/count"), 200)["count"]
        to = os.path.join(srv.dir, "copy.db")
        r = opora("backup", "--db", srv.db, "--to", to)
        if srv.db.startswith("postgres"):
            # PostgreSQL is backed up with its own tools: a clear refusal
            eq(r.rc, 1, "backup of a PostgreSQL database (%r)" % r)
            check("pg_dump" in r.err and not os.path.exists(to), "says how: %r" % r.err)
            r = opora("migrate", "--db", srv.db)
            eq(r.rc, 0, "migrate of the live database (%r)" % r)
            return
        eq(r.rc, 0, "backup while the server runs (%r)" % r)
        eq(ticket_count(to), n, "tickets in the copy")
        r = opora("backup", "--db", srv.db, "--to", to)
        check(r.rc != 0 and r.err.strip(), "backup over an existing file: %r" % r)
        eq(ticket_count(to), n, "the copy after a refused second backup")
        r = opora("migrate", "--db", to)
        eq(r.rc, 0, "migrate of the copy (%r)" % r)
        check(r.err.strip() or r.out.strip(), "migrate says nothing")
        r = opora("migrate", "--db", srv.db)
        eq(r.rc, 0, "migrate of the live database (%r)" % r)
        expect(admin.get("/tickets/count"), 200, what="server after migrate")
    finally:
        srv.stop()
    copy = Server("cli-copy", db=to, init=False).start()
    try:
        anon = copy.client()
        expect(anon.login(ADMIN_EMAIL, ADMIN_PASSWORD), 200, what="login on the copy")
        tok = expect(anon.post("/me/tokens", {"name": "t"}), 201)["token"]
        eq(expect(copy.client(token=tok).get("/tickets/count"), 200)["count"], n,
           "count served from the copy")
    finally:
        copy.stop()


def test_demo():
    d = new_dir("cli")
    db = os.path.join(d, "demo.db")
    r = opora("demo", "--db", db, "--tickets", "40", "--customers", "10", "--organizations", "3",
              timeout=300)
    eq(r.rc, 0, "opora demo (%r)" % r)
    eq(ticket_count(db), 40, "tickets made by demo")
    r = opora("demo", "--db", db, "--tickets", "5", "--customers", "2")
    check(r.rc != 0 and r.err.strip(), "demo over an existing database without --force: %r" % r)
    eq(ticket_count(db), 40, "the demo database after a refused demo")


def test_demo_follows_the_test_clock():
    """OPORA_TEST_CLOCK pins the demo's dates: the same seed and clock make
    the same event log twice, and nothing happens after the clock."""
    d = new_dir("cli-demo-clock")
    clock = os.path.join(d, "now")
    now_ms = 1_736_935_200_000  # 2025-01-15 10:00 UTC, far from the wall clock
    with open(clock, "w") as f:
        f.write(str(now_ms))
    logs = []
    for name in ("a.db", "b.db"):
        db = os.path.join(d, name)
        r = opora("demo", "--db", db, "--tickets", "30", "--customers", "8", "--organizations",
                  "2", env={"OPORA_TEST_CLOCK": clock}, timeout=300)
        eq(r.rc, 0, "opora demo (%r)" % r)
        c = sqlite3.connect(db)
        logs.append(c.execute("SELECT group_concat(kind || ':' || at, ',') FROM "
                              "(SELECT kind, at FROM events ORDER BY id)").fetchone()[0])
        newest = c.execute("SELECT max(at) FROM events").fetchone()[0]
        c.close()
        check(now_ms - 100 * 86400_000 < newest <= now_ms,
              "the demo's events end by the test clock: %r" % newest)
    eq(logs[0], logs[1], "the same event log twice")


def test_cli_messages_follow_the_locale():
    db, _ = fresh_db()
    argv = ("user", "add", "--db", db, "--email", "x@example.com", "--role", "king")
    r = opora(*argv, env={"LC_ALL": "ru_RU.UTF-8"})
    check(r.rc != 0 and CYRILLIC_RE.search(r.err), "a refusal under LC_ALL=ru_RU: %r" % r)
    r = opora(*argv, env={"LC_ALL": "C", "LANG": "C"})
    check(r.rc != 0 and r.err.strip() and not CYRILLIC_RE.search(r.err),
          "a refusal under LC_ALL=C: %r" % r)
