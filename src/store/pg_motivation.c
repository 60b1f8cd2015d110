/* pg_motivation.c - level plans, agents' pay and approved bonus months in
 * PostgreSQL (schema: migrations/pg/0007_motivation.sql; behaviour as
 * sqlite_motivation.c). */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_motivation.h"

static op_rc level_row(struct pg_row *r, void *out)
{
    struct level_plan *l = out;
    memset(l, 0, sizeof(*l));
    l->id = pg_col_int(r, 0);
    l->rank = (int)pg_col_int(r, 1);
    snprintf(l->name, sizeof(l->name), "%s", PQgetvalue(r->res, r->i, 2));
    l->pay_min = pg_col_int(r, 3);
    l->pay_max = pg_col_int(r, 4);
    l->bonus_cap_pct = (int)pg_col_int(r, 5);
    return OP_OK;
}

struct goal_row {
    int64_t level_id;
    struct kpi_goal g;
};

static op_rc goal_row(struct pg_row *r, void *out)
{
    struct goal_row *x = out;
    memset(x, 0, sizeof(*x));
    x->level_id = pg_col_int(r, 0);
    snprintf(x->g.key, sizeof(x->g.key), "%s", PQgetvalue(r->res, r->i, 1));
    x->g.lower_is_better = pg_col_int(r, 2) != 0;
    x->g.target = pg_col_double(r, 3);
    x->g.threshold = pg_col_double(r, 4);
    x->g.weight = (int)pg_col_int(r, 5);
    return OP_OK;
}

static op_rc levels(struct store_tx *t, struct arena *a, struct level_plan **out, size_t *n)
{
    struct pg_stmt st;
    void *v;
    struct goal_row *g;
    size_t ng = 0;
    pg_st_init(&st, "SELECT id, rank, name, pay_min, pay_max, bonus_cap_pct FROM level_plans "
                    "ORDER BY rank");
    op_rc rc = pg_list(pg_tx(t), &st, level_row, sizeof(**out), a, &v, n, "levels");
    if (rc) return rc;
    *out = v;
    pg_st_init(&st, "SELECT level_id, key, lower_is_better, target, threshold, weight "
                    "FROM level_goals ORDER BY level_id, position");
    if ((rc = pg_list(pg_tx(t), &st, goal_row, sizeof(*g), a, &v, &ng, "level_goals"))) return rc;
    g = v;
    for (size_t i = 0; i < ng; i++)
        for (size_t k = 0; k < *n; k++) {
            struct level_plan *l = &(*out)[k];
            if (l->id == g[i].level_id && l->n_goals < MOTIVATION_GOALS_MAX)
                l->goals[l->n_goals++] = g[i].g;
        }
    return OP_OK;
}

static op_rc levels_put(struct store_tx *t, struct level_plan *v, size_t n)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM level_goals");
    op_rc rc = pg_run(pg_tx(t), &st, NULL, "level_goals_clear");
    if (!rc) {
        pg_st_init(&st, "DELETE FROM level_plans");
        rc = pg_run(pg_tx(t), &st, NULL, "levels_clear");
    }
    for (size_t i = 0; !rc && i < n; i++) {
        pg_st_init(&st, "INSERT INTO level_plans(rank, name, pay_min, pay_max, bonus_cap_pct) "
                        "VALUES ($1, $2, $3, $4, $5) RETURNING id");
        pg_bind_int(&st, v[i].rank);
        pg_bind_text(&st, v[i].name);
        pg_bind_int(&st, v[i].pay_min);
        pg_bind_int(&st, v[i].pay_max);
        pg_bind_int(&st, v[i].bonus_cap_pct);
        if ((rc = pg_run_insert(pg_tx(t), &st, &v[i].id, "level_insert"))) break;
        for (size_t k = 0; !rc && k < v[i].n_goals; k++) {
            const struct kpi_goal *g = &v[i].goals[k];
            char target[32], threshold[32]; /* text parameters: "%.17g" round-trips a double */
            snprintf(target, sizeof(target), "%.17g", g->target);
            snprintf(threshold, sizeof(threshold), "%.17g", g->threshold);
            pg_st_init(&st, "INSERT INTO level_goals(level_id, position, key, lower_is_better, "
                            "target, threshold, weight) VALUES ($1, $2, $3, $4, $5, $6, $7)");
            pg_bind_int(&st, v[i].id);
            pg_bind_int(&st, (int64_t)k);
            pg_bind_text(&st, g->key);
            pg_bind_int(&st, g->lower_is_better);
            pg_bind_text(&st, target);
            pg_bind_text(&st, threshold);
            pg_bind_int(&st, g->weight);
            rc = pg_run(pg_tx(t), &st, NULL, "level_goal_insert");
        }
    }
    return rc;
}

#define PAY_COLS "user_id, level_rank, base_pay, currency, updated_at"

static op_rc pay_row(struct pg_row *r, void *out)
{
    struct agent_pay *p = out;
    memset(p, 0, sizeof(*p));
    p->user_id = pg_col_int(r, 0);
    p->level_rank = (int)pg_col_int(r, 1);
    p->base_pay = pg_col_int(r, 2);
    snprintf(p->currency, sizeof(p->currency), "%s", PQgetvalue(r->res, r->i, 3));
    p->updated_at = pg_col_int(r, 4);
    return OP_OK;
}

static op_rc pay_get(struct store_tx *t, int64_t user_id, struct agent_pay *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " PAY_COLS " FROM agent_pay WHERE user_id = $1");
    pg_bind_int(&st, user_id);
    return pg_one(pg_tx(t), &st, pay_row, NULL, out, "pay_get");
}

static op_rc pay_put(struct store_tx *t, const struct agent_pay *p)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO agent_pay(" PAY_COLS ") VALUES ($1, $2, $3, $4, $5) "
                    "ON CONFLICT (user_id) DO UPDATE SET level_rank = $2, base_pay = $3, "
                    "currency = $4, updated_at = $5");
    pg_bind_int(&st, p->user_id);
    pg_bind_int(&st, p->level_rank);
    pg_bind_int(&st, p->base_pay);
    pg_bind_text(&st, p->currency);
    pg_bind_int(&st, p->updated_at);
    return pg_run(pg_tx(t), &st, NULL, "pay_put");
}

static op_rc pay_list(struct store_tx *t, struct arena *a, struct agent_pay **out, size_t *n)
{
    struct pg_stmt st;
    void *v;
    pg_st_init(&st, "SELECT " PAY_COLS " FROM agent_pay ORDER BY user_id");
    op_rc rc = pg_list(pg_tx(t), &st, pay_row, sizeof(**out), a, &v, n, "pay_list");
    if (!rc) *out = v;
    return rc;
}

static op_rc month_row(struct pg_row *r, void *out)
{
    struct bonus_month *m = out;
    memset(m, 0, sizeof(*m));
    snprintf(m->month, sizeof(m->month), "%s", PQgetvalue(r->res, r->i, 0));
    m->tz = pg_col_text(r, 1);
    m->from = pg_col_int(r, 2);
    m->to = pg_col_int(r, 3);
    m->events_through = pg_col_int(r, 4);
    m->approved_at = pg_col_int(r, 5);
    m->approved_by = pg_col_int(r, 6);
    m->summary = pg_col_text(r, 7);
    return r->oom ? OP_ERR_NOMEM : OP_OK;
}

static op_rc month_get(struct store_tx *t, const char *month, struct arena *a,
                       struct bonus_month *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT month, tz, from_at, to_at, events_through, approved_at, "
                    "approved_by, summary FROM bonus_months WHERE month = $1");
    pg_bind_text(&st, month);
    return pg_one(pg_tx(t), &st, month_row, a, out, "bonus_month_get");
}

static op_rc month_put(struct store_tx *t, const struct bonus_month *m,
                       const struct bonus_doc *docs, size_t n)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO bonus_months(month, tz, from_at, to_at, events_through, "
                    "approved_at, approved_by, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    pg_bind_text(&st, m->month);
    pg_bind_text(&st, m->tz);
    pg_bind_int(&st, m->from);
    pg_bind_int(&st, m->to);
    pg_bind_int(&st, m->events_through);
    pg_bind_int(&st, m->approved_at);
    pg_bind_int(&st, m->approved_by);
    pg_bind_text(&st, m->summary);
    op_rc rc = pg_run(pg_tx(t), &st, NULL, "bonus_month_put");
    for (size_t i = 0; !rc && i < n; i++) {
        pg_st_init(&st, "INSERT INTO bonus_statements(month, user_id, body) VALUES ($1, $2, $3)");
        pg_bind_text(&st, m->month);
        pg_bind_int(&st, docs[i].user_id);
        pg_bind_text(&st, docs[i].body);
        rc = pg_run(pg_tx(t), &st, NULL, "bonus_statement_put");
    }
    return rc;
}

static op_rc doc_row(struct pg_row *r, void *out)
{
    struct bonus_doc *d = out;
    d->user_id = pg_col_int(r, 0);
    d->body = pg_col_text(r, 1);
    return r->oom ? OP_ERR_NOMEM : OP_OK;
}

static op_rc month_docs(struct store_tx *t, const char *month, int64_t user_id, struct arena *a,
                        struct bonus_doc **out, size_t *n)
{
    struct pg_stmt st;
    void *v;
    pg_st_init(&st, "SELECT user_id, body FROM bonus_statements WHERE month = $1 "
                    "AND ($2::bigint = 0 OR user_id = $2::bigint) ORDER BY user_id");
    pg_bind_text(&st, month);
    pg_bind_int(&st, user_id);
    op_rc rc = pg_list(pg_tx(t), &st, doc_row, sizeof(**out), a, &v, n, "bonus_statements");
    if (!rc) *out = v;
    return rc;
}

const struct store_motivation_ops pg_motivation_ops = {
    .levels = levels,
    .levels_put = levels_put,
    .pay_get = pay_get,
    .pay_put = pay_put,
    .pay_list = pay_list,
    .month_get = month_get,
    .month_put = month_put,
    .month_docs = month_docs,
};
