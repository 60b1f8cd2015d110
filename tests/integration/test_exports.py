"""Report exports (docs/reports.md): the KPI report downloaded as XLSX, PDF,
CSV and an SVG chart from a real server, and opened the way a person's
tools would: the XLSX unzipped and its sheet read, the PDF through
pdftotext, the SVG parsed as XML. Headers follow Accept-Language.

Scenario: today (the server's real clock, UTC) an agent takes, answers and
solves two tickets of a customer; a third stays open."""

import datetime
import io
import os
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile

from harness import check, eq, expect, expect_err, uniq, SLOW


class Ctx:
    pass


def setup():
    from harness import World
    x = Ctx()
    x.w = w = World("exports")
    x.g = w.group("l1", name=uniq("Exports L1 "))
    x.cust = w.user("customer", name="Клара Клиентова")
    x.a = w.user("agent", level="middle", name="Анна Экспортова", groups=[x.g["id"]])
    # a user's own language wins over Accept-Language
    x.ru = w.user("lead", level="senior", name="Лев Руководов", lang="ru")
    x.en = w.user("lead", level="senior", name="Leo Lead", lang="en")
    for i in range(3):
        t = w.ticket(by=x.cust, description="нужна помощь %d" % i)["id"]
        expect(x.a.patch("/tickets/%d" % t, {"group_id": x.g["id"],
                                              "assignee_id": x.a.user["id"]}), 200)
        expect(x.a.post("/tickets/%d/comments" % t, {"body": "Ответ", "public": True}), 201)
        if i < 2:
            expect(x.a.patch("/tickets/%d" % t, {"status": "solved"}), 200)
    x.today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    x.q = {"from": x.today, "to": x.today, "group_by": "agent"}
    # the kpi job catches up with the log in the background
    end = time.time() + (40 if SLOW else 15)
    while True:
        d = expect(w.admin.get("/reports/kpi", query=x.q), 200)
        row = [r for r in d["rows"] if r["key"] == x.a.user["id"]]
        if row and row[0]["solved"] == 2 and row[0]["created"] == 3:
            break
        check(time.time() < end, "the kpi job did not catch up: %r" % d)
        time.sleep(0.1)
    x.dir = tempfile.mkdtemp(prefix="opora-exports-")
    return x


def teardown(x):
    shutil.rmtree(x.dir, ignore_errors=True)
    x.w.finish()


def download(client, path, fmt, **q):
    query = dict(q)
    query["format"] = fmt
    r = client.get(path, query=query)
    eq(r.status, 200, "%s %s status (%s)" % (path, fmt, r.raw[:300]))
    return r


def test_xlsx(x):
    r = download(x.ru, "/reports/kpi", "xlsx", **x.q)
    eq(r.headers.get("Content-Type"),
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "content type")
    eq(r.headers.get("Content-Disposition"),
       'attachment; filename="kpi-%s_%s.xlsx"' % (x.today, x.today), "file name")
    z = zipfile.ZipFile(io.BytesIO(r.raw))
    names = set(z.namelist())
    check("xl/charts/chart1.xml" in names, "a native chart: %r" % sorted(names))
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    strings = z.read("xl/sharedStrings.xml").decode()
    for s in ("Отчёт по KPI", "Агент", "Решено", "Анна Экспортова", "Итого"):
        check(s in strings, "%r among the strings" % s)
    # the agent's row: created 3, solved 2, as numbers; the total the same
    check("<v>3</v>" in sheet and "<v>2</v>" in sheet, "counts as numbers")
    check('state="frozen"' in sheet, "the header is frozen")
    chart = z.read("xl/charts/chart1.xml").decode()
    check("$A$5:$A$" in chart and "Создано" not in chart or "$B$5" in chart,
          "the chart reads the sheet's ranges")
    # English headers for an English reader
    r = download(x.en, "/reports/kpi", "xlsx", **x.q)
    strings = zipfile.ZipFile(io.BytesIO(r.raw)).read("xl/sharedStrings.xml").decode()
    check("Solved" in strings and "Решено" not in strings, "English headers")


def test_pdf(x):
    r = download(x.ru, "/reports/kpi", "pdf", **x.q)
    eq(r.headers.get("Content-Type"), "application/pdf", "content type")
    check(r.raw.startswith(b"%PDF-"), "a PDF")
    path = os.path.join(x.dir, "kpi.pdf")
    with open(path, "wb") as f:
        f.write(r.raw)
    text = subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                          capture_output=True).stdout.decode()
    for s in ("Отчёт по KPI", "Период:", "Агент", "Решено", "Анна Экспортова", "Итого",
              "Создано и решено", "Соблюдение SLA"):
        check(s in text, "%r in the PDF text:\n%s" % (s, text[:2000]))
    row = [ln for ln in text.splitlines() if "Анна Экспортова" in ln]
    check(row and " 3 " in row[0] + " " and " 2 " in row[0] + " ", "the agent's row: %r in\n%s" % (row, text[:3000]))


def test_csv(x):
    # the KPI CSV stays the machine one; the backlog has the table CSV
    r = download(x.ru, "/reports/backlog", "csv", group_by="agent")
    check(r.headers.get("Content-Type", "").startswith("text/csv"), "content type")
    check(r.raw.startswith(b"\xef\xbb\xbf"), "a byte order mark for Excel")
    lines = r.raw.decode("utf-8-sig").split("\r\n")
    check(lines[0].startswith("Агент,Открыто,"), "translated header: %r" % lines[0])
    check("Анна Экспортова,1,1," in r.raw.decode(), "the agent's open ticket: %r" % lines)
    check(lines[-2].startswith("Итого,"), "the total row last: %r" % lines)
    r = download(x.en, "/reports/backlog", "xlsx")
    check(r.headers.get("Content-Disposition", "").startswith('attachment; filename="backlog-'),
          "backlog file name")
    r = download(x.en, "/reports/backlog", "pdf")
    check(r.raw.startswith(b"%PDF-"), "backlog PDF")


def test_svg(x):
    q = dict(x.q, metric="solved")
    r = x.ru.get("/reports/kpi/chart.svg", query=q)
    eq(r.status, 200, "status")
    eq(r.headers.get("Content-Type"), "image/svg+xml; charset=utf-8", "content type")
    root = ET.fromstring(r.raw)
    eq(root.tag, "{http://www.w3.org/2000/svg}svg", "an SVG document")
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    check("Анна Экспортова" in texts, "the agent on the x axis: %r" % texts)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    check("Анна Экспортова, Решено: 2" in titles, "a title per bar: %r" % titles)
    check("Решено" in titles, "the chart's title: %r" % titles)
    check(b"<script" not in r.raw and b"href" not in r.raw, "no script, no links")
    r = x.en.get("/reports/kpi/chart.svg",
                 query={"from": x.today, "to": x.today, "group_by": "day",
                        "metric": "sla_first_response", "width": "500", "height": "300"})
    eq(r.status, 200, "by day")
    root = ET.fromstring(r.raw)
    eq(root.get("width"), "500", "width")
    check(b"<path" in r.raw or b"<circle" in r.raw or b"<rect" in r.raw, "a line chart")
    expect_err(x.en.get("/reports/kpi/chart.svg", query=dict(x.q, metric="label")), 422,
               field="metric")
    expect_err(x.en.get("/reports/kpi/chart.svg", query=dict(x.q, metric="nope")), 422,
               field="metric")
    expect_err(x.en.get("/reports/kpi/chart.svg", query=dict(x.q, kind="pie")), 422,
               field="kind")


def test_bad_format_and_access(x):
    expect_err(x.en.get("/reports/kpi", query=dict(x.q, format="docx")), 422, field="format")
    expect_err(x.en.get("/reports/backlog", query={"format": "docx"}), 422, field="format")
    # a customer may not export
    r = x.cust.get("/reports/kpi", query=dict(x.q, format="xlsx"))
    eq(r.status, 403, "customer")
    r = x.cust.get("/reports/kpi/chart.svg", query=x.q)
    eq(r.status, 403, "customer chart")
