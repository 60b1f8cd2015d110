"""Two nodes on one database, and a node that dies holding work: the SLA
timers it had claimed stay untouched while its leases run, then the other
node takes them over and fires each exactly once. Runs on the database of
OPORA_IT_DB (SQLite file or PostgreSQL); the leases of the dead node are
written behind the store's back, as the node would have left them."""

import calendar as _cal
import json
import os
import socket
import sqlite3
import subprocess
import time

from harness import (Failure, Server, World, check, eq, expect, new_dir, uniq, SLOW, TIMEOUT)

MSK = 3 * 3600 * 1000


def ms(y, mo, d, h, mi):
    return _cal.timegm((y, mo, d, h, mi, 0)) * 1000 - MSK


def _write(path, t):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(int(t)))
    os.replace(tmp, path)


def plant_leases(db, ids, owner, until):
    """Marks the tickets' timers as claimed by owner until `until`."""
    sql = ("UPDATE ticket_sla_due SET lease_owner = '%s', lease_until = %d WHERE ticket_id IN (%s)"
           % (owner, until, ",".join(str(i) for i in ids)))
    if db.startswith("postgres"):
        r = subprocess.run(["psql", db, "-q", "-c", sql], capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure("psql: %s" % r.stderr)
        return
    con = sqlite3.connect(db, timeout=10)
    try:
        con.execute(sql)
        con.commit()
    finally:
        con.close()


def verdicts(c, tid):
    evs = expect(c.get("/tickets/%d/events" % tid, query={"limit": 1000}), 200)["events"]
    return sorted(e["kind"] for e in evs if e["kind"].startswith("sla_"))


def test_dead_node_leases_are_taken_over():
    clock = os.path.join(new_dir("nodes-clock"), "now")
    t0 = ms(2026, 3, 12, 9, 0)  # a Thursday, 9:00 in Moscow: working hours
    _write(clock, t0)
    env = {"OPORA_TEST_CLOCK": clock}
    w = World("nodes", env=env)
    two = None
    try:
        cal = expect(w.admin.post("/calendars", {"name": uniq("Moscow "),
                                                 "preset": "ru-production"}), 201)
        expect(w.admin.post("/sla/policies", {
            "name": uniq("Nodes "), "position": 0, "conditions": {"priorities": ["high"]},
            "targets": {"first_response": {"minutes": 60}}, "calendar_id": cal["id"],
            "warn_percent": 80}), 201)
        cust = w.user("customer", name="Nodes Client")
        ids = [w.ticket(requester=cust, priority="high")["id"] for _ in range(12)]

        # the second node; then the first dies with half of the timers claimed
        two = Server("nodes-2", env=env, db=w.srv.db, files_dir=w.srv.files_dir,
                     init=False).start()
        c = two.client(token=w.admin.token)
        w.srv.kill()
        dead, mine = ids[:6], ids[6:]
        lease_until = ms(2026, 3, 12, 9, 55)
        plant_leases(w.srv.db, dead, "dead-node", lease_until)

        _write(clock, ms(2026, 3, 12, 9, 50))  # past every warning (48 min)
        end = time.time() + (60 if SLOW else 20)
        while time.time() < end and not all(verdicts(c, t) for t in mine):
            time.sleep(0.1)
        for t in mine:
            eq(verdicts(c, t), ["sla_warning"], "ticket %d: warned by the live node" % t)
        time.sleep(1.5)  # several ticks of the timer job
        for t in dead:
            eq(verdicts(c, t), [], "ticket %d: untouched while the dead node's lease runs" % t)

        _write(clock, lease_until + 1000)  # the lease ran out
        end = time.time() + (60 if SLOW else 20)
        while time.time() < end and not all(verdicts(c, t) for t in dead):
            time.sleep(0.1)
        time.sleep(1.0)
        for t in ids:
            eq(verdicts(c, t), ["sla_warning"], "ticket %d: warned exactly once" % t)
        failed = [l for l in two.lines() if "job failed" in l]
        eq(failed, [], "no job failed on the live node")
    finally:
        if two:
            two.stop()
        w.srv.kill()


def live(srv, cookie, ticket_id, last=None):
    """GET /live answered at once (the path over the cap): (status, body)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        hdrs = {"Cookie": "opora_session=" + cookie}
        if last is not None:
            hdrs["Last-Event-ID"] = str(last)
        conn.request("GET", "/live?ticket=%d" % ticket_id, headers=hdrs)
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


class Sse:
    """A held-open GET /live over a raw socket (HTTP/1.1, chunked), parsed
    into Server-Sent Events as they arrive."""

    def __init__(self, srv, cookie, ticket_id=0, last=None):
        self.sock = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
        path = "/live" + ("?ticket=%d" % ticket_id if ticket_id else "")
        hdrs = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1", "Accept: text/event-stream",
                "Cookie: opora_session=" + cookie]
        if last is not None:
            hdrs.append("Last-Event-ID: %s" % last)
        self.sock.sendall(("\r\n".join(hdrs) + "\r\n\r\n").encode())
        self.raw = b""      # bytes received, not yet decoded
        self.body = ""      # the decoded body, not yet parsed into events
        self.events = []    # every event so far: dicts with event/data/id, or comment
        self.closed = False
        while b"\r\n\r\n" not in self.raw:
            self._recv(TIMEOUT)
            check(not self.closed, "the stream closed before its headers")
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"

    def _recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            b = self.sock.recv(65536)
        except socket.timeout:
            return
        if not b:
            self.closed = True
        self.raw += b

    def _decode(self):
        if not self.chunked:
            self.body += self.raw.decode()
            self.raw = b""
            return
        while b"\r\n" in self.raw:
            size_line, rest = self.raw.split(b"\r\n", 1)
            n = int(size_line.split(b";")[0], 16)
            if len(rest) < n + 2:
                return
            self.body += rest[:n].decode()
            self.raw = rest[n + 2:]
            if n == 0:
                self.closed = True

    def _parse(self):
        while "\n\n" in self.body:
            block, self.body = self.body.split("\n\n", 1)
            ev = {}
            for line in block.split("\n"):
                if line.startswith(":"):
                    ev["comment"] = line[1:].strip()
                elif ":" in line:
                    k, v = line.split(":", 1)
                    ev[k] = v[1:] if v.startswith(" ") else v
            self.events.append(ev)

    def wait(self, pred, timeout):
        """The first new event for which pred is true, reading for up to
        timeout seconds; None when none came."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for ev in self.events[seen:]:
                if pred(ev):
                    self.events = self.events[self.events.index(ev) + 1:]
                    return ev
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return None
            self._recv(left)
            self._decode()
            self._parse()

    def drain(self, seconds):
        """Every event that comes within seconds."""
        self.wait(lambda ev: False, seconds)
        evs, self.events = self.events, []
        return evs

    def close(self):
        self.sock.close()


def is_ticket(tid):
    return lambda ev: ev.get("event") == "ticket" and ev.get("data") == str(tid)


def test_live_stream_reaches_a_page_on_the_other_node():
    """An agent's page is open on node two, its /live held open; replies
    written through node one reach it within a second each, on the same
    connection, with the queue counts."""
    w = World("live-nodes")
    two = None
    try:
        g = w.group("l1")
        agent = w.user("agent", groups=[g["id"]])
        t = w.ticket(group_id=g["id"])
        two = Server("live-node2", db=w.srv.db, files_dir=w.srv.files_dir, init=False).start()
        browser = two.client()
        expect(browser.login(agent.user["email"], "password-123"), 200, what="login on node two")
        es = Sse(two, browser.cookie, t["id"])
        eq(es.status, 200, "/live on node two")
        check(es.headers.get("content-type", "").startswith("text/event-stream"), "an SSE stream")
        first = es.wait(lambda ev: "id" in ev, 5)
        check(first is not None and first.get("retry") == "3000", "retry and id first: %r" % first)
        check(not es.drain(0.8), "nothing moved yet")
        for n in range(2):
            expect(w.admin.post("/tickets/%d/comments" % t["id"],
                                {"body": "From node one %d" % n, "public": True}), 201)
            t0 = time.monotonic()
            ev = es.wait(is_ticket(t["id"]), 5)
            took = time.monotonic() - t0
            check(ev is not None, "reply %d reached node two's stream: %r" % (n, es.events))
            check(took < (3.0 if SLOW else 1.0), "reply %d within a second (%.2f s)" % (n, took))
        check(not es.closed, "the same connection all along")
        # counts came with them, and a later change brings new counts
        expect(w.admin.post("/tickets", {"subject": uniq("Counted "), "group_id": g["id"],
                                         "requester": {"email": uniq("r") + "@example.com",
                                                       "name": "R"}}), 201)
        ev = es.wait(lambda ev: ev.get("event") == "counts", 5)
        check(ev is not None, "counts pushed to staff")
        check(json.loads(ev["data"]).get("group", 0) >= 2, "the group view counts: %r" % ev)
        es.close()
    finally:
        if two:
            two.stop()
        w.finish()


def test_live_stream_survives_a_lost_listen_connection():
    """PostgreSQL: the LISTEN connection of every node is killed (as a
    database restart or a network cut does). Node two reconnects with
    back-off, catches up with what was committed meanwhile, and its open
    stream goes on. (SQLite has no LISTEN: nothing to test there.)"""
    w = World("live-listen")
    if not w.srv.db.startswith("postgres"):
        w.finish()
        return
    two = None
    try:
        g = w.group("l1")
        agent = w.user("agent", groups=[g["id"]])
        t = w.ticket(group_id=g["id"])
        two = Server("live-listen2", db=w.srv.db, files_dir=w.srv.files_dir, init=False).start()
        browser = two.client()
        expect(browser.login(agent.user["email"], "password-123"), 200, what="login on node two")
        es = Sse(two, browser.cookie, t["id"])
        check(es.wait(lambda ev: "id" in ev, 5) is not None, "the stream opened")
        expect(w.admin.post("/tickets/%d/comments" % t["id"], {"body": "before", "public": True}),
               201)
        check(es.wait(is_ticket(t["id"]), 5) is not None, "a reply reached node two first")
        r = subprocess.run(["psql", "-qAt", w.srv.db, "-c",
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE application_name = 'opora-listen' "
                            "AND datname = current_database()"],
                           capture_output=True, text=True, timeout=30)
        eq(r.stdout.strip(), "2", "both nodes' LISTEN connections killed (%r)" % r.stderr)
        # committed while nobody listens: delivered once node two listens again
        expect(w.admin.post("/tickets/%d/comments" % t["id"], {"body": "meanwhile", "public": True}),
               201)
        ev = es.wait(is_ticket(t["id"]), 10)
        check(ev is not None, "the reply committed meanwhile reached node two: %r" % es.events)
        check(two.wait_for_lines(lambda ls: [l for l in ls if "listening to the database again" in l],
                                 timeout=10), "node two says it listens again")
        # and it is live again: a reply within a second
        expect(w.admin.post("/tickets/%d/comments" % t["id"], {"body": "after", "public": True}), 201)
        t0 = time.monotonic()
        check(es.wait(is_ticket(t["id"]), 5) is not None, "a reply after the reconnect")
        took = time.monotonic() - t0
        check(took < (3.0 if SLOW else 1.0), "live again: %.2f s" % took)
        check(not es.closed, "the same stream all along")
        es.close()
    finally:
        if two:
            two.stop()
        w.finish()


def test_live_stream_customer_sees_only_own_ticket():
    """A customer's stream gets the ticket event for their own request, never
    counts, and nothing for a ticket that is not theirs."""
    w = World("live-cust")
    try:
        cust = w.user("customer", name="Live Client")
        own = w.ticket(requester=cust)
        other = w.ticket()
        browser = w.srv.client()
        expect(browser.login(cust.user["email"], "password-123"), 200, what="customer login")
        mine = Sse(w.srv, browser.cookie, own["id"])
        eq(mine.status, 200, "a customer may listen")
        theirs = Sse(w.srv, browser.cookie, other["id"])
        eq(theirs.status, 200, "a stream for another ticket opens (and tells nothing)")
        check(mine.wait(lambda ev: "id" in ev, 5) and theirs.wait(lambda ev: "id" in ev, 5),
              "both start with an id")
        expect(w.admin.post("/tickets/%d/comments" % other["id"],
                            {"body": "Not yours", "public": True}), 201)
        expect(w.admin.post("/tickets/%d/comments" % own["id"],
                            {"body": "Yours", "public": True}), 201)
        check(mine.wait(is_ticket(own["id"]), 5) is not None, "own ticket's event: %r" % mine.events)
        evs = theirs.drain(1.5) + mine.drain(0.5)
        check(not [e for e in evs if e.get("event") in ("ticket", "counts")],
              "no counts, nothing of another's ticket: %r" % evs)
        mine.close()
        theirs.close()
    finally:
        w.finish()


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def let_go(w, t, pid, fd_max, what, min_pokes=0):
    """Changes wake every stream; writing to a peer that has gone fails (the
    first write may still be taken by the kernel) and the server lets go.
    Waits until the server holds at most fd_max descriptors."""
    end = time.monotonic() + (30 if SLOW else 10)
    n = 0
    while time.monotonic() < end and (fds(pid) > fd_max or n < min_pokes):
        expect(w.admin.post("/tickets/%d/comments" % t["id"],
                            {"body": "%s %d" % (what, n), "public": True}), 201)
        n += 1
        time.sleep(0.7)
    check(fds(pid) <= fd_max, "descriptors back after %s: %d (want <= %d)"
          % (what, fds(pid), fd_max))


def test_live_streams_many_open_and_closed():
    """200 streams opened and dropped leave no descriptors behind; streams
    still open do not hold up a SIGTERM; past the cap /live answers at once
    with the retry hint."""
    w = World("live-many", env={"OPORA_LIVE_STREAMS": "200"})
    try:
        agent = w.user("agent")
        t = w.ticket()
        browser = w.srv.client()
        expect(browser.login(agent.user["email"], "password-123"), 200, what="agent login")
        pid = w.srv.proc.pid
        fd_idle = fds(pid)
        warm = [Sse(w.srv, browser.cookie, t["id"]) for _ in range(20)]
        for s in warm:
            s.wait(lambda ev: "id" in ev, 5)
            s.close()
        # (pooled database connections may open; every warm stream must be gone)
        let_go(w, t, pid, fd_idle + 10, "warm-up", min_pokes=5)
        fd0, rss0 = fds(pid), rss_kb(pid)
        for round_ in range(2):
            streams = [Sse(w.srv, browser.cookie, t["id"]) for _ in range(200)]
            check(all(s.status == 200 for s in streams), "200 streams open")
            for s in streams:
                check(s.wait(lambda ev: "id" in ev, 5) is not None, "each stream started")
            check(fds(pid) >= fd0 + 200, "each stream holds its connection")
            check(not any(s.closed for s in streams), "all 200 held open (the cap)")
            # over the cap: the answer at once, with the retry hint
            status, body = live(w.srv, browser.cookie, t["id"])
            eq(status, 200, "over the cap: still answered")
            check(body.startswith("retry: 3000\n"), "retry: %r" % body)
            for s in streams:
                s.close()
            # (the first round may open a few more pooled database connections)
            let_go(w, t, pid, fd0 + 10 if round_ == 0 else fd_round0 + 2, "round %d" % round_)
            fd_round0 = fds(pid)
        rss1 = rss_kb(pid)
        # (under ASan freed memory sits in its quarantine; leaks are what
        # LeakSanitizer reports at the stop below)
        if not SLOW:
            check(rss1 < rss0 + 64 * 1024, "RSS stable: %d kB after, %d kB before" % (rss1, rss0))
        # open streams do not delay a stop
        held = [Sse(w.srv, browser.cookie, t["id"]) for _ in range(50)]
        for s in held:
            s.wait(lambda ev: "id" in ev, 5)
        t0 = time.monotonic()
        w.srv.stop()
        took = time.monotonic() - t0
        check(took < (10 if SLOW else 3), "stopped promptly with 50 streams open (%.2f s)" % took)
        for s in held:
            s.wait(lambda ev: False, 2)
            check(s.closed, "each stream ended by the stop")
            s.close()
    finally:
        w.srv.kill()


def test_live_revocation_bites_on_every_node():
    """A token used (and so cached) on node two, revoked through node one, is
    refused on node two at once on PostgreSQL (NOTIFY opora_auth), and within
    the cache's second on SQLite (no push between processes)."""
    w = World("live-auth")
    two = None
    try:
        agent = w.user("agent")
        tok = expect(agent.post("/me/tokens", {"name": "two"}), 201)
        two = Server("live-auth2", db=w.srv.db, files_dir=w.srv.files_dir, init=False).start()
        c2 = two.client(token=tok["token"])
        for _ in range(3):
            expect(c2.get("/me"), 200, what="the token works on node two")
        expect(agent.delete("/me/tokens/%d" % tok["id"]), 204, what="revoke on node one")
        t0 = time.monotonic()
        pg = w.srv.db.startswith("postgres")
        limit = (1.5 if SLOW else 0.5) if pg else 2.5
        while c2.get("/me").status == 200 and time.monotonic() - t0 < 5:
            time.sleep(0.02)
        took = time.monotonic() - t0
        eq(c2.get("/me").status, 401, "refused on node two")
        check(took < limit, "refused on node two after %.2f s (want < %.1f)" % (took, limit))
    finally:
        if two:
            two.stop()
        w.finish()
