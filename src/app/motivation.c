/* motivation.c - level plans and agents' pay (motivation.h); the monthly
 * statements are motivation_bonus.c. */
#include "base/common.h"

#include "app/internal.h"
#include "app/motivation.h"
#include "app/motivation_int.h"

/* ---- shared with motivation_bonus.c ---- */

op_rc mv_levels_load(struct store_tx *tx, struct arena *a, struct level_plan **v, size_t *n,
                     bool *defaults)
{
    op_rc rc = tx->ops->motivation->levels(tx, a, v, n);
    if (rc || *n) {
        if (defaults) *defaults = false;
        return rc;
    }
    /* nothing stored yet: the profile's defaults are in force */
    if (!(*v = arena_alloc(a, 3 * sizeof(**v)))) return OP_ERR_NOMEM;
    *n = level_plan_defaults(*v, 3);
    if (defaults) *defaults = true;
    return OP_OK;
}

const struct level_plan *mv_plan_of_rank(const struct level_plan *v, size_t n, int rank)
{
    for (size_t i = 0; rank > 0 && i < n; i++)
        if (v[i].rank == rank) return &v[i];
    return NULL;
}

void mv_pay_resolve(const struct level_plan *levels, size_t n, const struct user *u,
                    const struct agent_pay *stored, struct pay_view *out)
{
    memset(out, 0, sizeof(*out));
    out->user_id = u->id;
    snprintf(out->currency, sizeof(out->currency), "RUB");
    if (stored) {
        out->stored = true;
        out->level_rank = stored->level_rank;
        out->base_pay = stored->base_pay;
        snprintf(out->currency, sizeof(out->currency), "%s", stored->currency);
        out->updated_at = stored->updated_at;
    }
    /* the rank follows the staff level (Junior 1, Middle 2, Senior 3) unless set */
    out->rank_used = out->level_rank ? out->level_rank : (int)u->level;
    const struct level_plan *p = mv_plan_of_rank(levels, n, out->rank_used);
    if (!p) {
        out->rank_used = 0;
        return;
    }
    out->has_plan = true;
    out->plan = *p;
    if (!stored) out->base_pay = p->pay_min;
}

/* ---- levels ---- */

struct levels_job {
    struct app *app;
    const struct actor *who;
    struct arena *a;
    struct level_plan *v;
    size_t n;
    bool defaults;
    struct op_err *err;
};

static op_rc levels_fn(struct store_tx *tx, void *arg)
{
    struct levels_job *j = arg;
    return mv_levels_load(tx, j->a, &j->v, &j->n, &j->defaults);
}

op_rc app_levels(struct app *app, const struct actor *who, struct arena *a, struct level_plan **out,
                 size_t *n, bool *defaults, struct op_err *err)
{
    struct levels_job j = {.app = app, .who = who, .a = a};
    op_rc rc = access_require(who, ROLE_AGENT, err);
    if (rc || (rc = app_run(app, true, levels_fn, &j))) return rc;
    *out = j.v;
    *n = j.n;
    if (defaults) *defaults = j.defaults;
    return OP_OK;
}

/* "1 Junior 6000000-8000000 20% [solved 3/1 x50, ...]; 2 ...": what a
 * level_plans event records (the whole plan, so any edit shows). */
static char *levels_text(struct arena *a, const struct level_plan *v, size_t n)
{
    char *s = arena_strdup(a, "");
    for (size_t i = 0; s && i < n; i++) {
        s = arena_printf(a, "%s%s%d %s %" PRId64 "-%" PRId64 " %d%% [", s, i ? "; " : "", v[i].rank,
                         v[i].name, v[i].pay_min, v[i].pay_max, v[i].bonus_cap_pct);
        for (size_t k = 0; s && k < v[i].n_goals; k++) {
            const struct kpi_goal *g = &v[i].goals[k];
            s = arena_printf(a, "%s%s%s %g/%g x%d", s, k ? ", " : "", g->key, g->target,
                             g->threshold, g->weight);
        }
        if (s) s = arena_printf(a, "%s]", s);
    }
    return s;
}

static op_rc levels_put_fn(struct store_tx *tx, void *arg)
{
    struct levels_job *j = arg;
    struct arena a = ARENA_INIT(0);
    struct level_plan *old;
    size_t nold = 0;
    bool defaults = false;
    struct event_list l;
    int64_t action = 0;
    op_rc rc = mv_levels_load(tx, &a, &old, &nold, &defaults);
    if (rc || (rc = tx->ops->motivation->levels_put(tx, j->v, j->n))) goto end;
    char *was = levels_text(&a, old, nold), *now = levels_text(&a, j->v, j->n);
    if (!was || !now) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    if (!strcmp(was, now)) goto end; /* the same plans: nothing to record */
    event_list_init(&l, &a, ENTITY_TEAM, 1, app_now(j->app), j->who->id, j->who->via);
    if ((rc = event_add(&l, EV_CHANGED, "level_plans", was, now, defaults ? "defaults" : "")))
        goto end;
    rc = tx_append_events(tx, &l, &action);
end:
    arena_release(&a);
    return rc;
}

op_rc app_levels_put(struct app *app, const struct actor *who, struct level_plan *v, size_t n,
                     struct op_err *err)
{
    char max[8];
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc) return rc;
    snprintf(max, sizeof(max), "%d", MOTIVATION_LEVELS_MAX);
    if (n < 1 || n > MOTIVATION_LEVELS_MAX)
        return op_fail(err, OP_ERR_INVALID, "levels", MSG_ERR_RANGE, "1", max);
    for (size_t i = 0; i < n; i++) {
        char f[48], inner[sizeof(err->field)];
        snprintf(f, sizeof(f), "levels[%zu].rank", i);
        if (v[i].rank < 1 || v[i].rank > 99)
            return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_RANGE, "1", "99");
        for (size_t k = 0; k < i; k++)
            if (v[k].rank == v[i].rank) {
                char r[16];
                snprintf(r, sizeof(r), "%d", v[i].rank);
                return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_DUPLICATE, r);
            }
        /* the KPI table first: a wrong key explains itself better than its threshold */
        if ((rc = level_plan_check_kpis(&v[i], err)) || (rc = level_plan_check(&v[i], err))) {
            /* the core names the field within the level: put the level in front */
            snprintf(inner, sizeof(inner), "%s", err->field);
            if (snprintf(err->field, sizeof(err->field), "levels[%zu].%s", i, inner) >=
                (int)sizeof(err->field))
                err->field[sizeof(err->field) - 1] = 0; /* cannot happen: the core's are short */
            return rc;
        }
    }
    struct levels_job j = {.app = app, .who = who, .v = v, .n = n, .err = err};
    return app_run(app, false, levels_put_fn, &j);
}

/* ---- pay ---- */

struct pay_job {
    struct app *app;
    const struct actor *who;
    int64_t user_id;
    const struct pay_input *in;
    struct pay_view *out;
    struct op_err *err;
};

/* The user's pay as in force; OP_ERR_NOTFOUND / OP_ERR_INVALID for
 * unknown users and customers. */
static op_rc pay_load(struct store_tx *tx, int64_t user_id, struct arena *a, struct user *u,
                      struct level_plan **levels, size_t *nl, struct agent_pay *stored,
                      bool *has_stored, struct op_err *err)
{
    char b[24];
    op_rc rc = tx_check_user(tx, user_id, "user_id", a, u, err);
    if (rc == OP_ERR_INVALID && err) err->rc = rc = OP_ERR_NOTFOUND; /* the path's id: 404 */
    if (rc) return rc;
    if (u->role == ROLE_CUSTOMER)
        return op_fail(err, OP_ERR_INVALID, "user_id", MSG_ERR_PAY_NOT_STAFF, id_str(user_id, b));
    if ((rc = mv_levels_load(tx, a, levels, nl, NULL))) return rc;
    rc = tx->ops->motivation->pay_get(tx, user_id, stored);
    *has_stored = rc == OP_OK;
    return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
}

static op_rc pay_get_fn(struct store_tx *tx, void *arg)
{
    struct pay_job *j = arg;
    struct arena a = ARENA_INIT(0);
    struct user u;
    struct level_plan *levels;
    size_t nl;
    struct agent_pay stored;
    bool has = false;
    op_rc rc = pay_load(tx, j->user_id, &a, &u, &levels, &nl, &stored, &has, j->err);
    if (!rc) mv_pay_resolve(levels, nl, &u, has ? &stored : NULL, j->out);
    arena_release(&a);
    return rc;
}

op_rc app_pay_get(struct app *app, const struct actor *who, int64_t user_id, struct pay_view *out,
                  struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_AGENT, err);
    if (rc) return rc;
    if (who->role == ROLE_AGENT && who->id != user_id)
        return op_fail(err, OP_ERR_FORBIDDEN, "user_id", MSG_ERR_KPI_OWN_ONLY);
    struct pay_job j = {app, who, user_id, NULL, out, err};
    return app_run(app, true, pay_get_fn, &j);
}

static bool currency_ok(const char *s)
{
    if (strlen(s) != 3) return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z') return false;
    return true;
}

static op_rc pay_put_fn(struct store_tx *tx, void *arg)
{
    struct pay_job *j = arg;
    const struct pay_input *in = j->in;
    struct arena a = ARENA_INIT(0);
    struct user u;
    struct level_plan *levels;
    size_t nl;
    struct agent_pay stored, next;
    bool has = false;
    struct pay_view was, now;
    char b1[24], b2[24], b3[24];
    struct event_list l;
    int64_t action = 0;
    op_rc rc = pay_load(tx, j->user_id, &a, &u, &levels, &nl, &stored, &has, j->err);
    if (rc) goto end;
    mv_pay_resolve(levels, nl, &u, has ? &stored : NULL, &was);
    next = (struct agent_pay){.user_id = u.id,
                              .level_rank = was.level_rank,
                              .base_pay = was.base_pay,
                              .updated_at = app_now(j->app)};
    snprintf(next.currency, sizeof(next.currency), "%s", was.currency);
    if (in->level_rank >= 0) next.level_rank = (int)in->level_rank;
    if (in->currency) snprintf(next.currency, sizeof(next.currency), "%s", in->currency);
    /* a new plan without a base pay given: keep the pay if the band allows */
    if (in->base_pay >= 0) next.base_pay = in->base_pay;
    mv_pay_resolve(levels, nl, &u, &next, &now);
    if (in->level_rank > 0 && !now.has_plan) {
        rc = op_fail(j->err, OP_ERR_INVALID, "level_rank", MSG_ERR_LEVEL_RANK_UNKNOWN,
                     id_str(in->level_rank, b1));
        goto end;
    }
    if (!now.has_plan) {
        rc = op_fail(j->err, OP_ERR_INVALID, "level_rank", MSG_ERR_NO_LEVEL_PLAN, id_str(u.id, b1));
        goto end;
    }
    if (next.base_pay < now.plan.pay_min || next.base_pay > now.plan.pay_max) {
        snprintf(b2, sizeof(b2), "%" PRId64, now.plan.pay_min);
        snprintf(b3, sizeof(b3), "%" PRId64, now.plan.pay_max);
        rc = op_fail(j->err, OP_ERR_INVALID, "base_pay", MSG_ERR_PAY_BAND_OUT, now.plan.name, b2,
                     b3);
        goto end;
    }
    if ((rc = tx->ops->motivation->pay_put(tx, &next))) goto end;
    event_list_init(&l, &a, ENTITY_USER, u.id, next.updated_at, j->who->id, j->who->via);
    snprintf(b1, sizeof(b1), "%d", was.level_rank);
    snprintf(b2, sizeof(b2), "%d", next.level_rank);
    if (!was.stored || strcmp(b1, b2))
        rc = event_add(&l, EV_CHANGED, "pay.level_rank", was.stored ? b1 : "", b2, "");
    snprintf(b1, sizeof(b1), "%" PRId64, was.base_pay);
    snprintf(b2, sizeof(b2), "%" PRId64, next.base_pay);
    if (!rc && (!was.stored || strcmp(b1, b2)))
        rc = event_add(&l, EV_CHANGED, "pay.base_pay", was.stored ? b1 : "", b2, "");
    if (!rc && (!was.stored || strcmp(was.currency, next.currency)))
        rc = event_add(&l, EV_CHANGED, "pay.currency", was.stored ? was.currency : "",
                       next.currency, "");
    if (!rc && l.n) rc = tx_append_events(tx, &l, &action);
    if (!rc) *j->out = now;
end:
    arena_release(&a);
    return rc;
}

op_rc app_pay_put(struct app *app, const struct actor *who, int64_t user_id,
                  const struct pay_input *in, struct pay_view *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc) return rc;
    if (in->level_rank > 99 || in->level_rank < -1)
        return op_fail(err, OP_ERR_INVALID, "level_rank", MSG_ERR_RANGE, "0", "99");
    if (in->base_pay < -1 || in->base_pay > INT64_MAX / 100)
        return op_fail(err, OP_ERR_INVALID, "base_pay", MSG_ERR_RANGE, "0", "92233720368547758");
    if (in->currency && !currency_ok(in->currency))
        return op_fail(err, OP_ERR_INVALID, "currency", MSG_ERR_CURRENCY);
    struct pay_job j = {app, who, user_id, in, out, err};
    return app_run(app, false, pay_put_fn, &j);
}
