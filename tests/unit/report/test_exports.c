/* test_exports.c - the XLSX and PDF exports (src/report/xlsx.c, pdf.c),
 * opened the way a person's tools would: the XLSX unzipped and its sheet
 * read (Python's zipfile), the PDF through pdftotext. */
#include "base/common.h"

#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "report/table.h"
#include "tmpdir.h"
#include "fixture.h"

/* Files left in dir by a run that should have cleaned up. */
static int leftovers(const char *tmpdir)
{
    char cmd[512], out[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c opora-xlsx || true", tmpdir);
    run(cmd, out, sizeof out);
    return (int)strtol(out, NULL, 10);
}

static void test_xlsx(void **state)
{
    UNUSED(state);
    char path[256], cmd[1024], out[8192], tmp[256];
    struct report_table t = fixture_table(LANG_RU);
    struct buf b = BUF_INIT(16 << 20);
    /* the temporary file goes to TMPDIR and is gone afterwards */
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    assert_int_equal(mkdir(tmp, 0700), 0);
    char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", tmp, 1);
    assert_int_equal(report_xlsx(&t, &b), OP_OK);
    assert_int_equal(leftovers(tmp), 0);
    if (old)
        setenv("TMPDIR", old, 1);
    else
        unsetenv("TMPDIR");
    free(old);
    assert_true(b.len > 1000);
    assert_memory_equal(b.p, "PK\x03\x04", 4);
    snprintf(path, sizeof path, "%s/r.xlsx", dir);
    save(&b, path);
    /* the sheet's cells, the shared strings and the chart, as Python's
     * zipfile reads them */
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, zipfile\n"
             "z = zipfile.ZipFile(sys.argv[1])\n"
             "n = set(z.namelist())\n"
             "print(\"chart1\" if \"xl/charts/chart1.xml\" in n else \"nochart1\")\n"
             "print(\"chart2\" if \"xl/charts/chart2.xml\" in n else \"nochart2\")\n"
             "print(z.read(\"xl/worksheets/sheet1.xml\").decode())\n"
             "print(z.read(\"xl/sharedStrings.xml\").decode())\n"
             "print(z.read(\"xl/styles.xml\").decode())\n"
             "print(z.read(\"xl/workbook.xml\").decode())\n"
             "print(z.read(\"xl/charts/chart1.xml\").decode())' '%s'",
             path);
    static char big[1 << 20];
    run(cmd, big, sizeof big);
    assert_non_null(strstr(big, "chart1\nchart2\n"));
    /* numbers as numbers: 1234 solved, 0.955 with a percent format,
     * 12345.67 roubles */
    assert_non_null(strstr(big, "<v>1234</v>"));
    assert_non_null(strstr(big, "<v>0.955</v>"));
    assert_non_null(strstr(big, "<v>12345.67</v>"));
    assert_non_null(strstr(big, "<v>-2.5</v>"));
    /* Cyrillic headers and text as they are (the library escapes them) */
    assert_non_null(strstr(big, "<t>Соблюдение SLA</t>"));
    assert_non_null(strstr(big, "Иванов &lt;&amp;&gt;"));
    assert_non_null(strstr(big, "=HYPERLINK")); /* a string cell, not a formula */
    assert_null(strstr(big, "<f>"));
    /* formats: percent, roubles */
    assert_non_null(strstr(big, "formatCode=\"0.0%\""));
    assert_non_null(strstr(big, "\xE2\x82\xBD"));
    /* the header row is frozen and the sheet named in Russian */
    assert_non_null(strstr(big, "state=\"frozen\""));
    assert_non_null(strstr(big, "name=\"Отчёт\""));
    /* the chart reads the sheet's ranges: labels A5:A7, values B5:B7 */
    assert_non_null(strstr(big, "$A$5:$A$7"));
    assert_non_null(strstr(big, "$B$5:$B$7"));
    assert_non_null(strstr(big, "<c:barChart>"));
    (void)out;
    buf_release(&b);
}

static void test_xlsx_errors(void **state)
{
    UNUSED(state);
    struct report_table t = fixture_table(LANG_EN);
    struct buf b = BUF_INIT(100); /* smaller than any workbook */
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s/tmp2", dir);
    assert_int_equal(mkdir(tmp, 0700), 0);
    char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", tmp, 1);
    assert_int_equal(report_xlsx(&t, &b), OP_ERR_TOOBIG);
    assert_int_equal(leftovers(tmp), 0); /* removed on the failure path too */
    setenv("TMPDIR", "/nonexistent-opora-dir", 1);
    struct buf b2 = BUF_INIT(1 << 20);
    assert_int_equal(report_xlsx(&t, &b2), OP_ERR_IO);
    if (old)
        setenv("TMPDIR", old, 1);
    else
        unsetenv("TMPDIR");
    free(old);
    t.n_cols = 0;
    assert_int_equal(report_xlsx(&t, &b2), OP_ERR_INVALID);
    buf_release(&b);
    buf_release(&b2);
}

static void test_pdf(void **state)
{
    UNUSED(state);
    char path[256], cmd[1024];
    static char text[1 << 20];
    struct report_table t = fixture_table(LANG_RU);
    struct buf b = BUF_INIT(16 << 20);
    assert_int_equal(report_pdf(&t, &b), OP_OK);
    assert_memory_equal(b.p, "%PDF-", 5);
    snprintf(path, sizeof path, "%s/r.pdf", dir);
    save(&b, path);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - && pdfinfo '%s' | tr -s ' ' | grep Pages",
             path, path);
    run(cmd, text, sizeof text);
    assert_non_null(strstr(text, "Отчёт по KPI"));
    assert_non_null(strstr(text, "Период: 01.10.2026"));
    assert_non_null(strstr(text, "Агент"));
    assert_non_null(strstr(text, "Соблюдение"));
    assert_non_null(strstr(text, "Иванов <&>"));
    assert_non_null(strstr(text, "345,67")); /* 12 345,67 ₽ */
    assert_non_null(strstr(text, "\xE2\x82\xBD"));
    assert_non_null(strstr(text, "95,5"));
    assert_non_null(strstr(text, "Итого"));
    assert_non_null(strstr(text, "Решено по агентам")); /* the first chart's title */
    assert_non_null(strstr(text, "Страница 3"));
    assert_non_null(strstr(text, "Pages: 3")); /* the table and two charts */
    buf_release(&b);
}

static void test_pdf_paging(void **state)
{
    UNUSED(state);
    enum { ROWS = 120 };
    static const struct report_col cols[] = {{"n", "Номер строки", RT_TEXT, 0, NULL},
                                             {"v", "Значение", RT_NUMBER, 2, NULL}};
    static struct report_cell cells[ROWS * 2];
    static char names[ROWS][32];
    for (int i = 0; i < ROWS; i++) {
        snprintf(names[i], sizeof names[i], "строка-%03d", i);
        cells[2 * i] = (struct report_cell){true, names[i], 0, 0};
        cells[2 * i + 1] = (struct report_cell){true, NULL, i * 1000.5, 0};
    }
    struct report_table t = {.lang = LANG_EN,
                             .title = "Paging",
                             .name = "p",
                             .cols = cols,
                             .n_cols = 2,
                             .cells = cells,
                             .n_rows = ROWS};
    struct buf b = BUF_INIT(16 << 20);
    assert_int_equal(report_pdf(&t, &b), OP_OK);
    char path[256], cmd[1024];
    static char text[1 << 20];
    snprintf(path, sizeof path, "%s/p.pdf", dir);
    save(&b, path);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    run(cmd, text, sizeof text);
    /* every row is there, the header is repeated on each page */
    assert_non_null(strstr(text, "строка-000"));
    assert_non_null(strstr(text, "строка-119"));
    assert_non_null(strstr(text, "119,059.50"));
    size_t heads = 0, pages = 1;
    for (const char *p = text; (p = strstr(p, "Номер строки")); p++)
        heads++;
    for (const char *p = text; (p = strchr(p, '\f')); p++)
        if (p[1]) pages++;
    assert_true(pages >= 2);
    assert_int_equal(heads, pages);
    /* invalid UTF-8 never reaches cairo (it would fail the whole PDF) nor
     * the workbook's XML */
    names[5][0] = (char)0xff;
    names[6][0] = '\x01';
    buf_clear(&b);
    assert_int_equal(report_pdf(&t, &b), OP_OK);
    buf_clear(&b);
    assert_int_equal(report_xlsx(&t, &b), OP_OK);
    snprintf(path, sizeof path, "%s/bad.xlsx", dir);
    save(&b, path);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, zipfile, xml.dom.minidom as m\n"
             "z = zipfile.ZipFile(sys.argv[1])\n"
             "m.parseString(z.read(\"xl/sharedStrings.xml\"))\n"
             "print(\"\\ufffd\" in z.read(\"xl/sharedStrings.xml\").decode())' '%s'",
             path);
    run(cmd, text, sizeof text);
    assert_string_equal(text, "True\n");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_xlsx_errors),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_pdf_paging),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
