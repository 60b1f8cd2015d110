/* pages_admin_levels.c - the admin's levels and pay (admins only):
 *   GET  /admin/levels        every level plan in one form (name, rank, pay
 *                             band, bonus cap, goals: KPI, direction,
 *                             target, threshold, weight), a slot for a new
 *                             level and spare goal slots; the staff's pay
 *                             and a form to set one member's;
 *   POST /admin/levels        replaces the plans (app_levels_put);
 *   POST /admin/levels/pay    one member's level, base pay and currency
 *                             (app_pay_put).
 *
 * The inputs are named as the use case names its fields
 * ("levels[1].goals[2].weight", "base_pay"), so an error lands on its
 * input through admin_form_error; empty slots are left out before the
 * call, and the indexes of its errors are mapped back to the form's. Money
 * is typed in whole units of the currency (minor units x 100). */
#include "base/common.h"

#include <math.h>

#include "app/motivation.h"
#include "report/bonus_table.h"
#include "report/format.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

#define SPARE_GOALS 2            /* empty goal slots under each level */
#define MONEY_MAJOR_MAX 1000000000 /* whole units typed in a pay field */
#define STAFF_MAX 200            /* staff listed for pay */

static const char *txt(struct web_ctx *c, enum msg_id m)
{
    return i18n_text(c->r->lang, m);
}

static const char *lfield(struct arena *a, size_t i, const char *name)
{
    return arena_printf(a, "levels[%zu].%s", i, name);
}

static const char *gfield(struct arena *a, size_t i, size_t k, const char *name)
{
    return arena_printf(a, "levels[%zu].goals[%zu].%s", i, k, name);
}

/* "12345.6" for a number typed back into an input; "" for none. */
static const char *num_value(struct arena *a, double v)
{
    return arena_printf(a, "%.10g", v);
}

/* ---- the levels form ---- */

/* How many level slots the page has: the stored plans and one new. */
static size_t level_slots(size_t n)
{
    return n < MOTIVATION_LEVELS_MAX ? n + 1 : n;
}

static size_t goal_slots(const struct level_plan *l)
{
    size_t k = (l ? l->n_goals : 0) + SPARE_GOALS;
    return k < MOTIVATION_GOALS_MAX ? k : MOTIVATION_GOALS_MAX;
}

static op_rc levels_form(struct web_ctx *c, const struct level_plan *v, size_t n, bool posted,
                         const struct op_err *err)
{
    struct arena *a = c->r->arena;
    struct admin_form f;
    op_rc rc = OP_OK;
    struct admin_opt *keys = arena_alloc(a, (motivation_kpis_count + 1) * sizeof *keys);
    if (!keys) return OP_ERR_NOMEM;
    keys[0] = (struct admin_opt){"", txt(c, MSG_WEB_ADM_GOAL_NONE), false};
    for (size_t i = 0; i < motivation_kpis_count; i++)
        keys[i + 1] = (struct admin_opt){motivation_kpis[i].key,
                                         report_kpi_name(c->r->lang, motivation_kpis[i].key), false};
    const struct admin_opt dirs[] = {{"0", txt(c, MSG_WEB_ADM_GOAL_HIGHER), false},
                                     {"1", txt(c, MSG_WEB_ADM_GOAL_LOWER), false}};
    CHECK(admin_form_begin(&f, c, "/admin/levels", MSG_WEB_ADM_LEVELS_SAVE, false, posted));
    for (size_t i = 0; i < level_slots(n); i++) {
        const struct level_plan *l = i < n ? &v[i] : NULL;
        const char *num = arena_printf(a, "%zu", i + 1);
        const char *args[] = {num};
        char title[128];
        i18n_format(c->r->lang, l ? MSG_WEB_ADM_LEVEL_N : MSG_WEB_ADM_LEVEL_NEW, args, 1, title,
                    sizeof title);
        CHECK(admin_group(&f, arena_strdup(a, title)));
        CHECK(admin_input(&f, lfield(a, i, "name"), MSG_WEB_ADM_LEVEL_NAME, "text",
                          l ? l->name : ""));
        CHECK(admin_input(&f, lfield(a, i, "rank"), MSG_WEB_ADM_LEVEL_RANK, "number",
                          l ? arena_printf(a, "%d", l->rank) : ""));
        CHECK(admin_input(&f, lfield(a, i, "pay_min"), MSG_WEB_ADM_LEVEL_PAY_MIN, "number",
                          l ? arena_printf(a, "%" PRId64, l->pay_min / 100) : ""));
        CHECK(admin_input(&f, lfield(a, i, "pay_max"), MSG_WEB_ADM_LEVEL_PAY_MAX, "number",
                          l ? arena_printf(a, "%" PRId64, l->pay_max / 100) : ""));
        CHECK(admin_input(&f, lfield(a, i, "bonus_cap_percent"), MSG_WEB_ADM_LEVEL_CAP, "number",
                          l ? arena_printf(a, "%d", l->bonus_cap_pct) : ""));
        for (size_t k = 0; k < goal_slots(l); k++) {
            const struct kpi_goal *g = l && k < l->n_goals ? &l->goals[k] : NULL;
            const char *gargs[] = {arena_strdup(a, title), arena_printf(a, "%zu", k + 1)};
            char gt[192];
            i18n_format(c->r->lang, MSG_WEB_ADM_GOAL_N, gargs, 2, gt, sizeof gt);
            CHECK(admin_group(&f, arena_strdup(a, gt)));
            CHECK(admin_select(&f, gfield(a, i, k, "key"), MSG_WEB_ADM_GOAL_KEY, keys,
                               motivation_kpis_count + 1, g ? g->key : ""));
            CHECK(admin_select(&f, gfield(a, i, k, "lower_is_better"), MSG_WEB_ADM_GOAL_DIRECTION,
                               dirs, ARRAY_SIZE(dirs), g && g->lower_is_better ? "1" : "0"));
            CHECK(admin_input(&f, gfield(a, i, k, "target"), MSG_WEB_ADM_GOAL_TARGET, "text",
                              g ? num_value(a, g->target) : ""));
            CHECK(admin_input(&f, gfield(a, i, k, "threshold"), MSG_WEB_ADM_GOAL_THRESHOLD,
                              "text", g ? num_value(a, g->threshold) : ""));
            CHECK(admin_input(&f, gfield(a, i, k, "weight"), MSG_WEB_ADM_GOAL_WEIGHT, "number",
                              g ? arena_printf(a, "%d", g->weight) : ""));
        }
    }
    if (err) CHECK(admin_form_error(&f, err));
end:
    return rc;
}

/* ---- the pay form and table ---- */

static op_rc pay_form(struct web_ctx *c, const struct level_plan *v, size_t n, bool posted,
                      const struct op_err *err)
{
    struct arena *a = c->r->arena;
    struct admin_form f;
    struct op_err lerr = {0};
    struct user *u;
    size_t nu = 0;
    struct tv *rows;
    op_rc rc = OP_OK;
    struct user_filter uf = {.role_mask = (1u << ROLE_AGENT) | (1u << ROLE_LEAD) | (1u << ROLE_ADMIN),
                             .limit = STAFF_MAX};
    CHECK(app_user_list(c->app, &c->who, &uf, a, &u, &nu, &lerr));
    struct admin_opt *people = arena_alloc(a, (nu ? nu : 1) * sizeof *people);
    struct admin_opt *ranks = arena_alloc(a, (n + 1) * sizeof *ranks);
    if (!people || !ranks) return OP_ERR_NOMEM;
    static const enum msg_id cols[] = {MSG_WEB_ADM_PAY_USER, MSG_WEB_ADM_PAY_LEVEL,
                                       MSG_WEB_ADM_PAY_BASE};
    CHECK(admin_table(c, txt(c, MSG_WEB_ADM_PAY_HEAD), cols, ARRAY_SIZE(cols), &rows));
    for (size_t i = 0; i < nu; i++) {
        struct pay_view p;
        struct op_err perr = {0};
        char m[FMT_CAP];
        people[i] = (struct admin_opt){arena_printf(a, "%" PRId64, u[i].id), u[i].name, true};
        if (app_pay_get(c->app, &c->who, u[i].id, &p, &perr) != OP_OK) continue;
        const char *cells[] = {u[i].name, p.has_plan ? p.plan.name : "—",
                               arena_strdup(a, fmt_money(c->r->lang, p.base_pay, p.currency, m,
                                                         sizeof m))};
        /* names and level names are what people wrote */
        CHECK(admin_row(c, rows, NULL, cells, ARRAY_SIZE(cells), 0x3));
    }
    ranks[0] = (struct admin_opt){"0", txt(c, MSG_WEB_ADM_PAY_FOLLOW), false};
    for (size_t i = 0; i < n; i++)
        ranks[i + 1] = (struct admin_opt){arena_printf(a, "%d", v[i].rank), v[i].name, true};
    CHECK(admin_form_begin(&f, c, "/admin/levels/pay", MSG_WEB_ADM_PAY_SAVE, false, posted));
    CHECK(admin_group(&f, txt(c, MSG_WEB_ADM_PAY_HEAD)));
    CHECK(admin_select(&f, "user_id", MSG_WEB_ADM_PAY_USER, people, nu, ""));
    CHECK(admin_select(&f, "level_rank", MSG_WEB_ADM_PAY_LEVEL, ranks, n + 1, "0"));
    CHECK(admin_input(&f, "base_pay", MSG_WEB_ADM_PAY_BASE, "number", ""));
    CHECK(admin_input(&f, "currency", MSG_WEB_ADM_PAY_CURRENCY, "text", "RUB"));
    if (err) CHECK(admin_form_error(&f, err));
end:
    return rc;
}

/* The page with both forms; lerr/perr: a refused levels or pay form (its
 * values then are what was posted). */
static void levels_page(struct web_ctx *c, int status, const struct op_err *lerr,
                        const struct op_err *perr)
{
    struct level_plan *v;
    size_t n;
    bool defaults;
    struct op_err err = {0};
    op_rc rc = app_levels(c->app, &c->who, c->r->arena, &v, &n, &defaults, &err);
    if (rc) goto end;
    CHECK(admin_page(c, MSG_WEB_ADM_LEVELS));
    CHECK(tv_set_str(c->r->arena, c->data, "intro",
                     defaults ? arena_printf(c->r->arena, "%s %s", txt(c, MSG_WEB_ADM_LEVELS_INTRO),
                                             txt(c, MSG_WEB_ADM_LEVELS_DEFAULTS))
                              : txt(c, MSG_WEB_ADM_LEVELS_INTRO)));
    CHECK(levels_form(c, v, n, lerr != NULL, lerr));
    CHECK(pay_form(c, v, n, perr != NULL, perr));
    admin_render(c, status);
    return;
end:
    web_error_page(c->r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_levels(struct http_req *r)
{
    struct web_ctx c;
    if (!admin_begin(r, &c)) return;
    levels_page(&c, 200, NULL, NULL);
}

/* ---- POST /admin/levels ---- */

/* A decimal number field (a goal's target or threshold: required once the
 * goal has a KPI). OP_ERR_INVALID naming the field. */
static op_rc form_double(struct web_ctx *c, const char *name, double *out, struct op_err *err)
{
    const char *s = admin_field(c, name);
    char *end;
    errno = 0;
    double d = *s ? strtod(s, &end) : NAN;
    if (!*s || errno || *end || !isfinite(d))
        return op_fail(err, OP_ERR_INVALID, name, MSG_WEB_ADM_ERR_NUMBER);
    *out = d;
    return OP_OK;
}

/* Whole units of a pay field into minor units. */
static op_rc form_money(struct web_ctx *c, const char *name, int64_t *out, struct op_err *err)
{
    int64_t v;
    op_rc rc = admin_form_int(c, name, -1, &v, err);
    if (!rc && (v < -1 || v > MONEY_MAJOR_MAX))
        rc = op_fail(err, OP_ERR_INVALID, name, MSG_WEB_ADM_ERR_NUMBER);
    if (!rc) *out = v < 0 ? -1 : v * 100;
    return rc;
}

/* Maps "levels[A].goals[B].x" of the compacted plans back to the form's
 * slots. */
static void map_field(struct op_err *err, const size_t *lmap, size_t n,
                      const size_t gmap[][MOTIVATION_GOALS_MAX])
{
    size_t li, gi;
    char rest[32], to[sizeof err->field];
    int k = -1;
    if (sscanf(err->field, "levels[%zu].goals[%zu].%31s", &li, &gi, rest) == 3 && li < n &&
        gi < MOTIVATION_GOALS_MAX)
        k = snprintf(to, sizeof to, "levels[%zu].goals[%zu].%s", lmap[li], gmap[li][gi], rest);
    else if (sscanf(err->field, "levels[%zu].%31s", &li, rest) == 2 && li < n)
        k = snprintf(to, sizeof to, "levels[%zu].%s", lmap[li], rest);
    if (k > 0 && (size_t)k < sizeof to) memcpy(err->field, to, (size_t)k + 1);
}

void w_admin_levels_save(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct level_plan v[MOTIVATION_LEVELS_MAX];
    size_t lmap[MOTIVATION_LEVELS_MAX], gmap[MOTIVATION_LEVELS_MAX][MOTIVATION_GOALS_MAX], n = 0;
    op_rc rc = OP_OK;
    if (!admin_begin(r, &c)) return;
    struct arena *a = r->arena;
    for (size_t i = 0; i < MOTIVATION_LEVELS_MAX && !rc; i++) {
        const char *name = admin_field(&c, lfield(a, i, "name"));
        if (!*name) continue; /* an empty or dropped slot */
        struct level_plan *l = &v[n];
        int64_t rank, cap, w;
        memset(l, 0, sizeof *l);
        lmap[n] = i;
        snprintf(l->name, sizeof l->name, "%s", name);
        rc = admin_form_int(&c, lfield(a, i, "rank"), 0, &rank, &err);
        if (!rc) rc = form_money(&c, lfield(a, i, "pay_min"), &l->pay_min, &err);
        if (!rc) rc = form_money(&c, lfield(a, i, "pay_max"), &l->pay_max, &err);
        if (!rc) rc = admin_form_int(&c, lfield(a, i, "bonus_cap_percent"), -1, &cap, &err);
        if (rc) break;
        /* out of int range: the use case's own check names the field */
        l->rank = rank < 0 || rank > 1000 ? -1 : (int)rank;
        l->bonus_cap_pct = cap < -1 || cap > 1000 ? -1 : (int)cap;
        for (size_t k = 0; k < MOTIVATION_GOALS_MAX && !rc; k++) {
            const char *key = admin_field(&c, gfield(a, i, k, "key"));
            if (!*key) continue;
            struct kpi_goal *g = &l->goals[l->n_goals];
            gmap[n][l->n_goals] = k;
            snprintf(g->key, sizeof g->key, "%s", key);
            g->lower_is_better = !strcmp(admin_field(&c, gfield(a, i, k, "lower_is_better")), "1");
            rc = form_double(&c, gfield(a, i, k, "target"), &g->target, &err);
            if (!rc) rc = form_double(&c, gfield(a, i, k, "threshold"), &g->threshold, &err);
            if (!rc) rc = admin_form_int(&c, gfield(a, i, k, "weight"), 0, &w, &err);
            if (!rc) g->weight = w < 0 || w > 1000 ? -1 : (int)w;
            l->n_goals++;
        }
        n++;
    }
    if (!rc) {
        rc = app_levels_put(c.app, &c.who, v, n, &err);
        if (rc) map_field(&err, lmap, n, (const size_t(*)[MOTIVATION_GOALS_MAX])gmap);
    }
    if (rc) {
        levels_page(&c, admin_status(rc), &err, NULL);
        return;
    }
    web_redirect(r, "/admin/levels?done=saved");
}

/* ---- POST /admin/levels/pay ---- */

void w_admin_pay_save(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct pay_view out;
    int64_t user_id = 0, rank = -1, base = -1;
    if (!admin_begin(r, &c)) return;
    op_rc rc = admin_form_int(&c, "user_id", 0, &user_id, &err);
    if (!rc) rc = admin_form_int(&c, "level_rank", -1, &rank, &err);
    if (!rc) rc = form_money(&c, "base_pay", &base, &err);
    if (!rc && user_id <= 0) rc = op_fail(&err, OP_ERR_INVALID, "user_id", MSG_WEB_ADM_ERR_NUMBER);
    if (!rc) {
        const char *cur = admin_field(&c, "currency");
        struct pay_input in = {.level_rank = rank, .base_pay = base, .currency = *cur ? cur : NULL};
        rc = app_pay_put(c.app, &c.who, user_id, &in, &out, &err);
    }
    if (rc) {
        levels_page(&c, admin_status(rc), NULL, &err);
        return;
    }
    web_redirect(r, "/admin/levels?done=saved");
}
