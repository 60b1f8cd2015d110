/* h_reports.c - KPI reports: GET /reports/kpi (JSON or CSV) and GET
 * /reports/backlog (docs/kpi.md, docs/api.md#reports). */
#include "base/common.h"

#include "app/kpi.h"
#include "base/buf.h"
#include "http/apiInt.h"
#include "report/kpi_table.h"

#define CSV_CAP (16u << 20) /* a report has at most KPI_MAX_KEYS rows */

static bool failed(struct http_req *r, op_rc rc, struct op_err *err)
{
    if (rc) api_reply_error(r, rc, err);
    return rc != OP_OK;
}

/* ---- JSON ---- */

static void w_ms(struct jsonw *w, const char *key, int64_t v)
{
    if (v == KPI_NONE)
        jsonw_null(w, key);
    else
        jsonw_int(w, key, v);
}

static void w_ratio(struct jsonw *w, const char *key, int64_t num, int64_t den)
{
    if (den <= 0)
        jsonw_null(w, key);
    else
        jsonw_double(w, key, (double)num / (double)den);
}

static void w_stat(struct jsonw *w, const char *key, const struct kpi_stat *s)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "n", s->n);
    w_ms(w, "median_ms", s->median);
    w_ms(w, "mean_ms", s->mean);
    w_ms(w, "p90_ms", s->p90);
    jsonw_object_end(w);
}

static void w_pair(struct jsonw *w, const char *key, const struct kpi_pair *p)
{
    jsonw_object_begin(w, key);
    w_stat(w, "calendar", &p->cal);
    w_stat(w, "business", &p->bus);
    jsonw_object_end(w);
}

/* CSAT, CSI and NPS of the row (null when the grouping has none) */
static void w_survey_value(struct jsonw *w, const char *key,
                           bool (*fn)(const struct survey_totals *, double *),
                           const struct survey_totals *t)
{
    double v;
    if (fn(t, &v))
        jsonw_double(w, key, v);
    else
        jsonw_null(w, key);
}

static void w_surveys(struct jsonw *w, const struct kpi_row *x)
{
    if (!x->has_surveys) {
        jsonw_null(w, "surveys");
        return;
    }
    const struct survey_totals *t = &x->surveys;
    jsonw_object_begin(w, "surveys");
    jsonw_int(w, "csat_n", t->csat_n);
    w_survey_value(w, "csat_percent", survey_csat_percent, t);
    w_survey_value(w, "csat_mean", survey_csat_mean, t);
    jsonw_int(w, "csi_n", t->csi_n);
    w_survey_value(w, "csi", survey_csi, t);
    jsonw_int(w, "nps_n", t->nps_n);
    w_survey_value(w, "nps", survey_nps, t);
    jsonw_object_end(w);
}

static const char *const metric_keys[3] = {"first_response", "next_response", "resolution"};

static void w_row(struct jsonw *w, const struct kpi_report *rep, const struct kpi_row *x,
                  bool total)
{
    jsonw_object_begin(w, total ? "total" : NULL);
    if (!total) {
        if (rep->group_by == KG_DAY || rep->group_by == KG_WEEK || rep->group_by == KG_MONTH)
            jsonw_null(w, "key");
        else
            jsonw_int(w, "key", x->key);
        jsonw_str(w, "label", x->label);
    }
    jsonw_int(w, "created", x->created);
    jsonw_int(w, "solved", x->solved);
    jsonw_int(w, "closed", x->closed);
    jsonw_int(w, "reopened", x->reopened);
    jsonw_int(w, "reopens", x->reopens);
    jsonw_object_begin(w, "escalated");
    jsonw_int(w, "l1>l2", x->escalated[0]);
    jsonw_int(w, "l2>tech", x->escalated[1]);
    jsonw_int(w, "other", x->escalated[2]);
    jsonw_object_end(w);
    jsonw_int(w, "handed_back", x->handed_back);
    jsonw_object_begin(w, "fcr");
    jsonw_int(w, "count", x->fcr);
    w_ratio(w, "rate", x->fcr, x->solved);
    jsonw_object_end(w);
    w_pair(w, "first_response", &x->first_response);
    w_pair(w, "resolution", &x->resolution);
    w_pair(w, "requester_wait", &x->requester_wait);
    jsonw_object_begin(w, "next_response");
    jsonw_int(w, "n", x->next_n);
    w_ms(w, "mean_calendar_ms", x->next_mean_cal);
    w_ms(w, "mean_business_ms", x->next_mean_bus);
    w_pair(w, "worst_per_ticket", &x->next_response_worst);
    jsonw_object_end(w);
    w_stat(w, "handling_time", &x->aht);
    jsonw_object_begin(w, "sla");
    for (int m = 0; m < 3; m++) {
        jsonw_object_begin(w, metric_keys[m]);
        jsonw_int(w, "met", x->sla_met[m]);
        jsonw_int(w, "breached", x->sla_breached[m]);
        w_ratio(w, "compliance", x->sla_met[m], x->sla_met[m] + x->sla_breached[m]);
        jsonw_object_end(w);
    }
    jsonw_object_end(w);
    if (x->online_ms < 0) {
        jsonw_null(w, "online_ms");
        jsonw_null(w, "solved_per_online_hour");
    } else {
        jsonw_int(w, "online_ms", x->online_ms);
        if (x->online_ms > 0)
            jsonw_double(w, "solved_per_online_hour",
                         (double)x->solved * 3600000.0 / (double)x->online_ms);
        else
            jsonw_null(w, "solved_per_online_hour");
    }
    w_surveys(w, x);
    jsonw_object_end(w);
}

/* ---- CSV ---- */

static void c_str(struct buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void c_int(struct buf *b, int64_t v)
{
    if (v == KPI_NONE)
        buf_puts(b, ",");
    else
        buf_printf(b, ",%" PRId64, v);
}

static void c_ratio(struct buf *b, int64_t num, int64_t den)
{
    if (den <= 0)
        buf_puts(b, ",");
    else
        buf_printf(b, ",%.6f", (double)num / (double)den);
}

static void c_stat_head(struct buf *b, const char *p)
{
    buf_printf(b, ",%s_n,%s_median_ms,%s_mean_ms,%s_p90_ms", p, p, p, p);
}

static void c_stat(struct buf *b, const struct kpi_stat *s)
{
    buf_printf(b, ",%" PRId64, s->n);
    c_int(b, s->median);
    c_int(b, s->mean);
    c_int(b, s->p90);
}

static void c_head(struct buf *b)
{
    buf_puts(b, "key,label,created,solved,closed,reopened,reopens,escalated_l1_l2,"
                "escalated_l2_tech,escalated_other,handed_back,fcr_count,fcr_rate");
    static const char *const pairs[] = {"first_response", "resolution", "requester_wait",
                                        "next_response_worst"};
    char p[64];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s_calendar", pairs[i]);
        c_stat_head(b, p);
        snprintf(p, sizeof(p), "%s_business", pairs[i]);
        c_stat_head(b, p);
    }
    buf_puts(b, ",next_response_n,next_response_mean_calendar_ms,next_response_mean_business_ms");
    c_stat_head(b, "handling_time");
    for (int m = 0; m < 3; m++)
        buf_printf(b, ",sla_%s_met,sla_%s_breached,sla_%s_compliance", metric_keys[m],
                   metric_keys[m], metric_keys[m]);
    buf_puts(b, ",online_ms,solved_per_online_hour,csat_n,csat_percent,csat_mean,csi_n,csi,"
                "nps_n,nps\r\n");
}

static void c_survey_value(struct buf *b, bool (*fn)(const struct survey_totals *, double *),
                           const struct survey_totals *t)
{
    double v;
    if (fn(t, &v))
        buf_printf(b, ",%.6f", v);
    else
        buf_puts(b, ",");
}

/* csat_n, csat_percent, csat_mean, csi_n, csi, nps_n, nps (empty when none) */
static void c_surveys(struct buf *b, const struct kpi_row *x)
{
    const struct survey_totals *t = &x->surveys;
    if (!x->has_surveys) {
        buf_puts(b, ",,,,,,,");
        return;
    }
    buf_printf(b, ",%" PRId64, t->csat_n);
    c_survey_value(b, survey_csat_percent, t);
    c_survey_value(b, survey_csat_mean, t);
    buf_printf(b, ",%" PRId64, t->csi_n);
    c_survey_value(b, survey_csi, t);
    buf_printf(b, ",%" PRId64, t->nps_n);
    c_survey_value(b, survey_nps, t);
}

static void c_row(struct buf *b, const struct kpi_report *rep, const struct kpi_row *x, bool total)
{
    if (total)
        buf_puts(b, "total,");
    else {
        if (rep->group_by == KG_DAY || rep->group_by == KG_WEEK || rep->group_by == KG_MONTH)
            c_str(b, x->label);
        else
            buf_printf(b, "%" PRId64, x->key);
        buf_putc(b, ',');
        c_str(b, x->label);
    }
    buf_printf(b, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64, x->created,
               x->solved, x->closed, x->reopened, x->reopens);
    buf_printf(b, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64, x->escalated[0],
               x->escalated[1], x->escalated[2], x->handed_back, x->fcr);
    c_ratio(b, x->fcr, x->solved);
    const struct kpi_pair *pairs[] = {&x->first_response, &x->resolution, &x->requester_wait,
                                      &x->next_response_worst};
    for (size_t i = 0; i < 4; i++) {
        c_stat(b, &pairs[i]->cal);
        c_stat(b, &pairs[i]->bus);
    }
    buf_printf(b, ",%" PRId64, x->next_n);
    c_int(b, x->next_mean_cal);
    c_int(b, x->next_mean_bus);
    c_stat(b, &x->aht);
    for (int m = 0; m < 3; m++) {
        buf_printf(b, ",%" PRId64 ",%" PRId64, x->sla_met[m], x->sla_breached[m]);
        c_ratio(b, x->sla_met[m], x->sla_met[m] + x->sla_breached[m]);
    }
    if (x->online_ms < 0)
        buf_puts(b, ",,");
    else {
        buf_printf(b, ",%" PRId64, x->online_ms);
        c_ratio(b, x->solved * 3600000, x->online_ms);
    }
    c_surveys(b, x);
    buf_puts(b, "\r\n");
}

static bool wants_csv(struct http_req *r)
{
    const char *f = http_query(r, "format");
    if (f && *f) return strcmp(f, "csv") == 0;
    const char *acc = http_header(r, "Accept");
    return acc && strstr(acc, "text/csv") != NULL;
}

static void reply_buf(struct http_req *r, const char *type, struct buf *b)
{
    size_t len = 0;
    char *text = buf_detach(b, &len);
    if (!text) {
        http_fail(r, OP_ERR_NOMEM, "", MSG_HTTP_TOO_BIG);
        return;
    }
    http_reply(r, 200, type, text, len);
    free(text);
}

/* GET /reports/kpi?from=&to=&group_by=&agent_id=&group_id=&tz=&fcr=&format= */
void h_kpi_report(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct kpi_request req = {.from = http_query(r, "from"),
                              .to = http_query(r, "to"),
                              .group_by = http_query(r, "group_by"),
                              .tz = http_query(r, "tz"),
                              .fcr = http_query(r, "fcr")};
    struct kpi_report rep;
    const char *format = http_query(r, "format");
    if (format && *format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 &&
        !api_report_format_known(format)) {
        http_fail(r, OP_ERR_INVALID, "format", MSG_ERR_ENUM, format, "json, csv, xlsx, pdf");
        return;
    }
    op_rc rc = qs_id(&q, "agent_id", false, &req.agent_id, &err);
    if (!rc) rc = qs_id(&q, "group_id", false, &req.group_id, &err);
    if (!rc) rc = kpi_report(api_app(r), api_actor(r), &req, r->arena, &rep, &err);
    if (failed(r, rc, &err)) return;
    /* ---- report exports: the table for people (format=csv stays the
     * machine CSV below) ---- */
    if (format && (strcmp(format, "xlsx") == 0 || strcmp(format, "pdf") == 0)) {
        struct report_table t;
        if (failed(r, report_kpi_table(&rep, r->lang, r->arena, &t), &err)) return;
        api_reply_report(r, &t, format);
        return;
    }
    char from[11], to[11];
    cal_format_date(rep.from_date, from);
    cal_format_date(rep.to_date, to);
    if (wants_csv(r)) {
        struct buf b = BUF_INIT(CSV_CAP);
        c_head(&b);
        for (size_t i = 0; i < rep.n; i++)
            c_row(&b, &rep, &rep.rows[i], false);
        c_row(&b, &rep, &rep.total, true);
        char disp[96];
        snprintf(disp, sizeof(disp), "attachment; filename=\"kpi-%s-%s.csv\"", from, to);
        http_set_header(r, "Content-Disposition", disp);
        reply_buf(r, "text/csv; charset=utf-8", &b);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_str(&w, "from", from);
    jsonw_str(&w, "to", to);
    jsonw_str(&w, "tz", rep.tz);
    jsonw_str(&w, "group_by", kpi_group_by_name(rep.group_by));
    jsonw_str(&w, "fcr_rule", kpi_fcr_name(rep.fcr));
    jsonw_array_begin(&w, "rows");
    for (size_t i = 0; i < rep.n; i++)
        w_row(&w, &rep, &rep.rows[i], false);
    jsonw_array_end(&w);
    w_row(&w, &rep, &rep.total, true);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

/* GET /reports/backlog?at=&group_by=&agent_id=&group_id= */
void h_backlog_report(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    int64_t agent = 0, group = 0, at = 0;
    const char *s = http_query(r, "at");
    if (s && *s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || *end || v <= 0) {
            http_fail(r, OP_ERR_INVALID, "at", MSG_ERR_KPI_AT);
            return;
        }
        at = v;
    }
    struct kpi_backlog bl;
    const char *format = http_query(r, "format");
    if (format && *format && strcmp(format, "json") != 0 && !api_report_format_known(format)) {
        http_fail(r, OP_ERR_INVALID, "format", MSG_ERR_ENUM, format, "json, csv, xlsx, pdf");
        return;
    }
    op_rc rc = qs_id(&q, "agent_id", false, &agent, &err);
    if (!rc) rc = qs_id(&q, "group_id", false, &group, &err);
    if (!rc)
        rc = kpi_backlog(api_app(r), api_actor(r), at, http_query(r, "group_by"), agent, group,
                         r->arena, &bl, &err);
    if (failed(r, rc, &err)) return;
    if (format && *format && strcmp(format, "json") != 0) { /* report exports */
        struct report_table t;
        if (failed(r, report_backlog_table(&bl, r->lang, r->arena, &t), &err)) return;
        api_reply_report(r, &t, format);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_time(&w, "at", bl.at);
    jsonw_str(&w, "group_by", kpi_group_by_name(bl.group_by));
    jsonw_array_begin(&w, "rows");
    for (size_t i = 0; i <= bl.n; i++) {
        const struct kpi_backlog_row *x = i < bl.n ? &bl.rows[i] : &bl.total;
        if (i == bl.n) {
            jsonw_array_end(&w);
            jsonw_object_begin(&w, "total");
        } else {
            jsonw_object_begin(&w, NULL);
            jsonw_int(&w, "key", x->key);
            jsonw_str(&w, "label", x->label);
        }
        jsonw_int(&w, "count", x->count);
        jsonw_object_begin(&w, "age");
        for (int k = 0; k < KPI_AGE_BUCKETS; k++)
            jsonw_int(&w, kpi_age_bucket_names[k], x->age[k]);
        jsonw_object_end(&w);
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
