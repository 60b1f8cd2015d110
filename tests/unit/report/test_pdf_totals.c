/* test_pdf_totals.c - the bold total row of a PDF export (src/report/pdf.c)
 * keeps its amounts whole at narrow column widths: tables of many money
 * columns whose body cells are short and whose totals are long, in both
 * languages, read back with pdftotext (the -layout text, and -bbox for where
 * each word sits). */
#include "base/common.h"

#include <math.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "report/format.h"
#include "report/table.h"
#include "tmpdir.h"

#define COLS_MAX 24
#define TEXT_MAX (1 << 20)

/* Replaces every no-break space (C2 A0) of s by a plain space, in place:
 * pdftotext may give either. */
static void plain_spaces(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if ((unsigned char)r[0] == 0xC2 && (unsigned char)r[1] == 0xA0) {
            *w++ = ' ';
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* The line of text holding needle (the first), copied to line. */
static void line_of(const char *text, const char *needle, char *line, size_t cap)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    const char *b = p, *e = p;
    while (b > text && b[-1] != '\n' && b[-1] != '\f')
        b--;
    while (*e && *e != '\n' && *e != '\f')
        e++;
    assert_true((size_t)(e - b) < cap);
    memcpy(line, b, (size_t)(e - b));
    line[e - b] = '\0';
}

/* A word of pdftotext -bbox: its text and its box. */
struct word {
    char text[64];
    double x0, y0, x1, y1;
};

/* The words of page 1 whose vertical middle is within 2 pt of the
 * middle of the first word equal to anchor, left to right. */
static size_t row_words(const char *bbox, const char *anchor, struct word *out, size_t cap)
{
    struct word all[4096];
    size_t n = 0;
    for (const char *p = bbox; (p = strstr(p, "<word ")) && n < ARRAY_SIZE(all); p++) {
        struct word *w = &all[n];
        const char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</word>") : NULL;
        if (!end) break;
        if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &w->x0, &w->y0,
                   &w->x1, &w->y1) != 4)
            continue;
        size_t len = (size_t)(end - gt - 1);
        if (len >= sizeof w->text) len = sizeof w->text - 1;
        memcpy(w->text, gt + 1, len);
        w->text[len] = '\0';
        n++;
        if (strstr(p, "</page>") && strstr(p, "</page>") < end) break;
    }
    double mid = -1;
    for (size_t i = 0; i < n && mid < 0; i++)
        if (strcmp(all[i].text, anchor) == 0) mid = (all[i].y0 + all[i].y1) / 2;
    assert_true(mid >= 0);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((all[i].y0 + all[i].y1) / 2 - mid) < 2.0 && k < cap) out[k++] = all[i];
    /* left to right */
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && out[j].x0 < out[j - 1].x0; j--) {
            struct word t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return k;
}

/* Renders a table of a text column and ncols money columns: the body cells
 * are "1,00 ₽" and the totals the long amount minor, so the columns are
 * sized by what the body holds, and checks the total row. */
static void check_totals(enum lang lang, size_t ncols, int64_t minor)
{
    static struct report_col cols[COLS_MAX + 1];
    static struct report_cell cells[3 * (COLS_MAX + 1)], total[COLS_MAX + 1];
    static char keys[COLS_MAX + 1][16], heads[COLS_MAX + 1][32];
    static char text[TEXT_MAX], bbox[TEXT_MAX];
    const char *label = lang == LANG_RU ? "Итого" : "Total";
    assert_true(ncols <= COLS_MAX);
    cols[0] = (struct report_col){"agent", lang == LANG_RU ? "Агент" : "Agent", RT_TEXT, 0, NULL};
    for (size_t c = 1; c <= ncols; c++) {
        snprintf(keys[c], sizeof keys[c], "m%zu", c);
        snprintf(heads[c], sizeof heads[c], "%s %zu", lang == LANG_RU ? "Сумма" : "Sum", c);
        cols[c] = (struct report_col){keys[c], heads[c], RT_MONEY, 0, "RUB"};
    }
    for (size_t r = 0; r < 3; r++) {
        cells[r * (ncols + 1)] = (struct report_cell){true, r == 0 ? "Ан" : "Бо", 0, 0};
        for (size_t c = 1; c <= ncols; c++)
            cells[r * (ncols + 1) + c] = (struct report_cell){true, NULL, 0, 100};
    }
    total[0] = (struct report_cell){true, label, 0, 0};
    for (size_t c = 1; c <= ncols; c++)
        total[c] = (struct report_cell){true, NULL, 0, minor};
    struct report_table t = {.lang = lang,
                             .title = "Report",
                             .name = "totals",
                             .cols = cols,
                             .n_cols = ncols + 1,
                             .cells = cells,
                             .n_rows = 3,
                             .total = total};
    struct buf b = BUF_INIT(16 << 20);
    char path[256], cmd[1024], amount[FMT_CAP * 4], line[8192];
    assert_int_equal(report_pdf(&t, &b), OP_OK);
    snprintf(path, sizeof path, "%s/t-%d-%zu.pdf", dir, (int)lang, ncols);
    save(&b, path);
    buf_release(&b);
    fmt_money(lang, minor, "RUB", amount, sizeof amount);
    plain_spaces(amount);

    /* the layout text: the total line holds every amount whole, each on
     * its own (whitespace around it, not glued to its neighbour) */
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    run(cmd, text, sizeof text);
    plain_spaces(text);
    if (!strstr(text, label)) fail_msg("no %s in %s: %s", label, path, text);
    line_of(text, label, line, sizeof line);
    size_t found = 0;
    for (const char *p = line; (p = strstr(p, amount)); p += strlen(amount)) {
        assert_true(p == line || p[-1] == ' ');
        assert_true(p[strlen(amount)] == ' ' || p[strlen(amount)] == '\0');
        found++;
    }
    if (found != ncols) fail_msg("%zu of %zu totals whole in %s: [%s]", found, ncols, path, line);
    assert_null(strstr(line, "\xE2\x80\xA6")); /* nothing cut with "…" */

    /* where the words sit: the total row's words never overlap, and there
     * are as many as the amounts (and the label) have words */
    snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' -", path);
    run(cmd, bbox, sizeof bbox);
    struct word w[256];
    size_t nw = row_words(bbox, label, w, ARRAY_SIZE(w));
    size_t per = 1;
    for (const char *p = amount; *p; p++)
        per += *p == ' ';
    if (nw != 1 + per * ncols) fail_msg("%zu words on the total row of %s", nw, path);
    /* 841.89 x 595.28 (A4 landscape), margins of 36 */
    if (w[nw - 1].x1 > 841.89 - 36.0 + 0.5)
        fail_msg("'%s' ends at %.2f, past the right margin, in %s", w[nw - 1].text, w[nw - 1].x1,
                 path);
    for (size_t i = 1; i < nw; i++)
        if (w[i].x0 < w[i - 1].x1 - 0.01)
            fail_msg("'%s' (%.2f..%.2f) runs into '%s' (%.2f..%.2f) in %s", w[i - 1].text,
                     w[i - 1].x0, w[i - 1].x1, w[i].text, w[i].x0, w[i].x1, path);
}

static void test_pdf_total_row_ru(void **state)
{
    UNUSED(state);
    static const size_t widths[] = {4, 8, 11, 14, 16, 20};
    for (size_t i = 0; i < ARRAY_SIZE(widths); i++)
        check_totals(LANG_RU, widths[i], INT64_C(123456789)); /* 1 234 567,89 ₽ */
    check_totals(LANG_RU, 12, INT64_C(-98765432109));         /* -987 654 321,09 ₽ */
}

static void test_pdf_total_row_en(void **state)
{
    UNUSED(state);
    static const size_t widths[] = {4, 8, 11, 14, 16, 20};
    for (size_t i = 0; i < ARRAY_SIZE(widths); i++)
        check_totals(LANG_EN, widths[i], INT64_C(123456789)); /* RUB 1,234,567.89 */
    check_totals(LANG_EN, 12, INT64_C(-98765432109));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_total_row_ru),
        cmocka_unit_test(test_pdf_total_row_en),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
