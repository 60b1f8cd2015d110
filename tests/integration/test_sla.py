"""SLA through the API with the server's clock in a file (OPORA_TEST_CLOCK):
business-hours due times (weekends, the Russian production calendar's
holidays and transfers), first response met and breached, pause and resume,
next response, warnings, breach escalation and notifications, timers firing
once across a restart, a calendar change moving due times, the "due" sort,
and bad input."""

import calendar as _cal
import os
import time

from harness import (Server, World, check, eq, expect, expect_err, new_dir, opora, uniq, SLOW)

MIN = 60 * 1000


def ms(y, mo, d, h=0, mi=0, tz=3):
    """Epoch ms of a local wall time at UTC+tz (Moscow is +3 all year)."""
    return (_cal.timegm((y, mo, d, h, mi, 0)) - tz * 3600) * 1000


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t / 1000)) + ".%03dZ" % (t % 1000)


class Ctx:
    pass


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("sla-clock"), "now")
    x.set = lambda t: _write(x.clock, t)
    x.set(ms(2026, 3, 2, 9, 0))
    x.w = w = World("sla", env={"OPORA_TEST_CLOCK": x.clock})
    x.cust = w.user("customer", name="Olga Client")
    x.lead = w.user("lead", level="senior", name="Lena Lead")
    x.l1 = w.group("l1", name=uniq("SLA L1 "))
    x.l2 = w.group("l2", name=uniq("SLA L2 "))
    x.a1 = w.user("agent", level="junior", name="Anna Agent", groups=[x.l1["id"]])
    x.a2 = w.user("agent", level="middle", name="Boris Agent", groups=[x.l2["id"]])
    w.add_member(x.l1["id"], x.lead.user["id"])
    x.cal = expect(w.admin.post("/calendars", {"name": uniq("Moscow "), "preset": "ru-production"}),
                   201, what="calendar from the preset")
    x.high = expect(w.admin.post("/sla/policies", {
        "name": uniq("High "), "position": 1,
        "conditions": {"priorities": ["high"]},
        "targets": {"first_response": {"minutes": 60}, "next_response": {"minutes": 120},
                    "resolution": {"minutes": 480}},
        "calendar_id": x.cal["id"], "warn_percent": 80, "pause_on_pending": True,
        "breach_actions": ["escalate", "notify_assignee", "notify_lead"],
        "escalate_group_id": x.l2["id"]}), 201, what="policy High")
    return x


def _write(path, t):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(int(t)))
    os.replace(tmp, path)


def teardown(x):
    x.w.finish()


def high_ticket(x, by=None, **kw):
    body = dict(priority="high", group_id=x.l1["id"], assignee_id=x.a1.user["id"],
                description="Nothing works")
    body.update(kw)
    if by is None:
        return x.w.ticket(requester=x.cust, **body)
    return x.w.ticket(by=by, requester=x.cust, **body)


def sla(x, tid, by=None):
    return expect((by or x.w.admin).get("/tickets/%d/sla" % tid), 200, what="GET sla")


def sla_events(x, tid, kind=None):
    return [e for e in x.w.events(tid) if e["kind"].startswith("sla_") and
            (kind is None or e["kind"] == kind)]


def wait_for(what, fn, timeout=None):
    end = time.time() + (timeout or (30 if SLOW else 10))
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


# ---------------------------------------------------------------------------


def test_calendar_preset_has_the_2026_transfers(x):
    c = expect(x.w.admin.get("/calendars/%d" % x.cal["id"]), 200)
    eq(c["time_zone"], "Europe/Moscow", "preset zone")
    eq(c["hours"]["mon"], "09:00-18:00", "preset hours")
    eq(c["hours"]["sat"], "", "Saturday off")
    days = {e["date"]: e["kind"] for e in c["exceptions"]}
    for d in ("2026-01-09", "2026-03-09", "2026-05-11", "2026-12-31", "2025-05-02", "2025-11-03"):
        eq(days.get(d), "holiday", "day off %s" % d)
    eq(days.get("2025-11-01"), "workday", "Saturday 1 Nov 2025 is worked")
    check("presets" in expect(x.w.admin.get("/calendars"), 200), "list names the presets")


def test_first_response_met_not_by_a_note(x):
    x.set(ms(2026, 3, 2, 9, 0))
    t = high_ticket(x)
    s = sla(x, t["id"])
    eq(s["policy"]["id"], x.high["id"], "policy matched")
    fr = s["metrics"]["first_response"]
    eq(fr["status"], "running", "first response runs")
    eq(fr["due_at"], iso(ms(2026, 3, 2, 10, 0)), "due an hour later")
    eq(t["sla_due_at"], iso(ms(2026, 3, 2, 10, 0)), "the ticket shows its due time")
    x.set(ms(2026, 3, 2, 9, 20))
    expect(x.a1.post("/tickets/%d/comments" % t["id"], {"body": "checking", "public": False}), 201)
    eq(sla(x, t["id"])["metrics"]["first_response"]["status"], "running", "a note is no reply")
    x.set(ms(2026, 3, 2, 9, 30))
    expect(x.a1.post("/tickets/%d/comments" % t["id"], {"body": "Hello", "public": True}), 201)
    fr = sla(x, t["id"])["metrics"]["first_response"]
    eq(fr["status"], "met", "met by the public reply")
    eq(fr["elapsed_minutes"], 30, "30 working minutes")
    met = sla_events(x, t["id"], "sla_met")
    eq([(e["field"], e["new"], e["actor_id"]) for e in met],
       [("first_response", str(30 * MIN), None)], "one sla_met event by the system")


def test_weekend_and_transferred_holiday(x):
    # Friday 6 March 2026 17:30 MSK: 30 minutes left that day; Saturday,
    # Sunday and Monday 9 March (the day off moved from Sunday 8 March) are
    # not worked: due Tuesday 10 March 09:30.
    x.set(ms(2026, 3, 6, 17, 30))
    t = high_ticket(x)
    fr = sla(x, t["id"])["metrics"]["first_response"]
    eq(fr["due_at"], iso(ms(2026, 3, 10, 9, 30)), "due after the long weekend")


def test_new_year_2026_holidays(x):
    # 30 Dec 2025 17:00 MSK, resolution 480 working minutes: 60 on 30 Dec;
    # 31 Dec 2025 and 1-11 Jan 2026 are off; 420 more from 12 Jan 09:00.
    x.set(ms(2025, 12, 30, 17, 0))
    t = high_ticket(x)
    rs = sla(x, t["id"])["metrics"]["resolution"]
    eq(rs["due_at"], iso(ms(2026, 1, 12, 16, 0)), "resolution due on 12 January")


def test_pause_resume_and_next_response(x):
    x.set(ms(2026, 3, 2, 9, 0))
    t = high_ticket(x)
    x.set(ms(2026, 3, 2, 9, 10))
    expect(x.a1.patch("/tickets/%d" % t["id"], {"status": "pending",
                                                "comment": {"body": "Please send logs",
                                                            "public": True}}), 200)
    s = sla(x, t["id"])
    eq(s["paused"], True, "pending pauses")
    eq(s["metrics"]["resolution"]["status"], "paused", "resolution paused")
    eq(s["metrics"]["first_response"]["status"], "met", "first response met")
    x.set(ms(2026, 3, 2, 12, 0))
    eq(sla(x, t["id"])["metrics"]["resolution"]["elapsed_minutes"], 10, "no time passes in pending")
    expect(x.cust.post("/tickets/%d/comments" % t["id"], {"body": "Logs attached", "public": True}),
           201)
    s = sla(x, t["id"])
    eq(s["paused"], False, "the customer's reply resumes")
    # 470 minutes left from 12:00: 360 until 18:00, 110 on Tuesday from 09:00
    eq(s["metrics"]["resolution"]["due_at"], iso(ms(2026, 3, 3, 10, 50)), "resolution due")
    nr = s["metrics"]["next_response"]
    eq((nr["status"], nr["due_at"]), ("running", iso(ms(2026, 3, 2, 14, 0))), "next response")
    eq(s["due_at"], iso(ms(2026, 3, 2, 14, 0)), "the ticket's due time is the soonest")
    x.set(ms(2026, 3, 2, 12, 30))
    expect(x.cust.post("/tickets/%d/comments" % t["id"], {"body": "Any news?", "public": True}), 201)
    eq(sla(x, t["id"])["metrics"]["next_response"]["due_at"], iso(ms(2026, 3, 2, 14, 0)),
       "a second message does not restart the clock")
    x.set(ms(2026, 3, 2, 13, 0))
    expect(x.a1.post("/tickets/%d/comments" % t["id"], {"body": "Found it", "public": True}), 201)
    nr = sla(x, t["id"])["metrics"]["next_response"]
    eq((nr["status"], nr["elapsed_minutes"]), ("met", 60), "next response met")


def test_agent_opened_ticket_needs_a_second_message(x):
    x.set(ms(2026, 3, 3, 11, 0))
    t = high_ticket(x, by=x.a1, description="We called you about the outage")
    eq(sla(x, t["id"])["metrics"]["first_response"]["status"], "running",
       "the opening message is not the reply")
    x.set(ms(2026, 3, 3, 11, 5))
    expect(x.a1.post("/tickets/%d/comments" % t["id"], {"body": "Update", "public": True}), 201)
    eq(sla(x, t["id"])["metrics"]["first_response"]["status"], "met", "the second message is")


def test_warning_breach_escalation_once_across_restart(x):
    w = x.w
    x.set(ms(2026, 3, 4, 9, 0))
    t = high_ticket(x)
    tid = t["id"]
    x.set(ms(2026, 3, 4, 9, 47))
    time.sleep(0.3)
    eq(sla_events(x, tid), [], "nothing before 80 %")
    x.set(ms(2026, 3, 4, 9, 48))
    warn = wait_for("the warning", lambda: sla_events(x, tid, "sla_warning"))
    eq([(e["field"], e["actor_id"]) for e in warn], [("first_response", None)], "one warning")
    x.set(ms(2026, 3, 4, 10, 1))
    br = wait_for("the breach", lambda: sla_events(x, tid, "sla_breached"))
    eq([e["field"] for e in br], ["first_response"], "first response breached")
    tk = wait_for("escalation", lambda: (lambda v: v if v["group_id"] == x.l2["id"] else None)(
        w.get_ticket(tid)))
    eq((tk["assignee_id"], tk["sla_breached"]), (None, True), "escalated, unassigned, breached")
    esc = [e for e in w.events(tid) if e["kind"] == "escalated"]
    eq(len(esc), 1, "one escalation")
    check("SLA" in (esc[0].get("data") or ""), "escalation says why: %r" % esc[0])
    for who in (x.a1, x.lead):
        ns = expect(who.get("/me/notifications", query={"unread": "true"}), 200)["notifications"]
        mine = [n for n in ns if n["ticket_id"] == tid and n["kind"] == "sla_breached"]
        eq(len(mine), 1, "one breach notification for %s" % who.user["name"])
        check(str(tid) in mine[0]["text"], "notification names the ticket")
    expect(x.lead.post("/me/notifications/read", {}), 204)
    eq(expect(x.lead.get("/me/notifications", query={"unread": "true"}), 200)["notifications"], [],
       "all read")
    # the breach stays in the queues' "breached" view
    lst = expect(w.admin.get("/tickets", query={"sla_breached": "true", "limit": 100}), 200)
    check(tid in [k["id"] for k in lst["tickets"]], "breached filter lists it")
    # a restart does not fire anything again
    w.srv.restart()
    x.set(ms(2026, 3, 4, 11, 0))
    time.sleep(0.5)
    eq(len(sla_events(x, tid, "sla_breached")), 1, "still one breach after a restart")
    eq(len(sla_events(x, tid, "sla_warning")), 1, "still one warning after a restart")


def test_timer_due_while_down_fires_once_after_start(x):
    w = x.w
    x.set(ms(2026, 3, 5, 9, 0))
    t = high_ticket(x)
    w.srv.stop()
    x.set(ms(2026, 3, 5, 12, 0))
    w.srv.start()
    br = wait_for("breach after start", lambda: sla_events(x, t["id"], "sla_breached"))
    eq([e["field"] for e in br], ["first_response"], "fired after the start")
    time.sleep(0.5)
    eq(len(sla_events(x, t["id"], "sla_breached")), 1, "once")


def test_two_nodes_fire_each_timer_once(x):
    """A second server on the same database: both run the timer job; the
    leases let exactly one of them fire each warning and breach."""
    w = x.w
    x.set(ms(2026, 3, 12, 9, 0))
    ids = [high_ticket(x)["id"] for _ in range(40)]
    two = Server("sla-node2", env={"OPORA_TEST_CLOCK": x.clock}, db=w.srv.db,
                 files_dir=w.srv.files_dir, init=False).start()
    try:
        x.set(ms(2026, 3, 12, 9, 50))  # past every warning
        for tid in ids:
            wait_for("warning of %d" % tid, lambda: sla_events(x, tid, "sla_warning"))
        x.set(ms(2026, 3, 12, 10, 30))  # past every first-response breach
        for tid in ids:
            wait_for("breach of %d" % tid, lambda: sla_events(x, tid, "sla_breached"))
        time.sleep(0.5)
        for tid in ids:
            kinds = sorted(e["kind"] for e in sla_events(x, tid))
            eq(kinds, ["sla_breached", "sla_warning"], "ticket %d: each verdict once" % tid)
        fired = [l for s in (w.srv, two) for l in s.lines() if "job failed" in l]
        eq(fired, [], "no job failed on either node")
    finally:
        two.stop()


def test_sort_by_due_and_due_before(x):
    w = x.w
    g = w.group("l1", name=uniq("Due queue "))
    w.add_member(g["id"], x.a1.user["id"])
    ids = []
    for minute in (0, 30, 10):
        x.set(ms(2026, 3, 11, 9, minute))
        ids.append(high_ticket(x, group_id=g["id"])["id"])
    plain = w.ticket(requester=x.cust, group_id=g["id"], priority="low")["id"]
    d = expect(w.admin.get("/tickets", query={"group_id": g["id"], "sort": "due", "limit": 2}), 200)
    got = [k["id"] for k in d["tickets"]]
    d2 = expect(w.admin.get("/tickets", query={"group_id": g["id"], "sort": "due", "limit": 2,
                                                "cursor": d["next_cursor"]}), 200)
    got += [k["id"] for k in d2["tickets"]]
    eq(got, [ids[0], ids[2], ids[1], plain], "soonest due first, no due last, across pages")
    d = expect(w.admin.get("/tickets", query={"group_id": g["id"],
                                              "sla_due_before": iso(ms(2026, 3, 11, 10, 15))}), 200)
    eq(sorted(k["id"] for k in d["tickets"]), sorted([ids[0], ids[2]]), "due before 10:15")


def test_calendar_change_moves_due_times(x):
    w = x.w
    week = {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    cal = expect(w.admin.post("/calendars", {"name": uniq("Office "), "time_zone": "Europe/Moscow",
                                             "hours": week}), 201)
    pol = expect(w.admin.post("/sla/policies", {
        "name": uniq("Tasks "), "position": 0, "conditions": {"types": ["task"]},
        "targets": {"first_response": {"minutes": 60}}, "calendar_id": cal["id"]}), 201)
    x.set(ms(2026, 3, 16, 17, 30))
    t = w.ticket(requester=x.cust, type="task", group_id=x.l1["id"])
    s = sla(x, t["id"])
    eq(s["policy"]["id"], pol["id"], "task policy")
    eq(s["metrics"]["first_response"]["due_at"], iso(ms(2026, 3, 17, 9, 30)), "due next morning")
    week["mon"] = "09:00-20:00"
    r = expect(w.admin.patch("/calendars/%d" % cal["id"], {"hours": week}), 200)
    check(r["clocks_moved"] >= 1, "clocks moved: %r" % r["clocks_moved"])
    eq(sla(x, t["id"])["metrics"]["first_response"]["due_at"], iso(ms(2026, 3, 16, 18, 30)),
       "due the same evening now")
    expect(w.admin.patch("/sla/policies/%d" % pol["id"], {"active": False}), 200)


def test_breach_raises_priority_and_escalates_to_a_tier(x):
    w = x.w
    pol = expect(w.admin.post("/sla/policies", {
        "name": uniq("Incidents "), "position": 0, "conditions": {"types": ["incident"]},
        "targets": {"first_response": {"minutes": 10, "business": False}},
        "warn_percent": 0, "breach_actions": ["raise_priority", "escalate"],
        "escalate_tier": "l2"}), 201)
    eq((pol["escalate_tier"], pol["calendar_id"]), ("l2", None), "tier, calendar time")
    x.set(ms(2026, 3, 7, 23, 55))  # Saturday night: calendar time counts
    t = w.ticket(requester=x.cust, type="incident", priority="normal", group_id=x.l1["id"])
    eq(sla(x, t["id"])["metrics"]["first_response"]["due_at"], iso(ms(2026, 3, 8, 0, 5)), "due")
    x.set(ms(2026, 3, 8, 0, 5))
    tk = wait_for("the breach actions", lambda: (lambda v: v if v["group_id"] != x.l1["id"]
                                                 else None)(w.get_ticket(t["id"])))
    eq((tk["priority"], tk["group_id"]), ("high", x.l2["id"]), "one step up, to the L2 group")
    esc = [e for e in w.events(t["id"]) if e["kind"] == "escalated"]
    eq([(e["old"], e["new"], e["actor_id"], e["field"]) for e in esc],
       [(str(x.l1["id"]), str(x.l2["id"]), None, "l1>l2")], "escalated by the system")
    eq(sla(x, t["id"])["policy"]["id"], pol["id"], "still its policy: types before priority")
    expect(w.admin.patch("/sla/policies/%d" % pol["id"], {"active": False}), 200)


def test_cli_calendars_and_policies(x):
    db = x.w.srv.db
    r = opora("calendar", "add", "--db", db, "--name", "CLI office", "--time-zone",
              "Europe/Berlin", "--hours", "mon-fri=09:00-13:00,14:00-18:00")
    eq(r.rc, 0, "calendar add: %s" % r.err)
    cid = int(r.out.split("\t")[0])
    r = opora("calendar", "day", "--db", db, "--id", str(cid), "--date", "2026-12-24",
              "--name", "Heiligabend")
    eq(r.rc, 0, "calendar day: %s" % r.err)
    c = expect(x.w.admin.get("/calendars/%d" % cid), 200)
    eq((c["hours"]["wed"], c["hours"]["sat"]), ("09:00-13:00,14:00-18:00", ""), "hours")
    eq([(e["date"], e["kind"], e["name"]) for e in c["exceptions"]],
       [("2026-12-24", "holiday", "Heiligabend")], "the day off")
    r = opora("calendar", "show", "--db", db, "--id", str(cid))
    check(r.rc == 0 and "2026-12-24\tholiday" in r.out, "show lists the day: %r" % r.out)
    r = opora("sla", "add", "--db", db, "--name", "CLI urgent", "--first-response", "15",
              "--resolution", "240", "--calendar", str(cid), "--priority", "urgent",
              "--position", "50")
    eq(r.rc, 0, "sla add: %s" % r.err)
    pid = int(r.out.split("\t")[0])
    p = expect(x.w.admin.get("/sla/policies/%d" % pid), 200)
    eq((p["targets"]["first_response"], p["conditions"]["priorities"], p["calendar_id"]),
       ({"minutes": 15, "business": True}, ["urgent"], cid), "the policy")
    expect(x.w.admin.patch("/sla/policies/%d" % pid, {"active": False}), 200)
    check("CLI urgent" in opora("sla", "list", "--db", db).out, "sla list")
    # bad input: a message naming the option, exit 1, nothing stored
    for argv, opt in ((["calendar", "add", "--name", "X", "--hours", "mon=18:00-09:00"], "--hours"),
                      (["calendar", "add", "--name", "Y", "--time-zone", "Mars/Base"],
                       "time_zone"),
                      (["sla", "add", "--name", "Z", "--priority", "extreme",
                        "--first-response", "5"], "--priority"),
                      (["sla", "add", "--name", "Z"], "targets")):
        r = opora(*(argv[:2] + ["--db", db] + argv[2:]))
        eq(r.rc, 1, "%s exits 1" % argv)
        check(opt in r.err, "%s names %s: %r" % (argv, opt, r.err))
    names = [c["name"] for c in expect(x.w.admin.get("/calendars"), 200)["calendars"]]
    check("X" not in names and "Y" not in names, "nothing stored: %r" % names)
    r = opora("calendar", "frobnicate", "--db", db)
    eq(r.rc, 2, "unknown subcommand: usage")


def test_bad_input_stores_nothing(x):
    w = x.w
    before_c = len(expect(w.admin.get("/calendars"), 200)["calendars"])
    before_p = len(expect(w.admin.get("/sla/policies"), 200)["policies"])
    cases = [
        ({"name": uniq("C"), "time_zone": "Europe/Moscow", "hours": {}}, "hours"),
        ({"name": uniq("C"), "time_zone": "Mars/Olympus", "hours": {"mon": "09:00-18:00"}},
         "time_zone"),
        ({"name": uniq("C"), "time_zone": "UTC", "hours": {"mon": "18:00-09:00"}}, "hours.mon"),
        ({"name": uniq("C"), "time_zone": "UTC", "hours": {"tue": "09:00-13:00,12:00-18:00"}},
         "hours.tue"),
        ({"name": uniq("C"), "time_zone": "UTC", "hours": {"mon": "09:00-25:00"}}, "hours.mon"),
        ({"name": uniq("C"), "time_zone": "UTC", "hours": {"mon": "09:00-18:00"},
          "exceptions": [{"date": "2026-01-02", "kind": "holiday"},
                         {"date": "2026-01-02", "kind": "holiday"}]}, "exceptions"),
        ({"name": uniq("C"), "time_zone": "UTC", "hours": {"mon": "09:00-18:00"},
          "exceptions": [{"date": "2026-02-30", "kind": "holiday"}]}, "exceptions.date"),
        ({"name": uniq("C"), "preset": "mars-calendar"}, "preset"),
        ({"time_zone": "UTC", "hours": {"mon": "09:00-18:00"}}, "name"),
    ]
    for body, field in cases:
        expect_err(w.admin.post("/calendars", body), 422, field=field, what="calendar %r" % body)
    pcases = [
        ({"name": uniq("P"), "targets": {}}, "targets"),
        ({"name": uniq("P"), "targets": {"first_response": {"minutes": -5}}},
         "targets.first_response"),
        ({"name": uniq("P"), "targets": {"first_response": {"minutes": 10}},
          "calendar_id": 999999}, "calendar_id"),
        ({"name": uniq("P"), "targets": {"first_response": {"minutes": 10}},
          "breach_actions": ["explode"]}, "breach_actions"),
        ({"name": uniq("P"), "targets": {"first_response": {"minutes": 10}},
          "breach_actions": ["escalate"]}, "escalate_group_id"),
        ({"name": uniq("P"), "targets": {"resolution": {"minutes": 10}},
          "conditions": {"priorities": ["extreme"]}}, "conditions.priorities"),
        ({"name": uniq("P"), "targets": {"resolution": {"minutes": 10}}, "warn_percent": 100},
         "warn_percent"),
    ]
    for body, field in pcases:
        expect_err(w.admin.post("/sla/policies", body), 422, field=field, what="policy %r" % body)
    expect_err(x.a1.post("/calendars", {"name": uniq("C"), "preset": "24x7"}), 403)
    expect_err(w.admin.delete("/calendars/%d" % x.cal["id"]), 409, what="calendar in use")
    eq(len(expect(w.admin.get("/calendars"), 200)["calendars"]), before_c, "no calendar stored")
    eq(len(expect(w.admin.get("/sla/policies"), 200)["policies"]), before_p, "no policy stored")
    expect_err(w.admin.get("/tickets", query={"sort": "soon"}), 422, field="sort")
    expect_err(w.admin.get("/tickets", query={"sla_due_before": "tomorrow"}), 422,
               field="sla_due_before")
