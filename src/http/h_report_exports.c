/* h_report_exports.c - reports as files and pictures: the format=xlsx|pdf
 * answers of /reports/kpi and /reports/backlog (csv too for the backlog),
 * and GET /reports/kpi/chart.svg (docs/api.md#report-exports,
 * docs/reports.md). The tables come from src/report/kpi_table.c; this file
 * only parses the query and picks the renderer. */
#include "base/common.h"

#include "app/kpi.h"
#include "base/buf.h"
#include "base/log.h"
#include "http/apiInt.h"
#include "report/chart.h"
#include "report/kpi_table.h"
#include "report/table.h"

#define EXPORT_CAP (64u << 20) /* a report has at most KPI_MAX_KEYS rows */

static const struct {
    const char *format, *ext, *type;
    op_rc (*render)(const struct report_table *t, struct buf *out);
} renderers[] = {
    {"csv", "csv", "text/csv; charset=utf-8", report_csv},
    {"xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     report_xlsx},
    {"pdf", "pdf", "application/pdf", report_pdf},
};

bool api_report_format_known(const char *format)
{
    for (size_t i = 0; i < ARRAY_SIZE(renderers); i++)
        if (format && strcmp(format, renderers[i].format) == 0) return true;
    return false;
}

void api_reply_report(struct http_req *r, const struct report_table *t, const char *format)
{
    struct buf b = BUF_INIT(EXPORT_CAP);
    size_t i = 0;
    while (i < ARRAY_SIZE(renderers) && strcmp(format, renderers[i].format) != 0)
        i++;
    if (i == ARRAY_SIZE(renderers)) {
        http_fail(r, OP_ERR_INVALID, "format", MSG_ERR_ENUM, format, "json, csv, xlsx, pdf");
        return;
    }
    op_rc rc = renderers[i].render(t, &b);
    if (rc) {
        log_warn("component=report msg=\"export failed\" format=%s rc=%s", format, op_rc_name(rc));
        buf_release(&b);
        if (rc == OP_ERR_TOOBIG)
            http_fail(r, rc, "", MSG_ERR_REPORT_TOO_BIG);
        else
            http_fail(r, OP_ERR_IO, "", MSG_HTTP_INTERNAL);
        return;
    }
    char disp[160];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", t->name, renderers[i].ext);
    http_set_header(r, "Content-Disposition", disp);
    http_reply(r, 200, renderers[i].type, b.p ? b.p : "", b.len);
    buf_release(&b);
}

/* GET /reports/kpi/chart.svg?metric=&kind=bar|line&width=&height= and the
 * query of /reports/kpi. */
void h_kpi_chart_svg(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct kpi_request req = {.from = http_query(r, "from"),
                              .to = http_query(r, "to"),
                              .group_by = http_query(r, "group_by"),
                              .tz = http_query(r, "tz"),
                              .fcr = http_query(r, "fcr")};
    struct kpi_report rep;
    struct report_table t;
    struct chart c;
    size_t width = 800, height = 400;
    const char *metric = http_query(r, "metric");
    const char *kind = http_query(r, "kind");
    if (!metric || !*metric) metric = "solved";
    if (kind && *kind && strcmp(kind, "bar") != 0 && strcmp(kind, "line") != 0) {
        http_fail(r, OP_ERR_INVALID, "kind", MSG_ERR_ENUM, kind, "bar, line");
        return;
    }
    op_rc rc = qs_id(&q, "agent_id", false, &req.agent_id, &err);
    if (!rc) rc = qs_id(&q, "group_id", false, &req.group_id, &err);
    if (!rc) rc = qs_uint(&q, "width", 200, 4000, &width, &err);
    if (!rc) rc = qs_uint(&q, "height", 150, 4000, &height, &err);
    if (!rc) rc = kpi_report(api_app(r), api_actor(r), &req, r->arena, &rep, &err);
    if (!rc) rc = report_kpi_table(&rep, r->lang, r->arena, &t);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    int col = report_col_find(&t, metric);
    if (col < 0 || t.cols[col].type == RT_TEXT) {
        http_fail(r, OP_ERR_INVALID, "metric", MSG_ERR_REPORT_METRIC, metric);
        return;
    }
    if (t.n_rows == 0) {
        http_fail(r, OP_ERR_CONFLICT, "group_by", MSG_ERR_REPORT_EMPTY);
        return;
    }
    bool time = rep.group_by == KG_DAY || rep.group_by == KG_WEEK || rep.group_by == KG_MONTH;
    enum chart_kind k = kind && *kind ? (strcmp(kind, "line") == 0 ? CHART_LINE : CHART_BAR)
                                      : (time ? CHART_LINE : CHART_BAR);
    struct buf b = BUF_INIT(EXPORT_CAP);
    rc = report_chart_of_col(&t, (size_t)col, k, r->arena, &c);
    if (!rc) rc = chart_svg(&c, (int)width, (int)height, &b);
    if (rc) {
        buf_release(&b);
        /* OP_ERR_INVALID here: more rows than a chart has labels. */
        http_fail(r, OP_ERR_TOOBIG, "group_by", MSG_ERR_REPORT_TOO_BIG);
        return;
    }
    http_reply(r, 200, "image/svg+xml; charset=utf-8", b.p, b.len);
    buf_release(&b);
}
