/* kpi_table.c - KPI and backlog reports as report tables (kpi_table.h). */
#include "base/common.h"

#include <math.h>

#include "core/calendar.h"
#include "core/survey.h"
#include "report/kpi_table.h"

/* The KPI table's columns, in order. The keys are what
 * /reports/kpi/chart.svg?metric= takes. */
enum {
    K_LABEL,
    K_CREATED,
    K_SOLVED,
    K_CLOSED,
    K_REOPENED,
    K_ESCALATED,
    K_HANDED_BACK,
    K_FCR,
    K_FIRST_RESPONSE,
    K_RESOLUTION,
    K_WAIT,
    K_AHT,
    K_SLA_FIRST,
    K_SLA_NEXT,
    K_SLA_RESOLUTION,
    K_PER_HOUR,
    K_CSAT,
    K_CSAT_MEAN,
    K_CSI,
    K_NPS,
    K__COUNT
};

static const struct {
    const char *key;
    enum msg_id header;
    enum report_type type;
    int decimals;
} kpi_cols[K__COUNT] = {
    [K_LABEL] = {"label", MSG_NONE, RT_TEXT, 0},
    [K_CREATED] = {"created", MSG_REPORT_COL_CREATED, RT_INT, 0},
    [K_SOLVED] = {"solved", MSG_REPORT_COL_SOLVED, RT_INT, 0},
    [K_CLOSED] = {"closed", MSG_REPORT_COL_CLOSED, RT_INT, 0},
    [K_REOPENED] = {"reopened", MSG_REPORT_COL_REOPENED, RT_INT, 0},
    [K_ESCALATED] = {"escalated", MSG_REPORT_COL_ESCALATED, RT_INT, 0},
    [K_HANDED_BACK] = {"handed_back", MSG_REPORT_COL_HANDED_BACK, RT_INT, 0},
    [K_FCR] = {"fcr_rate", MSG_REPORT_COL_FCR, RT_PERCENT, 1},
    [K_FIRST_RESPONSE] = {"first_response_median", MSG_REPORT_COL_FIRST_RESPONSE, RT_MINUTES, 1},
    [K_RESOLUTION] = {"resolution_median", MSG_REPORT_COL_RESOLUTION, RT_MINUTES, 1},
    [K_WAIT] = {"requester_wait_median", MSG_REPORT_COL_WAIT, RT_MINUTES, 1},
    [K_AHT] = {"handling_time_median", MSG_REPORT_COL_AHT, RT_MINUTES, 1},
    [K_SLA_FIRST] = {"sla_first_response", MSG_REPORT_COL_SLA_FIRST, RT_PERCENT, 1},
    [K_SLA_NEXT] = {"sla_next_response", MSG_REPORT_COL_SLA_NEXT, RT_PERCENT, 1},
    [K_SLA_RESOLUTION] = {"sla_resolution", MSG_REPORT_COL_SLA_RESOLUTION, RT_PERCENT, 1},
    [K_PER_HOUR] = {"solved_per_online_hour", MSG_REPORT_COL_PER_HOUR, RT_NUMBER, 2},
    [K_CSAT] = {"csat_percent", MSG_REPORT_COL_CSAT, RT_PERCENT, 1},
    [K_CSAT_MEAN] = {"csat_mean", MSG_REPORT_COL_CSAT_MEAN, RT_NUMBER, 2},
    [K_CSI] = {"csi", MSG_REPORT_COL_CSI, RT_NUMBER, 1},
    [K_NPS] = {"nps", MSG_REPORT_COL_NPS, RT_NUMBER, 0},
};

static enum msg_id group_header(enum kpi_group_by g)
{
    switch (g) {
    case KG_AGENT:
        return MSG_REPORT_BY_AGENT;
    case KG_GROUP:
        return MSG_REPORT_BY_GROUP;
    case KG_TIER:
        return MSG_REPORT_BY_TIER;
    case KG_CHANNEL:
        return MSG_REPORT_BY_CHANNEL;
    case KG_ORGANIZATION:
        return MSG_REPORT_BY_ORGANIZATION;
    case KG_DAY:
        return MSG_REPORT_BY_DAY;
    case KG_WEEK:
        return MSG_REPORT_BY_WEEK;
    case KG_MONTH:
        return MSG_REPORT_BY_MONTH;
    default:
        return MSG_REPORT_BY_PERIOD;
    }
}

static struct report_cell cnt(int64_t v)
{
    return (struct report_cell){.has = true, .num = (double)v};
}

static struct report_cell ratio(int64_t num, int64_t den)
{
    if (den <= 0) return (struct report_cell){0};
    return (struct report_cell){.has = true, .num = (double)num / (double)den};
}

static struct report_cell minutes(int64_t ms)
{
    if (ms == KPI_NONE || ms < 0) return (struct report_cell){0};
    return (struct report_cell){.has = true, .num = (double)ms / 60000.0};
}

/* A date as people of lang write it: ru "01.10.2026", en "2026-10-01". */
static void show_date(enum lang lang, int32_t date, char out[11])
{
    char iso[11];
    cal_format_date(date, iso);
    if (lang == LANG_RU)
        snprintf(out, 11, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    else
        memcpy(out, iso, 11);
}

/* A survey figure: survey.h's functions say whether there is one. */
static struct report_cell survey(bool has, bool (*fn)(const struct survey_totals *, double *),
                                 const struct survey_totals *t, double scale)
{
    double v;
    if (!has || !fn(t, &v)) return (struct report_cell){0};
    return (struct report_cell){.has = true, .num = v * scale};
}

static void fill_kpi_row(const struct kpi_row *x, const char *label, struct report_cell *c)
{
    c[K_LABEL] = (struct report_cell){.has = true, .text = label};
    c[K_CREATED] = cnt(x->created);
    c[K_SOLVED] = cnt(x->solved);
    c[K_CLOSED] = cnt(x->closed);
    c[K_REOPENED] = cnt(x->reopened);
    c[K_ESCALATED] = cnt(x->escalated[0] + x->escalated[1] + x->escalated[2]);
    c[K_HANDED_BACK] = cnt(x->handed_back);
    c[K_FCR] = ratio(x->fcr, x->solved);
    c[K_FIRST_RESPONSE] = minutes(x->first_response.bus.median);
    c[K_RESOLUTION] = minutes(x->resolution.bus.median);
    c[K_WAIT] = minutes(x->requester_wait.bus.median);
    c[K_AHT] = minutes(x->aht.median);
    c[K_SLA_FIRST] = ratio(x->sla_met[0], x->sla_met[0] + x->sla_breached[0]);
    c[K_SLA_NEXT] = ratio(x->sla_met[1], x->sla_met[1] + x->sla_breached[1]);
    c[K_SLA_RESOLUTION] = ratio(x->sla_met[2], x->sla_met[2] + x->sla_breached[2]);
    if (x->online_ms > 0)
        c[K_PER_HOUR] = (struct report_cell){
            .has = true, .num = (double)x->solved * 3600000.0 / (double)x->online_ms};
    else
        c[K_PER_HOUR] = (struct report_cell){0};
    c[K_CSAT] = survey(x->has_surveys, survey_csat_percent, &x->surveys, 0.01);
    c[K_CSAT_MEAN] = survey(x->has_surveys, survey_csat_mean, &x->surveys, 1.0);
    c[K_CSI] = survey(x->has_surveys, survey_csi, &x->surveys, 1.0);
    c[K_NPS] = survey(x->has_surveys, survey_nps, &x->surveys, 1.0);
}

op_rc report_kpi_table(const struct kpi_report *rep, enum lang lang, struct arena *a,
                       struct report_table *out)
{
    op_rc rc = OP_OK;
    struct report_col *cols = arena_alloc(a, K__COUNT * sizeof *cols);
    struct report_cell *cells = arena_alloc(a, (rep->n ? rep->n : 1) * K__COUNT * sizeof *cells);
    struct report_cell *total = arena_alloc(a, K__COUNT * sizeof *total);
    char from[11], to[11], iso_from[11], iso_to[11], sub[256];
    if (!cols || !cells || !total) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (size_t c = 0; c < K__COUNT; c++)
        cols[c] =
            (struct report_col){.key = kpi_cols[c].key,
                                .header = i18n_text(lang, c == K_LABEL ? group_header(rep->group_by)
                                                                       : kpi_cols[c].header),
                                .type = kpi_cols[c].type,
                                .decimals = kpi_cols[c].decimals};
    const char *none =
        i18n_text(lang, rep->group_by == KG_NONE ? MSG_REPORT_ALL : MSG_REPORT_NO_NAME);
    for (size_t r = 0; r < rep->n; r++) {
        const char *label = rep->rows[r].label;
        fill_kpi_row(&rep->rows[r], label && *label ? label : none, &cells[r * K__COUNT]);
    }
    fill_kpi_row(&rep->total, i18n_text(lang, MSG_REPORT_TOTAL), total);

    show_date(lang, rep->from_date, from);
    show_date(lang, rep->to_date, to);
    cal_format_date(rep->from_date, iso_from);
    cal_format_date(rep->to_date, iso_to);
    const char *args[] = {from, to, rep->tz ? rep->tz : "UTC"};
    i18n_format(lang, MSG_REPORT_PERIOD, args, 3, sub, sizeof sub);
    bool time = rep->group_by == KG_DAY || rep->group_by == KG_WEEK || rep->group_by == KG_MONTH;
    *out = (struct report_table){.lang = lang,
                                 .title = i18n_text(lang, MSG_REPORT_KPI_TITLE),
                                 .subtitle = arena_strdup(a, sub),
                                 .name = arena_printf(a, "kpi-%s_%s", iso_from, iso_to),
                                 .cols = cols,
                                 .n_cols = K__COUNT,
                                 .cells = cells,
                                 .n_rows = rep->n,
                                 .total = total,
                                 .charts = {{.kind = time ? CHART_LINE : CHART_BAR,
                                             .title = i18n_text(lang, MSG_REPORT_CHART_VOLUME),
                                             .label_col = K_LABEL,
                                             .value_cols = {K_CREATED, K_SOLVED},
                                             .n_values = 2},
                                            {.kind = time ? CHART_LINE : CHART_BAR,
                                             .title = i18n_text(lang, MSG_REPORT_CHART_SLA),
                                             .label_col = K_LABEL,
                                             .value_cols = {K_SLA_FIRST, K_SLA_RESOLUTION},
                                             .n_values = 2}},
                                 .n_charts = 2};
    if (!out->subtitle || !out->name) rc = OP_ERR_NOMEM;
end:
    return rc;
}

op_rc report_backlog_table(const struct kpi_backlog *bl, enum lang lang, struct arena *a,
                           struct report_table *out)
{
    static const enum msg_id age_msgs[KPI_AGE_BUCKETS] = {
        MSG_REPORT_AGE_LT_1D, MSG_REPORT_AGE_1D_3D, MSG_REPORT_AGE_3D_7D, MSG_REPORT_AGE_7D_30D,
        MSG_REPORT_AGE_GE_30D};
    enum { NC = 2 + KPI_AGE_BUCKETS };
    op_rc rc = OP_OK;
    struct report_col *cols = arena_alloc(a, NC * sizeof *cols);
    struct report_cell *cells = arena_alloc(a, (bl->n ? bl->n : 1) * NC * sizeof *cells);
    struct report_cell *total = arena_alloc(a, NC * sizeof *total);
    char iso[32], when[32], sub[256];
    if (!cols || !cells || !total) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    cols[0] =
        (struct report_col){"label", i18n_text(lang, group_header(bl->group_by)), RT_TEXT, 0, NULL};
    cols[1] = (struct report_col){"count", i18n_text(lang, MSG_REPORT_COL_OPEN), RT_INT, 0, NULL};
    for (size_t k = 0; k < KPI_AGE_BUCKETS; k++)
        cols[2 + k] = (struct report_col){kpi_age_bucket_names[k], i18n_text(lang, age_msgs[k]),
                                          RT_INT, 0, NULL};
    const char *none =
        i18n_text(lang, bl->group_by == KG_NONE ? MSG_REPORT_ALL : MSG_REPORT_NO_NAME);
    for (size_t r = 0; r <= bl->n; r++) {
        const struct kpi_backlog_row *x = r < bl->n ? &bl->rows[r] : &bl->total;
        struct report_cell *c = r < bl->n ? &cells[r * NC] : total;
        const char *label = r == bl->n ? i18n_text(lang, MSG_REPORT_TOTAL)
                                       : (x->label && *x->label ? x->label : none);
        c[0] = (struct report_cell){.has = true, .text = label};
        c[1] = cnt(x->count);
        for (size_t k = 0; k < KPI_AGE_BUCKETS; k++)
            c[2 + k] = cnt(x->age[k]);
    }
    time_format_iso(bl->at, iso); /* "YYYY-MM-DDTHH:MM:SS...Z" */
    snprintf(when, sizeof when, "%.10s %.5s UTC", iso, iso + 11);
    const char *args[] = {when};
    i18n_format(lang, MSG_REPORT_AT, args, 1, sub, sizeof sub);
    *out = (struct report_table){.lang = lang,
                                 .title = i18n_text(lang, MSG_REPORT_BACKLOG_TITLE),
                                 .subtitle = arena_strdup(a, sub),
                                 .name = arena_printf(a, "backlog-%.10s", iso),
                                 .cols = cols,
                                 .n_cols = NC,
                                 .cells = cells,
                                 .n_rows = bl->n,
                                 .total = total,
                                 .charts = {{.kind = CHART_BAR,
                                             .title = i18n_text(lang, MSG_REPORT_CHART_AGE),
                                             .label_col = 0,
                                             .value_cols = {2, 3, 4, 5, 6},
                                             .n_values = KPI_AGE_BUCKETS}},
                                 .n_charts = 1};
    if (!out->subtitle || !out->name) rc = OP_ERR_NOMEM;
end:
    return rc;
}
