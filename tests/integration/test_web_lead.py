"""The team lead's pages (docs/web.md, "Team lead"): who may open them, the
numbers of /lead against /api/v1/reports/kpi and /reports/backlog for the
same period, the sort links, the SLA lists, the charts as SVG images, the
CSV download with the browser's session, a refused period shown again with
the error at its field and what was typed kept, /lead/team (presence,
today's shifts, on-call, the month's rota), and no English catalogue text
on the Russian pages. Runs on SQLite and on PostgreSQL
(OPORA_IT_DB=postgres)."""

import html
import http.client
import re
import time
import xml.etree.ElementTree as ET

from harness import ADMIN_EMAIL, ADMIN_PASSWORD, SLOW, TIMEOUT, World, check, eq, expect, uniq
from test_web import Web, english_catalogue, text_of


class Ctx:
    pass


def month_range():
    """This month in UTC, as the page's default period (tz=UTC) means it."""
    t = time.gmtime()
    import calendar
    last = calendar.monthrange(t.tm_year, t.tm_mon)[1]
    return ("%04d-%02d-01" % (t.tm_year, t.tm_mon),
            "%04d-%02d-%02d" % (t.tm_year, t.tm_mon, last))


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
    x.w = w = World("web_lead")
    x.g = w.group("l1", name=uniq("Первая линия "))
    x.a = w.user("agent", level="junior", name="Анна Ведущая", lang="ru", time_zone="UTC",
                 groups=[x.g["id"]])
    x.b = w.user("agent", level="middle", name="Борис Второй", lang="ru", time_zone="UTC",
                 groups=[x.g["id"]])
    x.lead = w.user("lead", level="senior", name="Lead English", lang="en", time_zone="UTC")
    x.lead_ru = w.user("lead", level="senior", name="Лев Руководитель", lang="ru",
                       time_zone="UTC")
    x.cust = w.user("customer", name="Клиент Иванов")
    expect(w.admin.post("/sla/policies", {
        "name": uniq("Lead FR "), "position": 1,
        "targets": {"first_response": {"minutes": 45, "business": False}},
        "breach_actions": []}), 201, what="policy")
    # three tickets: A solves one after replying, takes another; one waits unassigned
    x.t = []
    for i in range(3):
        x.t.append(w.ticket(by=x.cust, subject="Обращение %d" % i, description="Текст")["id"])
    for tid in x.t[:2]:
        expect(x.a.patch("/tickets/%d" % tid, {"group_id": x.g["id"],
                                                "assignee_id": x.a.user["id"]}), 200)
    expect(x.a.post("/tickets/%d/comments" % x.t[0], {"body": "Ответ", "public": True}), 201)
    expect(x.a.patch("/tickets/%d" % x.t[0], {"status": "solved"}), 200)
    x.frm, x.to = month_range()
    x.api = lambda **q: expect(x.w.admin.get("/reports/kpi", query=dict(
        {"from": x.frm, "to": x.to, "tz": "UTC", "group_by": "agent"}, **q)), 200)

    def settled():
        d = x.api()
        return d["total"]["created"] >= 3 and d["total"]["solved"] >= 1, d
    x.report = wait_for("the KPI facts", settled)
    return x


def teardown(x):
    x.w.finish()


def signed_in(x, who, lang=None):
    web = Web(x.w, lang=lang)
    st, _, _ = web.login(who.user["email"])
    eq(st, 303, "sign-in answer")
    return web


def raw_get(web, path):
    """GET with web's session cookie; the body as bytes (files, not pages)."""
    c = http.client.HTTPConnection("127.0.0.1", web.w.port, timeout=TIMEOUT)
    try:
        c.request("GET", path, headers={"Cookie": "opora_session=" + web.cookie,
                                        "Connection": "close"})
        r = c.getresponse()
        return r.status, r.headers, r.read()
    finally:
        c.close()


def tiles(page):
    """data-kpi -> (raw value, shown text) of the page's tiles."""
    out = {}
    for m in re.finditer(r'<li class="tile" data-kpi="([a-z_]+)" data-value="([^"]*)">'
                         r'<span class="tile-label">[^<]*</span> <span class="tile-value">([^<]*)</span>',
                         page):
        out[m.group(1)] = (m.group(2), html.unescape(m.group(3)))
    return out


def agent_cells(page, agent_id):
    m = re.search(r'<tr data-agent="%d">(.*?)</tr>' % agent_id, page, re.S)
    check(m, "a row for agent %d" % agent_id)
    return {k: html.unescape(v) for k, v in re.findall(r'<td data-col="([a-z_]+)">([^<]*)</td>',
                                                        m.group(1))}


def close(raw, want):
    if want is None:
        return raw == ""
    return raw != "" and abs(float(raw) - want) < 1e-6


def test_access(x):
    st, h, _ = Web(x.w).get("/lead")
    eq(st, 303, "no session: sign in first")
    check(h["Location"].startswith("/login?next=/lead"), "next: %r" % h["Location"])
    agent = signed_in(x, x.a)
    for path in ("/lead", "/lead/team", "/lead/charts/volume.svg"):
        st, _, page = agent.get(path)
        eq(st, 403, "an agent on " + path)
        check("руководителей" in page, "the 403 page says why, in Russian")
    st, _, page = agent.get("/queue/mine")
    check('href="/lead"' not in page, "no lead link in an agent's navigation")
    lead = signed_in(x, x.lead, lang="en")
    st, h, page = lead.get("/lead")
    eq(st, 200, "a lead on /lead")
    check("default-src 'self'" in h.get("Content-Security-Policy", ""), "CSP")
    check('href="/lead"' in page, "the lead link in the navigation")
    st, _, _ = lead.get("/lead/team")
    eq(st, 200, "/lead/team")
    admin = Web(x.w, lang="en")
    eq(admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)[0], 303, "admin signs in")
    eq(admin.get("/lead")[0], 200, "an admin on /lead")


def test_numbers_match_the_api(x):
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead?period=custom&from=%s&to=%s&tz=UTC" % (x.frm, x.to))
    eq(st, 200, "/lead for this month")
    d = x.api()
    tot = d["total"]
    got = tiles(page)
    check({"created", "solved", "first_response", "fcr", "sla"} <= set(got), "tiles: %r" % got)
    eq(got["created"][0], str(tot["created"]), "created tile")
    eq(got["solved"][0], str(tot["solved"]), "solved tile")
    check(close(got["first_response"][0], tot["first_response"]["business"]["median_ms"]),
          "FRT median: page %r, API %r" % (got["first_response"], tot["first_response"]))
    check(close(got["fcr"][0], tot["fcr"]["rate"]), "FCR: %r vs %r" % (got["fcr"], tot["fcr"]))
    met = sum(tot["sla"][m]["met"] for m in tot["sla"])
    alls = sum(tot["sla"][m]["met"] + tot["sla"][m]["breached"] for m in tot["sla"])
    check(close(got["sla"][0], met / alls if alls else None), "SLA: %r vs %r" % (got["sla"], tot["sla"]))
    if tot["fcr"]["rate"] is not None:
        eq(got["fcr"][1], "%.1f%%" % (tot["fcr"]["rate"] * 100), "FCR as English writes it")
    # the default period is this month in the lead's zone (UTC)
    st, _, page2 = lead.get("/lead")
    eq(tiles(page2)["created"][0], str(tot["created"]), "default period = this month")
    check('value="%s"' % x.frm in page2 and 'value="%s"' % x.to in page2, "the dates shown")
    # per agent
    row = next(r for r in d["rows"] if r["key"] == x.a.user["id"])
    cells = agent_cells(page, x.a.user["id"])
    eq(cells["created"], str(row["created"]), "A created")
    eq(cells["solved"], str(row["solved"]), "A solved")
    # sorted by name A-Z and back; the current column is marked
    st, _, by_name = lead.get("/lead?period=month&tz=UTC&sort=name&dir=asc")
    eq(st, 200, "sorted")
    check('aria-sort="ascending"' in by_name, "the sorted column is marked")
    names = re.findall(r'<tr data-agent="\d+"><th scope="row" class="data">([^<]*)</th>', by_name)
    eq(names, sorted(names), "names A-Z")
    st, _, rev = lead.get("/lead?period=month&tz=UTC&sort=name&dir=desc")
    names2 = re.findall(r'<tr data-agent="\d+"><th scope="row" class="data">([^<]*)</th>', rev)
    eq(names2, sorted(names2, reverse=True), "names Z-A")
    # the group filter goes to the report
    st, _, pg = lead.get("/lead?period=month&tz=UTC&group_id=%d" % x.g["id"])
    dg = x.api(group_id=x.g["id"])
    eq(tiles(pg)["created"][0], str(dg["total"]["created"]), "created in the group")
    # the backlog total is the API's
    bl = expect(x.w.admin.get("/reports/backlog", query={"group_by": "group"}), 200)
    m = re.search(r"<td data-backlog-total>([^<]*)</td>", page)
    check(m, "the backlog total")
    eq(html.unescape(m.group(1)), "{:,}".format(bl["total"]["count"]), "backlog total")


def test_sla_lists(x):
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead?period=month&tz=UTC")
    eq(st, 200, "/lead")
    m = re.search(r'<table class="lead-table tickets" id="due-soon".*?</table>', page, re.S)
    check(m, "the due-soon list (first response due in 45 min)")
    for tid in x.t[1:]:
        check('href="/tickets/%d"' % tid in m.group(0), "ticket %d is due soon" % tid)
    check("Анна Ведущая" in m.group(0), "the assignee is shown")
    check(re.search(r'class="left">in \d+ min', m.group(0)), "the time left")
    check('href="/tickets/%d"' % x.t[0] not in m.group(0), "the solved one is not")


def test_charts(x):
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead?period=month&tz=UTC")
    imgs = re.findall(r'<img src="(/lead/charts/[^"]+)" alt="([^"]*)"', page)
    eq(len(imgs), 2, "two charts on the page")
    check(all(len(alt) >= 8 for _, alt in imgs), "alt text: %r" % imgs)
    srcs = [html.unescape(src) for src, _ in imgs]
    for src in srcs:
        st, h, body = lead.get(src)
        eq(st, 200, src)
        check(h["Content-Type"].startswith("image/svg+xml"), "type: %r" % h["Content-Type"])
        root = ET.fromstring(body.encode())
        check(root.tag.endswith("svg"), "an SVG document")
        check("<script" not in body, "no script in the SVG")
    st, h, body = lead.get(srcs[0])
    check("Created" in body and "Solved" in body, "series named in English")
    st, _, _ = lead.get("/lead/charts/nope.svg")
    eq(st, 404, "unknown chart")
    st, _, _ = lead.get("/lead/charts/volume.svg?period=custom&from=2026-02-30&to=2026-03-01")
    eq(st, 400, "chart of a bad period")
    # a long period is drawn per week
    st, h, body = lead.get("/lead/charts/volume.svg?period=custom&from=2025-01-01&to=2025-12-31&tz=UTC")
    eq(st, 200, "a year's chart")
    ET.fromstring(body.encode())


def test_export_with_the_session(x):
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead?period=custom&from=%s&to=%s&tz=UTC" % (x.frm, x.to))
    m = re.search(r'<a href="([^"]+)" download data-format="csv">', page)
    check(m, "a CSV link")
    href = html.unescape(m.group(1))
    check(href.startswith("/api/v1/reports/kpi?") and "from=%s" % x.frm in href, href)
    st, h, body = lead.get(href)
    eq(st, 200, "the CSV with the browser's session")
    check(h["Content-Type"].startswith("text/csv"), h["Content-Type"])
    check("attachment" in h.get("Content-Disposition", ""), "a download")
    lines = body.splitlines()
    tot = next(l for l in lines if l.startswith("total,"))
    eq(tot.split(",")[2], str(x.api()["total"]["created"]), "created in the CSV")
    check(any(l.startswith("%d," % x.a.user["id"]) for l in lines), "A's row in the CSV")
    # the other formats, the same way
    for fmt, ctype, magic in (("xlsx", "application/vnd.openxmlformats", b"PK"),
                              ("pdf", "application/pdf", b"%PDF")):
        m = re.search(r'<a href="([^"]+)" download data-format="%s">' % fmt, page)
        check(m, "a %s link" % fmt)
        st, h, raw = raw_get(lead, html.unescape(m.group(1)))
        eq(st, 200, fmt + " with the browser's session")
        check(h["Content-Type"].startswith(ctype), "%s type: %r" % (fmt, h["Content-Type"]))
        check(raw.startswith(magic), "%s starts with %r" % (fmt, magic))


def test_bad_period_keeps_input(x):
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead?period=custom&from=2026-13-45&to=2026-01-10&tz=UTC")
    eq(st, 422, "a bad date")
    check(re.search(r'id="lead-from" name="from" value="2026-13-45" aria-invalid="true"', page),
          "the date kept, its field marked")
    check('id="lead-from-error"' in page, "the error at the field")
    check("tile" not in page.split('</form>', 1)[1], "no numbers for a refused period")
    st, _, page = lead.get("/lead?period=custom&from=2026-03-10&to=2026-03-01&tz=UTC")
    eq(st, 422, "to before from")
    check('id="lead-to-error"' in page and 'value="2026-03-10"' in page, "to in error, from kept")
    st, _, page = lead.get("/lead?period=fortnight")
    eq(st, 422, "an unknown period")
    check('id="lead-period-error"' in page and "fortnight" in page, "period error")
    st, _, page = lead.get("/lead?period=month&tz=Mars/Olympus")
    eq(st, 422, "an unknown zone")
    check('value="Mars/Olympus"' in page and 'id="lead-tz-error"' in page, "zone kept, error")
    ru = signed_in(x, x.lead_ru, lang="ru")
    st, _, page = ru.get("/lead?period=custom&from=2026-02-30&to=2026-03-01")
    eq(st, 422, "a bad date in Russian")
    check("2026-02-30" in page and 'id="lead-from-error"' in page, "kept")
    err = re.search(r'id="lead-from-error" role="alert">([^<]*)<', page).group(1)
    check(re.search(r"[А-Яа-я]", err), "the error in Russian: %r" % err)


def test_team_page(x):
    w = x.w
    today = time.strftime("%Y-%m-%d", time.gmtime())
    shift = expect(w.admin.post("/shifts", {"name": uniq("Дневная "), "start": "00:00",
                                            "duration_min": 1439}), 201)
    expect(w.admin.post("/rota/entries", {"agent_id": x.b.user["id"], "date": today,
                                          "shift_id": shift["id"]}), 201)
    now_ms = int(time.time() * 1000)
    iso = lambda ms: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ms / 1000))
    expect(w.admin.post("/oncall", {"agent_id": x.a.user["id"], "start_at": iso(now_ms - 60000),
                                    "end_at": iso(now_ms + 3600000), "note": "Звонить"}), 201)
    expect(x.b.request("PUT", "/me/presence", {"status": "online"}), 200)
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead/team?tz=UTC")
    eq(st, 200, "/lead/team")
    online = re.search(r'<section id="online".*?</section>', page, re.S).group(0)
    check(re.search(r'<tr class="presence-online"><th scope="row" class="data">Борис Второй</th>',
                    online), "B is online")
    shifts = re.search(r'<section id="shifts".*?</section>', page, re.S).group(0)
    check("Борис Второй" in shifts and shift["name"] in shifts, "B on shift today")
    check("working now" in shifts, "B works now")
    oncall = re.search(r'<section id="oncall".*?</section>', page, re.S).group(0)
    check("Анна Ведущая" in oncall and "Звонить" in oncall, "A on call, with the note")
    rota = re.search(r'<section id="rota".*?</section>', page, re.S).group(0)
    row = re.search(r'<tr><th scope="row" class="data">Борис Второй</th>(.*?)</tr>', rota, re.S)
    check(row, "B's row in the rota")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    day = int(today[8:10])
    eq(html.unescape(cells[day - 1]), shift["name"], "today's cell")
    check(all(c == "" for i, c in enumerate(cells) if i != day - 1), "the other days are empty")


def test_team_page_bad_input(x):
    lead = signed_in(x, x.lead, lang="en")
    st, _, page = lead.get("/lead/team?tz=Nowhere/Land")
    eq(st, 422, "an unknown zone")
    check('value="Nowhere/Land"' in page and 'id="lead-tz-error"' in page, "kept, at its field")
    st, _, page = lead.get("/lead/team?period=fortnight")
    eq(st, 422, "an unknown period")
    check(re.search(r'<p class="error" role="alert">[^<]*fortnight', page), "shown above the form")
    check('id="rota"' not in page, "nothing else shown")


def test_russian_pages_have_no_english(x):
    eng = english_catalogue()
    ru = signed_in(x, x.lead_ru, lang="ru")
    bad = []
    for path in ("/lead", "/lead/team", "/lead?period=custom&from=2026-13-01&to=2026-01-01"):
        st, _, page = ru.get(path)
        check(st in (200, 422), path)
        # what people typed is data, not the UI: subjects, names, groups
        page = re.sub(r'<(a|th|td)\b[^>]*class="(?:ticket-link|data)[^"]*"[^>]*>[^<]*</\1>', " ",
                      page)
        page = re.sub(r"<option[^>]*>[^<]*</option>", " ", page)
        text = text_of(page)
        for s in eng:
            if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(s), text):
                bad.append("%s: %r" % (path, s))
    check(not bad, "English on Russian pages: %s" % bad[:10])
    st, _, page = ru.get("/lead?period=custom&from=%s&to=%s&tz=UTC" % (x.frm, x.to))
    fcr = tiles(page).get("fcr")
    if fcr and fcr[0]:
        check(re.match(r"^\d+,\d\xa0%$", fcr[1]), "a Russian percentage: %r" % (fcr[1],))
    d1 = "%s.%s.%s" % (x.frm[8:10], x.frm[5:7], x.frm[0:4])
    check(d1 in page, "dates as Russian writes them (%s)" % d1)
