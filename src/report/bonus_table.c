/* bonus_table.c - bonus statements as report tables (bonus_table.h). */
#include "base/common.h"

#include <math.h>

#include "core/motivation.h"
#include "report/bonus_table.h"
#include "report/format.h"

/* The KPI names, by motivation_kpis key. */
static const struct {
    const char *key;
    enum msg_id name;
} kpi_names[] = {
    {"first_response_median_min", MSG_KPI_FIRST_RESPONSE_MEDIAN_MIN},
    {"first_response_p90_min", MSG_KPI_FIRST_RESPONSE_P90_MIN},
    {"resolution_median_min", MSG_KPI_RESOLUTION_MEDIAN_MIN},
    {"aht_min", MSG_KPI_AHT_MIN},
    {"fcr_percent", MSG_KPI_FCR_PERCENT},
    {"reopened_percent", MSG_KPI_REOPENED_PERCENT},
    {"solved", MSG_KPI_SOLVED},
    {"sla_percent", MSG_KPI_SLA_PERCENT},
    {"csat_percent", MSG_KPI_CSAT_PERCENT},
    {"csat_mean", MSG_KPI_CSAT_MEAN},
    {"csi", MSG_KPI_CSI},
    {"nps", MSG_KPI_NPS},
    {"team_sla_percent", MSG_KPI_TEAM_SLA_PERCENT},
    {"team_csat_percent", MSG_KPI_TEAM_CSAT_PERCENT},
    {"solved_per_online_hour", MSG_KPI_SOLVED_PER_ONLINE_HOUR},
};

const char *report_kpi_name(enum lang lang, const char *key)
{
    for (size_t i = 0; key && i < ARRAY_SIZE(kpi_names); i++)
        if (!strcmp(kpi_names[i].key, key)) return i18n_text(lang, kpi_names[i].name);
    return key;
}

int report_kpi_decimals(const char *key)
{
    const struct motivation_kpi *k = motivation_kpi_find(key);
    if (!k || !strcmp(k->unit, "count") || !strcmp(k->unit, "nps")) return k ? 0 : 2;
    if (!strcmp(k->unit, "score") || !strcmp(k->unit, "per_hour")) return 2;
    return 1;
}

/* The money columns: RT_MONEY in the month's one currency, or plain major
 * units when it has several (see the header). */
static struct report_col money_col(const char *key, const char *header, const char *currency)
{
    if (*currency) return (struct report_col){key, header, RT_MONEY, 0, currency};
    return (struct report_col){key, header, RT_NUMBER, 2, NULL};
}

static struct report_cell money_cell(int64_t minor, const char *currency, const char *mixed_from)
{
    if (*currency) return (struct report_cell){.has = true, .minor = minor};
    double scale = pow(10.0, fmt_currency_digits(mixed_from));
    return (struct report_cell){.has = true, .num = (double)minor / scale};
}

static const char *subtitle(const struct bonus_month_report *m, enum lang lang, struct arena *a)
{
    char sub[256];
    const char *args[] = {m->month, m->tz && *m->tz ? m->tz : "UTC"};
    i18n_format(lang, m->approved ? MSG_REPORT_BONUS_MONTH_APPROVED : MSG_REPORT_BONUS_MONTH,
                args, 2, sub, sizeof sub);
    return arena_strdup(a, sub);
}

op_rc report_bonus_table(const struct bonus_month_report *m, enum lang lang, struct arena *a,
                         struct report_table *out)
{
    /* The money first: a PDF page holds only so many columns, and the KPI
     * columns (up to 2 x 15) come after what the statement is for. */
    enum { B_NAME, B_LEVEL, B_TOTAL, B_BASE, B_BONUS, B_CUR, B_KPIS };
    op_rc rc = OP_OK;
    const char *keys[REPORT_MAX_COLS];
    size_t n_keys = 0;
    const char *cur = m->summary.currency;
    /* Every KPI any statement has a goal on; B_KPIS + 2k columns must fit. */
    for (size_t i = 0; i < m->n; i++)
        for (size_t g = 0; g < m->v[i].st.n; g++) {
            const char *key = m->v[i].st.lines[g].goal.key;
            size_t k = 0;
            while (k < n_keys && strcmp(keys[k], key) != 0)
                k++;
            if (k == n_keys && B_KPIS + 2 * (n_keys + 1) <= REPORT_MAX_COLS)
                keys[n_keys++] = key;
        }
    const size_t c_total = B_TOTAL, c_base = B_BASE, c_bonus = B_BONUS, c_cur = B_CUR,
                 nc = B_KPIS + 2 * n_keys;
    struct report_col *cols = arena_alloc(a, nc * sizeof *cols);
    struct report_cell *cells = arena_alloc(a, (m->n ? m->n : 1) * nc * sizeof *cells);
    struct report_cell *total = arena_alloc(a, nc * sizeof *total);
    if (!cols || !cells || !total) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    memset(cells, 0, (m->n ? m->n : 1) * nc * sizeof *cells);
    memset(total, 0, nc * sizeof *total);
    cols[B_NAME] = (struct report_col){"name", i18n_text(lang, MSG_REPORT_BY_AGENT), RT_TEXT, 0,
                                       NULL};
    cols[B_LEVEL] = (struct report_col){"level", i18n_text(lang, MSG_REPORT_COL_LEVEL), RT_TEXT, 0,
                                        NULL};
    for (size_t k = 0; k < n_keys; k++) {
        char h[256];
        const char *args[] = {report_kpi_name(lang, keys[k])};
        i18n_format(lang, MSG_REPORT_COL_ACTUAL, args, 1, h, sizeof h);
        cols[B_KPIS + 2 * k] =
            (struct report_col){arena_printf(a, "%s_actual", keys[k]), arena_strdup(a, h),
                                RT_NUMBER, report_kpi_decimals(keys[k]), NULL};
        i18n_format(lang, MSG_REPORT_COL_ATTAINMENT, args, 1, h, sizeof h);
        cols[B_KPIS + 2 * k + 1] = (struct report_col){
            arena_printf(a, "%s_attainment", keys[k]), arena_strdup(a, h), RT_PERCENT, 1, NULL};
        if (!cols[B_KPIS + 2 * k].key || !cols[B_KPIS + 2 * k].header ||
            !cols[B_KPIS + 2 * k + 1].key || !cols[B_KPIS + 2 * k + 1].header) {
            rc = OP_ERR_NOMEM;
            goto end;
        }
    }
    cols[c_total] = (struct report_col){
        "total", i18n_text(lang, MSG_REPORT_COL_TOTAL_ATTAINMENT), RT_PERCENT, 1, NULL};
    cols[c_base] = money_col("base_pay", i18n_text(lang, MSG_REPORT_COL_BASE_PAY), cur);
    cols[c_bonus] = money_col("bonus", i18n_text(lang, MSG_REPORT_COL_BONUS), cur);
    cols[c_cur] =
        (struct report_col){"currency", i18n_text(lang, MSG_REPORT_COL_CURRENCY), RT_TEXT, 0, NULL};

    for (size_t i = 0; i < m->n; i++) {
        const struct bonus_statement *s = &m->v[i];
        struct report_cell *c = &cells[i * nc];
        c[B_NAME] = (struct report_cell){.has = true, .text = s->name ? s->name : ""};
        c[B_LEVEL] = (struct report_cell){.has = true, .text = s->plan.name};
        for (size_t g = 0; g < s->st.n; g++) {
            const struct statement_line *l = &s->st.lines[g];
            for (size_t k = 0; k < n_keys; k++) {
                if (strcmp(keys[k], l->goal.key) != 0) continue;
                if (l->actual.has) {
                    c[B_KPIS + 2 * k] = (struct report_cell){.has = true, .num = l->actual.value};
                    c[B_KPIS + 2 * k + 1] =
                        (struct report_cell){.has = true, .num = l->attainment};
                }
                break;
            }
        }
        c[c_total] = (struct report_cell){.has = true, .num = s->st.total};
        c[c_base] = money_cell(s->st.base_pay, cur, s->currency);
        c[c_bonus] = money_cell(s->st.bonus, cur, s->currency);
        c[c_cur] = (struct report_cell){.has = true, .text = s->currency};
    }
    total[B_NAME] = (struct report_cell){.has = true, .text = i18n_text(lang, MSG_REPORT_TOTAL)};
    if (*cur) {
        total[c_base] = money_cell(m->summary.base_pay, cur, cur);
        total[c_bonus] = money_cell(m->summary.bonus, cur, cur);
        total[c_cur] = (struct report_cell){.has = true, .text = cur};
    }
    *out = (struct report_table){.lang = lang,
                                 .title = i18n_text(lang, MSG_REPORT_BONUS_TITLE),
                                 .subtitle = subtitle(m, lang, a),
                                 .name = arena_printf(a, "bonus-%s", m->month),
                                 .cols = cols,
                                 .n_cols = nc,
                                 .cells = cells,
                                 .n_rows = m->n,
                                 .total = total,
                                 .charts = {{.kind = CHART_BAR,
                                             .title = i18n_text(lang, MSG_REPORT_CHART_BONUS),
                                             .label_col = B_NAME,
                                             .value_cols = {c_bonus},
                                             .n_values = 1}},
                                 /* a chart needs rows to draw */
                                 .n_charts = m->n ? 1 : 0};
    if (!out->subtitle || !out->name) rc = OP_ERR_NOMEM;
end:
    return rc;
}

op_rc report_bonus_summary_table(const struct bonus_month_report *m, enum lang lang,
                                 struct arena *a, struct report_table *out)
{
    enum { S_LEVEL, S_RANK, S_AGENTS, S_BASE, S_BONUS, NC };
    op_rc rc = OP_OK;
    const struct bonus_summary *s = &m->summary;
    const char *cur = s->currency;
    struct report_col *cols = arena_alloc(a, NC * sizeof *cols);
    struct report_cell *cells = arena_alloc(a, (s->n_levels ? s->n_levels : 1) * NC * sizeof *cells);
    struct report_cell *total = arena_alloc(a, NC * sizeof *total);
    if (!cols || !cells || !total) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    memset(total, 0, NC * sizeof *total);
    cols[S_LEVEL] =
        (struct report_col){"level", i18n_text(lang, MSG_REPORT_COL_LEVEL), RT_TEXT, 0, NULL};
    cols[S_RANK] = (struct report_col){"rank", i18n_text(lang, MSG_REPORT_COL_RANK), RT_INT, 0, NULL};
    cols[S_AGENTS] =
        (struct report_col){"agents", i18n_text(lang, MSG_REPORT_COL_AGENTS), RT_INT, 0, NULL};
    cols[S_BASE] = money_col("base_pay", i18n_text(lang, MSG_REPORT_COL_BASE_PAY), cur);
    cols[S_BONUS] = money_col("bonus", i18n_text(lang, MSG_REPORT_COL_BONUS), cur);
    /* With several currencies a level's sum means nothing: left empty. */
    for (size_t i = 0; i < s->n_levels; i++) {
        const struct bonus_level_sum *l = &s->levels[i];
        struct report_cell *c = &cells[i * NC];
        c[S_LEVEL] = (struct report_cell){.has = true, .text = l->name};
        c[S_RANK] = (struct report_cell){.has = true, .num = l->rank};
        c[S_AGENTS] = (struct report_cell){.has = true, .num = (double)l->agents};
        c[S_BASE] = *cur ? money_cell(l->base_pay, cur, cur) : (struct report_cell){0};
        c[S_BONUS] = *cur ? money_cell(l->bonus, cur, cur) : (struct report_cell){0};
    }
    total[S_LEVEL] = (struct report_cell){.has = true, .text = i18n_text(lang, MSG_REPORT_TOTAL)};
    total[S_AGENTS] = (struct report_cell){.has = true, .num = (double)s->agents};
    if (*cur) {
        total[S_BASE] = money_cell(s->base_pay, cur, cur);
        total[S_BONUS] = money_cell(s->bonus, cur, cur);
    }
    *out = (struct report_table){.lang = lang,
                                 .title = i18n_text(lang, MSG_REPORT_BONUS_SUMMARY_TITLE),
                                 .subtitle = subtitle(m, lang, a),
                                 .name = arena_printf(a, "bonus-levels-%s", m->month),
                                 .cols = cols,
                                 .n_cols = NC,
                                 .cells = cells,
                                 .n_rows = s->n_levels,
                                 .total = total};
    if (!out->subtitle || !out->name) rc = OP_ERR_NOMEM;
end:
    return rc;
}
