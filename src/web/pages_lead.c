/* pages_lead.c - the team lead's pages (leads and admins only):
 *   /lead                 KPIs of a period (tiles, a table per agent, charts),
 *                         SLA risks and breaches now, the backlog by age now,
 *                         and links to download the KPI report;
 *   /lead/charts/{name}   the charts as SVG images (report/chart.h);
 *   /lead/team            who is online, who is on shift today, on-call, and
 *                         the month's rota (agents x days).
 *
 * The numbers come from the same use cases as the API (kpi_report,
 * kpi_backlog, app_survey_report, team.h), so the page and
 * /api/v1/reports/kpi agree for the same period, zone and group. A period
 * the KPI report refuses is shown again with the error at its field and
 * what was typed kept. */
#include "base/common.h"

#include <math.h>

#include "app/kpi.h"
#include "app/surveys.h"
#include "app/team.h"
#include "core/calendar.h"
#include "report/chart.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

#define CHART_W 640
#define CHART_H 280
#define CHART_DAYS_MAX 92 /* longer periods are drawn per week */
#define SVG_MAX ((size_t)1 << 20)
#define LIST_MAX 50 /* tickets in each SLA list */

/* ---- access ---- */

/* ---- numbers and dates as the language writes them ---- */

/* "12 345" (ru, with a no-break space) or "12,345" (en). */
static const char *fmt_int(struct web_ctx *c, int64_t v)
{
    char digits[32], out[64];
    const char *sep = c->r->lang == LANG_RU ? "\xc2\xa0" : ",";
    size_t seplen = strlen(sep), o = 0;
    int n = snprintf(digits, sizeof(digits), "%" PRId64, v < 0 ? -v : v);
    if (n <= 0) return "";
    if (v < 0) out[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            memcpy(out + o, sep, seplen);
            o += seplen;
        }
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return arena_strdup(c->r->arena, out);
}

/* v with one decimal: "87,5" (ru) or "87.5" (en). */
static const char *fmt_dec(struct web_ctx *c, double v)
{
    char s[64];
    snprintf(s, sizeof(s), "%.1f", v);
    if (c->r->lang == LANG_RU)
        for (char *p = s; *p; p++)
            if (*p == '.') *p = ',';
    return arena_strdup(c->r->arena, s);
}

/* A ratio as a percentage: "87,5 %" (ru) or "87.5%" (en). */
static const char *fmt_pct(struct web_ctx *c, double ratio)
{
    const char *d = fmt_dec(c, ratio * 100.0);
    return arena_printf(c->r->arena, "%s%s%%", d ? d : "",
                        c->r->lang == LANG_RU ? "\xc2\xa0" : "");
}

/* A local date: "01.11.2026" (ru) or "2026-11-01" (en). */
static const char *fmt_date(struct web_ctx *c, int32_t date)
{
    int y, m, d;
    cal_ymd(date, &y, &m, &d);
    if (c->r->lang == LANG_RU) return arena_printf(c->r->arena, "%02d.%02d.%04d", d, m, y);
    return arena_printf(c->r->arena, "%04d-%02d-%02d", y, m, d);
}

/* The local wall time of t in z, "17:03". */
static const char *fmt_hhmm(struct web_ctx *c, const struct tz *z, op_time t)
{
    int64_t s = t / 1000, l = s + tz_offset(z, s);
    int64_t min = ((l % 86400) + 86400) % 86400 / 60;
    return arena_printf(c->r->arena, "%02d:%02d", (int)(min / 60), (int)(min % 60));
}

static int32_t local_date(const struct tz *z, op_time t)
{
    int64_t s = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
    int64_t l = s + tz_offset(z, s);
    return (int32_t)(l >= 0 ? l / 86400 : -((-l + 86399) / 86400));
}

/* The percent-encoding of s for a query string, in a. */
static const char *qs_escape(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    if (!out) return NULL;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == '/') {
            *o++ = (char)ch;
        } else {
            *o++ = '%';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o = '\0';
    return out;
}

/* ---- the period ---- */

enum lead_period { LP_DAY, LP_WEEK, LP_MONTH, LP_CUSTOM, LP__COUNT };
static const char *const period_names[LP__COUNT] = {"day", "week", "month", "custom"};
static const enum msg_id period_msgs[LP__COUNT] = {MSG_WEB_LEAD_PERIOD_DAY, MSG_WEB_LEAD_PERIOD_WEEK,
                                                   MSG_WEB_LEAD_PERIOD_MONTH,
                                                   MSG_WEB_LEAD_PERIOD_CUSTOM};

/* What the filter form asked for: the values as typed (shown again when
 * refused) and the dates they mean. */
struct lead_query {
    const char *period_in, *from_in, *to_in, *tz_in, *group_in;
    int period;           /* enum lead_period, -1 unknown */
    const char *from, *to; /* the report's dates, YYYY-MM-DD */
    const char *tz;       /* the zone's name */
    const struct tz *z;
    int64_t group_id;     /* 0: all */
    int32_t today;        /* in z */
    const char *qs;       /* period, from, to, tz, group_id as a query string */
};

static const char *query_or(struct http_req *r, const char *name, const char *dflt)
{
    const char *s = http_query(r, name);
    return s && *s ? s : dflt;
}

/* Reads the filter from the query string. The dates of day, week and month
 * are worked out here in the chosen zone; custom dates are passed to the
 * report as typed, which checks them. OP_ERR_INVALID naming period, tz or
 * group_id (kept in q for the form). */
static op_rc query_parse(struct web_ctx *c, struct lead_query *q, struct op_err *err)
{
    struct arena *a = c->r->arena;
    memset(q, 0, sizeof(*q));
    q->period_in = query_or(c->r, "period", "month");
    q->from_in = query_or(c->r, "from", "");
    q->to_in = query_or(c->r, "to", "");
    q->tz_in = query_or(c->r, "tz", tz_name(c->tz ? c->tz : tz_utc()));
    q->group_in = query_or(c->r, "group_id", "");
    q->period = -1;
    q->z = tz_utc();
    for (int i = 0; i < LP__COUNT; i++)
        if (strcmp(q->period_in, period_names[i]) == 0) q->period = i;
    if (q->period < 0)
        return op_fail(err, OP_ERR_INVALID, "period", MSG_ERR_ENUM, q->period_in,
                       "day, week, month, custom");
    if (tz_load(q->tz_in, &q->z)) {
        q->z = tz_utc();
        return op_fail(err, OP_ERR_INVALID, "tz", MSG_ERR_TIME_ZONE, q->tz_in);
    }
    q->tz = tz_name(q->z);
    if (*q->group_in) {
        char *e;
        long long id = strtoll(q->group_in, &e, 10);
        if (*e || id <= 0)
            return op_fail(err, OP_ERR_INVALID, "group_id", MSG_ERR_GROUP_NOT_FOUND, q->group_in);
        q->group_id = id;
    }
    q->today = local_date(q->z, app_now(c->app));
    int32_t from = q->today, to = q->today;
    int y, m, d;
    switch ((enum lead_period)q->period) {
    case LP_DAY:
        break;
    case LP_WEEK:
        from = q->today - cal_weekday(q->today);
        to = from + 6;
        break;
    case LP_MONTH:
        cal_ymd(q->today, &y, &m, &d);
        from = cal_date(y, m, 1);
        to = (m == 12 ? cal_date(y + 1, 1, 1) : cal_date(y, m + 1, 1)) - 1;
        break;
    case LP_CUSTOM:
    case LP__COUNT:
        break;
    }
    if (q->period == LP_CUSTOM) {
        q->from = q->from_in;
        q->to = q->to_in;
    } else {
        char f[11], t[11];
        cal_format_date(from, f);
        cal_format_date(to, t);
        q->from = arena_strdup(a, f);
        q->to = arena_strdup(a, t);
        /* the form shows the dates the period means */
        q->from_in = q->from;
        q->to_in = q->to;
    }
    const char *ef = qs_escape(a, q->from), *et = qs_escape(a, q->to), *ez = qs_escape(a, q->tz);
    if (!q->from || !q->to || !ef || !et || !ez) return OP_ERR_NOMEM;
    q->qs = arena_printf(a, "period=%s&from=%s&to=%s&tz=%s", period_names[q->period], ef, et, ez);
    if (q->qs && q->group_id)
        q->qs = arena_printf(a, "%s&group_id=%" PRId64, q->qs, q->group_id);
    return q->qs ? OP_OK : OP_ERR_NOMEM;
}

/* The filter form's values: options, what was typed, the error at its field.
 * dates: the form has the period and its dates (the dashboard; the team
 * page shows today and this month), else their errors go above the form. */
static op_rc form_values(struct web_ctx *c, const struct lead_query *q, bool dates,
                         const struct op_err *err)
{
    struct arena *a = c->r->arena;
    struct tv *f = tv_map(a), *periods = tv_list(a), *groups = tv_list(a);
    struct group *g = NULL;
    size_t ng = 0;
    struct op_err gerr = {0};
    op_rc rc = OP_OK;
    for (int i = 0; i < LP__COUNT && !rc; i++) {
        struct tv *o = tv_map(a);
        rc = tv_set_str(a, o, "name", period_names[i]);
        if (!rc) rc = tv_set_str(a, o, "label", i18n_text(c->r->lang, period_msgs[i]));
        if (!rc) rc = tv_set_bool(a, o, "selected", strcmp(q->period_in, period_names[i]) == 0);
        if (!rc) rc = tv_push(a, periods, o);
    }
    if (!rc && app_group_list(c->app, &c->who, a, &g, &ng, &gerr) == OP_OK) {
        for (size_t i = 0; i < ng && !rc; i++) {
            struct tv *o = tv_map(a);
            rc = tv_set_int(a, o, "id", g[i].id);
            if (!rc) rc = tv_set_str(a, o, "name", g[i].name);
            if (!rc) rc = tv_set_bool(a, o, "selected", g[i].id == q->group_id);
            if (!rc) rc = tv_push(a, groups, o);
        }
    }
    if (!rc) rc = tv_set(a, f, "periods", periods);
    if (!rc) rc = tv_set(a, f, "groups", groups);
    if (!rc) rc = tv_set_str(a, f, "from", q->from_in);
    if (!rc) rc = tv_set_str(a, f, "to", q->to_in);
    if (!rc) rc = tv_set_str(a, f, "tz", q->tz_in);
    if (!rc && err && err->field[0]) {
        const char *text = web_err_text(a, c->r->lang, err);
        /* an error at a field of the form is shown there; anything else above it */
        static const char *const fields[] = {"period", "from", "to", "tz", "group_id"};
        bool at_field = false;
        for (size_t i = 0; i < ARRAY_SIZE(fields) && !rc; i++) {
            if (strcmp(err->field, fields[i]) != 0 || (!dates && i < 3)) continue;
            at_field = true;
            rc = tv_set_str(a, f, arena_printf(a, "err_%s", fields[i]), text);
        }
        if (!rc && !at_field) rc = tv_set_str(a, f, "error", text);
    }
    if (!rc) rc = tv_set(a, c->data, "form", f);
    return rc;
}

/* ---- KPI tiles and the table per agent ---- */

static double ratio_or_nan(int64_t num, int64_t den)
{
    return den > 0 ? (double)num / (double)den : NAN;
}

static void sla_sum(const struct kpi_row *x, int64_t *met, int64_t *all)
{
    *met = *all = 0;
    for (int m = 0; m < 3; m++) {
        *met += x->sla_met[m];
        *all += x->sla_met[m] + x->sla_breached[m];
    }
}

/* The columns of the table per agent, in order. */
enum agent_col { AC_NAME, AC_CREATED, AC_SOLVED, AC_FCR, AC_FRT, AC_RES, AC_SLA, AC_SPH, AC__COUNT };
static const char *const col_keys[AC__COUNT] = {"name", "created", "solved",     "fcr",
                                               "first_response", "resolution", "sla", "per_hour"};
static const enum msg_id col_msgs[AC__COUNT] = {
    MSG_WEB_LEAD_COL_AGENT, MSG_WEB_LEAD_CREATED,    MSG_WEB_LEAD_SOLVED, MSG_WEB_LEAD_COL_FCR,
    MSG_WEB_LEAD_COL_FRT,   MSG_WEB_LEAD_COL_RES,    MSG_WEB_LEAD_COL_SLA, MSG_WEB_LEAD_COL_SPH};

/* The value of a column for sorting and display; NAN: no data. */
static double col_value(const struct kpi_row *x, enum agent_col col)
{
    int64_t met, all;
    switch (col) {
    case AC_CREATED:
        return (double)x->created;
    case AC_SOLVED:
        return (double)x->solved;
    case AC_FCR:
        return ratio_or_nan(x->fcr, x->solved);
    case AC_FRT:
        return x->first_response.bus.median == KPI_NONE ? NAN
                                                        : (double)x->first_response.bus.median;
    case AC_RES:
        return x->resolution.bus.median == KPI_NONE ? NAN : (double)x->resolution.bus.median;
    case AC_SLA:
        sla_sum(x, &met, &all);
        return ratio_or_nan(met, all);
    case AC_SPH:
        return x->online_ms > 0 ? (double)x->solved * 3600000.0 / (double)x->online_ms : NAN;
    case AC_NAME:
    case AC__COUNT:
        break;
    }
    return NAN;
}

static const char *col_text(struct web_ctx *c, enum agent_col col, double v)
{
    if (isnan(v)) return "—";
    switch (col) {
    case AC_CREATED:
    case AC_SOLVED:
        return fmt_int(c, (int64_t)v);
    case AC_FCR:
    case AC_SLA:
        return fmt_pct(c, v);
    case AC_FRT:
    case AC_RES:
        return web_duration(c->r->arena, c->r->lang, (int64_t)v);
    case AC_SPH:
        return fmt_dec(c, v);
    case AC_NAME:
    case AC__COUNT:
        break;
    }
    return "";
}

/* a sorts before b? NAN (no data) always last; names alphabetically. */
static bool sorts_before(const struct kpi_row *a, const struct kpi_row *b, enum agent_col col,
                         bool asc)
{
    if (col == AC_NAME) {
        int k = strcmp(a->label ? a->label : "", b->label ? b->label : "");
        return asc ? k < 0 : k > 0;
    }
    double x = col_value(a, col), y = col_value(b, col);
    if (isnan(x) || isnan(y)) return !isnan(x) && isnan(y);
    return asc ? x < y : x > y;
}

static struct tv *row_cells(struct web_ctx *c, const struct kpi_row *x)
{
    struct arena *a = c->r->arena;
    struct tv *cells = tv_list(a);
    for (int col = AC_CREATED; col < AC__COUNT; col++) {
        struct tv *m = tv_map(a);
        double v = col_value(x, (enum agent_col)col);
        if (tv_set_str(a, m, "key", col_keys[col]) ||
            tv_set_str(a, m, "text", col_text(c, (enum agent_col)col, v)) ||
            tv_push(a, cells, m))
            return NULL;
    }
    return cells;
}

static op_rc tile(struct web_ctx *c, struct tv *list, const char *key, enum msg_id label,
                  const char *text, const char *raw)
{
    struct arena *a = c->r->arena;
    struct tv *m = tv_map(a);
    op_rc rc = tv_set_str(a, m, "key", key);
    if (!rc) rc = tv_set_str(a, m, "label", i18n_text(c->r->lang, label));
    if (!rc) rc = tv_set_str(a, m, "text", text ? text : "");
    if (!rc) rc = tv_set_str(a, m, "raw", raw ? raw : "");
    if (!rc) rc = tv_push(a, list, m);
    return rc;
}

static const char *raw_num(struct arena *a, double v)
{
    return isnan(v) ? "" : arena_printf(a, "%.6f", v);
}

/* The tiles of the period's totals, with CSAT and NPS when surveys were answered. */
static op_rc tiles_values(struct web_ctx *c, const struct lead_query *q,
                          const struct kpi_report *rep)
{
    struct arena *a = c->r->arena;
    const struct kpi_row *t = &rep->total;
    struct tv *list = tv_list(a);
    struct survey_row *sr = NULL;
    size_t ns = 0;
    struct op_err serr = {0};
    double v;
    op_rc rc = tile(c, list, "created", MSG_WEB_LEAD_CREATED, fmt_int(c, t->created),
                    arena_printf(a, "%" PRId64, t->created));
    if (!rc)
        rc = tile(c, list, "solved", MSG_WEB_LEAD_SOLVED, fmt_int(c, t->solved),
                  arena_printf(a, "%" PRId64, t->solved));
    if (!rc) {
        v = col_value(t, AC_FRT);
        rc = tile(c, list, "first_response", MSG_WEB_LEAD_FRT, col_text(c, AC_FRT, v),
                  raw_num(a, v));
    }
    if (!rc) {
        v = col_value(t, AC_FCR);
        rc = tile(c, list, "fcr", MSG_WEB_LEAD_FCR, col_text(c, AC_FCR, v), raw_num(a, v));
    }
    if (!rc) {
        v = col_value(t, AC_SLA);
        rc = tile(c, list, "sla", MSG_WEB_LEAD_SLA, col_text(c, AC_SLA, v), raw_num(a, v));
    }
    /* surveys answered in the same period (the whole team: the totals row) */
    if (!rc && app_survey_report(c->app, &c->who, rep->from, rep->to, SGB_NONE, 0, q->group_id, a,
                                 &sr, &ns, &serr) == OP_OK &&
        ns > 0) {
        if (survey_csat_percent(&sr[0].t, &v))
            rc = tile(c, list, "csat", MSG_WEB_LEAD_CSAT, fmt_pct(c, v / 100.0),
                      raw_num(a, v / 100.0));
        if (!rc && survey_nps(&sr[0].t, &v))
            rc = tile(c, list, "nps", MSG_WEB_LEAD_NPS, fmt_dec(c, v), raw_num(a, v));
    }
    if (!rc) rc = tv_set(a, c->data, "tiles", list);
    return rc;
}

/* The table per agent, sorted by the column the query names. */
static op_rc agents_values(struct web_ctx *c, const struct lead_query *q, struct kpi_report *rep)
{
    struct arena *a = c->r->arena;
    const char *sort = query_or(c->r, "sort", "solved");
    const char *dir = query_or(c->r, "dir", "");
    int col = AC_SOLVED;
    for (int i = 0; i < AC__COUNT; i++)
        if (strcmp(sort, col_keys[i]) == 0) col = i;
    /* names read A-Z first; numbers biggest first */
    bool asc = *dir ? strcmp(dir, "asc") == 0 : col == AC_NAME;
    /* insertion sort: a team has tens of agents */
    for (size_t i = 1; i < rep->n; i++) {
        struct kpi_row x = rep->rows[i];
        size_t j = i;
        for (; j > 0 && sorts_before(&x, &rep->rows[j - 1], (enum agent_col)col, asc); j--)
            rep->rows[j] = rep->rows[j - 1];
        rep->rows[j] = x;
    }
    struct tv *heads = tv_list(a), *rows = tv_list(a), *total = tv_map(a);
    op_rc rc = OP_OK;
    for (int i = 0; i < AC__COUNT && !rc; i++) {
        struct tv *h = tv_map(a);
        bool cur = i == col;
        /* a click on the current column turns the order round */
        bool next_asc = cur ? !asc : i == AC_NAME;
        rc = tv_set_str(a, h, "label", i18n_text(c->r->lang, col_msgs[i]));
        if (!rc) rc = tv_set_str(a, h, "key", col_keys[i]);
        if (!rc)
            rc = tv_set_str(a, h, "href",
                            arena_printf(a, "/lead?%s&sort=%s&dir=%s#agents", q->qs, col_keys[i],
                                         next_asc ? "asc" : "desc"));
        if (!rc && cur) rc = tv_set_str(a, h, "sort", asc ? "ascending" : "descending");
        if (!rc) rc = tv_push(a, heads, h);
    }
    for (size_t i = 0; i < rep->n && !rc; i++) {
        struct tv *m = tv_map(a);
        const char *name = rep->rows[i].label && *rep->rows[i].label
                               ? rep->rows[i].label
                               : i18n_text(c->r->lang, MSG_WEB_NOBODY);
        rc = tv_set_str(a, m, "name", name);
        if (!rc) rc = tv_set_int(a, m, "id", rep->rows[i].key);
        if (!rc) rc = tv_set(a, m, "cells", row_cells(c, &rep->rows[i]));
        if (!rc) rc = tv_push(a, rows, m);
    }
    if (!rc) rc = tv_set(a, total, "cells", row_cells(c, &rep->total));
    if (!rc) rc = tv_set(a, c->data, "agent_heads", heads);
    if (!rc) rc = tv_set(a, c->data, "agents", rows);
    if (!rc) rc = tv_set(a, c->data, "agents_total", total);
    return rc;
}

/* ---- SLA risks and breaches, backlog ---- */

/* "in 45 min" / "overdue by 1 h 5 min". */
static const char *left_text(struct web_ctx *c, op_time due)
{
    char text[256];
    int64_t left = due - app_now(c->app);
    const char *d = web_duration(c->r->arena, c->r->lang, left);
    const char *args[1] = {d ? d : ""};
    i18n_format(c->r->lang, left >= 0 ? MSG_WEB_DUE_IN : MSG_WEB_OVERDUE, args, 1, text,
                sizeof(text));
    return arena_strdup(c->r->arena, text);
}

/* One list of tickets (view's filter in the group), breached ones apart. */
static op_rc sla_list(struct web_ctx *c, const struct lead_query *q, enum web_view v,
                      const char *key)
{
    struct arena *a = c->r->arena;
    struct ticket_filter f;
    struct ticket_page page = {0};
    struct op_err err = {0};
    struct tv *list = tv_list(a);
    web_view_filter(c, v, &f);
    f.limit = LIST_MAX;
    if (q->group_id) f.group_id = q->group_id;
    op_rc rc = app_ticket_list(c->app, &c->who, &f, a, &page, &err);
    for (size_t i = 0; i < page.n && !rc; i++) {
        const struct ticket *t = &page.v[i];
        /* due soon lists what can still be saved; the breached are below */
        if (v == WV_DUE_SOON && t->sla_breached) continue;
        struct tv *m = tv_map(a);
        rc = tv_set_int(a, m, "id", t->id);
        if (!rc) rc = tv_set_str(a, m, "subject", t->subject);
        if (!rc)
            rc = tv_set_str(a, m, "assignee",
                            t->assignee_id ? web_user_name(c, t->assignee_id)
                                           : i18n_text(c->r->lang, MSG_WEB_NOBODY));
        if (!rc) rc = tv_set_str(a, m, "due", web_time(c, t->sla_due_at));
        if (!rc)
            rc = tv_set_str(a, m, "left",
                            t->sla_due_at ? left_text(c, t->sla_due_at)
                                          : i18n_text(c->r->lang, MSG_WEB_NO_DUE));
        if (!rc) rc = tv_push(a, list, m);
    }
    if (!rc) rc = tv_set(a, c->data, key, list);
    return rc;
}

static const enum msg_id age_msgs[KPI_AGE_BUCKETS] = {MSG_WEB_LEAD_AGE_0, MSG_WEB_LEAD_AGE_1,
                                                      MSG_WEB_LEAD_AGE_2, MSG_WEB_LEAD_AGE_3,
                                                      MSG_WEB_LEAD_AGE_4};

static struct tv *backlog_row(struct web_ctx *c, const struct kpi_backlog_row *x, const char *label)
{
    struct arena *a = c->r->arena;
    struct tv *m = tv_map(a), *ages = tv_list(a);
    for (int i = 0; i < KPI_AGE_BUCKETS; i++)
        if (tv_push(a, ages, tv_str(a, fmt_int(c, x->age[i])))) return NULL;
    if (tv_set_str(a, m, "label", label) || tv_set_str(a, m, "count", fmt_int(c, x->count)) ||
        tv_set(a, m, "ages", ages))
        return NULL;
    return m;
}

static op_rc backlog_values(struct web_ctx *c, const struct lead_query *q)
{
    struct arena *a = c->r->arena;
    struct kpi_backlog b;
    struct op_err err = {0};
    struct tv *heads = tv_list(a), *rows = tv_list(a);
    op_rc rc = kpi_backlog(c->app, &c->who, 0, "group", 0, q->group_id, a, &b, &err);
    for (int i = 0; i < KPI_AGE_BUCKETS && !rc; i++)
        rc = tv_push(a, heads, tv_str(a, i18n_text(c->r->lang, age_msgs[i])));
    for (size_t i = 0; i < b.n && !rc; i++) {
        const char *label = b.rows[i].label && *b.rows[i].label
                                ? b.rows[i].label
                                : i18n_text(c->r->lang, MSG_WEB_LEAD_NO_GROUP);
        rc = tv_push(a, rows, backlog_row(c, &b.rows[i], label));
    }
    if (!rc) rc = tv_set(a, c->data, "backlog_heads", heads);
    if (!rc) rc = tv_set(a, c->data, "backlog", rows);
    if (!rc)
        rc = tv_set(a, c->data, "backlog_total",
                    backlog_row(c, &b.total, i18n_text(c->r->lang, MSG_WEB_LEAD_TOTAL)));
    return rc;
}

/* ---- charts and exports ---- */

static const char *const chart_names[] = {"volume", "first_response"};
static const enum msg_id chart_msgs[] = {MSG_WEB_LEAD_CHART_VOLUME, MSG_WEB_LEAD_CHART_FRT};

static op_rc charts_values(struct web_ctx *c, const struct lead_query *q)
{
    struct arena *a = c->r->arena;
    struct tv *list = tv_list(a);
    op_rc rc = OP_OK;
    for (size_t i = 0; i < ARRAY_SIZE(chart_names) && !rc; i++) {
        struct tv *m = tv_map(a);
        rc = tv_set_str(a, m, "src", arena_printf(a, "/lead/charts/%s.svg?%s", chart_names[i], q->qs));
        if (!rc) rc = tv_set_str(a, m, "alt", i18n_text(c->r->lang, chart_msgs[i]));
        if (!rc) rc = tv_set_str(a, m, "name", chart_names[i]);
        if (!rc) rc = tv_push(a, list, m);
    }
    if (!rc) rc = tv_set(a, c->data, "charts", list);
    return rc;
}

/* The API accepts the session cookie for GET (api_auth.c), so the links
 * download through the same code as /api/v1/reports/kpi, with the browser's
 * session. */
static op_rc exports_values(struct web_ctx *c, const struct lead_query *q)
{
    static const struct {
        const char *format;
        enum msg_id msg;
    } formats[] = {{"csv", MSG_WEB_LEAD_EXPORT_CSV},
                   {"xlsx", MSG_WEB_LEAD_EXPORT_XLSX},
                   {"pdf", MSG_WEB_LEAD_EXPORT_PDF}};
    struct arena *a = c->r->arena;
    struct tv *list = tv_list(a);
    op_rc rc = OP_OK;
    const char *ef = qs_escape(a, q->from), *et = qs_escape(a, q->to), *ez = qs_escape(a, q->tz);
    if (!ef || !et || !ez) return OP_ERR_NOMEM;
    for (size_t i = 0; i < ARRAY_SIZE(formats) && !rc; i++) {
        struct tv *m = tv_map(a);
        const char *href =
            arena_printf(a, "/api/v1/reports/kpi?from=%s&to=%s&tz=%s&group_by=agent%s&format=%s",
                         ef, et, ez,
                         q->group_id ? arena_printf(a, "&group_id=%" PRId64, q->group_id) : "",
                         formats[i].format);
        rc = tv_set_str(a, m, "href", href);
        if (!rc) rc = tv_set_str(a, m, "format", formats[i].format);
        if (!rc) rc = tv_set_str(a, m, "label", i18n_text(c->r->lang, formats[i].msg));
        if (!rc) rc = tv_push(a, list, m);
    }
    if (!rc) rc = tv_set(a, c->data, "exports", list);
    return rc;
}

/* ---- GET /lead ---- */

/* Marks the current tab ("kpi_tab", "team_tab"; pages_lead_bonus.c sets
 * "bonus_tab"). */
static op_rc tabs_values(struct web_ctx *c, const char *current)
{
    return tv_set_bool(c->r->arena, c->data, current, true);
}

void w_lead(struct http_req *r)
{
    struct web_ctx c;
    struct lead_query q;
    struct op_err err = {0};
    struct kpi_report rep;
    op_rc rc = OP_OK;
    if (!web_begin_lead(r, &c)) return;
    CHECK(tv_set_str(r->arena, c.data, "title", i18n_text(r->lang, MSG_WEB_LEAD_TITLE)));
    CHECK(tabs_values(&c, "kpi_tab"));
    rc = query_parse(&c, &q, &err);
    if (!rc) {
        struct kpi_request req = {.from = q.from, .to = q.to, .group_by = "agent", .tz = q.tz,
                                  .group_id = q.group_id};
        rc = kpi_report(c.app, &c.who, &req, r->arena, &rep, &err);
    }
    if (rc == OP_ERR_INVALID || (rc == OP_ERR_NOTFOUND && err.field[0])) {
        /* a refused period: the form again, with the error at its field */
        CHECK(form_values(&c, &q, true, &err));
        web_render(&c, 422, "lead_dashboard.html");
        return;
    }
    if (rc) goto end;
    CHECK(form_values(&c, &q, true, NULL));
    CHECK(tv_set_bool(r->arena, c.data, "shown", true));
    CHECK(tv_set_str(r->arena, c.data, "period_from", fmt_date(&c, rep.from_date)));
    CHECK(tv_set_str(r->arena, c.data, "period_to", fmt_date(&c, rep.to_date)));
    CHECK(tv_set_str(r->arena, c.data, "period_tz", rep.tz));
    CHECK(tiles_values(&c, &q, &rep));
    CHECK(agents_values(&c, &q, &rep));
    CHECK(charts_values(&c, &q));
    CHECK(exports_values(&c, &q));
    CHECK(sla_list(&c, &q, WV_DUE_SOON, "due_soon"));
    CHECK(sla_list(&c, &q, WV_BREACHED, "breached"));
    CHECK(backlog_values(&c, &q));
    web_render(&c, 200, "lead_dashboard.html");
    return;
end:
    web_error_page(r, rc == OP_ERR_FORBIDDEN ? 403 : 500, MSG_WEB_FAILED);
}

/* ---- GET /lead/charts/{name}.svg ---- */

/* Day labels as the language writes them: "01.11" (ru), "11-01" (en). */
static const char *day_label(struct web_ctx *c, int32_t date)
{
    int y, m, d;
    cal_ymd(date, &y, &m, &d);
    if (c->r->lang == LANG_RU) return arena_printf(c->r->arena, "%02d.%02d", d, m);
    return arena_printf(c->r->arena, "%02d-%02d", m, d);
}

void w_lead_chart(struct http_req *r)
{
    struct web_ctx c;
    struct lead_query q;
    struct op_err err = {0};
    struct kpi_report rep;
    struct buf b = BUF_INIT(SVG_MAX);
    op_rc rc = OP_OK;
    if (!web_begin_lead(r, &c)) return;
    size_t which = ARRAY_SIZE(chart_names);
    for (size_t i = 0; i < ARRAY_SIZE(chart_names); i++) {
        const char *want = arena_printf(r->arena, "%s.svg", chart_names[i]);
        if (want && strcmp(r->params[0], want) == 0) which = i;
    }
    if (which == ARRAY_SIZE(chart_names)) {
        web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return;
    }
    rc = query_parse(&c, &q, &err);
    struct kpi_request req = {.from = q.from, .to = q.to, .group_by = "day", .tz = q.tz,
                              .group_id = q.group_id};
    if (!rc) {
        int32_t f, t;
        /* a long period is drawn per week so that the bars stay readable */
        if (!cal_parse_date(q.from, &f) && !cal_parse_date(q.to, &t) && t - f >= CHART_DAYS_MAX)
            req.group_by = "week";
        rc = kpi_report(c.app, &c.who, &req, r->arena, &rep, &err);
    }
    if (rc == OP_ERR_INVALID || rc == OP_ERR_NOTFOUND) {
        web_error_page(r, 400, MSG_WEB_LEAD_BAD_CHART);
        return;
    }
    if (rc) goto end;
    bool per_day = rep.group_by == KG_DAY;
    size_t n = per_day ? (size_t)(rep.to_date - rep.from_date + 1) : rep.n;
    if (n == 0) n = 1; /* a week chart of a period with no data: one empty bar */
    const char **labels = arena_alloc(r->arena, n * sizeof(*labels));
    double *v0 = arena_alloc(r->arena, n * sizeof(*v0)), *v1 = arena_alloc(r->arena, n * sizeof(*v1));
    if (!labels || !v0 || !v1) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (size_t i = 0; i < n; i++) {
        labels[i] = per_day ? day_label(&c, rep.from_date + (int32_t)i)
                            : (i < rep.n ? rep.rows[i].label : "");
        v0[i] = which == 0 ? 0 : NAN;
        v1[i] = 0;
    }
    for (size_t i = 0; i < rep.n; i++) {
        int64_t at = per_day ? rep.rows[i].key - rep.from_date : (int64_t)i;
        if (at < 0 || (size_t)at >= n) continue;
        if (which == 0) {
            v0[at] = (double)rep.rows[i].created;
            v1[at] = (double)rep.rows[i].solved;
        } else if (rep.rows[i].first_response.bus.median != KPI_NONE) {
            v0[at] = (double)rep.rows[i].first_response.bus.median / 60000.0;
        }
    }
    struct chart_series series[2] = {
        {which == 0 ? i18n_text(r->lang, MSG_WEB_LEAD_CREATED)
                    : i18n_text(r->lang, MSG_WEB_LEAD_SERIES_FRT),
         v0},
        {i18n_text(r->lang, MSG_WEB_LEAD_SOLVED), v1}};
    struct chart ch = {.kind = which == 0 ? CHART_BAR : CHART_LINE,
                       .title = i18n_text(r->lang, chart_msgs[which]),
                       .unit = which == 0 ? "" : i18n_text(r->lang, MSG_WEB_LEAD_UNIT_MIN),
                       .labels = labels,
                       .n_labels = n,
                       .series = series,
                       .n_series = which == 0 ? 2 : 1};
    CHECK(chart_svg(&ch, CHART_W, CHART_H, &b));
    http_set_header(r, "Cache-Control", "private, max-age=60");
    http_reply(r, 200, "image/svg+xml; charset=utf-8", buf_str(&b), b.len);
    buf_release(&b);
    return;
end:
    buf_release(&b);
    web_error_page(r, rc == OP_ERR_FORBIDDEN ? 403 : 500, MSG_WEB_FAILED);
}

/* ---- GET /lead/team ---- */

static const enum msg_id presence_msgs[PRESENCE__COUNT] = {
    MSG_WEB_PRESENCE_OFFLINE, MSG_WEB_PRESENCE_ONLINE, MSG_WEB_PRESENCE_AWAY,
    MSG_WEB_PRESENCE_BREAK};

static op_rc presence_values(struct web_ctx *c, struct presence_now *p, size_t n)
{
    struct arena *a = c->r->arena;
    struct tv *list = tv_list(a);
    op_rc rc = OP_OK;
    /* those who are there first, then the rest */
    for (int pass = 0; pass < 2 && !rc; pass++) {
        for (size_t i = 0; i < n && !rc; i++) {
            bool off = p[i].status == PRESENCE_OFFLINE;
            if (off != (pass == 1)) continue;
            struct tv *m = tv_map(a);
            rc = tv_set_str(a, m, "name", p[i].name);
            if (!rc) rc = tv_set_str(a, m, "status", presence_name(p[i].status));
            if (!rc)
                rc = tv_set_str(a, m, "status_text",
                                (unsigned)p[i].status < PRESENCE__COUNT
                                    ? i18n_text(c->r->lang, presence_msgs[p[i].status])
                                    : "");
            if (!rc) rc = tv_set_str(a, m, "since", web_time(c, p[i].since));
            if (!rc) rc = tv_push(a, list, m);
        }
    }
    if (!rc) rc = tv_set(a, c->data, "presence_list", list);
    return rc;
}

static const char *name_of(struct web_ctx *c, struct presence_now *p, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].agent_id == id) return p[i].name;
    return web_user_name(c, id);
}

/* Today's shifts (those that started yesterday and still run too) and who is on call now. */
static op_rc today_values(struct web_ctx *c, const struct lead_query *q, struct presence_now *p,
                          size_t np)
{
    struct arena *a = c->r->arena;
    struct rota_filter f = {.group_id = q->group_id, .from = q->today - 1, .to = q->today};
    struct rota_entry *e = NULL;
    struct oncall *oc = NULL;
    size_t ne = 0, noc = 0;
    struct op_err err = {0};
    op_time now = app_now(c->app);
    struct tv *shifts = tv_list(a), *oncall = tv_list(a);
    op_rc rc = app_rota_list(c->app, &c->who, &f, a, &e, &ne, &err);
    for (size_t i = 0; i < ne && !rc; i++) {
        if (e[i].date != q->today && e[i].end_at <= now) continue;
        struct tv *m = tv_map(a);
        rc = tv_set_str(a, m, "name", name_of(c, p, np, e[i].agent_id));
        if (!rc) rc = tv_set_str(a, m, "shift", e[i].shift_name ? e[i].shift_name : "");
        if (!rc)
            rc = tv_set_str(a, m, "hours",
                            arena_printf(a, "%s–%s", fmt_hhmm(c, q->z, e[i].start_at),
                                         fmt_hhmm(c, q->z, e[i].end_at)));
        if (!rc) rc = tv_set_bool(a, m, "now", e[i].start_at <= now && now < e[i].end_at);
        if (!rc) rc = tv_push(a, shifts, m);
    }
    if (!rc) rc = app_oncall_list(c->app, &c->who, 0, now, now + 1, a, &oc, &noc, &err);
    for (size_t i = 0; i < noc && !rc; i++) {
        struct tv *m = tv_map(a);
        rc = tv_set_str(a, m, "name", name_of(c, p, np, oc[i].agent_id));
        if (!rc) rc = tv_set_str(a, m, "until", web_time(c, oc[i].end_at));
        if (!rc) rc = tv_set_str(a, m, "note", oc[i].note ? oc[i].note : "");
        if (!rc) rc = tv_push(a, oncall, m);
    }
    if (!rc) rc = tv_set(a, c->data, "shifts", shifts);
    if (!rc) rc = tv_set(a, c->data, "oncall", oncall);
    return rc;
}

/* The month of q->today as a table: a row per agent with a planned shift, a
 * column per day. */
static op_rc rota_values(struct web_ctx *c, const struct lead_query *q, struct presence_now *p,
                         size_t np)
{
    struct arena *a = c->r->arena;
    int y, m, d;
    cal_ymd(q->today, &y, &m, &d);
    int32_t first = cal_date(y, m, 1);
    int32_t last = (m == 12 ? cal_date(y + 1, 1, 1) : cal_date(y, m + 1, 1)) - 1;
    int days = last - first + 1;
    struct rota_filter f = {.group_id = q->group_id, .from = first, .to = last};
    struct rota_entry *e = NULL;
    size_t ne = 0;
    struct op_err err = {0};
    struct tv *heads = tv_list(a), *rows = tv_list(a);
    op_rc rc = app_rota_list(c->app, &c->who, &f, a, &e, &ne, &err);
    for (int i = 0; i < days && !rc; i++) {
        struct tv *h = tv_map(a);
        int32_t date = first + i;
        rc = tv_set_int(a, h, "day", i + 1);
        if (!rc) rc = tv_set_bool(a, h, "weekend", cal_weekday(date) >= 5);
        if (!rc) rc = tv_set_bool(a, h, "today", date == q->today);
        if (!rc) rc = tv_push(a, heads, h);
    }
    /* agents in the order of the presence list (by id), then any others */
    int64_t *ids = arena_alloc(a, (ne ? ne : 1) * sizeof(*ids));
    size_t nids = 0;
    if (!ids) rc = OP_ERR_NOMEM;
    for (size_t i = 0; i < ne && !rc; i++) {
        bool seen = false;
        for (size_t j = 0; j < nids; j++)
            seen = seen || ids[j] == e[i].agent_id;
        if (!seen) ids[nids++] = e[i].agent_id;
    }
    for (size_t i = 1; i < nids; i++) /* by id */
        for (size_t j = i; j > 0 && ids[j] < ids[j - 1]; j--) {
            int64_t t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    for (size_t k = 0; k < nids && !rc; k++) {
        struct tv *row = tv_map(a), *cells = tv_list(a);
        const char **cell = arena_alloc(a, (size_t)days * sizeof(*cell));
        if (!cell) {
            rc = OP_ERR_NOMEM;
            break;
        }
        for (int i = 0; i < days; i++)
            cell[i] = "";
        for (size_t i = 0; i < ne; i++)
            if (e[i].agent_id == ids[k] && e[i].date >= first && e[i].date <= last)
                cell[e[i].date - first] = e[i].shift_name ? e[i].shift_name : "";
        for (int i = 0; i < days && !rc; i++) {
            struct tv *x = tv_map(a);
            rc = tv_set_str(a, x, "shift", cell[i]);
            if (!rc) rc = tv_set_bool(a, x, "weekend", cal_weekday(first + i) >= 5);
            if (!rc) rc = tv_push(a, cells, x);
        }
        if (!rc) rc = tv_set_str(a, row, "name", name_of(c, p, np, ids[k]));
        if (!rc) rc = tv_set(a, row, "cells", cells);
        if (!rc) rc = tv_push(a, rows, row);
    }
    const char *month = c->r->lang == LANG_RU ? arena_printf(a, "%02d.%04d", m, y)
                                               : arena_printf(a, "%04d-%02d", y, m);
    if (!rc) rc = tv_set_str(a, c->data, "rota_month", month);
    if (!rc) rc = tv_set(a, c->data, "rota_days", heads);
    if (!rc) rc = tv_set(a, c->data, "rota", rows);
    return rc;
}

void w_lead_team(struct http_req *r)
{
    struct web_ctx c;
    struct lead_query q;
    struct op_err err = {0};
    struct presence_now *p = NULL;
    size_t np = 0;
    op_rc rc = OP_OK;
    if (!web_begin_lead(r, &c)) return;
    CHECK(tv_set_str(r->arena, c.data, "title", i18n_text(r->lang, MSG_WEB_LEAD_TEAM_TITLE)));
    CHECK(tabs_values(&c, "team_tab"));
    rc = query_parse(&c, &q, &err);
    if (rc == OP_ERR_INVALID) {
        CHECK(form_values(&c, &q, false, &err));
        web_render(&c, 422, "lead_team.html");
        return;
    }
    if (rc) goto end;
    CHECK(form_values(&c, &q, false, NULL));
    CHECK(tv_set_bool(r->arena, c.data, "shown", true));
    CHECK(tv_set_str(r->arena, c.data, "today", fmt_date(&c, q.today)));
    CHECK(tv_set_str(r->arena, c.data, "period_tz", q.tz));
    CHECK(app_presence_list(c.app, &c.who, r->arena, &p, &np, &err));
    CHECK(presence_values(&c, p, np));
    CHECK(today_values(&c, &q, p, np));
    CHECK(rota_values(&c, &q, p, np));
    web_render(&c, 200, "lead_team.html");
    return;
end:
    web_error_page(r, rc == OP_ERR_FORBIDDEN ? 403 : 500, MSG_WEB_FAILED);
}
