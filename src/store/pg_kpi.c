/* pg_kpi.c - the KPI tables in PostgreSQL (store_kpi.h; schema:
 * migrations/pg/0005_kpi.sql): the queries of sqlite_kpi.c. */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_kpi.h"

static void bind_limit(struct pg_stmt *st, size_t limit)
{
    pg_bind_id(st, limit > INT64_MAX ? 0 : (int64_t)limit); /* 0: NULL, no limit */
}

/* ---- sources: tickets with their event logs ---- */

static op_rc source_row(struct pg_row *r, void *out)
{
    struct kpi_source *s = out;
    memset(s, 0, sizeof(*s));
    s->t.id = pg_col_int(r, 0);
    s->t.channel = (enum channel)pg_col_int(r, 1);
    s->t.organization_id = pg_col_int(r, 2);
    s->t.group_id = pg_col_int(r, 3);
    s->t.assignee_id = pg_col_int(r, 4);
    s->t.created_at = pg_col_int(r, 5);
    s->calendar_id = pg_col_int(r, 6);
    return OP_OK;
}

static op_rc kevent_row(struct pg_row *r, void *out)
{
    struct event *e = out;
    e->id = pg_col_int(r, 0);
    e->action_id = pg_col_int(r, 1);
    e->entity = ENTITY_TICKET;
    e->entity_id = pg_col_int(r, 2);
    e->at = pg_col_int(r, 3);
    e->actor_id = pg_col_int(r, 4);
    e->via = (enum via)pg_col_int(r, 5);
    e->kind = (enum event_kind)pg_col_int(r, 6);
    e->field = pg_col_text(r, 7);
    e->old_value = "";
    e->new_value = pg_col_text(r, 8);
    e->data = "";
    return OP_OK;
}

static op_rc sources(struct store_tx *t, int64_t from_id, int64_t to_id, struct arena *a,
                     struct kpi_source **out, size_t *n)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    void *v = NULL, *ve = NULL;
    size_t nev = 0;
    *out = NULL;
    *n = 0;
    pg_st_init(&st, "SELECT t.id, t.channel, t.organization_id, t.group_id, t.assignee_id, "
                    "t.created_at, (SELECT calendar_id FROM ticket_sla s WHERE s.ticket_id = t.id) "
                    "FROM tickets t WHERE t.id BETWEEN $1 AND $2 ORDER BY t.id");
    pg_bind_int(&st, from_id);
    pg_bind_int(&st, to_id);
    op_rc rc = pg_list(tx, &st, source_row, sizeof(**out), a, &v, n, "kpi_sources");
    if (rc || !*n) return rc;
    struct kpi_source *s = v;
    pg_st_init(&st, "SELECT id, coalesce(action_id, id), entity_id, at, actor_id, via, kind, "
                    "field, new_value FROM events WHERE entity = 0 AND entity_id BETWEEN $1 AND $2 "
                    "ORDER BY entity_id, id");
    pg_bind_int(&st, s[0].t.id);
    pg_bind_int(&st, s[*n - 1].t.id);
    if ((rc = pg_list(tx, &st, kevent_row, sizeof(struct event), a, &ve, &nev, "kpi_sources")))
        return rc;
    struct event *ev = ve;
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
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT coalesce(max(id), 0) FROM tickets");
    op_rc rc = pg_scalar(tx, &st, ticket_id, "kpi_max_ids");
    if (rc) return rc;
    pg_st_init(&st, "SELECT coalesce(max(id), 0) FROM events");
    return pg_scalar(tx, &st, event_id, "kpi_max_ids");
}

static op_rc touched(struct store_tx *t, int64_t after_id, size_t limit, struct arena *a,
                     struct id_list *tickets, int64_t *last)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    int64_t hi = 0;
    *tickets = (struct id_list){0};
    *last = after_id;
    pg_st_init(&st, "SELECT coalesce(max(id), 0) FROM (SELECT id FROM events WHERE id > $1 "
                    "ORDER BY id LIMIT $2) x");
    pg_bind_int(&st, after_id);
    bind_limit(&st, limit);
    op_rc rc = pg_scalar(tx, &st, &hi, "kpi_touched");
    if (rc || hi <= after_id) return rc;
    pg_st_init(&st, "SELECT DISTINCT entity_id FROM events WHERE id > $1 AND id <= $2 "
                    "AND entity = 0 ORDER BY entity_id");
    pg_bind_int(&st, after_id);
    pg_bind_int(&st, hi);
    if ((rc = pg_list_ids(tx, &st, a, tickets))) return rc;
    *last = hi;
    return OP_OK;
}

static op_rc staff_ids(struct store_tx *t, struct arena *a, struct id_list *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT id FROM users WHERE role IN (1, 2, 3) ORDER BY id");
    return pg_list_ids(pg_tx(t), &st, a, out);
}

/* ---- facts ---- */

#define FACTS_COLS                                                                                 \
    "ticket_id, created_at, solved_at, closed_at, first_response_at, agent_id, group_id, "         \
    "channel, organization_id, frt_cal, frt_bus, res_cal, res_bus, wait_cal, wait_bus, "           \
    "nr_worst_cal, nr_worst_bus, nr_n, nr_sum_cal, nr_sum_bus, aht_ms, public_replies, "           \
    "reopens, esc_l1_l2, esc_l2_tech, esc_other, handed_back, sla_met_fr, sla_br_fr, "             \
    "sla_met_nr, sla_br_nr, sla_met_res, sla_br_res, last_event_id"
#define FACTS_NCOLS 34

static void bind_dur(struct pg_stmt *st, int64_t v)
{
    if (v == KPI_NONE)
        pg_bind_id(st, 0); /* NULL */
    else
        pg_bind_int(st, v);
}

static int64_t col_dur(struct pg_row *r, int c)
{
    return PQgetisnull(r->res, r->i, c) ? KPI_NONE : pg_col_int(r, c);
}

static op_rc facts_row(struct pg_row *r, void *out)
{
    struct kpi_facts *f = out;
    int c = 0;
    *f = (struct kpi_facts){0};
    f->ticket_id = pg_col_int(r, c++);
    f->created_at = pg_col_int(r, c++);
    f->solved_at = pg_col_int(r, c++);
    f->closed_at = pg_col_int(r, c++);
    f->first_response_at = pg_col_int(r, c++);
    f->agent_id = pg_col_int(r, c++);
    f->group_id = pg_col_int(r, c++);
    f->channel = (enum channel)pg_col_int(r, c++);
    f->organization_id = pg_col_int(r, c++);
    f->first_response.cal = col_dur(r, c++);
    f->first_response.bus = col_dur(r, c++);
    f->resolution.cal = col_dur(r, c++);
    f->resolution.bus = col_dur(r, c++);
    f->requester_wait.cal = col_dur(r, c++);
    f->requester_wait.bus = col_dur(r, c++);
    f->next_worst.cal = col_dur(r, c++);
    f->next_worst.bus = col_dur(r, c++);
    f->next_n = pg_col_int(r, c++);
    f->next_sum_cal = pg_col_int(r, c++);
    f->next_sum_bus = pg_col_int(r, c++);
    f->aht_ms = pg_col_int(r, c++);
    f->public_replies = (int32_t)pg_col_int(r, c++);
    f->reopens = (int32_t)pg_col_int(r, c++);
    f->esc_l1_l2 = (int32_t)pg_col_int(r, c++);
    f->esc_l2_tech = (int32_t)pg_col_int(r, c++);
    f->esc_other = (int32_t)pg_col_int(r, c++);
    f->handed_back = (int32_t)pg_col_int(r, c++);
    for (int m = 0; m < 3; m++) {
        f->sla_met[m] = (int32_t)pg_col_int(r, c++);
        f->sla_breached[m] = (int32_t)pg_col_int(r, c++);
    }
    f->last_event_id = pg_col_int(r, c++);
    assert(c == FACTS_NCOLS);
    return OP_OK;
}

static op_rc facts_put(struct store_tx *t, const struct kpi_facts *f)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO kpi_facts(" FACTS_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, "
                    "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
                    "$23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34) "
                    "ON CONFLICT(ticket_id) DO UPDATE SET created_at = excluded.created_at, "
                    "solved_at = excluded.solved_at, closed_at = excluded.closed_at, "
                    "first_response_at = excluded.first_response_at, "
                    "agent_id = excluded.agent_id, group_id = excluded.group_id, "
                    "channel = excluded.channel, organization_id = excluded.organization_id, "
                    "frt_cal = excluded.frt_cal, frt_bus = excluded.frt_bus, "
                    "res_cal = excluded.res_cal, res_bus = excluded.res_bus, "
                    "wait_cal = excluded.wait_cal, wait_bus = excluded.wait_bus, "
                    "nr_worst_cal = excluded.nr_worst_cal, nr_worst_bus = excluded.nr_worst_bus, "
                    "nr_n = excluded.nr_n, nr_sum_cal = excluded.nr_sum_cal, "
                    "nr_sum_bus = excluded.nr_sum_bus, aht_ms = excluded.aht_ms, "
                    "public_replies = excluded.public_replies, reopens = excluded.reopens, "
                    "esc_l1_l2 = excluded.esc_l1_l2, esc_l2_tech = excluded.esc_l2_tech, "
                    "esc_other = excluded.esc_other, handed_back = excluded.handed_back, "
                    "sla_met_fr = excluded.sla_met_fr, sla_br_fr = excluded.sla_br_fr, "
                    "sla_met_nr = excluded.sla_met_nr, sla_br_nr = excluded.sla_br_nr, "
                    "sla_met_res = excluded.sla_met_res, sla_br_res = excluded.sla_br_res, "
                    "last_event_id = excluded.last_event_id");
    pg_bind_int(&st, f->ticket_id);
    pg_bind_int(&st, f->created_at);
    pg_bind_id(&st, f->solved_at);
    pg_bind_id(&st, f->closed_at);
    pg_bind_id(&st, f->first_response_at);
    pg_bind_id(&st, f->agent_id);
    pg_bind_id(&st, f->group_id);
    pg_bind_int(&st, f->channel);
    pg_bind_id(&st, f->organization_id);
    bind_dur(&st, f->first_response.cal);
    bind_dur(&st, f->first_response.bus);
    bind_dur(&st, f->resolution.cal);
    bind_dur(&st, f->resolution.bus);
    bind_dur(&st, f->requester_wait.cal);
    bind_dur(&st, f->requester_wait.bus);
    bind_dur(&st, f->next_worst.cal);
    bind_dur(&st, f->next_worst.bus);
    pg_bind_int(&st, f->next_n);
    pg_bind_int(&st, f->next_sum_cal);
    pg_bind_int(&st, f->next_sum_bus);
    pg_bind_int(&st, f->aht_ms);
    pg_bind_int(&st, f->public_replies);
    pg_bind_int(&st, f->reopens);
    pg_bind_int(&st, f->esc_l1_l2);
    pg_bind_int(&st, f->esc_l2_tech);
    pg_bind_int(&st, f->esc_other);
    pg_bind_int(&st, f->handed_back);
    for (int m = 0; m < 3; m++) {
        pg_bind_int(&st, f->sla_met[m]);
        pg_bind_int(&st, f->sla_breached[m]);
    }
    pg_bind_int(&st, f->last_event_id);
    assert(st.rc || st.n == FACTS_NCOLS);
    return pg_run(pg_tx(t), &st, NULL, "kpi_facts_put");
}

static op_rc facts_clear(struct store_tx *t)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM kpi_facts");
    return pg_run(pg_tx(t), &st, NULL, "kpi_facts_clear");
}

static op_rc cursor_get(struct store_tx *t, int64_t *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT last_event_id FROM kpi_cursor WHERE id = 1");
    return pg_scalar(pg_tx(t), &st, out, "kpi_cursor_get");
}

static op_rc cursor_put(struct store_tx *t, int64_t last_event_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE kpi_cursor SET last_event_id = $1 WHERE id = 1");
    pg_bind_int(&st, last_event_id);
    return pg_run(pg_tx(t), &st, NULL, "kpi_cursor_put");
}

#define DATED_COLS                                                                                 \
    "ticket_id, created_at, solved_at, closed_at, agent_id, group_id, channel, organization_id"

static op_rc dated_row(struct pg_row *r, void *out)
{
    struct kpi_facts *f = out;
    *f = (struct kpi_facts){0};
    f->ticket_id = pg_col_int(r, 0);
    f->created_at = pg_col_int(r, 1);
    f->solved_at = pg_col_int(r, 2);
    f->closed_at = pg_col_int(r, 3);
    f->agent_id = pg_col_int(r, 4);
    f->group_id = pg_col_int(r, 5);
    f->channel = (enum channel)pg_col_int(r, 6);
    f->organization_id = pg_col_int(r, 7);
    return OP_OK;
}

static void period_where(struct pg_query *b, const struct kpi_query *q, enum kpi_when when)
{
    static const char *const col[] = {"solved_at", "created_at", "closed_at"};
    if (q->agent_id) {
        pg_q_sql(b, "agent_id = ? AND ");
        pg_q_int(b, q->agent_id);
    }
    pg_q_sql(b, "%s >= ? AND %s < ?", col[when], col[when]);
    pg_q_int(b, q->from);
    pg_q_int(b, q->to);
    if (q->group_id) {
        pg_q_sql(b, " AND group_id = ?");
        pg_q_int(b, q->group_id);
    }
}

static op_rc facts_count(struct store_tx *t, const struct kpi_query *q, enum kpi_when when,
                         int64_t *out)
{
    struct pg_query b;
    struct pg_stmt *st;
    pg_q_init(&b);
    pg_q_sql(&b, "SELECT count(*) FROM kpi_facts WHERE ");
    period_where(&b, q, when);
    op_rc rc = pg_q_stmt(&b, &st);
    if (rc == OP_OK) rc = pg_scalar(pg_tx(t), st, out, "kpi_facts_count");
    pg_q_release(&b);
    return rc;
}

/* Rows are read from one result (PostgreSQL sends them all): a period's
 * facts are some hundred bytes a ticket. */
static op_rc facts_each(struct store_tx *t, const struct kpi_query *q, enum kpi_when when,
                        kpi_each_fn *fn, void *ctx)
{
    struct pg_query b;
    struct pg_stmt *st;
    PGresult *res = NULL;
    pg_q_init(&b);
    pg_q_sql(&b, "SELECT %s FROM kpi_facts WHERE ",
             when == KPI_BY_SOLVED ? FACTS_COLS : DATED_COLS);
    period_where(&b, q, when);
    op_rc rc = pg_q_stmt(&b, &st);
    if (rc == OP_OK) rc = pg_exec(pg_tx(t), st, &res, "kpi_facts_each");
    pg_q_release(&b);
    if (rc) return rc;
    struct pg_row r = {res, 0, NULL, false};
    struct kpi_facts f;
    int rows = PQntuples(res);
    for (int i = 0; i < rows && rc == OP_OK; i++) {
        r.i = i;
        rc = when == KPI_BY_SOLVED ? facts_row(&r, &f) : dated_row(&r, &f);
        if (rc == OP_OK) rc = fn(ctx, &f);
    }
    PQclear(res);
    return rc;
}

static op_rc facts_open_at(struct store_tx *t, op_time at, int64_t agent_id, int64_t group_id,
                           struct arena *a, struct kpi_facts **out, size_t *n)
{
    struct pg_query b;
    struct pg_stmt *st;
    void *v = NULL;
    *n = 0;
    pg_q_init(&b);
    pg_q_sql(&b, "SELECT " FACTS_COLS " FROM kpi_facts WHERE created_at <= ?");
    pg_q_int(&b, at);
    pg_q_sql(&b, " AND (solved_at IS NULL OR solved_at > ?)");
    pg_q_int(&b, at);
    if (agent_id) {
        pg_q_sql(&b, " AND agent_id = ?");
        pg_q_int(&b, agent_id);
    }
    if (group_id) {
        pg_q_sql(&b, " AND group_id = ?");
        pg_q_int(&b, group_id);
    }
    op_rc rc = pg_q_stmt(&b, &st);
    if (rc == OP_OK)
        rc = pg_list(pg_tx(t), st, facts_row, sizeof(**out), a, &v, n, "kpi_facts_open_at");
    pg_q_release(&b);
    *out = v;
    return rc;
}

static op_rc online_row(struct pg_row *r, void *out)
{
    struct kpi_online *o = out;
    o->agent_id = pg_col_int(r, 0);
    o->ms = pg_col_int(r, 1);
    return OP_OK;
}

static op_rc online_ms(struct store_tx *t, int64_t agent_id, op_time from, op_time to, op_time now,
                       struct arena *a, struct kpi_online **out, size_t *n)
{
    struct pg_stmt st;
    void *v = NULL;
    /* status 1 = PRESENCE_ONLINE (core/team.h) */
    pg_st_init(&st,
               "SELECT agent_id, sum(least(coalesce(end_at, $4), $3) - greatest(start_at, $2)) "
               "FROM presence_intervals WHERE status = 1 AND ($1::bigint = 0 OR agent_id = $1) "
               "AND start_at < $3 AND coalesce(end_at, $4) > $2 "
               "GROUP BY agent_id HAVING sum(least(coalesce(end_at, $4), $3) - "
               "greatest(start_at, $2)) > 0 ORDER BY agent_id");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, from);
    pg_bind_int(&st, to);
    pg_bind_int(&st, now);
    op_rc rc = pg_list(pg_tx(t), &st, online_row, sizeof(**out), a, &v, n, "kpi_online_ms");
    *out = v;
    return rc;
}

const struct store_kpi_ops pg_kpi_ops = {
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
