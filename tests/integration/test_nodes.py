"""Two nodes on one database, and a node that dies holding work: the SLA
timers it had claimed stay untouched while its leases run, then the other
node takes them over and fires each exactly once. Runs on the database of
OPORA_IT_DB (SQLite file or PostgreSQL); the leases of the dead node are
written behind the store's back, as the node would have left them."""

import calendar as _cal
import os
import sqlite3
import subprocess
import time

from harness import (Failure, Server, World, check, eq, expect, new_dir, uniq, SLOW)

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
    """GET /live on a node as the session's user: (status, body)."""
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


def test_live_update_reaches_a_page_on_the_other_node():
    """An agent's page is open on node two; a reply is written through node
    one: the page's /live on node two says its ticket moved."""
    w = World("live-nodes")
    two = None
    try:
        g = w.group("l1")
        agent = w.user("agent", groups=[g["id"]])
        t = w.ticket(group_id=g["id"])
        two = Server("live-node2", db=w.srv.db, files_dir=w.srv.files_dir, init=False).start()
        browser = two.client()
        expect(browser.login(agent.user["email"], "password-123"), 200, what="login on node two")
        status, body = live(two, browser.cookie, t["id"])
        eq(status, 200, "/live on node two")
        first = int([l for l in body.splitlines() if l.startswith("id: ")][0][4:])
        status, body = live(two, browser.cookie, t["id"], last=first)
        check("event: ticket" not in body, "nothing moved yet: %r" % body)
        # a reply through node one
        expect(w.admin.post("/tickets/%d/comments" % t["id"], {"body": "From node one",
                                                               "public": True}), 201)
        status, body = live(two, browser.cookie, t["id"], last=first)
        check("event: ticket\ndata: %d" % t["id"] in body, "node two sees it: %r" % body)
        check("event: counts" in body, "and the queue counts: %r" % body)
    finally:
        if two:
            two.stop()
        w.finish()
