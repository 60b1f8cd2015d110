"""The motivation system through the API with the server's clock in a file
(OPORA_TEST_CLOCK): level plans set by the admin, pay, the March 2026 bonus
statements worked out by hand below, approval that freezes the month,
promotion hints, CSAT/CSI/NPS columns in the KPI report, and bad input.

Levels (PUT /levels), pay bands in kopecks:
  Junior (1) 6,000,000-8,000,000, cap 20 %: solved target 3 threshold 1
      (50 %); first_response_median_min target 10 threshold 40 (50 %)
  Middle (2) 9,000,000-11,000,000, cap 30 %: csat_percent 100 / 50 (60 %);
      fcr_percent 100 / 0 (40 %)
  Senior (3) 12,000,000-15,000,000, cap 40 %: team_sla_percent 95 / 85
      (50 %); team_csat_percent 90 / 50 (50 %)

March, all times UTC, each ticket created by the customer and solved by its
agent with a public reply (one SLA policy: first response in 60 min, all met):
  J1 1 ticket, first reply after 40 min, a second reply before the solve (not
     FCR): solved 1 -> 0, FRT 40 -> 0; total 0, bonus 0 (at the thresholds)
  J2 2 tickets, FRT 20 and 30 (median 25); one rated 1: solved 2 -> 0.5,
     FRT 25 -> (40-25)/30 = 0.5; total 0.5; base 6,000,000 (band minimum,
     nothing set) x 20 % x 0.5 = 600,000
  J3 4 tickets, FRT 5: solved 4 -> 1, FRT 5 -> 1; total 1; base set to
     7,000,000: bonus 1,400,000 (above target)
  M1 4 tickets rated 5, 5, 5, 2: CSAT 75 % -> 0.5, FCR 100 % -> 1; total
     0.6 x 0.5 + 0.4 x 1 = 0.7; 9,000,000 x 30 % x 0.7 = 1,890,000
  S1 no tickets: team SLA 11/11 = 100 % -> 1; team CSAT 3 good of 5 = 60 %
     -> 0.25; total 0.625; 12,000,000 x 40 % x 0.625 = 3,000,000
  admin (Senior by `opora init`): as S1, 3,000,000
  lead (Senior): as S1, 3,000,000
Summary: 7 agents, base 64,000,000, bonus 12,890,000; Junior 3, Middle 1,
Senior 3.
Promotion (until March, 1 month): J3 meets Middle (FCR 100 %, no ratings);
J1 (FCR 0 %) and J2 (CSAT 0 %) do not; M1 misses Senior's team CSAT 90.
Over 2 months: February has no data for J3, so nobody.
"""

import calendar as _cal
import base64
import csv
import hashlib
import hmac
import io
import os
import sqlite3
import subprocess
import time

from harness import World, check, eq, expect, expect_err, new_dir, uniq, SLOW

MIN = 60 * 1000


def ms(y, mo, d, h=0, mi=0):
    return _cal.timegm((y, mo, d, h, mi, 0)) * 1000


class Ctx:
    pass


def _write(path, t):
    with open(path + ".tmp", "w") as f:
        f.write(str(int(t)))
    os.replace(path + ".tmp", path)


def wait_for(what, fn, timeout=None):
    end = time.time() + (timeout or (60 if SLOW else 20))
    last = None
    while time.time() < end:
        ok, last = fn()
        if ok:
            return last
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s; last: %r" % (what, last))


def goal(key, target, threshold, weight):
    return {"key": key, "target": target, "threshold": threshold, "weight": weight}


LEVELS = [
    {"name": "Junior", "rank": 1, "pay_min": 6000000, "pay_max": 8000000,
     "bonus_cap_percent": 20,
     "goals": [goal("solved", 3, 1, 50), goal("first_response_median_min", 10, 40, 50)]},
    {"name": "Middle", "rank": 2, "pay_min": 9000000, "pay_max": 11000000,
     "bonus_cap_percent": 30,
     "goals": [goal("csat_percent", 100, 50, 60), goal("fcr_percent", 100, 0, 40)]},
    {"name": "Senior", "rank": 3, "pay_min": 12000000, "pay_max": 15000000,
     "bonus_cap_percent": 40,
     "goals": [goal("team_sla_percent", 95, 85, 50), goal("team_csat_percent", 90, 50, 50)]},
]


def db_rows(x, sql, args=()):
    db = x.w.srv.db
    if not db.startswith("postgres"):
        con = sqlite3.connect(db)
        try:
            return [tuple(r) for r in con.execute(sql, args).fetchall()]
        finally:
            con.close()
    for a in args:
        sql = sql.replace("?", str(int(a)), 1)
    out = subprocess.run(["psql", db, "-At", "-F", "\t", "-c", sql], capture_output=True,
                         text=True, check=True).stdout
    return [tuple(int(v) if v.lstrip("-").isdigit() else v for v in l.split("\t"))
            for l in out.splitlines() if l]


def rate(x, ticket_id, score):
    """Answers the ticket's CSAT survey through its signed link (the token
    made here from the database's key, as test_surveys.py does)."""
    sid = db_rows(x, "SELECT id FROM surveys WHERE ticket_id = ? AND kind = 0", (ticket_id,))[0][0]
    if x.w.srv.db.startswith("postgres"):
        key = bytes.fromhex(db_rows(x, "SELECT encode(key, 'hex') FROM survey_keys")[0][0])
    else:
        key = db_rows(x, "SELECT key FROM survey_keys WHERE id = 1")[0][0]
    mac = hmac.new(key, b"survey:%d" % sid, hashlib.sha512).digest()[:16]
    tok = "%d.%s" % (sid, base64.urlsafe_b64encode(mac).decode().rstrip("="))
    expect(x.w.anon().post("/surveys/" + tok, {"score": score}), 200, what="rate")


def handle(x, agent, frt, score=None, two_replies=False):
    """A ticket from the customer at x.now, answered after frt minutes and
    solved by agent; the clock then moves an hour on."""
    t0 = x.now
    x.set(t0)
    t = x.w.ticket(by=x.cust, description="help")["id"]
    x.set(t0 + frt * MIN)
    body = {"group_id": x.g["id"], "assignee_id": agent.user["id"]}
    if two_replies:
        expect(agent.patch("/tickets/%d" % t, body), 200, what="take")
        expect(agent.post("/tickets/%d/comments" % t, {"body": "Looking", "public": True}), 201)
        x.set(t0 + (frt + 1) * MIN)
        body = {}
    body.update({"status": "solved", "comment": {"body": "Done", "public": True}})
    expect(agent.patch("/tickets/%d" % t, body), 200, what="solve")
    if score is not None:
        x.set(t0 + (frt + 2) * MIN)
        rate(x, t, score)
    x.now = t0 + 60 * MIN
    return t


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("motivation-clock"), "now")
    x.set = lambda t: _write(x.clock, t)
    x.now = ms(2026, 3, 2, 9, 0)
    x.set(x.now)
    x.w = w = World("motivation", env={"OPORA_TEST_CLOCK": x.clock})
    x.g = w.group("l1", name=uniq("Bonus L1 "))
    x.cust = w.user("customer", name="Carl Customer")
    x.j1 = w.user("agent", level="junior", name="Jan One", groups=[x.g["id"]])
    x.j2 = w.user("agent", level="junior", name="Jo Two", groups=[x.g["id"]])
    x.j3 = w.user("agent", level="junior", name="Jay Three", groups=[x.g["id"]])
    x.m1 = w.user("agent", level="middle", name="Mia Middle", groups=[x.g["id"]])
    x.s1 = w.user("agent", level="senior", name="Sam Senior", groups=[x.g["id"]])
    x.lead = w.user("lead", level="senior", name="Lena Lead", groups=[x.g["id"]])
    expect(w.admin.post("/sla/policies", {
        "name": uniq("Bonus FR "), "position": 1,
        "targets": {"first_response": {"minutes": 60, "business": False}},
        "breach_actions": []}), 201, what="policy")
    handle(x, x.j1, 40, two_replies=True)
    handle(x, x.j2, 20)
    handle(x, x.j2, 30, score=1)
    x.j3_tickets = [handle(x, x.j3, 5) for _ in range(4)]
    for s in (5, 5, 5, 2):
        handle(x, x.m1, 10, score=s)
    x.set(ms(2026, 4, 2, 12, 0))  # the month is over
    # the KPI facts are made by a job: wait until it has every ticket
    def probe():
        d = expect(x.w.admin.get("/reports/kpi", query={"from": "2026-03-01",
                                                        "to": "2026-03-31"}), 200)
        return d["total"]["solved"] == 11 and d["total"]["sla"]["first_response"]["met"] == 11, d
    wait_for("the KPI facts", probe)
    return x


def teardown(x):
    x.w.finish()


def by_user(d):
    return {s["user_id"]: s for s in d["statements"]}


# ---------------------------------------------------------------------------


def test_levels_defaults_then_replaced(x):
    w = x.w
    d = expect(w.admin.get("/levels"), 200)
    eq(d["defaults"], True, "nothing stored yet: the defaults")
    eq([l["bonus_cap_percent"] for l in d["levels"]], [20, 30, 40], "default caps")
    eq(d["levels"][0]["goals"][0]["key"], "first_response_median_min", "default Junior goal")
    check(any(k["key"] == "csat_percent" and k["unit"] == "percent" for k in d["kpis"]),
          "the KPI list with units")
    expect_err(x.lead.request("PUT", "/levels", {"levels": LEVELS}), 403)
    d = expect(w.admin.request("PUT", "/levels", {"levels": LEVELS}), 200)
    eq(d["defaults"], False, "stored now")
    eq([(l["name"], l["rank"]) for l in d["levels"]],
       [("Junior", 1), ("Middle", 2), ("Senior", 3)], "levels")
    eq(d["levels"][0]["goals"][1]["lower_is_better"], True, "direction from the KPI")
    eq(d["levels"][1]["goals"][0]["unit"], "percent", "unit")
    # the same plans again: no event that changes nothing (World.finish checks)
    expect(w.admin.request("PUT", "/levels", {"levels": LEVELS}), 200)


def test_pay(x):
    w = x.w
    p = expect(w.admin.get("/users/%d/pay" % x.j2.user["id"]), 200)
    eq((p["level"], p["base_pay"], p["currency"], p["set"]), ("Junior", 6000000, "RUB", False),
       "default pay: the band's minimum, the level of users.level")
    p = expect(w.admin.request("PUT", "/users/%d/pay" % x.j3.user["id"], {"base_pay": 7000000}),
               200)
    eq((p["level_rank"], p["rank_in_force"], p["base_pay"], p["set"]), (0, 1, 7000000, True),
       "set")
    eq(expect(x.j3.get("/users/%d/pay" % x.j3.user["id"]), 200)["base_pay"], 7000000,
       "an agent reads their own")
    expect_err(x.j3.get("/users/%d/pay" % x.j2.user["id"]), 403)
    expect_err(x.lead.request("PUT", "/users/%d/pay" % x.j2.user["id"], {"base_pay": 7000000}),
               403)
    evs = [e for e in expect(w.admin.get("/events", query={"limit": 10000}), 200)["events"]
           if e.get("entity") == "user" and e.get("entity_id") == x.j3.user["id"]
           and (e.get("field") or "").startswith("pay.")]
    check(any(e["field"] == "pay.base_pay" and str(e["new"]) == "7000000" for e in evs),
          "a pay.base_pay event: %r" % evs)


def test_bad_input(x):
    w, a = x.w, x.w.admin
    def lv(**over):
        v = [dict(l, goals=[dict(g) for g in l["goals"]]) for l in LEVELS]
        return v, over
    v, _ = lv()
    v[0]["goals"][0]["weight"] = 40  # 40 + 50 = 90
    expect_err(a.request("PUT", "/levels", {"levels": v}), 422, field="levels[0].goals")
    v, _ = lv()
    v[0]["goals"][1]["key"] = "closed_count"
    expect_err(a.request("PUT", "/levels", {"levels": v}), 422, field="levels[0].goals[1].key")
    v, _ = lv()
    v[1]["goals"][0].update(target=450, threshold=300)  # a percentage
    expect_err(a.request("PUT", "/levels", {"levels": v}), 422,
               field="levels[1].goals[0].target")
    v, _ = lv()
    v[1]["goals"][0]["unit"] = "min"
    expect_err(a.request("PUT", "/levels", {"levels": v}), 422, field="levels[1].goals[0].unit")
    v, _ = lv()
    v[2]["rank"] = 1
    expect_err(a.request("PUT", "/levels", {"levels": v}), 422, field="levels[2].rank")
    expect_err(a.request("PUT", "/levels", {"levels": []}), 422, field="levels")
    j3 = "/users/%d/pay" % x.j3.user["id"]
    expect_err(a.request("PUT", j3, {"level_rank": 7}), 422, field="level_rank")
    expect_err(a.request("PUT", j3, {"currency": "rub"}), 422, field="currency")
    expect_err(a.request("PUT", j3, {"base_pay": 9000000}), 422, field="base_pay")
    expect_err(a.request("PUT", "/users/%d/pay" % x.cust.user["id"], {"base_pay": 1}), 422,
               field="user_id")
    expect_err(a.request("PUT", "/users/99999999/pay", {"base_pay": 1}), 404)
    for m in ("2026-13", "2026-3", "March", ""):
        expect_err(a.get("/reports/bonus", query={"month": m}), 422, field="month")
    expect_err(a.get("/reports/bonus", query={"month": "2026-05"}), 422, field="month")
    expect_err(a.get("/reports/bonus", query={"month": "2026-03", "tz": "Mars/Base"}), 422,
               field="tz")
    expect_err(a.get("/reports/bonus/99999999", query={"month": "2026-03"}), 404)
    expect_err(a.post("/reports/bonus/approve", {"month": "2026-04"}), 422, field="month")
    expect_err(a.get("/reports/promotions", query={"months": "0"}), 422, field="months")
    # nothing above changed the plans or the pay
    eq(expect(a.get("/users/%d/pay" % x.j3.user["id"]), 200)["base_pay"], 7000000, "pay kept")
    eq(expect(a.get("/levels"), 200)["levels"][0]["bonus_cap_percent"], 20, "levels kept")


EXPECT = {  # user -> (level, base pay, total, bonus)
    "j1": ("Junior", 6000000, 0.0, 0),
    "j2": ("Junior", 6000000, 0.5, 600000),
    "j3": ("Junior", 7000000, 1.0, 1400000),
    "m1": ("Middle", 9000000, 0.7, 1890000),
    "s1": ("Senior", 12000000, 0.625, 3000000),
}


def check_march(x, d, approved):
    eq(d["month"], "2026-03", "month")
    eq(d["tz"], "UTC", "zone")
    eq(d["approved"], approved, "approved")
    st = by_user(d)
    for who, (level, base, total, bonus) in EXPECT.items():
        s = st[getattr(x, who).user["id"]]
        got = (s["level"]["name"], s["base_pay"], round(s["total"], 9), s["bonus"])
        eq(got, (level, base, total, bonus), "statement of " + who)
    lines = {l["key"]: l for l in st[x.j2.user["id"]]["lines"]}
    eq(lines["solved"]["actual"], 2.0, "J2 solved")
    eq(lines["first_response_median_min"]["actual"], 25.0, "J2 FRT median")
    eq(round(lines["first_response_median_min"]["attainment"], 9), 0.5, "J2 FRT attainment")
    lines = {l["key"]: l for l in st[x.m1.user["id"]]["lines"]}
    eq((lines["csat_percent"]["actual"], lines["fcr_percent"]["actual"]), (75.0, 100.0),
       "M1 actuals")
    lines = {l["key"]: l for l in st[x.s1.user["id"]]["lines"]}
    eq((lines["team_sla_percent"]["actual"], lines["team_csat_percent"]["actual"]),
       (100.0, 60.0), "S1 team actuals")
    eq(st[x.w.admin.user["id"]]["bonus"], 3000000, "the admin, a Senior")
    s = d["summary"]
    eq((s["agents"], s["base_pay"], s["bonus"], s["currency"]),
       (7, 64000000, 12890000, "RUB"), "summary (with the lead, a Senior)")
    eq([(l["name"], l["agents"]) for l in s["levels"]],
       [("Junior", 3), ("Middle", 1), ("Senior", 3)], "by level")
    check(d["events_through"] > 0, "the newest event the KPIs were computed from")


def test_statements_approve_and_freeze(x):
    w, a = x.w, x.w.admin
    d = expect(a.get("/reports/bonus", query={"month": "2026-03"}), 200)
    check_march(x, d, False)
    # an agent sees only their own statement
    mine = expect(x.j2.get("/reports/bonus", query={"month": "2026-03"}), 200)
    eq([s["user_id"] for s in mine["statements"]], [x.j2.user["id"]], "own only")
    expect_err(x.j2.get("/reports/bonus/%d" % x.j3.user["id"], query={"month": "2026-03"}), 403)
    one = expect(a.get("/reports/bonus/%d" % x.m1.user["id"], query={"month": "2026-03"}), 200)
    eq([s["bonus"] for s in one["statements"]], [1890000], "one agent")
    # CSV: a row per statement line
    r = a.get("/reports/bonus", query={"month": "2026-03", "format": "csv"})
    eq(r.status, 200, "csv status")
    rows = list(csv.DictReader(io.StringIO(r.raw.decode("utf-8"))))
    j3 = [row for row in rows if row["user_id"] == str(x.j3.user["id"])]
    eq(sorted(row["kpi"] for row in j3), ["first_response_median_min", "solved"], "J3 lines")
    eq({row["bonus"] for row in j3}, {"1400000"}, "J3 bonus in the CSV")
    # approval: agents may not; the admin freezes the month
    expect_err(x.j2.post("/reports/bonus/approve", {"month": "2026-03"}), 403)
    d = expect(a.post("/reports/bonus/approve", {"month": "2026-03"}), 201)
    check_march(x, d, True)
    expect_err(x.lead.post("/reports/bonus/approve", {"month": "2026-03"}), 409, field="month")
    # later edits: the plans and the pay
    v = [dict(l, goals=[dict(g) for g in l["goals"]]) for l in LEVELS]
    v[0]["bonus_cap_percent"] = 10
    expect(a.request("PUT", "/levels", {"levels": v}), 200)
    expect(a.request("PUT", "/users/%d/pay" % x.j3.user["id"], {"base_pay": 8000000}), 200)
    d = expect(a.get("/reports/bonus", query={"month": "2026-03"}), 200)
    check_march(x, d, True)
    eq(d["approved_by"], a.user["id"], "approved by")
    one = expect(a.get("/reports/bonus/%d" % x.j3.user["id"], query={"month": "2026-03"}), 200)
    eq(one["statements"][0]["bonus"], 1400000, "J3 frozen at the approved pay and plan")
    # a month not approved follows the edits: February, no tickets, J3 at 8,000,000
    feb = expect(a.get("/reports/bonus/%d" % x.j3.user["id"], query={"month": "2026-02"}), 200)
    eq((feb["approved"], feb["statements"][0]["base_pay"], feb["statements"][0]["bonus_cap_percent"]),
       (False, 8000000, 10), "February computed now")
    evs = expect(a.get("/events", query={"limit": 10000}), 200)["events"]
    check(any(e.get("field") == "bonus_approved" and e.get("new") == "2026-03" for e in evs),
          "an approval event")
    # put the plans back for the promotion test
    expect(a.request("PUT", "/levels", {"levels": LEVELS}), 200)


def test_promotion_hints(x):
    a = x.w.admin
    d = expect(a.get("/reports/promotions", query={"months": "1", "until": "2026-03"}), 200)
    eq([h["user_id"] for h in d["hints"]], [x.j3.user["id"]], "J3 only")
    h = d["hints"][0]
    eq((h["level"]["name"], h["next_level"]["name"]), ("Junior", "Middle"), "J3 to Middle")
    eq(h["history"], [{"month": "2026-03", "meets": True,
                       "actuals": {"csat_percent": None, "fcr_percent": 100.0}}], "history")
    d = expect(a.get("/reports/promotions", query={"months": "2", "until": "2026-03"}), 200)
    eq(d["hints"], [], "February had no data")
    d = expect(a.get("/reports/promotions"), 200)  # default: 3 months up to March
    eq(d["hints"], [], "three months")
    expect_err(x.j3.get("/reports/promotions"), 403)


def test_kpi_report_survey_columns(x):
    a = x.w.admin
    q = {"from": "2026-03-01", "to": "2026-03-31"}
    d = expect(a.get("/reports/kpi", query=dict(q, group_by="agent")), 200)
    rows = {r["key"]: r for r in d["rows"]}
    m1 = rows[x.m1.user["id"]]["surveys"]
    eq((m1["csat_n"], m1["csat_percent"], m1["csat_mean"]), (4, 75.0, 4.25), "M1 CSAT")
    eq(rows[x.j2.user["id"]]["surveys"]["csat_percent"], 0.0, "J2 CSAT")
    eq(rows[x.j3.user["id"]]["surveys"]["csat_percent"], None, "J3 unrated")
    t = d["total"]["surveys"]
    eq((t["csat_n"], t["csat_percent"], t["nps"]), (5, 60.0, None), "total")
    d = expect(a.get("/reports/kpi", query=dict(q, group_by="day")), 200)
    eq(d["rows"][0]["surveys"], None, "no surveys by day")
    r = a.get("/reports/kpi", query=dict(q, group_by="agent", format="csv"))
    rows = list(csv.DictReader(io.StringIO(r.raw.decode("utf-8"))))
    m1 = [row for row in rows if row["key"] == str(x.m1.user["id"])][0]
    eq((m1["csat_n"], m1["csat_percent"]), ("4", "75.000000"), "CSV CSAT")


def test_ticket_edits_after_approval(x):
    """A March ticket of J3 reopened and solved again in April changes
    March's KPIs, but not the approved statement."""
    a = x.w.admin
    q = {"from": "2026-03-01", "to": "2026-03-31", "group_by": "agent"}
    def j3_row():
        rows = expect(a.get("/reports/kpi", query=q), 200)["rows"]
        r = [r for r in rows if r["key"] == x.j3.user["id"]][0]
        return (r["solved"], r["reopened"], r["fcr"]["count"])
    before = j3_row()
    eq(before, (4, 0, 4), "J3 in March")
    t = x.j3_tickets[0]
    x.set(ms(2026, 4, 3, 10, 0))
    expect(x.cust.post("/tickets/%d/comments" % t, {"body": "Broken again", "public": True}),
           201, what="the customer reopens")
    x.set(ms(2026, 4, 3, 10, 30))
    expect(x.j3.patch("/tickets/%d" % t, {"status": "solved",
                                          "comment": {"body": "Fixed", "public": True}}), 200)
    after = wait_for("March's KPIs to change", lambda: (j3_row() != before, j3_row()))
    check(after != before, "the KPIs moved: %r" % (after,))
    d = expect(a.get("/reports/bonus", query={"month": "2026-03"}), 200)
    check_march(x, d, True)
