/* sqlite_kpi.c - the KPI tables in SQLite (store_kpi.h; schema:
 * migrations/sqlite/0005_kpi.sql). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_kpi.h"

/* ---- sources: tickets with their event logs ---- */

static op_rc source_row(struct sq_row *r, void *out)
{
    struct kpi_source *s = out;
    s->t.id = sq_col_int(r, 0);
    s->t.channel = (enum channel)sq_col_int(r, 1);
    s->t.organization_id = sq_col_int(r, 2);
    s->t.group_id = sq_col_int(r, 3);
    s->t.assignee_id = sq_col_int(r, 4);
    s->t.created_at = sq_col_int(r, 5);
    s->calendar_id = sq_col_int(r, 6);
    return OP_OK;
}

static op_rc kevent_row(struct sq_row *r, void *out)
{
    struct event *e = out;
    e->id = sq_col_int(r, 0);
    e->action_id = sq_col_int(r, 1);
    e->entity = ENTITY_TICKET;
    e->entity_id = sq_col_int(r, 2);
    e->at = sq_col_int(r, 3);
    e->actor_id = sq_col_int(r, 4);
    e->via = (enum via)sq_col_int(r, 5);
    e->kind = (enum event_kind)sq_col_int(r, 6);
    e->field = sq_col_text(r, 7);
    e->old_value = "";
    e->new_value = sq_col_text(r, 8);
    e->data = "";
    return OP_OK;
}

static op_rc sources(struct store_tx *t, int64_t from_id, int64_t to_id, struct arena *a,
                     struct kpi_source **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    void *v = NULL;
    struct event *ev = NULL;
    size_t nev = 0;
    *out = NULL;
    *n = 0;
    op_rc rc =
        sq_prep(tx,
                "SELECT t.id, t.channel, t.organization_id, t.group_id, t.assignee_id, "
                "t.created_at, (SELECT calendar_id FROM ticket_sla s WHERE s.ticket_id = t.id) "
                "FROM tickets t WHERE t.id BETWEEN ?1 AND ?2 ORDER BY t.id",
                &st);
    if (rc) return rc;
    sq_bind_int(st, 1, from_id);
    sq_bind_int(st, 2, to_id);
    if ((rc = sq_list(tx, st, source_row, sizeof(**out), a, &v, n, "kpi_sources"))) return rc;
    struct kpi_source *s = v;
    if (!*n) return OP_OK;
    rc = sq_prep(tx,
                 "SELECT id, coalesce(action_id, id), entity_id, at, actor_id, via, kind, field, "
                 "new_value FROM events WHERE entity = 0 AND entity_id BETWEEN ?1 AND ?2 "
                 "ORDER BY entity_id, id",
                 &st);
    if (rc) return rc;
    sq_bind_int(st, 1, s[0].t.id);
    sq_bind_int(st, 2, s[*n - 1].t.id);
    void *ve = NULL;
    if ((rc = sq_list(tx, st, kevent_row, sizeof(*ev), a, &ve, &nev, "kpi_sources"))) return rc;
    ev = ve;
    /* both lists ascend by ticket id: hand each ticket its run of events */
    size_t j = 0;
    for (size_t i = 0; i < *n; i++) {
        while (j < nev && ev[j].entity_id < s[i].t.id)
            j++;
        s[i].ev = ev + j;
        while (j < nev && ev[j].entity_id == s[i].t.id)
            j++;
        s[i].nev = (size_t)(ev + j - s[i].ev);
    }
    *out = s;
    return OP_OK;
}

static op_rc max_ids(struct store_tx *t, int64_t *ticket_id, int64_t *event_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT coalesce(max(id), 0) FROM tickets", &st);
    if (rc || (rc = sq_scalar(tx, st, ticket_id, "kpi_max_ids"))) return rc;
    if ((rc = sq_prep(tx, "SELECT coalesce(max(id), 0) FROM events", &st))) return rc;
    return sq_scalar(tx, st, event_id, "kpi_max_ids");
}

static op_rc touched(struct store_tx *t, int64_t after_id, size_t limit, struct arena *a,
                     struct id_list *tickets, int64_t *last)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    *tickets = (struct id_list){0};
    *last = after_id;
    op_rc rc = sq_prep(tx,
                       "SELECT max(id) FROM (SELECT id FROM events WHERE id > ?1 "
                       "ORDER BY id LIMIT ?2)",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, after_id);
    sq_bind_int(st, 2, sq_limit(limit));
    int64_t hi = 0;
    if ((rc = sq_scalar(tx, st, &hi, "kpi_touched")) || hi <= after_id) return rc;
    if ((rc = sq_prep(tx,
                      "SELECT DISTINCT entity_id FROM events WHERE id > ?1 AND id <= ?2 "
                      "AND entity = 0 ORDER BY entity_id",
                      &st)))
        return rc;
    sq_bind_int(st, 1, after_id);
    sq_bind_int(st, 2, hi);
    if ((rc = sq_list_ids(tx, st, a, tickets))) return rc;
    *last = hi;
    return OP_OK;
}

static op_rc staff_ids(struct store_tx *t, struct arena *a, struct id_list *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT id FROM users WHERE role IN (1, 2, 3) ORDER BY id", &st);
    return rc ? rc : sq_list_ids(tx, st, a, out);
}

/* ---- facts ---- */

#define FACTS_COLS                                                                                 \
    "ticket_id, created_at, solved_at, closed_at, first_response_at, agent_id, group_id, "         \
    "channel, organization_id, frt_cal, frt_bus, res_cal, res_bus, wait_cal, wait_bus, "           \
    "nr_worst_cal, nr_worst_bus, nr_n, nr_sum_cal, nr_sum_bus, aht_ms, public_replies, "           \
    "reopens, esc_l1_l2, esc_l2_tech, esc_other, handed_back, sla_met_fr, sla_br_fr, "             \
    "sla_met_nr, sla_br_nr, sla_met_res, sla_br_res, last_event_id"
#define FACTS_NCOLS 34

static int bind_dur(sqlite3_stmt *st, int i, int64_t v)
{
    return v == KPI_NONE ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, v);
}

static int64_t col_dur(struct sq_row *r, int c)
{
    return sqlite3_column_type(r->st, c) == SQLITE_NULL ? KPI_NONE : sq_col_int(r, c);
}

static op_rc facts_row(struct sq_row *r, void *out)
{
    struct kpi_facts *f = out;
    int c = 0;
    f->ticket_id = sq_col_int(r, c++);
    f->created_at = sq_col_int(r, c++);
    f->solved_at = sq_col_int(r, c++);
    f->closed_at = sq_col_int(r, c++);
    f->first_response_at = sq_col_int(r, c++);
    f->agent_id = sq_col_int(r, c++);
    f->group_id = sq_col_int(r, c++);
    f->channel = (enum channel)sq_col_int(r, c++);
    f->organization_id = sq_col_int(r, c++);
    f->first_response.cal = col_dur(r, c++);
    f->first_response.bus = col_dur(r, c++);
    f->resolution.cal = col_dur(r, c++);
    f->resolution.bus = col_dur(r, c++);
    f->requester_wait.cal = col_dur(r, c++);
    f->requester_wait.bus = col_dur(r, c++);
    f->next_worst.cal = col_dur(r, c++);
    f->next_worst.bus = col_dur(r, c++);
    f->next_n = sq_col_int(r, c++);
    f->next_sum_cal = sq_col_int(r, c++);
    f->next_sum_bus = sq_col_int(r, c++);
    f->aht_ms = sq_col_int(r, c++);
    f->public_replies = (int32_t)sq_col_int(r, c++);
    f->reopens = (int32_t)sq_col_int(r, c++);
    f->esc_l1_l2 = (int32_t)sq_col_int(r, c++);
    f->esc_l2_tech = (int32_t)sq_col_int(r, c++);
    f->esc_other = (int32_t)sq_col_int(r, c++);
    f->handed_back = (int32_t)sq_col_int(r, c++);
    for (int m = 0; m < 3; m++) {
        f->sla_met[m] = (int32_t)sq_col_int(r, c++);
        f->sla_breached[m] = (int32_t)sq_col_int(r, c++);
    }
    f->last_event_id = sq_col_int(r, c++);
    assert(c == FACTS_NCOLS);
    return OP_OK;
}

static op_rc facts_put(struct store_tx *t, const struct kpi_facts *f)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT OR REPLACE INTO kpi_facts(" FACTS_COLS ") VALUES (?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int i = 1, src = 0;
    src = src ? src : sq_bind_int(st, i++, f->ticket_id);
    src = src ? src : sq_bind_int(st, i++, f->created_at);
    src = src ? src : sq_bind_id(st, i++, f->solved_at);
    src = src ? src : sq_bind_id(st, i++, f->closed_at);
    src = src ? src : sq_bind_id(st, i++, f->first_response_at);
    src = src ? src : sq_bind_id(st, i++, f->agent_id);
    src = src ? src : sq_bind_id(st, i++, f->group_id);
    src = src ? src : sq_bind_int(st, i++, f->channel);
    src = src ? src : sq_bind_id(st, i++, f->organization_id);
    src = src ? src : bind_dur(st, i++, f->first_response.cal);
    src = src ? src : bind_dur(st, i++, f->first_response.bus);
    src = src ? src : bind_dur(st, i++, f->resolution.cal);
    src = src ? src : bind_dur(st, i++, f->resolution.bus);
    src = src ? src : bind_dur(st, i++, f->requester_wait.cal);
    src = src ? src : bind_dur(st, i++, f->requester_wait.bus);
    src = src ? src : bind_dur(st, i++, f->next_worst.cal);
    src = src ? src : bind_dur(st, i++, f->next_worst.bus);
    src = src ? src : sq_bind_int(st, i++, f->next_n);
    src = src ? src : sq_bind_int(st, i++, f->next_sum_cal);
    src = src ? src : sq_bind_int(st, i++, f->next_sum_bus);
    src = src ? src : sq_bind_int(st, i++, f->aht_ms);
    src = src ? src : sq_bind_int(st, i++, f->public_replies);
    src = src ? src : sq_bind_int(st, i++, f->reopens);
    src = src ? src : sq_bind_int(st, i++, f->esc_l1_l2);
    src = src ? src : sq_bind_int(st, i++, f->esc_l2_tech);
    src = src ? src : sq_bind_int(st, i++, f->esc_other);
    src = src ? src : sq_bind_int(st, i++, f->handed_back);
    for (int m = 0; m < 3; m++) {
        src = src ? src : sq_bind_int(st, i++, f->sla_met[m]);
        src = src ? src : sq_bind_int(st, i++, f->sla_breached[m]);
    }
    src = src ? src : sq_bind_int(st, i++, f->last_event_id);
    assert(src || i == FACTS_NCOLS + 1);
    return sq_run(tx, st, src, "kpi_facts_put");
}

static op_rc facts_clear(struct store_tx *t)
{
    return sq_exec(sq_tx(t), "DELETE FROM kpi_facts");
}

static op_rc cursor_get(struct store_tx *t, int64_t *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT last_event_id FROM kpi_cursor WHERE id = 1", &st);
    return rc ? rc : sq_scalar(tx, st, out, "kpi_cursor_get");
}

static op_rc cursor_put(struct store_tx *t, int64_t last_event_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "UPDATE kpi_cursor SET last_event_id = ?1 WHERE id = 1", &st);
    return rc ? rc : sq_run(tx, st, sq_bind_int(st, 1, last_event_id), "kpi_cursor_put");
}

/* The columns a period query reads for the counts by creation and close:
 * all in the covering indexes kpi_facts_created / kpi_facts_closed. */
#define DATED_COLS                                                                                 \
    "ticket_id, created_at, solved_at, closed_at, agent_id, group_id, channel, organization_id"

static op_rc dated_row(struct sq_row *r, void *out)
{
    struct kpi_facts *f = out;
    *f = (struct kpi_facts){0};
    f->ticket_id = sq_col_int(r, 0);
    f->created_at = sq_col_int(r, 1);
    f->solved_at = sq_col_int(r, 2);
    f->closed_at = sq_col_int(r, 3);
    f->agent_id = sq_col_int(r, 4);
    f->group_id = sq_col_int(r, 5);
    f->channel = (enum channel)sq_col_int(r, 6);
    f->organization_id = sq_col_int(r, 7);
    return OP_OK;
}

/* The WHERE clause of a period query (after "WHERE "), into b. */
static void period_where(struct sq_query *b, const struct kpi_query *q, enum kpi_when when)
{
    static const char *const col[] = {"solved_at", "created_at", "closed_at"};
    if (q->agent_id) {
        sq_q_sql(b, "agent_id = ? AND ");
        sq_q_int(b, q->agent_id);
    }
    sq_q_sql(b, "%s >= ? AND %s < ?", col[when], col[when]);
    sq_q_int(b, q->from);
    sq_q_int(b, q->to);
    if (q->group_id) {
        sq_q_sql(b, " AND group_id = ?");
        sq_q_int(b, q->group_id);
    }
}

static op_rc facts_count(struct store_tx *t, const struct kpi_query *q, enum kpi_when when,
                         int64_t *out)
{
    struct sq_tx *tx = sq_tx(t);
    struct sq_query b;
    sqlite3_stmt *st;
    sq_q_init(&b);
    sq_q_sql(&b, "SELECT count(*) FROM kpi_facts WHERE ");
    period_where(&b, q, when);
    op_rc rc = sq_q_prep(tx, &b, &st);
    sq_q_release(&b);
    return rc ? rc : sq_scalar(tx, st, out, "kpi_facts_count");
}

static op_rc facts_each(struct store_tx *t, const struct kpi_query *q, enum kpi_when when,
                        kpi_each_fn *fn, void *ctx)
{
    struct sq_tx *tx = sq_tx(t);
    struct sq_query b;
    sqlite3_stmt *st;
    sq_q_init(&b);
    sq_q_sql(&b, "SELECT %s FROM kpi_facts WHERE ",
             when == KPI_BY_SOLVED ? FACTS_COLS : DATED_COLS);
    period_where(&b, q, when);
    op_rc rc = sq_q_prep(tx, &b, &st);
    sq_q_release(&b);
    if (rc) return rc;
    struct sq_row r = {st, NULL, false};
    struct kpi_facts f;
    int src;
    while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
        rc = when == KPI_BY_SOLVED ? facts_row(&r, &f) : dated_row(&r, &f);
        if (!rc) rc = fn(ctx, &f);
    }
    if (!rc && src != SQLITE_DONE) rc = sq_fail(tx, src, "kpi_facts_each");
    sq_done(tx, st);
    return rc;
}

static op_rc facts_open_at(struct store_tx *t, op_time at, int64_t agent_id, int64_t group_id,
                           struct arena *a, struct kpi_facts **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    struct sq_query b;
    sqlite3_stmt *st;
    void *v = NULL;
    sq_q_init(&b);
    sq_q_sql(&b, "SELECT " FACTS_COLS " FROM kpi_facts WHERE created_at <= ?");
    sq_q_int(&b, at);
    sq_q_sql(&b, " AND (solved_at IS NULL OR solved_at > ?");
    sq_q_int(&b, at);
    sq_q_sql(&b, ")");
    if (agent_id) {
        sq_q_sql(&b, " AND agent_id = ?");
        sq_q_int(&b, agent_id);
    }
    if (group_id) {
        sq_q_sql(&b, " AND group_id = ?");
        sq_q_int(&b, group_id);
    }
    op_rc rc = sq_q_prep(tx, &b, &st);
    sq_q_release(&b);
    if (rc) return rc;
    rc = sq_list(tx, st, facts_row, sizeof(**out), a, &v, n, "kpi_facts_open_at");
    *out = v;
    return rc;
}

static op_rc online_row(struct sq_row *r, void *out)
{
    struct kpi_online *o = out;
    o->agent_id = sq_col_int(r, 0);
    o->ms = sq_col_int(r, 1);
    return OP_OK;
}

static op_rc online_ms(struct store_tx *t, int64_t agent_id, op_time from, op_time to, op_time now,
                       struct arena *a, struct kpi_online **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    void *v = NULL;
    /* status 1 = PRESENCE_ONLINE (core/team.h) */
    op_rc rc = sq_prep(tx,
                       "SELECT agent_id, sum(min(coalesce(end_at, ?4), ?3) - max(start_at, ?2)) "
                       "FROM presence_intervals WHERE status = 1 AND (?1 = 0 OR agent_id = ?1) "
                       "AND start_at < ?3 AND coalesce(end_at, ?4) > ?2 "
                       "GROUP BY agent_id HAVING sum(min(coalesce(end_at, ?4), ?3) - "
                       "max(start_at, ?2)) > 0 ORDER BY agent_id",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, agent_id);
    src = src ? src : sq_bind_int(st, 2, from);
    src = src ? src : sq_bind_int(st, 3, to);
    src = src ? src : sq_bind_int(st, 4, now);
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "kpi_online_ms");
    }
    rc = sq_list(tx, st, online_row, sizeof(**out), a, &v, n, "kpi_online_ms");
    *out = v;
    return rc;
}

const struct store_kpi_ops sqlite_kpi_ops = {
    .sources = sources,
    .max_ids = max_ids,
    .touched = touched,
    .staff_ids = staff_ids,
    .facts_put = facts_put,
    .facts_clear = facts_clear,
    .cursor_get = cursor_get,
    .cursor_put = cursor_put,
    .facts_each = facts_each,
    .facts_count = facts_count,
    .facts_open_at = facts_open_at,
    .online_ms = online_ms,
};
