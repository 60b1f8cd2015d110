/* pages_lead_bonus.c - the team lead's Bonus tab (leads and admins only):
 *   GET  /lead/bonus?month=YYYY-MM   a month's statements (default: the
 *                                    month before this one, UTC): the team
 *                                    summary, each agent's goals with what
 *                                    was reached, promotion hints, the
 *                                    downloads, and the approval;
 *   POST /lead/bonus/approve         month, confirm=1: approves the month;
 *   GET  /me/bonus?month=YYYY-MM     any staff member's own statement (the
 *                                    same statement template).
 *
 * The numbers come from app_bonus_month / app_bonus_approve, the same use
 * cases as /api/v1/reports/bonus, and the downloads are that endpoint's
 * files (the API takes the session cookie for GET). Money and percentages
 * as the language writes them (report/format.h). */
#include "base/common.h"

#include "app/motivation.h"
#include "report/bonus_table.h"
#include "report/format.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

#define PROMOTION_MONTHS 3 /* as GET /reports/promotions by default */

static const char *money(struct web_ctx *c, int64_t minor, const char *currency)
{
    char out[FMT_CAP];
    return arena_strdup(c->r->arena, fmt_money(c->r->lang, minor, currency, out, sizeof out));
}

static const char *number(struct web_ctx *c, double v, const char *key)
{
    char out[FMT_CAP];
    return arena_strdup(c->r->arena,
                        fmt_number(c->r->lang, v, report_kpi_decimals(key), out, sizeof out));
}

static const char *percent(struct web_ctx *c, double ratio)
{
    char out[FMT_CAP];
    return arena_strdup(c->r->arena, fmt_percent(c->r->lang, ratio, 1, out, sizeof out));
}

/* The month before the current one in UTC: "YYYY-MM". */
static const char *last_month(struct web_ctx *c)
{
    time_t now = (time_t)(app_now(c->app) / 1000);
    struct tm tm;
    if (!gmtime_r(&now, &tm)) return "";
    int y = tm.tm_year + 1900, m = tm.tm_mon; /* tm_mon is 0-based: the month before */
    if (m == 0) {
        y--;
        m = 12;
    }
    return arena_printf(c->r->arena, "%04d-%02d", y, m);
}

static op_rc summary_values(struct web_ctx *c, const struct bonus_month_report *m)
{
    struct arena *a = c->r->arena;
    const struct bonus_summary *s = &m->summary;
    const char *cur = s->currency;
    struct tv *map = tv_map(a), *levels = tv_list(a);
    const char *mixed = i18n_text(c->r->lang, MSG_WEB_BONUS_MIXED);
    op_rc rc = map && levels ? OP_OK : OP_ERR_NOMEM;
    if (!rc) rc = tv_set_str(a, map, "agents", arena_printf(a, "%" PRId64, s->agents));
    if (!rc) rc = tv_set_str(a, map, "base_pay", *cur ? money(c, s->base_pay, cur) : mixed);
    if (!rc) rc = tv_set_str(a, map, "bonus", *cur ? money(c, s->bonus, cur) : mixed);
    for (size_t i = 0; i < s->n_levels && !rc; i++) {
        struct tv *l = tv_map(a);
        rc = l ? tv_set_str(a, l, "name", s->levels[i].name) : OP_ERR_NOMEM;
        if (!rc)
            rc = tv_set_str(a, l, "agents", arena_printf(a, "%" PRId64, s->levels[i].agents));
        if (!rc)
            rc = tv_set_str(a, l, "base_pay", *cur ? money(c, s->levels[i].base_pay, cur) : mixed);
        if (!rc) rc = tv_set_str(a, l, "bonus", *cur ? money(c, s->levels[i].bonus, cur) : mixed);
        if (!rc) rc = tv_push(a, levels, l);
    }
    if (!rc) rc = tv_set(a, map, "levels", s->n_levels ? levels : tv_list(a));
    if (!rc) rc = tv_set(a, c->data, "summary", map);
    return rc;
}

/* Each statement with its lines; the lead's page and /me/bonus. */
static op_rc statements_values(struct web_ctx *c, const struct bonus_month_report *m)
{
    struct arena *a = c->r->arena;
    struct tv *list = tv_list(a);
    op_rc rc = list ? OP_OK : OP_ERR_NOMEM;
    for (size_t i = 0; i < m->n && !rc; i++) {
        const struct bonus_statement *s = &m->v[i];
        struct tv *st = tv_map(a), *lines = tv_list(a);
        if (!st || !lines) return OP_ERR_NOMEM;
        rc = tv_set_int(a, st, "user_id", s->user_id);
        if (!rc) rc = tv_set_str(a, st, "name", s->name);
        if (!rc) rc = tv_set_str(a, st, "level", s->plan.name);
        if (!rc) rc = tv_set_str(a, st, "base_pay", money(c, s->st.base_pay, s->currency));
        if (!rc) rc = tv_set_str(a, st, "cap", arena_printf(a, "%d", s->st.bonus_cap_pct));
        if (!rc) rc = tv_set_str(a, st, "total", percent(c, s->st.total));
        if (!rc) rc = tv_set_str(a, st, "bonus", money(c, s->st.bonus, s->currency));
        for (size_t k = 0; k < s->st.n && !rc; k++) {
            const struct statement_line *l = &s->st.lines[k];
            struct tv *ln = tv_map(a);
            if (!ln) return OP_ERR_NOMEM;
            rc = tv_set_str(a, ln, "kpi", report_kpi_name(c->r->lang, l->goal.key));
            if (!rc) rc = tv_set_str(a, ln, "target", number(c, l->goal.target, l->goal.key));
            if (!rc)
                rc = tv_set_str(a, ln, "threshold", number(c, l->goal.threshold, l->goal.key));
            if (!rc) rc = tv_set_bool(a, ln, "has", l->actual.has);
            if (!rc && l->actual.has)
                rc = tv_set_str(a, ln, "actual", number(c, l->actual.value, l->goal.key));
            if (!rc) rc = tv_set_str(a, ln, "attainment", percent(c, l->attainment));
            if (!rc) rc = tv_set_str(a, ln, "weight", arena_printf(a, "%d", l->goal.weight));
            if (!rc) rc = tv_push(a, lines, ln);
        }
        if (!rc) rc = tv_set(a, st, "lines", lines);
        if (!rc) rc = tv_push(a, list, st);
    }
    if (!rc && m->n) rc = tv_set(a, c->data, "statements", list);
    return rc;
}

/* The download links of m: everyone's, or user_id's alone (not 0). */
static op_rc exports_values(struct web_ctx *c, const struct bonus_month_report *m, int64_t user_id)
{
    static const struct {
        const char *format;
        enum msg_id msg;
    } formats[] = {{"csv", MSG_WEB_LEAD_EXPORT_CSV},
                   {"xlsx", MSG_WEB_LEAD_EXPORT_XLSX},
                   {"pdf", MSG_WEB_LEAD_EXPORT_PDF}};
    struct arena *a = c->r->arena;
    struct tv *list = tv_list(a);
    op_rc rc = list ? OP_OK : OP_ERR_NOMEM;
    /* m->month passed app_bonus_month's check (YYYY-MM): nothing to escape */
    for (size_t i = 0; i < ARRAY_SIZE(formats) && !rc; i++) {
        struct tv *x = tv_map(a);
        if (!x) return OP_ERR_NOMEM;
        rc = tv_set_str(a, x, "href",
                        user_id ? arena_printf(a, "/api/v1/reports/bonus/%" PRId64
                                                  "?month=%s&format=%s",
                                               user_id, m->month, formats[i].format)
                                : arena_printf(a, "/api/v1/reports/bonus?month=%s&format=%s",
                                               m->month, formats[i].format));
        if (!rc) rc = tv_set_str(a, x, "format", formats[i].format);
        if (!rc) rc = tv_set_str(a, x, "label", i18n_text(c->r->lang, formats[i].msg));
        if (!rc) rc = tv_push(a, list, x);
    }
    if (!rc) rc = tv_set(a, c->data, "exports", list);
    return rc;
}

/* Agents whose last PROMOTION_MONTHS months up to m meet the next level. */
static op_rc promotions_values(struct web_ctx *c, const struct bonus_month_report *m)
{
    struct arena *a = c->r->arena;
    struct promotion_hint *h;
    size_t n;
    struct op_err err = {0};
    op_rc rc = app_promotions(c->app, &c->who, PROMOTION_MONTHS, m->month, m->tz, a, &h, &n, &err);
    if (rc == OP_ERR_INVALID) return OP_OK; /* a month the hints cannot cover: none shown */
    if (rc) return rc;
    struct tv *list = tv_list(a);
    if (!list) return OP_ERR_NOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        struct tv *p = tv_map(a);
        if (!p) return OP_ERR_NOMEM;
        rc = tv_set_str(a, p, "name", h[i].name);
        if (!rc) rc = tv_set_str(a, p, "level", h[i].level);
        if (!rc) rc = tv_set_str(a, p, "next", h[i].next.name);
        if (!rc) rc = tv_push(a, list, p);
    }
    if (!rc) rc = tv_set_bool(a, c->data, "show_promotions", true);
    if (!rc) rc = tv_set_str(a, c->data, "promotion_months", arena_printf(a, "%d", PROMOTION_MONTHS));
    if (!rc && n) rc = tv_set(a, c->data, "promotions", list);
    return rc;
}

/* Fills the page for month (typed or the default) and renders it with
 * status; notice (NULL: none) goes above the numbers, confirm_error at the
 * approval's box. A month the use case refuses is shown at its field with
 * 422. */
static void bonus_page(struct web_ctx *c, const char *month, int status, const char *notice,
                       bool confirm_error)
{
    struct http_req *r = c->r;
    struct arena *a = r->arena;
    struct op_err err = {0};
    struct bonus_month_report m;
    struct tv *form = tv_map(a);
    op_rc rc = form ? OP_OK : OP_ERR_NOMEM;
    if (!month || !*month) month = last_month(c);
    CHECK(tv_set_str(a, c->data, "title", i18n_text(r->lang, MSG_WEB_BONUS_TITLE)));
    CHECK(tv_set_bool(a, c->data, "bonus_tab", true));
    CHECK(tv_set_str(a, form, "month", month));
    CHECK(tv_set(a, c->data, "form", form));
    if (notice) CHECK(tv_set_str(a, c->data, "notice", notice));
    if (confirm_error)
        CHECK(tv_set_str(a, c->data, "confirm_error",
                         i18n_text(r->lang, MSG_WEB_BONUS_CONFIRM_NEEDED)));
    rc = app_bonus_month(c->app, &c->who, month, NULL, 0, a, &m, &err);
    if (rc == OP_ERR_INVALID || (rc == OP_ERR_NOTFOUND && err.field[0])) {
        CHECK(tv_set_str(a, form, "err_month", web_err_text(a, r->lang, &err)));
        web_render(c, 422, "lead_bonus.html");
        return;
    }
    if (rc) goto end;
    CHECK(tv_set_bool(a, c->data, "shown", true));
    CHECK(tv_set_str(a, c->data, "month", m.month));
    CHECK(tv_set_str(a, c->data, "tz", m.tz && *m.tz ? m.tz : "UTC"));
    CHECK(tv_set_bool(a, c->data, "approved", m.approved));
    if (m.approved) {
        CHECK(tv_set_str(a, c->data, "approved_by", web_user_name(c, m.approved_by)));
        CHECK(tv_set_str(a, c->data, "approved_at", web_time(c, m.approved_at)));
    }
    /* a month still running cannot be approved (the use case says so too) */
    CHECK(tv_set_bool(a, c->data, "may_approve", m.to <= app_now(c->app)));
    CHECK(summary_values(c, &m));
    CHECK(statements_values(c, &m));
    CHECK(exports_values(c, &m, 0));
    CHECK(promotions_values(c, &m));
    web_render(c, status, "lead_bonus.html");
    return;
end:
    web_error_page(r, rc == OP_ERR_FORBIDDEN ? 403 : 500, MSG_WEB_FAILED);
}

void w_lead_bonus(struct http_req *r)
{
    struct web_ctx c;
    if (!web_begin_lead(r, &c)) return;
    const char *done = http_query(r, "approved");
    bonus_page(&c, http_query(r, "month"), 200,
               done && !strcmp(done, "1") ? i18n_text(r->lang, MSG_WEB_BONUS_DONE) : NULL, false);
}

void w_lead_bonus_approve(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct bonus_month_report m;
    if (!web_begin_lead(r, &c)) return;
    const char *month = web_form_get(&c.form, "month");
    const char *confirm = web_form_get(&c.form, "confirm");
    if (!confirm || strcmp(confirm, "1") != 0) {
        bonus_page(&c, month, 422, NULL, true);
        return;
    }
    op_rc rc = app_bonus_approve(c.app, &c.who, month, NULL, r->arena, &m, &err);
    if (rc == OP_ERR_CONFLICT) {
        bonus_page(&c, month, 409, i18n_text(r->lang, MSG_WEB_BONUS_ALREADY), false);
        return;
    }
    if (rc == OP_ERR_INVALID) {
        /* not over yet, or malformed: the reason as a notice */
        bonus_page(&c, month, 422, web_err_text(r->arena, r->lang, &err), false);
        return;
    }
    if (rc) {
        web_error_page(r, rc == OP_ERR_FORBIDDEN ? 403 : 500, MSG_WEB_FAILED);
        return;
    }
    web_redirect(r, arena_printf(r->arena, "/lead/bonus?month=%s&approved=1", m.month));
}

/* ---- GET /me/bonus ---- */

void w_me_bonus(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct bonus_month_report m;
    if (!web_begin(r, &c)) return;
    struct arena *a = r->arena;
    const char *month = http_query(r, "month");
    struct tv *form = tv_map(a);
    op_rc rc = form ? OP_OK : OP_ERR_NOMEM;
    if (!month || !*month) month = last_month(&c);
    CHECK(tv_set_bool(a, c.data, "my_bonus", true)); /* the navigation's link is current */
    CHECK(tv_set_str(a, c.data, "title", i18n_text(r->lang, MSG_WEB_BONUS_MY_TITLE)));
    CHECK(tv_set_str(a, form, "month", month));
    CHECK(tv_set(a, c.data, "form", form));
    /* their own id: for a lead 0 would mean everyone */
    rc = app_bonus_month(c.app, &c.who, month, NULL, c.who.id, a, &m, &err);
    if (rc == OP_ERR_NOTFOUND && !strcmp(err.field, "user_id")) {
        /* no plan in force for them: the month, without a statement */
        CHECK(tv_set_bool(a, c.data, "shown", true));
        CHECK(tv_set_str(a, c.data, "month", month));
        CHECK(tv_set_str(a, c.data, "tz", "UTC"));
        web_render(&c, 200, "me_bonus.html");
        return;
    }
    if (rc == OP_ERR_INVALID) {
        CHECK(tv_set_str(a, form, "err_month", web_err_text(a, r->lang, &err)));
        web_render(&c, 422, "me_bonus.html");
        return;
    }
    if (rc) goto end;
    CHECK(tv_set_bool(a, c.data, "shown", true));
    CHECK(tv_set_str(a, c.data, "month", m.month));
    CHECK(tv_set_str(a, c.data, "tz", m.tz && *m.tz ? m.tz : "UTC"));
    CHECK(tv_set_bool(a, c.data, "approved", m.approved));
    if (m.approved) {
        CHECK(tv_set_str(a, c.data, "approved_by", web_user_name(&c, m.approved_by)));
        CHECK(tv_set_str(a, c.data, "approved_at", web_time(&c, m.approved_at)));
    }
    CHECK(statements_values(&c, &m));
    CHECK(exports_values(&c, &m, c.who.id));
    web_render(&c, 200, "me_bonus.html");
    return;
end:
    web_error_page(r, rc == OP_ERR_FORBIDDEN ? 403 : 500, MSG_WEB_FAILED);
}
