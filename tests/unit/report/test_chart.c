/* test_chart.c - charts as SVG (src/report/svg.c, chart.c) and charts made
 * from report tables (table.c). */
#include "base/common.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/arena.h"
#include "report/chart.h"
#include "report/reportInt.h"
#include "report/table.h"
#include "fixture.h"

/* A parse-level check of the XML: tags nest and close, attribute values
 * are quoted, every '&' starts an entity, no '<' or '>' in text, no control
 * characters, no script and no external reference. Returns NULL when all
 * is well, or what is wrong. */
static const char *xml_check(const char *s)
{
    char stack[64][32];
    int depth = 0, roots = 0;
    if (strncmp(s, "<?xml ", 6) != 0) return "no XML declaration";
    s = strstr(s, "?>") + 2;
    while (*s) {
        if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') return "control character";
        if (*s == '>') return "raw > in text";
        if (*s == '&') {
            if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) &&
                strncmp(s, "&quot;", 6) && strncmp(s, "&#39;", 5))
                return "bare &";
            s++;
            continue;
        }
        if (*s != '<') {
            s++;
            continue;
        }
        bool closing = s[1] == '/';
        const char *name = s + (closing ? 2 : 1);
        size_t n = strcspn(name, " />");
        if (n == 0 || n >= 32) return "bad tag name";
        if (strncmp(name, "script", 6) == 0 || strncmp(name, "image", 5) == 0 ||
            strncmp(name, "use", 3) == 0 || strncmp(name, "foreignObject", 13) == 0)
            return "forbidden element";
        const char *p = name + n;
        bool in_quote = false;
        for (; *p && (in_quote || (*p != '>')); p++) {
            if (*p == '"')
                in_quote = !in_quote;
            else if (in_quote && (*p == '<' || (*p == '&' && strncmp(p, "&amp;", 5) &&
                                                strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) &&
                                                strncmp(p, "&quot;", 6) && strncmp(p, "&#39;", 5))))
                return "bad character in attribute";
            else if (!in_quote && *p == '=' && p[1] != '"')
                return "unquoted attribute";
        }
        if (!*p) return "unterminated tag";
        bool self = p[-1] == '/';
        if (closing) {
            if (depth == 0 || strlen(stack[depth - 1]) != n || strncmp(stack[depth - 1], name, n))
                return "mismatched close";
            depth--;
        } else if (!self) {
            if (depth == 64) return "too deep";
            if (depth == 0) roots++;
            memcpy(stack[depth], name, n);
            stack[depth++][n] = '\0';
        }
        s = p + 1;
    }
    if (depth) return "unclosed element";
    return roots == 1 ? NULL : "not one root";
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        k++;
    return k;
}

static const char *const labels[] = {"Иванов", "<b>\"Петров\" & Co</b>", "Сидоров"};
static const double solved[] = {12.0, NAN, 30.5};
static const double created[] = {20.0, 5.0, -4.0};

static void test_svg_bar(void **state)
{
    UNUSED(state);
    const struct chart_series series[] = {{"Решено", solved}, {"Создано <new>", created}};
    struct chart c = {CHART_BAR, "Создано & решено", "%", labels, 3, series, 2};
    struct buf b = BUF_INIT(1 << 20);
    assert_int_equal(chart_svg(&c, 640, 360, &b), OP_OK);
    const char *svg = buf_str(&b);
    const char *bad = xml_check(svg);
    if (bad) fail_msg("%s in:\n%s", bad, svg);
    assert_non_null(strstr(svg, "width=\"640\" height=\"360\""));
    assert_non_null(strstr(svg, "<title>Создано &amp; решено</title>"));
    assert_non_null(strstr(svg, "&lt;b&gt;&quot;Петров&quot; &amp; Co&lt;/b&gt;"));
    assert_null(strstr(svg, "<b>"));
    /* five bars (one value is NAN), each with its own title */
    assert_int_equal(count(svg, "<rect x="), 5 + 2 /* legend swatches */);
    assert_int_equal(count(svg, "</rect>"), 5);
    assert_non_null(strstr(svg, "<title>Сидоров, Решено: 30.5%</title>"));
    assert_non_null(strstr(svg, "Создано &lt;new&gt;")); /* the legend */
    assert_non_null(strstr(svg, "fill=\"#0072B2\""));    /* the palette's first colour */
    /* the axis reaches below zero for the negative value: a tick at -10 */
    assert_non_null(strstr(svg, ">-10</text>"));
    assert_null(strstr(svg, "href"));
    buf_release(&b);
}

static void test_svg_line(void **state)
{
    UNUSED(state);
    const char *bad_utf8[] = {"a\xff"
                              "b",
                              "c\x01"
                              "d",
                              "\xe2\x82"};
    const double v[] = {1.0, NAN, 3.0};
    const struct chart_series series[] = {{"x", v}};
    struct chart c = {CHART_LINE, NULL, "min", bad_utf8, 3, series, 1};
    struct buf b = BUF_INIT(1 << 20);
    assert_int_equal(chart_svg(&c, 400, 300, &b), OP_OK);
    const char *svg = buf_str(&b);
    const char *bad = xml_check(svg);
    if (bad) fail_msg("%s in:\n%s", bad, svg);
    /* the line breaks at the gap: two separate moves, two points */
    assert_int_equal(count(svg, "<circle"), 2);
    assert_non_null(strstr(svg, "d=\"M"));
    assert_int_equal(count(svg, " M"), 1);
    assert_null(strstr(svg, " L"));
    assert_non_null(strstr(svg, "a\xEF\xBF\xBD"
                                "b")); /* U+FFFD for the bad byte */
    assert_non_null(strstr(svg, "c d"));
    assert_non_null(strstr(svg, "<title>a\xEF\xBF\xBD"
                                "b, x: 1 min</title>"));
    buf_release(&b);
}

static void test_svg_invalid(void **state)
{
    UNUSED(state);
    const double v[] = {1.0};
    const char *l[] = {"a"};
    const struct chart_series s[] = {{"x", v}}, s_null[] = {{"x", NULL}};
    struct buf b = BUF_INIT(1 << 20);
    struct chart c = {CHART_BAR, NULL, "", l, 0, s, 1};
    assert_int_equal(chart_svg(&c, 400, 300, &b), OP_ERR_INVALID); /* no labels */
    c.n_labels = 1;
    c.n_series = 0;
    assert_int_equal(chart_svg(&c, 400, 300, &b), OP_ERR_INVALID); /* no series */
    c.n_series = 1;
    c.series = s_null;
    assert_int_equal(chart_svg(&c, 400, 300, &b), OP_ERR_INVALID);
    c.series = s;
    assert_int_equal(chart_svg(&c, 10, 300, &b), OP_ERR_INVALID);
    assert_int_equal(b.len, 0);
    struct buf tiny = BUF_INIT(100);
    assert_int_equal(chart_svg(&c, 400, 300, &tiny), OP_ERR_TOOBIG);
    buf_release(&tiny);
    /* all NAN still draws (axis 0..1, no bars) */
    const double nan1[] = {NAN};
    const struct chart_series sn[] = {{"x", nan1}};
    c.series = sn;
    assert_int_equal(chart_svg(&c, 400, 300, &b), OP_OK);
    assert_null(xml_check(buf_str(&b)));
    buf_release(&b);
}

static void test_axis(void **state)
{
    UNUSED(state);
    const char *l[] = {"a", "b"};
    const double v[] = {3.0, 97.0};
    const struct chart_series s[] = {{"x", v}};
    struct chart c = {CHART_BAR, NULL, "", l, 2, s, 1};
    struct chart_axis ax;
    chart_axis_of(&c, &ax);
    assert_true(ax.lo == 0.0 && ax.hi == 100.0 && ax.step == 20.0);
    assert_int_equal(ax.n_ticks, 6);
    const double small[] = {0.012, 0.037};
    const struct chart_series s2[] = {{"x", small}};
    c.series = s2;
    chart_axis_of(&c, &ax);
    assert_true(fabs(ax.step - 0.01) < 1e-12 && fabs(ax.hi - 0.04) < 1e-12);
    assert_int_equal(ax.decimals, 2);
    const double huge[] = {-1e300, 1e300};
    const struct chart_series s3[] = {{"x", huge}};
    c.series = s3;
    chart_axis_of(&c, &ax);
    assert_true(ax.n_ticks <= 12);
    /* numbers of 300 digits still make a well-formed document */
    struct buf b = BUF_INIT(1 << 20);
    assert_int_equal(chart_svg(&c, 400, 300, &b), OP_OK);
    assert_null(xml_check(buf_str(&b)));
    buf_release(&b);
    assert_int_equal(chart_label_step(100, 500.0, 50.0), 10);
    assert_int_equal(chart_label_step(5, 500.0, 50.0), 1);
}

static void test_chart_from_table(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct report_table t = fixture_table(LANG_RU);
    struct chart c;
    assert_int_equal(report_chart_make(&t, &t.charts[1], &a, &c), OP_OK);
    assert_int_equal(c.n_labels, 3); /* not the total */
    assert_string_equal(c.labels[1], "=HYPERLINK(\"x\")");
    assert_string_equal(c.unit, "%");
    assert_true(fabs(c.series[0].values[0] - 95.5) < 1e-9);
    assert_true(isnan(c.series[0].values[1]));
    assert_string_equal(c.series[0].name, "Соблюдение SLA");
    assert_int_equal(report_chart_of_col(&t, 4, CHART_BAR, &a, &c), OP_OK);
    assert_string_equal(c.unit, "RUB");
    assert_true(fabs(c.series[0].values[0] - 12345.67) < 1e-9);
    assert_int_equal(report_chart_of_col(&t, 3, CHART_BAR, &a, &c), OP_OK);
    assert_string_equal(c.unit, "мин");
    assert_int_equal(report_chart_of_col(&t, 0, CHART_BAR, &a, &c), OP_ERR_INVALID);
    assert_int_equal(report_col_find(&t, "aht"), 3);
    assert_int_equal(report_col_find(&t, "nope"), -1);
    /* a chart over a text column is a bad table */
    t.charts[0].value_cols[0] = 0;
    assert_int_equal(report_table_check(&t), OP_ERR_INVALID);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_bar),          cmocka_unit_test(test_svg_line),
        cmocka_unit_test(test_svg_invalid),      cmocka_unit_test(test_axis),
        cmocka_unit_test(test_chart_from_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
