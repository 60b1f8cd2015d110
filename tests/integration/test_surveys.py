"""Customer surveys through the real server: a CSAT survey when a ticket is
solved, answered through its signed link (one click on the HTML page, or the
JSON API with CSI questions), forged and expired links, the totals per agent
worked out by hand, NPS on a schedule at most once per customer per period,
and bad input. The token is computed here from the database's key, as an
independent check of its format (libsodium's crypto_auth is
HMAC-SHA-512-256)."""

import base64
import calendar as _cal
import hashlib
import hmac
import http.client
import os
import sqlite3
import subprocess
import time
import urllib.parse

from harness import (World, check, eq, expect, expect_err, new_dir, uniq, SLOW)


def ms(y, mo, d, h=0, mi=0):
    return _cal.timegm((y, mo, d, h, mi, 0)) * 1000


class Ctx:
    pass


def _write(path, t):
    with open(path + ".tmp", "w") as f:
        f.write(str(int(t)))
    os.replace(path + ".tmp", path)


def setup():
    x = Ctx()
    x.clock = os.path.join(new_dir("survey-clock"), "now")
    x.set = lambda t: _write(x.clock, t)
    x.set(ms(2026, 4, 1, 9))
    x.w = w = World("surveys", env={"OPORA_TEST_CLOCK": x.clock})
    x.g = w.group("l1", name=uniq("Survey L1 "))
    x.a1 = w.user("agent", level="junior", name="Ann Agent", groups=[x.g["id"]])
    x.a2 = w.user("agent", level="middle", name="Bob Agent", groups=[x.g["id"]])
    x.lead = w.user("lead", level="senior", name="Lea Lead")
    x.cust = w.user("customer", name="Kate Client", lang="ru")
    x.cust2 = w.user("customer", name="Max Client")
    return x


def teardown(x):
    x.w.finish()


def db_rows(x, sql, args=()):
    """Rows of a query on the server's database, SQLite file or PostgreSQL
    URL (through psql); args are integers, put in place of '?'."""
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


def token_for(x, survey_id):
    if x.w.srv.db.startswith("postgres"):
        key = bytes.fromhex(db_rows(x, "SELECT encode(key, 'hex') FROM survey_keys")[0][0])
    else:
        key = db_rows(x, "SELECT key FROM survey_keys WHERE id = 1")[0][0]
    mac = hmac.new(key, b"survey:%d" % survey_id, hashlib.sha512).digest()[:32][:16]
    return "%d.%s" % (survey_id, base64.urlsafe_b64encode(mac).decode().rstrip("="))


def surveys_of(x, ticket_id=None, kind=None):
    q = "SELECT id, kind, customer_id, agent_id FROM surveys WHERE 1 = 1"
    args = []
    if ticket_id is not None:
        q += " AND ticket_id = ?"
        args.append(ticket_id)
    if kind is not None:
        q += " AND kind = ?"
        args.append(kind)
    return db_rows(x, q + " ORDER BY id", args)


def page(x, path, score=None):
    """GET of a page outside /api/v1: (status, text)."""
    if score is not None:
        path += "?" + urllib.parse.urlencode({"score": score})
    conn = http.client.HTTPConnection("127.0.0.1", x.w.port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8"), r.getheader("Content-Type")
    finally:
        conn.close()


def solved_ticket(x, agent, customer):
    t = x.w.ticket(requester=customer, group_id=x.g["id"], assignee_id=agent.user["id"])
    expect(agent.patch("/tickets/%d" % t["id"], {"status": "solved",
                                                 "comment": {"body": "Done", "public": True}}),
           200)
    return t


def test_csat_link_one_click_and_json(x):
    w = x.w
    t = solved_ticket(x, x.a1, x.cust)
    sv = surveys_of(x, t["id"])
    eq(len(sv), 1, "one CSAT survey for the solve")
    eq((sv[0][1], sv[0][2], sv[0][3]), (0, x.cust.user["id"], x.a1.user["id"]),
       "CSAT, the customer, the agent who solved it")
    tok = token_for(x, sv[0][0])
    anon = w.anon()
    v = expect(anon.get("/surveys/" + tok), 200, what="the survey by its link")
    eq((v["kind"], v["ticket_subject"], v["score"], v["scale"]),
       ("csat", t["subject"], None, {"min": 1, "max": 5}), "survey view")
    # one click in the mail: the page records the rating, in the customer's language
    status, html, ctype = page(x, "/survey/%s" % tok, score=5)
    eq((status, ctype), (200, "text/html; charset=utf-8"), "the page")
    check("Спасибо" in html and "<script" not in html, "thanks in Russian: %r" % html[:300])
    check("&lt;" not in t["subject"] and t["subject"] in html, "the subject, escaped")
    ev = [e for e in w.events(t["id"]) if e["kind"] == "rated"]
    eq([(e["field"], e["new"], e["actor_id"]) for e in ev], [("csat", "5", x.cust.user["id"])],
       "a 'rated' event by the customer")
    # the same link changes it while it works; the API takes a comment too
    v = expect(anon.post("/surveys/" + tok, {"score": 4, "comment": "Хорошо"}), 200)
    eq((v["score"], v["comment"]), (4, "Хорошо"), "changed")
    eq([e["new"] for e in w.events(t["id"]) if e["kind"] == "rated"], ["5", "4"], "both in the log")
    # solving again while the link is open and answered: a new survey; open: the same
    expect(x.a1.patch("/tickets/%d" % t["id"], {"status": "open"}), 200)
    expect(x.a1.patch("/tickets/%d" % t["id"], {"status": "solved"}), 200)
    eq(len(surveys_of(x, t["id"])), 2, "a new request after an answered one")
    expect(x.a1.patch("/tickets/%d" % t["id"], {"status": "open"}), 200)
    expect(x.a1.patch("/tickets/%d" % t["id"], {"status": "solved"}), 200)
    eq(len(surveys_of(x, t["id"])), 2, "the open one serves again")


def test_forged_expired_and_bad_input(x):
    w = x.w
    anon = w.anon()
    x.set(ms(2026, 4, 2, 9))
    t = solved_ticket(x, x.a1, x.cust2)
    sid = surveys_of(x, t["id"])[-1][0]
    tok = token_for(x, sid)
    forged = "%d%s" % (sid + 1, tok[len(str(sid)):])
    expect_err(anon.get("/surveys/" + forged), 404, what="another survey's id with this MAC")
    expect_err(anon.get("/surveys/" + tok[:-2] + "AA"), 404, what="a wrong MAC")
    eq(page(x, "/survey/" + forged, score=5)[0], 404, "the page of a forged link")
    for body, field in (({"score": 6}, "score"), ({"score": 0}, "score"), ({}, "score"),
                        ({"score": 3, "answers": {"nope": 3}}, "answers"),
                        ({"score": 3, "comment": "x" * 5000}, "comment")):
        expect_err(anon.post("/surveys/" + tok, body), 422, field=field, what="%r" % body)
    eq(expect(anon.get("/surveys/" + tok), 200)["score"], None, "nothing stored")
    x.set(ms(2026, 4, 17, 9))  # 15 days later: the link closed
    expect_err(anon.post("/surveys/" + tok, {"score": 5}), 409, what="expired")
    check(expect(anon.get("/surveys/" + tok), 200)["expired"], "shows it expired")


def test_csi_questions_and_totals_by_agent(x):
    w = x.w
    anon = w.anon()
    q = {"questions": [
        {"key": "speed", "text_en": "Speed", "text_ru": "Скорость", "weight": 50},
        {"key": "clarity", "text_en": "Clarity", "text_ru": "Понятность", "weight": 30},
        {"key": "politeness", "text_en": "Politeness", "text_ru": "Вежливость", "weight": 20}]}
    got = expect(w.admin.request("PUT", "/surveys/questions", q), 200)
    eq([k["key"] for k in got["questions"]], ["speed", "clarity", "politeness"], "questions")
    expect_err(x.a1.request("PUT", "/surveys/questions", q), 403)
    expect_err(w.admin.request("PUT", "/surveys/questions", {"questions": [
        {"key": "Bad Key", "text_en": "x", "text_ru": "х", "weight": 5}]}), 422,
        field="questions[0].key")
    expect_err(w.admin.request("PUT", "/surveys/questions", {"questions": [
        {"key": "w", "text_en": "x", "text_ru": "х", "weight": 0}]}), 422,
        field="questions[0].weight")
    # the failing entry is named by its place in the list
    ok = {"key": "w", "text_en": "x", "text_ru": "х", "weight": 5}
    expect_err(w.admin.request("PUT", "/surveys/questions", {"questions": [
        ok, dict(ok, key="v"), dict(ok, key="w")]}), 422, field="questions[2].key")
    expect_err(w.admin.request("PUT", "/surveys/questions", {"questions": [
        ok, dict(ok, key="v", text_ru=" ")]}), 422, field="questions[1].text_ru")
    x.set(ms(2026, 5, 4, 10))
    # Bob: 5 (CSI 5,3,1 -> 65), 2 (CSI 1,1,1 -> 0), 4 (no CSI): CSAT 2/3, mean 11/3, CSI 32.5
    answers = [(5, {"speed": 5, "clarity": 3, "politeness": 1}),
               (2, {"speed": 1, "clarity": 1, "politeness": 1}), (4, {})]
    for score, a in answers:
        t = solved_ticket(x, x.a2, x.cust2)
        tok = token_for(x, surveys_of(x, t["id"])[-1][0])
        v = expect(anon.get("/surveys/" + tok), 200)
        eq([k["key"] for k in v["questions"]], ["speed", "clarity", "politeness"], "asked")
        expect(anon.post("/surveys/" + tok, {"score": score, "answers": a}), 200)
    # Ann, in May: one 1
    t = solved_ticket(x, x.a1, x.cust)
    expect(anon.post("/surveys/" + token_for(x, surveys_of(x, t["id"])[-1][0]), {"score": 1}), 200)
    rep = expect(x.lead.get("/reports/surveys", query={"from": "2026-05-01T00:00:00Z",
                                                       "to": "2026-06-01T00:00:00Z",
                                                       "group_by": "agent"}), 200)["rows"]
    rows = {r["agent_id"]: r for r in rep}
    b = rows[x.a2.user["id"]]
    eq((b["csat_answers"], round(b["csat_percent"], 6), round(b["csat_mean"], 6), b["csi_answers"],
        round(b["csi"], 6)), (3, round(200 / 3, 6), round(11 / 3, 6), 2, 32.5), "Bob's numbers")
    a = rows[x.a1.user["id"]]
    eq((a["csat_answers"], a["csat_percent"], a["csi"]), (1, 0.0, None), "Ann's numbers")
    # an agent sees their own numbers only
    mine = expect(x.a1.get("/reports/surveys", query={"from": "2026-05-01T00:00:00Z",
                                                      "group_by": "agent"}), 200)["rows"]
    eq([r["agent_id"] for r in mine], [x.a1.user["id"]], "own numbers")
    expect_err(x.a1.get("/reports/surveys", query={"agent_id": x.a2.user["id"]}), 403)
    expect_err(x.lead.get("/reports/surveys", query={"from": "2026-06-01T00:00:00Z",
                                                     "to": "2026-05-01T00:00:00Z"}), 422,
               field="to")
    expect_err(x.lead.get("/reports/surveys", query={"group_by": "planet"}), 422,
               field="group_by")


def test_nps_once_per_customer_per_period(x):
    w = x.w
    anon = w.anon()
    s = expect(w.admin.request("PUT", "/surveys/settings", {"nps_enabled": True,
                                                            "nps_period_days": 30}), 200)
    eq((s["nps_enabled"], s["nps_period_days"]), (True, 30), "settings")
    expect_err(w.admin.request("PUT", "/surveys/settings", {"nps_period_days": 1}), 422,
               field="nps_period_days")
    x.set(ms(2026, 6, 1, 9))
    c3 = w.user("customer", name="Nina Client")
    for c in (x.cust, x.cust2, c3):
        solved_ticket(x, x.a1, c)
    x.set(ms(2026, 6, 1, 10))  # the job runs: time has moved past its hour
    end = time.time() + (60 if SLOW else 15)
    while time.time() < end and len(surveys_of(x, kind=1)) < 3:
        time.sleep(0.1)
    nps = surveys_of(x, kind=1)
    eq(sorted(r[2] for r in nps), sorted([x.cust.user["id"], x.cust2.user["id"], c3.user["id"]]),
       "one NPS survey per customer with a solved ticket")
    # promoter 10, passive 8, detractor 3: NPS (1 - 1) / 3 = 0
    for (sid, _, cid, _), score in zip(nps, (10, 8, 3)):
        v = expect(anon.post("/surveys/" + token_for(x, sid), {"score": score}), 200)
        eq((v["kind"], v["scale"]), ("nps", {"min": 0, "max": 10}), "NPS scale")
    rep = expect(x.lead.get("/reports/surveys", query={"from": "2026-06-01T00:00:00Z"}), 200)
    eq((rep["rows"][0]["nps_answers"], rep["rows"][0]["nps"]), (3, 0.0), "NPS")
    # ten days later: still inside the period, nobody is asked again
    x.set(ms(2026, 6, 11, 9))
    solved_ticket(x, x.a1, x.cust)
    x.set(ms(2026, 6, 11, 11))
    time.sleep(1.5)
    eq(len(surveys_of(x, kind=1)), 3, "at most once per customer per period")
