"""The lead's Bonus tab (/lead/bonus, src/web/pages_lead_bonus.c) and the
statements as files: GET /reports/bonus?format=xlsx|pdf (the
one-row-per-agent table of src/report/bonus_table.c), in the user's
language, with a fixed clock (OPORA_TEST_CLOCK: 2 April 2026) so that March
2026 is over and April is not. The XLSX is read by unzipping it, the PDF
through pdftotext: Cyrillic names and rouble amounts must come out as
written."""
import io
import os
import re
import subprocess
import zipfile

from harness import ADMIN_EMAIL, ADMIN_PASSWORD, World, check, eq, expect, expect_err, new_dir
from test_web import Web, english_catalogue, text_of


def setup():
    class X:
        pass
    x = X()
    d = new_dir("web-bonus-clock")
    x.clock = os.path.join(d, "now")
    with open(x.clock, "w") as f:
        f.write("%d\n" % 1775131200000)  # 2026-04-02T12:00:00Z
    x.w = World("web-bonus", env={"OPORA_TEST_CLOCK": x.clock})
    x.anna = x.w.user("agent", level="junior", name="Иванова Анна")
    x.lead = x.w.user("lead", level="senior", name="Лена Ведущая", lang="ru")
    x.agent_en = x.w.user("agent", level="middle", name="Mia Middle", lang="en")
    # Анна's pay: 65,000.00 roubles
    expect(x.w.admin.request("PUT", "/users/%d/pay" % x.anna.user["id"],
                             {"base_pay": 6500000, "currency": "RUB"}), 200, what="pay")
    return x


def teardown(x):
    x.w.finish()


def test_xlsx(x):
    r = x.lead.get("/reports/bonus", query={"month": "2026-03", "format": "xlsx"})
    eq(r.status, 200, "xlsx status")
    check(r.headers.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "xlsx type")
    check('filename="bonus-2026-03.xlsx"' in r.headers.get("Content-Disposition", ""),
          "file name: %r" % r.headers.get("Content-Disposition"))
    z = zipfile.ZipFile(io.BytesIO(r.raw))
    text = (z.read("xl/worksheets/sheet1.xml").decode()
            + z.read("xl/sharedStrings.xml").decode())
    check("Иванова Анна" in text, "the agent's name in the sheet")
    check("Бонусные ведомости" in text, "the title in Russian")
    check("<v>65000</v>" in text, "Анна's base pay as a number of roubles")
    check("xl/charts/chart1.xml" in z.namelist(), "the bonus chart")


def test_pdf(x):
    r = x.lead.get("/reports/bonus", query={"month": "2026-03", "format": "pdf"})
    eq(r.status, 200, "pdf status")
    check(r.raw.startswith(b"%PDF-"), "a PDF")
    p = os.path.join(new_dir("web-bonus-pdf"), "bonus.pdf")
    with open(p, "wb") as f:
        f.write(r.raw)
    text = subprocess.run(["pdftotext", "-layout", p, "-"], check=True,
                          capture_output=True).stdout.decode()
    check("Иванова Анна" in text, "the agent's name in the PDF")
    check("65 000,00 ₽" in text, "Анна's base pay in roubles: %r" % text[:2000])


def test_agent_sees_only_own_and_errors(x):
    # an agent's export holds only their own statement, in their language
    r = x.agent_en.get("/reports/bonus", query={"month": "2026-03", "format": "xlsx"})
    eq(r.status, 200, "agent xlsx status")
    z = zipfile.ZipFile(io.BytesIO(r.raw))
    text = z.read("xl/sharedStrings.xml").decode()
    check("Mia Middle" in text and "Иванова" not in text, "only the agent's own row")
    check("Bonus statements" in text, "English title")
    expect_err(x.lead.get("/reports/bonus", query={"month": "2026-03", "format": "doc"}), 422,
               field="format")
    expect_err(x.lead.get("/reports/bonus", query={"month": "2026-13", "format": "pdf"}), 422,
               field="month")
    # the CSV stays one row per statement line, for payroll tools
    r = x.lead.get("/reports/bonus", query={"month": "2026-03", "format": "csv"})
    eq(r.status, 200, "csv status")
    check(r.raw.decode().startswith("month,user_id,name,level"), "the line CSV")


def signed_in(who, x, lang=None):
    web = Web(x.w, lang=lang)
    st, _, _ = web.login(who.user["email"])
    eq(st, 303, "sign-in answer")
    return web


# the tests below run in this order: the approval comes last but one
def test_web_page(x):
    ru = signed_in(x.lead, x)
    st, _, page = ru.get("/lead/bonus?month=2026-03")
    eq(st, 200, "the Bonus tab")
    check('href="/lead/bonus" aria-current="page"' in page, "the tab is marked current")
    text = text_of(page)
    check("Иванова Анна" in text, "Анна's statement")
    check("65\u00a0000,00\u00a0₽" in text, "her base pay in roubles, ru: %r" % text[:600])
    check('id="statement-%d"' % x.anna.user["id"] in page, "her statement's article")
    check("Первый ответ, медиана, мин" in text, "a goal's KPI in Russian")
    check("нет данных" in text, "no KPI data this month")
    check('action="/lead/bonus/approve"' in page, "the approval form")
    check('name="confirm"' in page and 'name="csrf"' in page, "confirm box and csrf")
    for f in ("csv", "xlsx", "pdf"):
        check('href="/api/v1/reports/bonus?month=2026-03&amp;format=%s"' % f in page,
              "the %s link" % f)
    check('id="promotions"' in page, "the promotion hints")
    # the download link works with the page's session
    st, h, _ = ru.get("/api/v1/reports/bonus?month=2026-03&format=csv")
    eq(st, 200, "CSV through the session")
    # the default month is the one before the clock's: March
    st, _, page = ru.get("/lead/bonus")
    eq(st, 200, "default month")
    check('value="2026-03"' in page, "March by default")


def test_web_refusals(x):
    ru = signed_in(x.lead, x)
    st, _, page = ru.get("/lead/bonus?month=2026-13")
    eq(st, 422, "a bad month")
    check('id="bonus-month-error"' in page and 'aria-invalid="true"' in page,
          "the error at the month field")
    check('value="2026-13"' in page, "what was typed kept")
    check('id="statements"' not in page, "no numbers")
    # April is not over: no approval form; a forged post is refused with a notice
    st, _, page = ru.get("/lead/bonus?month=2026-04")
    eq(st, 200, "the running month")
    check('action="/lead/bonus/approve"' not in page, "no approval of a running month")
    st, _, page = ru.post("/lead/bonus/approve", {"month": "2026-04", "confirm": "1"})
    eq(st, 422, "approving April")
    check('id="bonus-notice"' in page, "the reason as a notice")
    # no confirmation: nothing approved
    st, _, page = ru.post("/lead/bonus/approve", {"month": "2026-03"})
    eq(st, 422, "approval without the box")
    check('id="bonus-confirm-error"' in page, "the error at the box")
    eq(expect(x.lead.get("/reports/bonus", query={"month": "2026-03"}), 200)["approved"], False,
       "still not approved")
    # no CSRF: 403; an agent: 403
    st, _, _ = ru.post("/lead/bonus/approve", {"month": "2026-03", "confirm": "1"},
                       with_csrf=False)
    eq(st, 403, "no csrf")
    ag = signed_in(x.agent_en, x)
    st, _, _ = ag.get("/lead/bonus")
    eq(st, 403, "an agent")
    st, _, _ = ag.post("/lead/bonus/approve", {"month": "2026-03", "confirm": "1"})
    eq(st, 403, "an agent's approval")


def test_web_russian_has_no_english(x):
    eng = english_catalogue()
    ru = signed_in(x.lead, x)
    bad = []
    for path in ("/lead/bonus?month=2026-03", "/lead/bonus?month=2026-13"):
        st, _, page = ru.get(path)
        check(st in (200, 422), path)
        # names and level names are data
        page = re.sub(r'<(a|th|td|span)\b[^>]*class="data[^"]*"[^>]*>[^<]*</\1>', " ", page)
        text = text_of(page)
        for s in eng:
            if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(s), text):
                bad.append("%s: %r" % (path, s))
    check(not bad, "English on Russian pages: %s" % bad[:10])


def test_web_zz_approve(x):
    ru = signed_in(x.lead, x)
    st, h, _ = ru.post("/lead/bonus/approve", {"month": "2026-03", "confirm": "1"})
    eq(st, 303, "approved")
    eq(h["Location"], "/lead/bonus?month=2026-03&approved=1", "back to the month")
    st, _, page = ru.get(h["Location"])
    eq(st, 200, "the approved month")
    text = text_of(page)
    check("Месяц утверждён." in text, "the notice")
    check("Утверждено: Лена Ведущая" in text, "approved by whom: %r" % text[:1500])
    check('action="/lead/bonus/approve"' not in page, "no second approval form")
    eq(expect(x.lead.get("/reports/bonus", query={"month": "2026-03"}), 200)["approved"], True,
       "approved through the API too")
    # a second approval (another tab open before): 409 shown as a notice
    st, _, page = ru.post("/lead/bonus/approve", {"month": "2026-03", "confirm": "1"})
    eq(st, 409, "approved already")
    check("Этот месяц уже утверждён." in text_of(page), "the 409 as a notice")


# ---- admin: levels and pay (/admin/levels); after the approval, since
# these change the plans ----

def level_form(levels):
    """The form /admin/levels posts, built from GET /levels: whole units."""
    f = {}
    for i, l in enumerate(levels):
        p = "levels[%d]." % i
        f[p + "name"] = l["name"]
        f[p + "rank"] = str(l["rank"])
        f[p + "pay_min"] = str(l["pay_min"] // 100)
        f[p + "pay_max"] = str(l["pay_max"] // 100)
        f[p + "bonus_cap_percent"] = str(l["bonus_cap_percent"])
        for k, g in enumerate(l["goals"]):
            q = p + "goals[%d]." % k
            f[q + "key"] = g["key"]
            f[q + "lower_is_better"] = "1" if g["lower_is_better"] else "0"
            f[q + "target"] = "%g" % g["target"]
            f[q + "threshold"] = "%g" % g["threshold"]
            f[q + "weight"] = str(g["weight"])
    return f


def test_admin_levels_page(x):
    adm = Web(x.w)
    eq(adm.login(ADMIN_EMAIL, ADMIN_PASSWORD)[0], 303, "admin sign-in")
    st, _, page = adm.get("/admin")
    check('href="/admin/levels"' in page, "the index links the levels")
    st, _, page = adm.get("/admin/levels")
    eq(st, 200, "the levels page")
    levels = expect(x.w.admin.get("/levels"), 200)["levels"]
    check('name="levels[0].name" value="%s"' % levels[0]["name"] in page, "the first level's name")
    check('name="levels[%d].name" value=""' % len(levels) in page, "a slot for a new level")
    check('<option value="csat_percent"' in page, "the KPI choices")
    check('name="user_id"' in page and 'name="base_pay"' in page, "the pay form")
    check("Иванова Анна" in page, "the staff's pay table")
    # a rename through the form is stored
    f = level_form(levels)
    f["levels[0].name"] = "Стажёр"
    st, h, page = adm.post("/admin/levels", f)
    eq(st, 303, "saved: %s" % text_of(page)[:300])
    eq(expect(x.w.admin.get("/levels"), 200)["levels"][0]["name"], "Стажёр", "renamed")
    # the first goal emptied (dropped), the second with weight 0: the use
    # case names goals[0], the form shows it at the second goal's input
    f = level_form(expect(x.w.admin.get("/levels"), 200)["levels"])
    f["levels[0].goals[0].key"] = ""
    f["levels[0].goals[1].weight"] = "0"
    st, _, page = adm.post("/admin/levels", f)
    eq(st, 422, "refused")
    check('id="f-levels[0].goals[1].weight-error"' in page,
          "the error at the second goal's weight: %s" %
          re.findall(r'id="([^"]*-error)"', page))
    check('name="levels[0].goals[1].weight" value="0"' in page, "what was typed kept")
    check('name="levels[0].goals[0].key"' in page, "the emptied slot still shown")
    # a number that is not one
    f["levels[0].goals[1].weight"] = "50"
    f["levels[0].goals[1].target"] = "много"
    st, _, page = adm.post("/admin/levels", f)
    eq(st, 422, "not a number")
    check('id="f-levels[0].goals[1].target-error"' in page, "the error at the target")
    eq(expect(x.w.admin.get("/levels"), 200)["levels"][0]["name"], "Стажёр", "nothing changed")


def test_admin_pay(x):
    adm = Web(x.w)
    adm.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    uid = x.anna.user["id"]
    st, _, page = adm.post("/admin/levels/pay", {"user_id": str(uid), "level_rank": "0",
                                                 "base_pay": "70000", "currency": "RUB"})
    eq(st, 303, "pay saved")
    p = expect(x.w.admin.get("/users/%d/pay" % uid), 200)
    eq((p["base_pay"], p["currency"]), (7000000, "RUB"), "stored in kopecks")
    st, _, page = adm.post("/admin/levels/pay", {"user_id": str(uid), "level_rank": "0",
                                                 "base_pay": "1", "currency": "RUB"})
    eq(st, 422, "outside the band")
    check('id="f-base_pay-error"' in page, "the error at base pay")
    st, _, page = adm.post("/admin/levels/pay", {"user_id": str(uid), "level_rank": "0",
                                                 "base_pay": "70000", "currency": "rub"})
    eq(st, 422, "a bad currency")
    check('id="f-currency-error"' in page, "the error at the currency")
    # a lead may not
    lead = signed_in(x.lead, x)
    st, _, _ = lead.get("/admin/levels")
    eq(st, 403, "a lead")


def test_me_bonus(x):
    # Анна (an agent) sees her own statement only, with her downloads
    anna = signed_in(x.anna, x)
    st, _, page = anna.get("/me/bonus?month=2026-03")
    eq(st, 200, "my bonus")
    text = text_of(page)
    check("Иванова Анна" in text and "Лена Ведущая · " not in text, "only her statement")
    check(page.count('class="bonus-statement"') == 1, "one statement")
    href = "/api/v1/reports/bonus/%d?month=2026-03&amp;format=xlsx" % x.anna.user["id"]
    check(href in page, "her XLSX link")
    st, _, _ = anna.get(href.replace("&amp;", "&"))
    eq(st, 200, "the link works with her session")
    st, _, page = anna.get("/me/bonus?month=2026-13")
    eq(st, 422, "a bad month")
    check('id="bonus-month-error"' in page, "the error at the field")
    # a lead sees only their own statement here too
    lead = signed_in(x.lead, x)
    st, _, page = lead.get("/me/bonus?month=2026-03")
    eq(st, 200, "the lead's own")
    check(page.count('class="bonus-statement"') == 1 and "Иванова" not in page, "only the lead's")
