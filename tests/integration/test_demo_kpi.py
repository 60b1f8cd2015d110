"""The demo dataset's KPIs look like a real support team's: `opora demo`
makes a small database, `opora kpi rebuild` folds its event log into the
facts, and the KPI report (GET /reports/kpi, docs/api.md "Reports") as the
demo's team lead must show a first-contact resolution a sales demo can
show, first responses that take some working time and stay inside the SLA
target, reopened and escalated tickets, and numbers for (nearly) every
agent.

What this guards against: a generator whose agents answered at night (the
business-time first response of every ticket created out of hours was 0,
the median 0 min) and wrote a separate reply before every solve (no ticket
had at most one reply: FCR 0.5 %)."""

import datetime

from harness import Server, check, default_db, expect, new_dir, opora, SLOW

LEAD = "natalia.orlova@opora.demo"
PASSWORD = "demo-password"  # cmd_demo's default
TICKETS, DAYS = 400, 45


def setup():
    class Ctx:
        pass

    x = Ctx()
    d = new_dir("demo-kpi")
    x.db = default_db(d)
    r = opora("demo", "--db", x.db, "--tickets", str(TICKETS), "--customers", "60",
              "--organizations", "6", "--days", str(DAYS), "--seed", "7",
              timeout=900 if SLOW else 300)
    check(r.rc == 0, "opora demo: %r" % r)
    r = opora("kpi", "rebuild", "--db", x.db, timeout=600 if SLOW else 120)
    check(r.rc == 0, "opora kpi rebuild: %r" % r)
    x.srv = Server("demo-kpi", db=x.db).start()
    lead = x.srv.client()
    expect(lead.login(LEAD, PASSWORD), 200, what="the demo lead's login")
    tok = expect(lead.post("/me/tokens", {"name": "demo-kpi"}), 201, what="lead token")["token"]
    x.lead = x.srv.client(token=tok)
    # the whole history, with a day to spare at both ends (UTC dates)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    x.period = {"from": (today - datetime.timedelta(days=DAYS + 2)).isoformat(),
                "to": (today + datetime.timedelta(days=1)).isoformat()}
    x.team = expect(x.lead.get("/reports/kpi", query=x.period), 200, what="team report")
    q = dict(x.period, group_by="agent")
    x.agents = expect(x.lead.get("/reports/kpi", query=q), 200, what="report by agent")
    pols = expect(x.lead.get("/sla/policies"), 200, what="SLA policies")["policies"]
    # the loosest first-response promise: the standard policy's
    x.fr_target_ms = max((p["targets"]["first_response"] or {}).get("minutes", 0)
                         for p in pols) * 60000
    check(x.fr_target_ms > 0, "no first-response target among %r" % pols)
    return x


def teardown(x):
    x.srv.stop()


def pct(v):
    return "%.1f %%" % (100 * v) if v is not None else "null"


def minutes(ms):
    return "%.1f min" % (ms / 60000) if ms is not None else "null"


def test_team_fcr_is_realistic(x):
    t = x.team["total"]
    check(x.team["fcr_rule"] == "one_reply", "default FCR rule: %r" % x.team["fcr_rule"])
    check(t["solved"] >= TICKETS // 2, "solved %d of %d demo tickets" % (t["solved"], TICKETS))
    rate = t["fcr"]["rate"]
    check(rate is not None and 0.30 <= rate <= 0.95,
          "team FCR %s (%d of %d solved), want 30-95 %%" % (pct(rate), t["fcr"]["count"],
                                                          t["solved"]))
    return "FCR %s" % pct(rate)


def test_team_first_response_takes_working_time_within_sla(x):
    b = x.team["total"]["first_response"]["business"]
    check(b["n"] >= TICKETS // 2, "first responses measured: %r" % b)
    for k in ("median_ms", "mean_ms"):
        check(b[k] is not None and 0 < b[k] < x.fr_target_ms,
              "business first response %s %s, want > 0 and below the SLA target %s"
              % (k, minutes(b[k]), minutes(x.fr_target_ms)))
    sla = x.team["total"]["sla"]["first_response"]
    check(sla["compliance"] is not None and 0.5 <= sla["compliance"] < 1.0,
          "first-response SLA compliance %s: met %d, breached %d (a real team misses a few)"
          % (pct(sla["compliance"]), sla["met"], sla["breached"]))
    return "median %s, mean %s" % (minutes(b["median_ms"]), minutes(b["mean_ms"]))


def test_team_history_has_reopens_and_escalations(x):
    t = x.team["total"]
    check(t["reopened"] > 0, "no reopened ticket among %d solved" % t["solved"])
    check(t["reopened"] < t["solved"] * 0.25, "reopened %d of %d" % (t["reopened"], t["solved"]))
    check(t["escalated"]["l1>l2"] > 0 and t["escalated"]["l2>tech"] > 0,
          "escalations: %r" % t["escalated"])
    check(t["handed_back"] > 0, "no bounce-back")


def test_most_agents_have_fcr_and_first_response(x):
    rows = [r for r in x.agents["rows"] if r["solved"] >= 5]
    check(len(rows) >= 6, "agents with 5+ solved tickets: %r"
          % [(r["label"], r["solved"]) for r in x.agents["rows"]])
    bad = [(r["label"], r["solved"], pct(r["fcr"]["rate"]),
            minutes(r["first_response"]["business"]["median_ms"]))
           for r in rows
           if not r["fcr"]["rate"] or not r["first_response"]["business"]["median_ms"]]
    check(len(bad) * 4 <= len(rows),
          "%d of %d agents show FCR 0 or a 0-minute first response: %r" % (len(bad), len(rows), bad))
    return "%d agents, %d with a zero" % (len(rows), len(bad))
