"""Team: shift templates and the monthly rota, on-call, presence (set by
agents, away when idle, offline on logout), the adherence report, routing of
new tickets to agents on shift and online (round-robin, caps), reassignment
when the assignee has not replied, and bad input - all through the real
server with its clock in a file (OPORA_TEST_CLOCK), no sleeps for time.

Agents are in Europe/Berlin (UTC+1 in December): the "day" shift 09:00-17:00
local is 08:00-16:00 UTC."""

import calendar as _cal
import os
import time

from harness import (ADMIN_PASSWORD, PASSWORD, TIMEOUT, Failure, World, check, eq, expect,
                     expect_err, new_dir, uniq)

MIN = 60 * 1000


def ms(y, mo, d, h=0, mi=0):
    return _cal.timegm((y, mo, d, h, mi, 0)) * 1000


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t / 1000)) + ".%03dZ" % (t % 1000)


def _write(path, t):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(int(t)))
    os.replace(tmp, path)


class Ctx:
    pass


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("team-clock"), "now")
    x.now = ms(2026, 12, 1, 8, 0)
    _write(x.clock, x.now)
    x.w = w = World("team", env={"OPORA_TEST_CLOCK": x.clock})
    x.g = w.group("l1", name=uniq("Team L1 "))
    x.a = [w.user("agent", level="junior", name="Agent %d" % i, groups=[x.g["id"]],
                  time_zone="Europe/Berlin") for i in range(4)]
    x.lead = w.user("lead", level="senior", name="Lena Lead")
    x.cust = w.user("customer", name="Carl Customer")
    # away only when a test asks for it: time jumps by hours here
    expect(w.admin.request("PUT", "/team/settings", {"away_after_min": 1440, "grace_min": 5}), 200)
    return x


def teardown(x):
    x.w.finish()


def set_clock(x, t):
    x.now = t
    _write(x.clock, t)


def put(c, path, body):
    return c.request("PUT", path, body)


def wait_for(what, fn, timeout=None):
    """Polls fn() (as admin or lead: agents' requests are activity) until it
    returns a true value."""
    deadline = time.monotonic() + (timeout or TIMEOUT)
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.05)
    raise Failure("timed out waiting for %s (last: %r)" % (what, last))


def presence_of(x, agent):
    d = expect(x.w.admin.get("/presence"), 200)
    for p in d["agents"]:
        if p["agent_id"] == agent.user["id"]:
            return p
    raise Failure("agent %d not in /presence" % agent.user["id"])


def set_presence(agent, status):
    return expect(put(agent, "/me/presence", {"status": status}), 200, what="presence " + status)


def test_01_shifts_and_rota(x):
    w = x.w
    day = expect(w.admin.post("/shifts", {"name": uniq("day"), "start": "09:00",
                                          "duration_min": 480}), 201)
    eq((day["start"], day["duration_min"], day["time_zone"]), ("09:00", 480, None), "day shift")
    night = expect(w.admin.post("/shifts", {"name": uniq("night"), "start": "22:00",
                                            "duration_min": 480}), 201)
    x.day, x.night = day, night
    shifts = expect(x.a[0].get("/shifts"), 200)
    check({day["id"], night["id"]} <= {s["id"] for s in shifts["shifts"]}, "GET /shifts")
    # agents 0..2 work the day shift on December 1 and 2; agent 3 is not planned
    entries = [{"agent_id": a.user["id"], "date": d, "shift_id": day["id"]}
               for a in x.a[:3] for d in ("2026-12-01", "2026-12-02")]
    rota = expect(put(x.lead, "/rota", {"month": "2026-12", "group_id": x.g["id"],
                                        "entries": entries}), 200, what="PUT rota")
    eq(len(rota["entries"]), 6, "entries stored")
    e = [r for r in rota["entries"] if r["agent_id"] == x.a[0].user["id"]][0]
    eq((e["date"], e["start_at"], e["end_at"], e["shift"]),
       ("2026-12-01", "2026-12-01T08:00:00.000Z", "2026-12-01T16:00:00.000Z", day["name"]),
       "the day shift in Berlin, in UTC")
    got = expect(w.admin.get("/rota", query={"month": "2026-12", "group_id": x.g["id"]}), 200)
    eq(len(got["entries"]), 6, "GET rota of the group")
    eq((got["from"], got["to"]), ("2026-12-01", "2026-12-31"), "the month's range")
    # an agent sees their own rota only
    mine = expect(x.a[1].get("/rota", query={"month": "2026-12"}), 200)
    eq({r["agent_id"] for r in mine["entries"]}, {x.a[1].user["id"]}, "agent's own rota")
    expect_err(x.a[1].get("/rota", query={"month": "2026-12", "agent_id": x.a[0].user["id"]}),
               403)
    # a night shift across midnight ends the next day; a later single entry
    n = expect(w.admin.post("/rota/entries", {"agent_id": x.a[3].user["id"], "date": "2026-12-10",
                                              "shift": night["name"]}), 201)
    eq((n["start_at"], n["end_at"]), ("2026-12-10T21:00:00.000Z", "2026-12-11T05:00:00.000Z"),
       "night shift across midnight")
    expect(w.admin.delete("/rota/entries/%d" % n["id"]), 204)
    expect_err(w.admin.delete("/rota/entries/%d" % n["id"]), 404)
    # agents do not plan
    expect_err(x.a[0].post("/rota/entries", {"agent_id": x.a[0].user["id"], "date": "2026-12-20",
                                              "shift_id": day["id"]}), 403)


def test_02_bad_input_stores_nothing(x):
    w = x.w
    before = expect(w.admin.get("/rota", query={"month": "2026-12"}), 200)["entries"]
    a0 = x.a[0].user["id"]
    # overlapping: a night shift on Dec 1 runs into... nothing; a 10-hour shift
    # from 07:00 on Dec 2 overlaps the day shift of Dec 2
    long = expect(w.admin.post("/shifts", {"name": uniq("long"), "start": "07:00",
                                           "duration_min": 600}), 201)
    r = w.admin.post("/rota/entries", {"agent_id": a0, "date": "2026-12-02", "shift_id": long["id"]})
    expect_err(r, 422, field="date")
    # the whole month in one PUT: one bad entry (a customer) and nothing changes
    r = put(w.admin, "/rota", {"month": "2026-12", "agent_id": a0, "entries": [
        {"agent_id": a0, "date": "2026-12-05", "shift_id": x.day["id"]},
        {"agent_id": x.cust.user["id"], "date": "2026-12-06", "shift_id": x.day["id"]}]})
    expect_err(r, 422, field="entries[1].agent_id")
    # a rota for a customer
    r = put(w.admin, "/rota", {"month": "2026-12", "agent_id": x.cust.user["id"], "entries": []})
    expect_err(r, 422, field="agent_id")
    r = w.admin.post("/rota/entries", {"agent_id": x.cust.user["id"], "date": "2026-12-07",
                                       "shift_id": x.day["id"]})
    expect_err(r, 422, field="agent_id")
    # overlapping inside one PUT
    r = put(w.admin, "/rota", {"month": "2026-12", "agent_id": a0, "entries": [
        {"agent_id": a0, "date": "2026-12-01", "shift_id": x.day["id"]},
        {"agent_id": a0, "date": "2026-12-01", "shift_id": long["id"]}]})
    expect_err(r, 422, field="entries[1].date")
    # bad dates, months, times of day, durations, unknown zones and shifts
    expect_err(w.admin.post("/rota/entries", {"agent_id": a0, "date": "2026-02-30",
                                              "shift_id": x.day["id"]}), 422, field="date")
    expect_err(w.admin.post("/rota/entries", {"agent_id": a0, "date": "2026-12-20",
                                              "shift_id": 999999}), 422, field="shift_id")
    expect_err(w.admin.get("/rota", query={"month": "2026-13"}), 422, field="month")
    expect_err(w.admin.post("/shifts", {"name": uniq("x"), "start": "25:00", "duration_min": 60}),
               422, field="start")
    expect_err(w.admin.post("/shifts", {"name": uniq("x"), "start": "09:00",
                                        "duration_min": 1441}), 422, field="duration_min")
    expect_err(w.admin.post("/shifts", {"name": uniq("x"), "start": "09:00",
                                        "duration_min": "9"}), 422, field="duration_min")
    expect_err(w.admin.post("/shifts", {"name": uniq("x"), "start": "09:00", "duration_min": 60,
                                        "time_zone": "Mars/Olympus_Mons"}), 422, field="time_zone")
    expect_err(w.admin.post("/shifts", {"name": x.day["name"].upper(), "start": "09:00",
                                        "duration_min": 60}), 422, field="name")
    expect_err(w.admin.delete("/shifts/%d" % x.day["id"]), 409)  # planned in the rota
    # on-call: inverted, overlapping, for a customer
    t0 = "2026-12-05T18:00:00Z"
    oc = expect(w.admin.post("/oncall", {"agent_id": a0, "start_at": t0,
                                         "end_at": "2026-12-06T08:00:00Z", "note": "weekend"}), 201)
    expect_err(w.admin.post("/oncall", {"agent_id": a0, "start_at": "2026-12-06T08:00:00Z",
                                        "end_at": "2026-12-06T07:00:00Z"}), 422, field="end_at")
    expect_err(w.admin.post("/oncall", {"agent_id": a0, "start_at": "2026-12-06T07:00:00Z",
                                        "end_at": "2026-12-06T09:00:00Z"}), 422, field="start_at")
    expect_err(w.admin.post("/oncall", {"agent_id": x.cust.user["id"], "start_at": t0,
                                        "end_at": "2026-12-06T08:00:00Z"}), 422, field="agent_id")
    expect_err(w.admin.post("/oncall", {"agent_id": a0, "start_at": "soon",
                                        "end_at": "2026-12-06T08:00:00Z"}), 422, field="start_at")
    # touching is fine
    oc2 = expect(w.admin.post("/oncall", {"agent_id": a0, "start_at": "2026-12-06T08:00:00Z",
                                          "end_at": "2026-12-06T20:00:00Z"}), 201)
    got = expect(x.a[2].get("/oncall", query={"from": "2026-12-05T00:00:00Z",
                                              "to": "2026-12-07T00:00:00Z"}), 200)["oncall"]
    eq([o["id"] for o in got], [oc["id"], oc2["id"]], "on-call periods, seen by an agent")
    expect_err(w.admin.request("PATCH", "/oncall/%d" % oc2["id"],
                               {"start_at": "2026-12-06T07:59:00Z"}), 422, field="start_at")
    expect(w.admin.delete("/oncall/%d" % oc2["id"]), 204)
    # nothing of the refused requests was stored
    after = expect(w.admin.get("/rota", query={"month": "2026-12"}), 200)["entries"]
    eq(after, before, "the rota after refused requests")
    # bad presence and routing settings
    expect_err(put(x.a[0], "/me/presence", {"status": "busy"}), 422, field="status")
    expect_err(put(x.cust, "/me/presence", {"status": "online"}), 403)
    expect_err(put(w.admin, "/groups/%d/routing" % x.g["id"], {"mode": "random"}), 422,
               field="mode")
    expect_err(put(w.admin, "/groups/%d/routing" % x.g["id"], {"cap": -1}), 422, field="cap")
    expect_err(put(x.a[0], "/groups/%d/routing" % x.g["id"], {"mode": "off"}), 403)
    expect_err(put(w.admin, "/users/%d/languages" % a0, {"languages": ["Russian"]}), 422,
               field="languages[0]")
    expect_err(w.admin.get("/reports/adherence", query={"from": "2026-12-01", "to": "2027-03-01"}),
               422, field="to")


def test_03_routing(x):
    w = x.w
    a0, a1, a2, a3 = x.a
    for a in (a0, a1, a3):
        set_presence(a, "online")
    set_presence(a2, "away")
    expect(put(x.lead, "/groups/%d/routing" % x.g["id"],
               {"mode": "round_robin", "cap": 2, "language": "ignore"}), 200)
    rs = expect(w.admin.get("/groups/%d/routing" % x.g["id"]), 200)
    eq((rs["mode"], rs["cap"], rs["reassign_after_min"]), ("round_robin", 2, 0), "routing")
    # on shift and online: a0 and a1 (a2 is away, a3 has no shift)
    x.t = [w.ticket(requester=x.cust, group_id=x.g["id"]) for _ in range(5)]
    got = [t["assignee_id"] for t in x.t]
    eq(got[:4], [a0.user["id"], a1.user["id"], a0.user["id"], a1.user["id"]], "round-robin")
    eq(got[4], None, "over the cap of both: nobody")
    eq(x.t[0]["status"], "open", "a routed new ticket opens")
    ev = [e for e in w.events(x.t[0]["id"]) if e["field"] == "assignee_id"]
    eq(len(ev), 1, "one assignment event")
    eq((ev[0]["actor_id"], ev[0]["via"], ev[0]["new"]), (None, "system", str(a0.user["id"])),
       "assigned by the system")
    first = w.events(x.t[0]["id"])[0]
    check(ev[0]["action_id"] != first["action_id"],
          "the router's assignment is an action of its own, not the creator's")


def test_04_queue_and_reassign_after_no_reply(x):
    w = x.w
    a0, a1, a2, a3 = x.a
    expect(put(x.lead, "/groups/%d/routing" % x.g["id"], {"reassign_after_min": 30}), 200)
    set_clock(x, ms(2026, 12, 1, 8, 20))
    # x.t[4] waited (a0 and a1 at the cap, a2 away): a2 comes online, 20 min
    # late, and the waiting ticket goes to them from the queue
    set_presence(a2, "online")
    t4 = wait_for("the waiting ticket routed",
                  lambda: (lambda t: t if t["assignee_id"] else None)(w.get_ticket(x.t[4]["id"])))
    eq(t4["assignee_id"], a2.user["id"], "the queue goes to the agent who came online")
    ev = [e for e in w.events(t4["id"]) if e["field"] == "assignee_id"]
    eq([(e["new"], e["actor_id"], e["data"]) for e in ev], [(str(a2.user["id"]), None, "queue")],
       "routed from the queue by the system")
    # a0 and a1 each solve one: one ticket under the cap each
    expect(a0.patch("/tickets/%d" % x.t[0]["id"], {"status": "solved"}), 200)
    expect(a1.patch("/tickets/%d" % x.t[1]["id"], {"status": "solved"}), 200)
    t6 = w.ticket(requester=x.cust, group_id=x.g["id"])
    eq(t6["assignee_id"], a0.user["id"], "round-robin goes on after the last pick, wrapping")
    t7 = w.ticket(requester=x.cust, group_id=x.g["id"])
    eq(t7["assignee_id"], a1.user["id"], "and on")
    for a, t in ((a0, t6), (a1, t7)):
        expect(a.post("/tickets/%d/comments" % t["id"], {"body": "On it", "public": True}), 201)
    # 31 minutes later: a2 never answered x.t[4]; a0 and a1 answered theirs
    set_clock(x, ms(2026, 12, 1, 8, 51))
    wait_for("t4 unassigned",
             lambda: [e for e in w.events(t4["id"]) if e["field"] == "assignee_id"
                      and e["data"] == "no reply in 30 min"])
    ev = [e for e in w.events(t4["id"]) if e["field"] == "assignee_id"]
    eq([(e["old"], e["new"], e["actor_id"]) for e in ev[:2]],
       [(None, str(a2.user["id"]), None), (str(a2.user["id"]), None, None)],
       "assignment history of t4")
    # a0 and a1 are at the cap, a3 has no shift: t4 waits, and never goes
    # back to a2, who let it wait
    set_clock(x, ms(2026, 12, 1, 8, 55))
    time.sleep(0.5)
    eq(w.get_ticket(t4["id"])["assignee_id"], None, "waits rather than go back to a2")
    for t in (t6, t7):
        eq(len([e for e in w.events(t["id"]) if e["field"] == "assignee_id"]), 1,
           "answered: not reassigned")
    # a1 solves one: under the cap again, the queue gives t4 to a1
    expect(a1.patch("/tickets/%d" % t7["id"], {"status": "solved"}), 200)
    t4b = wait_for("t4 routed again",
                   lambda: (lambda t: t if t["assignee_id"] else None)(w.get_ticket(t4["id"])))
    eq(t4b["assignee_id"], a1.user["id"], "to the agent under the cap")
    # fired once: later rounds change nothing more
    set_clock(x, ms(2026, 12, 1, 9, 10))
    time.sleep(0.5)
    eq(len([e for e in w.events(t4["id"]) if e["field"] == "assignee_id"]), 3,
       "no second reassignment")
    expect(put(x.lead, "/groups/%d/routing" % x.g["id"], {"reassign_after_min": 0}), 200)


def test_05_adherence(x):
    w = x.w
    a0, a1, a2, a3 = x.a
    set_clock(x, ms(2026, 12, 1, 10, 0))
    set_presence(a0, "break")
    set_clock(x, ms(2026, 12, 1, 10, 30))
    set_presence(a0, "online")
    set_clock(x, ms(2026, 12, 1, 16, 0))
    set_presence(a0, "offline")
    rep = expect(x.lead.get("/reports/adherence", query={
        "from": "2026-12-01", "to": "2026-12-01", "group_id": x.g["id"]}), 200)
    by = {r["agent_id"]: r for r in rep["agents"]}
    r0 = by[a0.user["id"]]
    eq(r0["time_zone"], "Europe/Berlin", "days in the agent's zone")
    s0 = r0["shifts"][0]
    eq((s0["planned_min"], s0["online_in_shift_min"], s0["status_min"]["break"],
        s0["late_start_min"], s0["early_leave_min"], s0["adherence"]),
       (480, 450, 30, 0, 0, 93.8), "a0: a 30-minute break")
    d0 = r0["days"][0]
    eq((d0["date"], d0["shifts"], d0["planned_min"], d0["adherence"]),
       ("2026-12-01", 1, 480, 93.8), "a0's day")
    s2 = by[a2.user["id"]]["shifts"][0]
    eq((s2["online_in_shift_min"], s2["status_min"]["away"], s2["late_start_min"],
        s2["adherence"]), (460, 20, 20, 95.8), "a2: 20 minutes late")
    s1 = by[a1.user["id"]]["shifts"][0]
    eq((s1["online_in_shift_min"], s1["adherence"]), (480, 100.0), "a1: the whole shift")
    eq(by[a3.user["id"]]["planned_min"], 0, "a3: no shift")
    eq(by[a3.user["id"]]["adherence"], None, "a3: no ratio")
    # an agent sees only their own report
    mine = expect(a1.get("/reports/adherence", query={"from": "2026-12-01", "to": "2026-12-01"}),
                  200)
    eq([r["agent_id"] for r in mine["agents"]], [a1.user["id"]], "an agent's own report")
    expect_err(a1.get("/reports/adherence", query={"from": "2026-12-01", "to": "2026-12-01",
                                                   "group_id": x.g["id"]}), 403)


def test_06_away_when_idle_and_back(x):
    w = x.w
    a1 = x.a[1]
    eq(presence_of(x, a1)["status"], "online", "a1 before")
    expect(put(x.lead, "/team/settings", {"away_after_min": 10}), 200)
    # a1's last request was at 16:00 (their report)
    set_clock(x, ms(2026, 12, 1, 16, 11))
    p = wait_for("a1 away", lambda: (lambda p: p if p["status"] == "away" else None)(
        presence_of(x, a1)))
    eq((p["source"], p["since"]), ("idle", "2026-12-01T16:10:00.000Z"), "away because idle")
    # any request of the agent is activity: back online
    expect(a1.get("/me"), 200)
    set_clock(x, x.now + 1000)  # the jobs run when the clock moves on
    p = wait_for("a1 back online", lambda: (lambda p: p if p["status"] == "online" else None)(
        presence_of(x, a1)))
    eq(p["source"], "activity", "online again by activity")
    # the lead sees everyone; an agent only themself
    eq(len(expect(a1.get("/presence"), 200)["agents"]), 1, "an agent's /presence")
    expect(put(x.lead, "/team/settings", {"away_after_min": 1440}), 200)


def test_07_logout_makes_offline(x):
    w = x.w
    a3 = x.a[3]
    c = w.srv.client()
    expect(c.login(a3.user["email"], PASSWORD), 200)
    set_presence(c, "online")
    eq(presence_of(x, a3)["status"], "online", "online")
    r = c.post("/auth/logout")
    check(r.status in (200, 204), "logout: %s" % r.describe())
    p = presence_of(x, a3)
    eq((p["status"], p["source"]), ("offline", "logout"), "offline after logout")


def test_08_languages_and_language_routing(x):
    w = x.w
    a0, a1, a2, a3 = x.a
    g = w.group("l1", name=uniq("Lang "), members=[a0.user["id"], a1.user["id"]])
    got = expect(put(a1, "/users/%d/languages" % a1.user["id"], {"languages": ["ru", "en", "ru"]}),
                 200)
    eq(got["languages"], ["en", "ru"], "an agent sets their own languages")
    expect_err(put(a1, "/users/%d/languages" % a0.user["id"], {"languages": ["de"]}), 403)
    expect(put(x.lead, "/groups/%d/routing" % g["id"],
               {"mode": "least_loaded", "language": "require"}), 200)
    for a in (a0, a1):
        set_presence(a, "online")
    ru = w.user("customer", lang="ru")
    en = w.user("customer", lang="en")
    # Dec 2, 10:00 UTC: a0 and a1 are both on shift
    set_clock(x, ms(2026, 12, 2, 10, 0))
    set_presence(a0, "online")
    set_presence(a1, "online")
    t = w.ticket(requester=ru, group_id=g["id"])
    eq(t["assignee_id"], a1.user["id"], "Russian: only a1 speaks it")
    t = w.ticket(requester=en, group_id=g["id"])
    eq(t["assignee_id"], a1.user["id"], "English: only a1 speaks it")
    expect(put(x.lead, "/groups/%d/routing" % g["id"], {"language": "ignore"}), 200)
    t = w.ticket(requester=en, group_id=g["id"])
    check(t["assignee_id"] in (a0.user["id"], a1.user["id"]), "ignore: anyone")


def test_09_cli(x):
    from harness import opora
    db = os.path.join(new_dir("team-cli"), "o.db")
    r = opora("init", "--db", db, "--admin-email", "boss@example.com", "--admin-password",
              ADMIN_PASSWORD)
    eq(r.rc, 0, "init: %r" % r)
    r = opora("user", "add", "--db", db, "--email", "ann@example.com", "--name", "Ann",
              "--role", "agent", "--level", "junior")
    eq(r.rc, 0, "user add: %r" % r)
    opora("user", "add", "--db", db, "--email", "cus@example.com", "--name", "Cus")
    r = opora("shift", "add", "--db", db, "--name", "day", "--start", "09:00", "--duration", "8h")
    eq(r.rc, 0, "shift add: %r" % r)
    r = opora("shift", "add", "--db", db, "--name", "x", "--start", "9", "--duration", "8h")
    eq(r.rc, 1, "shift add with a bad start: %r" % r)
    check("--start" in r.err, "the error names --start: %r" % r)
    r = opora("shift", "list", "--db", db)
    eq(r.out.split("\n")[0].split("\t")[1:4], ["day", "09:00", "480"], "shift list")
    for d in ("2026-12-01", "2026-12-02"):
        r = opora("rota", "set", "--db", db, "--agent", "ann@example.com", "--date", d,
                  "--shift", "day")
        eq(r.rc, 0, "rota set: %r" % r)
    r = opora("rota", "set", "--db", db, "--agent", "ann@example.com", "--date", "2026-12-02",
              "--shift", "day")
    eq(r.rc, 1, "an overlapping day: %r" % r)
    r = opora("rota", "set", "--db", db, "--agent", "cus@example.com", "--date", "2026-12-02",
              "--shift", "day")
    eq(r.rc, 1, "a customer's rota: %r" % r)
    r = opora("rota", "show", "--db", db, "--month", "2026-12")
    eq(r.rc, 0, "rota show: %r" % r)
    row = [l for l in r.out.split("\n") if l.startswith("ann@example.com")]
    eq(len(row), 1, "one row for Ann: %r" % r.out)
    eq(row[0].split()[1:5], ["da", "da", ".", "."], "Ann's first days")
    r = opora("rota", "clear", "--db", db, "--agent", "ann@example.com", "--date", "2026-12-02")
    eq(r.rc, 0, "rota clear: %r" % r)
    r = opora("rota", "show", "--db", db, "--month", "2026-12", "--agent", "ann@example.com")
    row = [l for l in r.out.split("\n") if l.startswith("ann@example.com")]
    eq(row[0].split()[1:3], ["da", "."], "after clear")
    eq(opora("rota", "--db", db).rc, 2, "no subcommand: usage")


def test_10_planning_is_in_the_event_log(x):
    """Templates, rota entries, on-call, routing and team settings: every
    planning change is an event by the person who made it."""
    w = x.w
    evs, after = [], 0
    while True:
        d = expect(w.admin.get("/events", query={"after_id": after, "limit": 10000}), 200)
        evs += d["events"]
        after = d.get("next_after_id")
        if not after:
            break
    def of(entity, field=None, kind=None):
        return [e for e in evs if e["entity"] == entity and (field is None or e["field"] == field)
                and (kind is None or e["kind"] == kind)]
    for entity in ("shift", "rota_entry", "oncall"):
        made = of(entity, kind="created")
        check(made, "%s: created events" % entity)
        check(all(e["actor_id"] is not None and e["via"] != "system" for e in made),
              "%s: by a person" % entity)
    check(of("rota_entry", "deleted"), "rota entries removed are recorded")
    eq({e["new"] for e in of("shift", "start")} >= {"09:00"}, True, "a template's start")
    modes = [e for e in of("group", "routing.mode")]
    check(modes and modes[0]["new"] == "round_robin" and modes[0]["actor_id"] == x.lead.user["id"],
          "routing mode by the lead: %r" % modes[:1])
    check(of("group", "routing.reassign_after_min"), "reassign setting")
    check(of("team", "away_after_min"), "team settings")
    check(of("user", "languages"), "an agent's languages")
