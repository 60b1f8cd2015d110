"""KPI reports through the API with the server's clock in a file
(OPORA_TEST_CLOCK): tickets acted on at set times, then the March report
checked number by number (worked out below), by agent, by day in another
time zone, as CSV; the backlog and its ages; who may see what; bad input.

Times are UTC. One SLA policy: first response within 60 min in calendar
time (no calendar), so business time equals calendar time here.

  T5  Fri 27 Feb 10:00 customer creates
      Mon  2 Mar 09:20 A takes it (group L1), 09:25 A replies, 09:30 A solves
      FRT 4285 min (3 days - 35 min), resolution = wait = 4290, AHT 15
      (capped) + 5 + 5 = 25; FCR; SLA first response breached (by the timer)
  T1  Mon  2 Mar 10:00 customer creates; 10:10 A takes it; 10:30 A replies;
      10:40 A solves: FRT 30, resolution = wait = 40, AHT 10 + 15 + 10 = 35;
      FCR; SLA met
  T2  11:00 created; 11:05 A takes it; 11:20 A replies; 11:25 A: pending;
      13:00 customer writes (back to open); 13:30 A replies; 13:35 A solves;
      Tue 3 Mar 09:00 customer writes (reopened); 09:20 A replies; 09:25 A
      solves. FRT 20; resolution 22 h 25 min = 1345; wait 25 + 35 + 25 = 85;
      next response 30 and 20 (n 2, mean 25); AHT 5 + 15 + 5 + 15 + 5 + 15 +
      5 = 65; reopened; SLA met
  T3  12:00 created; 12:05 A takes it; 12:15 A escalates to L2; 12:30 B hands
      it back; 12:45 A replies; 12:50 A takes it again and solves: FRT 45,
      resolution = wait = 50, AHT 5 + 10 + 15 + 15 + 5 = 50; escalated l1>l2,
      handed back; SLA met
  T4  Tue 31 Mar 23:00 created (01 Apr 02:00 in Moscow); Wed 1 Apr 08:00 A
      takes it and replies: never solved
  B   online 10:00-10:06 on 2 March: 6 min. Z: an agent with no tickets.

March (UTC), all credited to A: created 4 (T1-T4), solved 4 (T5, T1, T2,
T3), reopened 1, escalated l1>l2 1, handed back 1, FCR 2 of 4 (T5, T1).
FRT 20, 30, 45, 4285: median 37.5 min, mean 1095 min, p90 4285 min.
Resolution 40, 50, 1345, 4290: median 697.5, mean 1431.25, p90 4290 min.
Wait 40, 50, 85, 4290: median 67.5, mean 1116.25, p90 4290 min.
AHT 25, 35, 50, 65: median 42.5, mean 43.75, p90 65 min.
SLA first response: met 3, breached 1, compliance 0.75.
"""

import calendar as _cal
import csv
import io
import os
import time

from harness import World, check, eq, expect, expect_err, new_dir, opora, uniq, SLOW

MIN = 60 * 1000


def ms(y, mo, d, h=0, mi=0):
    return _cal.timegm((y, mo, d, h, mi, 0)) * 1000


class Ctx:
    pass


def _write(path, t):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(int(t)))
    os.replace(tmp, path)


def wait_for(what, fn, timeout=None):
    end = time.time() + (timeout or (40 if SLOW else 15))
    last = None
    while time.time() < end:
        ok, last = fn()
        if ok:
            return last
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s; last: %r" % (what, last))


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("kpi-clock"), "now")
    x.set = lambda t: _write(x.clock, t)
    x.set(ms(2026, 2, 27, 9, 0))
    x.w = w = World("kpi", env={"OPORA_TEST_CLOCK": x.clock})
    x.l1 = w.group("l1", name=uniq("KPI L1 "))
    x.l2 = w.group("l2", name=uniq("KPI L2 "))
    x.cust = w.user("customer", name="Kira Customer")
    x.a = w.user("agent", level="junior", name="Anna KPI", groups=[x.l1["id"]])
    x.b = w.user("agent", level="middle", name="Boris KPI", groups=[x.l2["id"]])
    x.z = w.user("agent", level="junior", name="Zoe Idle", groups=[x.l1["id"]])
    x.lead = w.user("lead", level="senior", name="Lev Lead")
    expect(w.admin.post("/sla/policies", {
        "name": uniq("KPI FR "), "position": 1,
        "targets": {"first_response": {"minutes": 60, "business": False}},
        "breach_actions": []}), 201, what="policy")
    x.t = {}
    run_scenario(x)
    return x


def teardown(x):
    x.w.finish()


def take(x, tid, **extra):
    body = {"group_id": x.l1["id"], "assignee_id": x.a.user["id"]}
    body.update(extra)
    expect(x.a.patch("/tickets/%d" % tid, body), 200, what="take ticket")


def say(who, tid, public=True, body="Hello"):
    expect(who.post("/tickets/%d/comments" % tid, {"body": body, "public": public}), 201,
           what="comment")


def status(x, tid, st, **extra):
    body = {"status": st}
    body.update(extra)
    expect(x.a.patch("/tickets/%d" % tid, body), 200, what="status " + st)


def has_event(x, tid, kind):
    evs = x.w.events(tid)
    return any(e["kind"] == kind for e in evs), [e["kind"] for e in evs]


def run_scenario(x):
    w, t = x.w, x.t
    x.set(ms(2026, 2, 27, 10, 0))
    t[5] = w.ticket(by=x.cust, description="old one")["id"]
    # let the timer record the breach before anyone acts (the gap AHT measures)
    x.set(ms(2026, 3, 2, 9, 0))
    wait_for("the T5 breach", lambda: has_event(x, t[5], "sla_breached"))
    x.set(ms(2026, 3, 2, 9, 20))
    take(x, t[5])
    x.set(ms(2026, 3, 2, 9, 25))
    say(x.a, t[5])
    x.set(ms(2026, 3, 2, 9, 30))
    status(x, t[5], "solved")

    x.set(ms(2026, 3, 2, 10, 0))
    t[1] = w.ticket(by=x.cust, description="printer")["id"]
    expect(x.b.request("PUT", "/me/presence", {"status": "online"}), 200, what="B online")
    x.set(ms(2026, 3, 2, 10, 6))
    expect(x.b.request("PUT", "/me/presence", {"status": "offline"}), 200, what="B offline")
    x.set(ms(2026, 3, 2, 10, 10))
    take(x, t[1])
    x.set(ms(2026, 3, 2, 10, 30))
    say(x.a, t[1])
    x.set(ms(2026, 3, 2, 10, 40))
    status(x, t[1], "solved")

    x.set(ms(2026, 3, 2, 11, 0))
    t[2] = w.ticket(by=x.cust, description="mail")["id"]
    x.set(ms(2026, 3, 2, 11, 5))
    take(x, t[2])
    x.set(ms(2026, 3, 2, 11, 20))
    say(x.a, t[2])
    x.set(ms(2026, 3, 2, 11, 25))
    status(x, t[2], "pending")

    x.set(ms(2026, 3, 2, 12, 0))
    t[3] = w.ticket(by=x.cust, description="vpn")["id"]
    x.set(ms(2026, 3, 2, 12, 5))
    take(x, t[3])
    x.set(ms(2026, 3, 2, 12, 15))
    expect(x.a.post("/tickets/%d/escalate" % t[3], {"group_id": x.l2["id"], "reason": "L2"}),
           200, what="escalate")
    x.set(ms(2026, 3, 2, 12, 30))
    expect(x.b.post("/tickets/%d/handback" % t[3], {"reason": "not ours"}), 200,
           what="hand back")
    x.set(ms(2026, 3, 2, 12, 45))
    say(x.a, t[3])
    x.set(ms(2026, 3, 2, 12, 50))
    status(x, t[3], "solved", assignee_id=x.a.user["id"])

    x.set(ms(2026, 3, 2, 13, 0))
    say(x.cust, t[2], body="Logs")
    x.set(ms(2026, 3, 2, 13, 30))
    say(x.a, t[2])
    x.set(ms(2026, 3, 2, 13, 35))
    status(x, t[2], "solved")
    x.set(ms(2026, 3, 3, 9, 0))
    say(x.cust, t[2], body="Again broken")
    x.set(ms(2026, 3, 3, 9, 20))
    say(x.a, t[2])
    x.set(ms(2026, 3, 3, 9, 25))
    status(x, t[2], "solved")

    x.set(ms(2026, 3, 31, 23, 0))
    t[4] = w.ticket(by=x.cust, description="late")["id"]
    x.set(ms(2026, 4, 1, 8, 0))
    take(x, t[4])
    say(x.a, t[4])


def report(client, **q):
    return client.get("/reports/kpi", query=q)


def march(x, client=None, **q):
    q.setdefault("from", "2026-03-01")
    q.setdefault("to", "2026-03-31")
    return report(client or x.w.admin, **q)


def stat(s):
    return (s["n"], s["median_ms"], s["mean_ms"], s["p90_ms"])


EXPECT_TOTAL = {
    "created": 4, "solved": 4, "closed": 0, "reopened": 1, "reopens": 1,
    "escalated": {"l1>l2": 1, "l2>tech": 0, "other": 0}, "handed_back": 1,
}


def settled(x):
    """The report once the kpi job has caught up with every event."""
    def probe():
        d = expect(march(x), 200, what="report")
        tot = d["total"]
        got = {k: tot[k] for k in EXPECT_TOTAL}
        ok = (got == EXPECT_TOTAL and tot["sla"]["first_response"]["met"] == 3 and
              tot["next_response"]["n"] == 2)
        if ok:
            # T4 taken by A on 1 April: among the last events of the log
            rows = expect(march(x, group_by="agent"), 200)["rows"]
            ok = any(r["key"] == x.a.user["id"] and r["created"] == 4 for r in rows)
        return ok, d
    return wait_for("the KPI facts", probe)


# ---------------------------------------------------------------------------


def test_march_totals_exact(x):
    d = settled(x)
    eq(d["tz"], "UTC", "zone")
    tot = d["total"]
    for k, v in EXPECT_TOTAL.items():
        eq(tot[k], v, k)
    eq(tot["fcr"], {"count": 2, "rate": 0.5}, "first-contact resolution")
    eq(stat(tot["first_response"]["calendar"]), (4, 2250000, 65700000, 4285 * MIN), "FRT")
    eq(stat(tot["first_response"]["business"]), (4, 2250000, 65700000, 4285 * MIN),
       "FRT business = calendar without a calendar")
    eq(stat(tot["resolution"]["calendar"]), (4, 41850000, 85875000, 4290 * MIN), "resolution")
    eq(stat(tot["requester_wait"]["calendar"]), (4, 4050000, 66975000, 4290 * MIN),
       "requester wait")
    eq(tot["next_response"]["n"], 2, "next-response cycles")
    eq(tot["next_response"]["mean_calendar_ms"], 25 * MIN, "next-response mean")
    eq(stat(tot["next_response"]["worst_per_ticket"]["calendar"]),
       (1, 30 * MIN, 30 * MIN, 30 * MIN), "worst next response per ticket")
    eq(stat(tot["handling_time"]), (4, 2550000, 2625000, 65 * MIN), "AHT")
    eq(tot["sla"]["first_response"], {"met": 3, "breached": 1, "compliance": 0.75}, "SLA")
    eq(tot["sla"]["resolution"]["compliance"], None, "no resolution target: no ratio")
    eq(tot["online_ms"], 6 * MIN, "B's online time")
    eq(tot["solved_per_online_hour"], 40.0, "4 solved per 0.1 online hour")


def test_by_agent(x):
    settled(x)
    d = expect(march(x, group_by="agent"), 200)
    rows = {r["key"]: r for r in d["rows"]}
    a, b = rows[x.a.user["id"]], rows[x.b.user["id"]]
    eq(a["label"], "Anna KPI", "agent name")
    eq((a["created"], a["solved"], a["online_ms"]), (4, 4, 0), "A's counts")
    eq((b["created"], b["solved"], b["online_ms"]), (0, 0, 6 * MIN), "B: online, no tickets")
    eq(b["solved_per_online_hour"], 0.0, "B's efficiency")
    check(x.z.user["id"] not in rows, "an agent with no tickets and no presence has no row")
    # FCR under the other rule: T2 (reopened) and T3 (escalated) still fail
    d = expect(march(x, fcr="no_reopen"), 200)
    eq(d["total"]["fcr"]["count"], 2, "no_reopen FCR")


def test_period_borders_and_time_zone(x):
    settled(x)
    # Moscow: T4 was created on 1 April there; T2's final solve was on 3 March
    d = expect(march(x, group_by="day", tz="Europe/Moscow"), 200)
    eq(d["tz"], "Europe/Moscow", "zone")
    days = {r["label"]: (r["created"], r["solved"]) for r in d["rows"]}
    eq(days, {"2026-03-02": (3, 3), "2026-03-03": (0, 1)}, "by day in Moscow")
    eq(d["total"]["created"], 3, "created in March, Moscow time")
    # February: T5 was created then, solved in March
    d = expect(report(x.w.admin, **{"from": "2026-02-01", "to": "2026-02-28"}), 200)
    eq((d["total"]["created"], d["total"]["solved"]), (1, 0), "February")
    # April: T4 created, nothing solved
    d = expect(report(x.w.admin, **{"from": "2026-04-01", "to": "2026-04-30"}), 200)
    eq((d["total"]["created"], d["total"]["solved"]), (0, 0), "April in UTC")
    d = expect(report(x.w.admin, **{"from": "2026-04-01", "to": "2026-04-30",
                                    "tz": "Europe/Moscow"}), 200)
    eq(d["total"]["created"], 1, "April in Moscow")
    d = expect(march(x, group_by="month"), 200)
    eq([(r["label"], r["solved"]) for r in d["rows"]], [("2026-03", 4)], "by month")
    d = expect(march(x, group_by="tier"), 200)
    eq([(r["label"], r["solved"]) for r in d["rows"] if r["solved"]], [("l1", 4)], "by tier")


def test_csv(x):
    settled(x)
    r = march(x, group_by="agent", format="csv")
    eq(r.status, 200, "CSV status")
    check(r.headers.get("Content-Type", "").startswith("text/csv"), "CSV content type")
    text = r.raw.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    eq(rows[-1]["key"], "total", "last row is the total")
    eq(rows[-1]["solved"], "4", "total solved")
    eq(rows[-1]["first_response_calendar_median_ms"], "2250000", "median, unlocalised")
    eq(rows[-1]["sla_first_response_compliance"], "0.750000", "ratio, dot decimal")
    names = {r["label"] for r in rows[:-1]}
    check("Anna KPI" in names and "Boris KPI" in names, "agents by name: %r" % names)
    r2 = x.w.admin.request("GET", "/reports/kpi", query={"from": "2026-03-01",
                                                         "to": "2026-03-31"},
                           headers={"Accept": "text/csv"})
    check(r2.raw.decode().startswith("key,label,created,solved"), "Accept: text/csv")


def test_backlog(x):
    settled(x)
    d = expect(x.w.admin.get("/reports/backlog", query={"at": ms(2026, 4, 1, 0, 0)}), 200)
    eq(d["total"]["count"], 1, "T4 open at the start of April")
    eq(d["total"]["age"]["lt_1d"], 1, "an hour old")
    d = expect(x.w.admin.get("/reports/backlog", query={"at": ms(2026, 3, 2, 12, 10),
                                                        "group_by": "agent"}), 200)
    eq(d["total"]["count"], 2, "T2 and T3 open at 12:10")
    eq([(r["key"], r["count"]) for r in d["rows"]], [(x.a.user["id"], 2)], "both A's")
    d = expect(x.w.admin.get("/reports/backlog", query={"at": ms(2026, 3, 2, 9, 0)}), 200)
    eq(d["total"]["age"], {"lt_1d": 0, "1d_3d": 1, "3d_7d": 0, "7d_30d": 0, "ge_30d": 0},
       "T5 alone, 2 days 23 hours old")


def test_agents_see_their_own_only(x):
    settled(x)
    d = expect(march(x, x.b), 200, what="B's own report")
    eq((d["total"]["solved"], d["total"]["online_ms"]), (0, 6 * MIN), "B sees B's numbers")
    d = expect(march(x, x.a), 200, what="A's own report")
    eq(d["total"]["solved"], 4, "A sees A's numbers")
    expect_err(march(x, x.b, agent_id=x.a.user["id"]), 403, what="B asks for A")
    expect_err(march(x, x.cust), 403, what="a customer")
    expect(march(x, x.lead, agent_id=x.a.user["id"]), 200, what="a lead asks for A")
    expect_err(x.b.get("/reports/backlog", query={"agent_id": x.a.user["id"]}), 403,
               what="B asks for A's backlog")


def test_bad_input(x):
    expect_err(march(x, **{"from": "2026-03-31", "to": "2026-03-01"}), 422, field="to",
               what="period ends before it starts")
    expect_err(march(x, **{"from": "2026-02-30"}), 422, field="from", what="no such date")
    expect_err(march(x, agent_id=999999), 422, field="agent_id", what="unknown agent")
    expect_err(march(x, agent_id=x.cust.user["id"]), 422, field="agent_id", what="a customer")
    expect_err(march(x, group_id=999999), 422, field="group_id", what="unknown group")
    expect_err(march(x, group_by="planet"), 422, field="group_by", what="bad group_by")
    expect_err(march(x, tz="Mars/Olympus"), 422, field="tz", what="bad zone")
    expect_err(march(x, fcr="maybe"), 422, field="fcr", what="bad fcr rule")
    expect_err(report(x.w.admin, to="2026-03-01"), 422, field="from", what="from missing")
    expect_err(march(x, format="xml"), 422, field="format", what="bad format")
    expect_err(x.w.admin.get("/reports/backlog", query={"group_by": "day"}), 422,
               field="group_by", what="backlog by day")
    expect_err(x.w.admin.get("/reports/backlog", query={"at": "yesterday"}), 422, field="at",
               what="bad instant")


def test_rebuild_reproduces_the_job(x):
    """`opora kpi rebuild` beside the running server recomputes every fact
    from the log: the report is the same as the job's, to the last field."""
    before = settled(x)
    by_agent = expect(march(x, group_by="agent"), 200)
    r = opora("kpi", "rebuild", "--db", x.w.srv.db)
    eq(r.rc, 0, "rebuild exit status: %s" % r.err)
    check("tickets rebuilt" in r.out + r.err, "rebuild says what it did: %r" % r)
    eq(expect(march(x), 200), before, "the same report after a rebuild")
    eq(expect(march(x, group_by="agent"), 200), by_agent, "the same rows after a rebuild")
    # and the job goes on from the rebuild's cursor
    x.set(ms(2026, 4, 1, 9, 0))
    status(x, x.t[4], "solved")
    d = wait_for("the job after the rebuild", lambda: (
        lambda d: (d["total"]["solved"] == 1, d))(expect(report(
            x.w.admin, **{"from": "2026-04-01", "to": "2026-04-30"}), 200)))
    eq(d["total"]["first_response"]["calendar"]["median_ms"], 9 * 60 * MIN, "T4's first response")
