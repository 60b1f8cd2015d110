/* sqlite_motivation.c - level plans, agents' pay and approved bonus months
 * in SQLite (schema: migrations/sqlite/0007_motivation.sql). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_motivation.h"

static op_rc level_row(struct sq_row *r, void *out)
{
    struct level_plan *l = out;
    memset(l, 0, sizeof(*l));
    l->id = sq_col_int(r, 0);
    l->rank = (int)sq_col_int(r, 1);
    snprintf(l->name, sizeof(l->name), "%s", (const char *)sqlite3_column_text(r->st, 2));
    l->pay_min = sq_col_int(r, 3);
    l->pay_max = sq_col_int(r, 4);
    l->bonus_cap_pct = (int)sq_col_int(r, 5);
    return OP_OK;
}

struct goal_row {
    int64_t level_id;
    struct kpi_goal g;
};

static op_rc goal_row(struct sq_row *r, void *out)
{
    struct goal_row *x = out;
    memset(x, 0, sizeof(*x));
    x->level_id = sq_col_int(r, 0);
    snprintf(x->g.key, sizeof(x->g.key), "%s", (const char *)sqlite3_column_text(r->st, 1));
    x->g.lower_is_better = sq_col_int(r, 2) != 0;
    x->g.target = sqlite3_column_double(r->st, 3);
    x->g.threshold = sqlite3_column_double(r->st, 4);
    x->g.weight = (int)sq_col_int(r, 5);
    return OP_OK;
}

static op_rc mv_levels(struct store_tx *t, struct arena *a, struct level_plan **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    void *v;
    struct goal_row *g = NULL;
    size_t ng = 0;
    op_rc rc = sq_prep(tx,
                       "SELECT id, rank, name, pay_min, pay_max, bonus_cap_pct FROM level_plans "
                       "ORDER BY rank",
                       &st);
    if (rc || (rc = sq_list(tx, st, level_row, sizeof(**out), a, &v, n, "levels"))) return rc;
    *out = v;
    if ((rc = sq_prep(tx,
                      "SELECT level_id, key, lower_is_better, target, threshold, weight "
                      "FROM level_goals ORDER BY level_id, position",
                      &st)) ||
        (rc = sq_list(tx, st, goal_row, sizeof(*g), a, &v, &ng, "level_goals")))
        return rc;
    g = v;
    for (size_t i = 0; i < ng; i++)
        for (size_t k = 0; k < *n; k++) {
            struct level_plan *l = &(*out)[k];
            if (l->id == g[i].level_id && l->n_goals < MOTIVATION_GOALS_MAX)
                l->goals[l->n_goals++] = g[i].g;
        }
    return OP_OK;
}

static op_rc mv_levels_put(struct store_tx *t, struct level_plan *v, size_t n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    /* pay rows name a level by rank, so the rows can simply be replaced */
    op_rc rc = sq_exec(tx, "DELETE FROM level_goals");
    if (!rc) rc = sq_exec(tx, "DELETE FROM level_plans");
    for (size_t i = 0; !rc && i < n; i++) {
        if ((rc = sq_prep(tx,
                          "INSERT INTO level_plans(rank, name, pay_min, pay_max, bonus_cap_pct) "
                          "VALUES (?, ?, ?, ?, ?)",
                          &st)))
            break;
        int src = sq_bind_int(st, 1, v[i].rank);
        src = src ? src : sq_bind_text(st, 2, v[i].name);
        src = src ? src : sq_bind_int(st, 3, v[i].pay_min);
        src = src ? src : sq_bind_int(st, 4, v[i].pay_max);
        src = src ? src : sq_bind_int(st, 5, v[i].bonus_cap_pct);
        if ((rc = sq_run_insert(tx, st, src, "level_insert", &v[i].id))) break;
        for (size_t k = 0; !rc && k < v[i].n_goals; k++) {
            const struct kpi_goal *g = &v[i].goals[k];
            if ((rc = sq_prep(tx,
                              "INSERT INTO level_goals(level_id, position, key, lower_is_better, "
                              "target, threshold, weight) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              &st)))
                break;
            src = sq_bind_int(st, 1, v[i].id);
            src = src ? src : sq_bind_int(st, 2, (int64_t)k);
            src = src ? src : sq_bind_text(st, 3, g->key);
            src = src ? src : sq_bind_int(st, 4, g->lower_is_better);
            src = src ? src : sqlite3_bind_double(st, 5, g->target);
            src = src ? src : sqlite3_bind_double(st, 6, g->threshold);
            src = src ? src : sq_bind_int(st, 7, g->weight);
            rc = sq_run(tx, st, src, "level_goal_insert");
        }
    }
    return rc;
}

#define PAY_COLS "user_id, level_rank, base_pay, currency, updated_at"

static op_rc pay_row(struct sq_row *r, void *out)
{
    struct agent_pay *p = out;
    memset(p, 0, sizeof(*p));
    p->user_id = sq_col_int(r, 0);
    p->level_rank = (int)sq_col_int(r, 1);
    p->base_pay = sq_col_int(r, 2);
    snprintf(p->currency, sizeof(p->currency), "%s", (const char *)sqlite3_column_text(r->st, 3));
    p->updated_at = sq_col_int(r, 4);
    return OP_OK;
}

static op_rc mv_pay_get(struct store_tx *t, int64_t user_id, struct agent_pay *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " PAY_COLS " FROM agent_pay WHERE user_id = ?", user_id, &st);
    return rc ? rc : sq_one(tx, st, pay_row, NULL, out, "pay_get");
}

static op_rc mv_pay_put(struct store_tx *t, const struct agent_pay *p)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO agent_pay(" PAY_COLS ") VALUES (?1, ?2, ?3, ?4, ?5) "
                       "ON CONFLICT(user_id) DO UPDATE SET level_rank = ?2, base_pay = ?3, "
                       "currency = ?4, updated_at = ?5",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, p->user_id);
    src = src ? src : sq_bind_int(st, 2, p->level_rank);
    src = src ? src : sq_bind_int(st, 3, p->base_pay);
    src = src ? src : sq_bind_text(st, 4, p->currency);
    src = src ? src : sq_bind_int(st, 5, p->updated_at);
    return sq_run(tx, st, src, "pay_put");
}

static op_rc mv_pay_list(struct store_tx *t, struct arena *a, struct agent_pay **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    void *v;
    op_rc rc = sq_prep(tx, "SELECT " PAY_COLS " FROM agent_pay ORDER BY user_id", &st);
    if (rc || (rc = sq_list(tx, st, pay_row, sizeof(**out), a, &v, n, "pay_list"))) return rc;
    *out = v;
    return OP_OK;
}

static op_rc month_row(struct sq_row *r, void *out)
{
    struct bonus_month *m = out;
    memset(m, 0, sizeof(*m));
    snprintf(m->month, sizeof(m->month), "%s", (const char *)sqlite3_column_text(r->st, 0));
    m->tz = sq_col_text(r, 1);
    m->from = sq_col_int(r, 2);
    m->to = sq_col_int(r, 3);
    m->events_through = sq_col_int(r, 4);
    m->approved_at = sq_col_int(r, 5);
    m->approved_by = sq_col_int(r, 6);
    m->summary = sq_col_text(r, 7);
    return r->oom ? OP_ERR_NOMEM : OP_OK;
}

static op_rc mv_month_get(struct store_tx *t, const char *month, struct arena *a,
                          struct bonus_month *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT month, tz, from_at, to_at, events_through, approved_at, "
                       "approved_by, summary FROM bonus_months WHERE month = ?",
                       &st);
    if (rc) return rc;
    int src = sq_bind_text(st, 1, month);
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "bonus_month_get");
    }
    return sq_one(tx, st, month_row, a, out, "bonus_month_get");
}

static op_rc mv_month_put(struct store_tx *t, const struct bonus_month *m,
                          const struct bonus_doc *docs, size_t n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO bonus_months(month, tz, from_at, to_at, events_through, "
                       "approved_at, approved_by, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_text(st, 1, m->month);
    src = src ? src : sq_bind_text(st, 2, m->tz);
    src = src ? src : sq_bind_int(st, 3, m->from);
    src = src ? src : sq_bind_int(st, 4, m->to);
    src = src ? src : sq_bind_int(st, 5, m->events_through);
    src = src ? src : sq_bind_int(st, 6, m->approved_at);
    src = src ? src : sq_bind_int(st, 7, m->approved_by);
    src = src ? src : sq_bind_text(st, 8, m->summary);
    rc = sq_run(tx, st, src, "bonus_month_put");
    for (size_t i = 0; !rc && i < n; i++) {
        if ((rc = sq_prep(tx, "INSERT INTO bonus_statements(month, user_id, body) VALUES (?, ?, ?)",
                          &st)))
            break;
        src = sq_bind_text(st, 1, m->month);
        src = src ? src : sq_bind_int(st, 2, docs[i].user_id);
        src = src ? src : sq_bind_text(st, 3, docs[i].body);
        rc = sq_run(tx, st, src, "bonus_statement_put");
    }
    return rc;
}

static op_rc doc_row(struct sq_row *r, void *out)
{
    struct bonus_doc *d = out;
    d->user_id = sq_col_int(r, 0);
    d->body = sq_col_text(r, 1);
    return r->oom ? OP_ERR_NOMEM : OP_OK;
}

static op_rc mv_month_docs(struct store_tx *t, const char *month, int64_t user_id, struct arena *a,
                           struct bonus_doc **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    void *v;
    op_rc rc = sq_prep(tx,
                       "SELECT user_id, body FROM bonus_statements WHERE month = ?1 "
                       "AND (?2 = 0 OR user_id = ?2) ORDER BY user_id",
                       &st);
    if (rc) return rc;
    int src = sq_bind_text(st, 1, month);
    src = src ? src : sq_bind_int(st, 2, user_id);
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "bonus_statements");
    }
    if ((rc = sq_list(tx, st, doc_row, sizeof(**out), a, &v, n, "bonus_statements"))) return rc;
    *out = v;
    return OP_OK;
}

const struct store_motivation_ops sqlite_motivation_ops = {
    .levels = mv_levels,
    .levels_put = mv_levels_put,
    .pay_get = mv_pay_get,
    .pay_put = mv_pay_put,
    .pay_list = mv_pay_list,
    .month_get = mv_month_get,
    .month_put = mv_month_put,
    .month_docs = mv_month_docs,
};
