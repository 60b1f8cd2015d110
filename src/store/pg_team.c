/* pg_team.c - the team's tables in PostgreSQL (store_team.h): the queries
 * of sqlite_team.c, with PostgreSQL's spelling (string_agg, greatest,
 * lower() for COLLATE NOCASE). */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_team.h"

/* Shifts last at most a day, and a DST change adds an hour: an entry that
 * overlaps [start, end) starts after start - 25 h, which bounds the scan. */
#define SHIFT_LOOKBACK_MS ((int64_t)25 * 3600 * 1000)

/* LIMIT for a caller's limit: 0 means none (NULL). */
static void bind_limit(struct pg_stmt *st, size_t limit)
{
    pg_bind_id(st, limit > INT64_MAX ? 0 : (int64_t)limit);
}

/* ---- shift templates ---- */

#define SHIFT_COLS "id, name, start_min, duration_min, time_zone, created_at, updated_at"

static op_rc shift_row(struct pg_row *r, void *out)
{
    struct shift_template *s = out;
    s->id = pg_col_int(r, 0);
    s->name = pg_col_text(r, 1);
    s->start_min = (int)pg_col_int(r, 2);
    s->duration_min = (int)pg_col_int(r, 3);
    s->time_zone = pg_col_text(r, 4);
    s->created_at = pg_col_int(r, 5);
    s->updated_at = pg_col_int(r, 6);
    return OP_OK;
}

static void shift_bind(struct pg_stmt *st, const struct shift_template *s)
{
    pg_bind_text(st, s->name);
    pg_bind_int(st, s->start_min);
    pg_bind_int(st, s->duration_min);
    pg_bind_text(st, s->time_zone);
    pg_bind_int(st, s->created_at);
    pg_bind_int(st, s->updated_at);
}

static op_rc shift_insert(struct store_tx *t, struct shift_template *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO shift_templates(name, start_min, duration_min, time_zone, "
                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    shift_bind(&st, s);
    return pg_run_insert(pg_tx(t), &st, &s->id, "shift_insert");
}

static op_rc shift_update(struct store_tx *t, const struct shift_template *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE shift_templates SET name = $1, start_min = $2, duration_min = $3, "
                    "time_zone = $4, created_at = $5, updated_at = $6 WHERE id = $7");
    shift_bind(&st, s);
    pg_bind_int(&st, s->id);
    return pg_run_update(pg_tx(t), &st, "shift_update");
}

static op_rc shift_get(struct store_tx *t, int64_t id, struct arena *a, struct shift_template *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SHIFT_COLS " FROM shift_templates WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, shift_row, a, out, "shift_get");
}

static op_rc shift_get_by_name(struct store_tx *t, const char *name, struct arena *a,
                               struct shift_template *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SHIFT_COLS " FROM shift_templates WHERE lower(name) = lower($1)");
    pg_bind_text(&st, name);
    return pg_one(pg_tx(t), &st, shift_row, a, out, "shift_get_by_name");
}

static op_rc shift_list(struct store_tx *t, struct arena *a, struct shift_template **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SHIFT_COLS " FROM shift_templates ORDER BY start_min, id");
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, shift_row, sizeof(**out), a, &v, n, "shift_list");
    *out = v;
    return rc;
}

static op_rc shift_delete(struct store_tx *t, int64_t id)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    int64_t used = 0;
    pg_st_init(&st, "SELECT EXISTS(SELECT 1 FROM rota_entries WHERE shift_id = $1)");
    pg_bind_int(&st, id);
    op_rc rc = pg_scalar(tx, &st, &used, "shift_delete");
    if (rc) return rc;
    if (used) return OP_ERR_CONFLICT;
    pg_st_init(&st, "DELETE FROM shift_templates WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(tx, &st, "shift_delete");
}

/* ---- the rota ---- */

#define ROTA_COLS                                                                                  \
    "r.id, r.agent_id, r.date, r.shift_id, r.start_at, r.end_at, r.created_by, r.created_at, "     \
    "s.name"
#define ROTA_FROM " FROM rota_entries r JOIN shift_templates s ON s.id = r.shift_id"

static op_rc rota_row(struct pg_row *r, void *out)
{
    struct rota_entry *e = out;
    e->id = pg_col_int(r, 0);
    e->agent_id = pg_col_int(r, 1);
    e->date = (int32_t)pg_col_int(r, 2);
    e->shift_id = pg_col_int(r, 3);
    e->start_at = pg_col_int(r, 4);
    e->end_at = pg_col_int(r, 5);
    e->created_by = pg_col_int(r, 6);
    e->created_at = pg_col_int(r, 7);
    e->shift_name = pg_col_text(r, 8);
    return OP_OK;
}

static op_rc rota_insert(struct store_tx *t, struct rota_entry *e)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO rota_entries(agent_id, date, shift_id, start_at, end_at, "
                    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
    pg_bind_int(&st, e->agent_id);
    pg_bind_int(&st, e->date);
    pg_bind_int(&st, e->shift_id);
    pg_bind_int(&st, e->start_at);
    pg_bind_int(&st, e->end_at);
    pg_bind_id(&st, e->created_by);
    pg_bind_int(&st, e->created_at);
    return pg_run_insert(pg_tx(t), &st, &e->id, "rota_insert");
}

static op_rc rota_get(struct store_tx *t, int64_t id, struct arena *a, struct rota_entry *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " ROTA_COLS ROTA_FROM " WHERE r.id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, rota_row, a, out, "rota_get");
}

static op_rc rota_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM rota_entries WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "rota_delete");
}

static op_rc rota_list(struct store_tx *t, const struct rota_filter *f, struct arena *a,
                       struct rota_entry **out, size_t *n)
{
    struct pg_query q;
    struct pg_stmt *st;
    *out = NULL;
    *n = 0;
    pg_q_init(&q);
    pg_q_sql(&q, "SELECT " ROTA_COLS ROTA_FROM " WHERE r.date BETWEEN ? AND ?");
    pg_q_int(&q, f->from);
    pg_q_int(&q, f->to);
    if (f->agent_id > 0) {
        pg_q_sql(&q, " AND r.agent_id = ?");
        pg_q_int(&q, f->agent_id);
    }
    if (f->group_id > 0) {
        pg_q_sql(&q, " AND r.agent_id IN (SELECT user_id FROM group_members WHERE group_id = ?)");
        pg_q_int(&q, f->group_id);
    }
    pg_q_sql(&q, " ORDER BY r.date, r.agent_id, r.start_at");
    op_rc rc = pg_q_stmt(&q, &st);
    if (rc == OP_OK) {
        void *v;
        rc = pg_list(pg_tx(t), st, rota_row, sizeof(**out), a, &v, n, "rota_list");
        *out = v;
    }
    pg_q_release(&q);
    return rc;
}

static op_rc rota_overlap(struct store_tx *t, int64_t agent_id, op_time start, op_time end,
                          int64_t except_id, struct arena *a, struct rota_entry *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " ROTA_COLS ROTA_FROM " WHERE r.agent_id = $1 AND r.start_at < $3 "
                    "AND r.start_at > $2::bigint - $5::bigint AND r.end_at > $2 AND r.id <> $4 "
                    "ORDER BY r.start_at LIMIT 1");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, start);
    pg_bind_int(&st, end);
    pg_bind_int(&st, except_id);
    pg_bind_int(&st, SHIFT_LOOKBACK_MS);
    return pg_one(pg_tx(t), &st, rota_row, a, out, "rota_overlap");
}

/* ---- on-call ---- */

#define ONCALL_COLS "id, agent_id, start_at, end_at, note, created_by, created_at"

static op_rc oncall_row(struct pg_row *r, void *out)
{
    struct oncall *o = out;
    o->id = pg_col_int(r, 0);
    o->agent_id = pg_col_int(r, 1);
    o->start_at = pg_col_int(r, 2);
    o->end_at = pg_col_int(r, 3);
    o->note = r->a ? pg_col_text(r, 4) : NULL;
    o->created_by = pg_col_int(r, 5);
    o->created_at = pg_col_int(r, 6);
    return OP_OK;
}

static void oncall_bind(struct pg_stmt *st, const struct oncall *o)
{
    pg_bind_int(st, o->agent_id);
    pg_bind_int(st, o->start_at);
    pg_bind_int(st, o->end_at);
    pg_bind_text(st, o->note);
    pg_bind_id(st, o->created_by);
    pg_bind_int(st, o->created_at);
}

static op_rc oncall_insert(struct store_tx *t, struct oncall *o)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO oncall_periods(agent_id, start_at, end_at, note, created_by, "
                    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    oncall_bind(&st, o);
    return pg_run_insert(pg_tx(t), &st, &o->id, "oncall_insert");
}

static op_rc oncall_update(struct store_tx *t, const struct oncall *o)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE oncall_periods SET agent_id = $1, start_at = $2, end_at = $3, "
                    "note = $4, created_by = $5, created_at = $6 WHERE id = $7");
    oncall_bind(&st, o);
    pg_bind_int(&st, o->id);
    return pg_run_update(pg_tx(t), &st, "oncall_update");
}

static op_rc oncall_get(struct store_tx *t, int64_t id, struct arena *a, struct oncall *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " ONCALL_COLS " FROM oncall_periods WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, oncall_row, a, out, "oncall_get");
}

static op_rc oncall_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM oncall_periods WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "oncall_delete");
}

static op_rc oncall_list(struct store_tx *t, int64_t agent_id, op_time from, op_time to,
                         struct arena *a, struct oncall **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, agent_id > 0 ? "SELECT " ONCALL_COLS " FROM oncall_periods WHERE agent_id = $3 "
                                   "AND start_at < $2 AND end_at > $1 ORDER BY start_at, id"
                                 : "SELECT " ONCALL_COLS " FROM oncall_periods WHERE start_at < $2 "
                                   "AND end_at > $1 ORDER BY start_at, id");
    pg_bind_int(&st, from);
    pg_bind_int(&st, to);
    if (agent_id > 0) pg_bind_int(&st, agent_id);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, oncall_row, sizeof(**out), a, &v, n, "oncall_list");
    *out = v;
    return rc;
}

static op_rc oncall_overlap(struct store_tx *t, int64_t agent_id, op_time start, op_time end,
                            int64_t except_id, struct oncall *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " ONCALL_COLS " FROM oncall_periods WHERE agent_id = $1 "
                    "AND start_at < $3 AND end_at > $2 AND id <> $4 ORDER BY start_at LIMIT 1");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, start);
    pg_bind_int(&st, end);
    pg_bind_int(&st, except_id);
    return pg_one(pg_tx(t), &st, oncall_row, NULL, out, "oncall_overlap");
}

/* ---- presence ---- */

#define PRESENCE_COLS "id, agent_id, status, source, start_at, coalesce(end_at, 0)"

static op_rc presence_row(struct pg_row *r, void *out)
{
    struct presence_interval *p = out;
    p->id = pg_col_int(r, 0);
    p->agent_id = pg_col_int(r, 1);
    p->status = (enum presence_status)pg_col_int(r, 2);
    p->source = (enum presence_source)pg_col_int(r, 3);
    p->start_at = pg_col_int(r, 4);
    p->end_at = pg_col_int(r, 5);
    return OP_OK;
}

static op_rc presence_current(struct store_tx *t, int64_t agent_id, struct presence_interval *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " PRESENCE_COLS " FROM presence_intervals "
                    "WHERE agent_id = $1 AND end_at IS NULL");
    pg_bind_int(&st, agent_id);
    return pg_one(pg_tx(t), &st, presence_row, NULL, out, "presence_current");
}

static op_rc presence_set(struct store_tx *t, int64_t agent_id, enum presence_status status,
                          enum presence_source source, op_time at, struct presence_interval *out)
{
    struct pg_tx *tx = pg_tx(t);
    struct presence_interval cur;
    struct pg_stmt st;
    op_rc rc = presence_current(t, agent_id, &cur);
    if (rc == OP_OK) {
        /* intervals never run backwards, even if clocks of nodes differ */
        if (at < cur.start_at) at = cur.start_at;
        pg_st_init(&st, "UPDATE presence_intervals SET end_at = $2 WHERE id = $1");
        pg_bind_int(&st, cur.id);
        pg_bind_int(&st, at);
        if ((rc = pg_run_update(tx, &st, "presence_set"))) return rc;
    } else if (rc != OP_ERR_NOTFOUND) {
        return rc;
    }
    pg_st_init(&st, "INSERT INTO presence_intervals(agent_id, status, source, start_at) "
                    "VALUES ($1, $2, $3, $4) RETURNING id");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, status);
    pg_bind_int(&st, source);
    pg_bind_int(&st, at);
    *out = (struct presence_interval){
        .agent_id = agent_id, .status = status, .source = source, .start_at = at};
    return pg_run_insert(tx, &st, &out->id, "presence_set");
}

static op_rc presence_list(struct store_tx *t, int64_t agent_id, op_time from, op_time to,
                           struct arena *a, struct presence_interval **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " PRESENCE_COLS " FROM presence_intervals WHERE agent_id = $1 "
                    "AND start_at < $3 AND (end_at IS NULL OR end_at > $2) "
                    "ORDER BY start_at, id");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, from);
    pg_bind_int(&st, to);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, presence_row, sizeof(**out), a, &v, n, "presence_list");
    *out = v;
    return rc;
}

static op_rc watch_row(struct pg_row *r, void *out)
{
    struct presence_watch *w = out;
    presence_row(r, &w->cur);
    w->last_active_at = pg_col_int(r, 6);
    w->live_session = pg_col_int(r, 7) != 0;
    return OP_OK;
}

static op_rc presence_open_all(struct store_tx *t, op_time now, struct arena *a,
                               struct presence_watch **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT p.id, p.agent_id, p.status, p.source, p.start_at, 0, "
                    "coalesce(x.last_active_at, 0), "
                    "EXISTS(SELECT 1 FROM sessions s WHERE s.user_id = p.agent_id "
                    "AND s.expires_at > $1) "
                    "FROM presence_intervals p LEFT JOIN agent_activity x "
                    "ON x.agent_id = p.agent_id WHERE p.end_at IS NULL AND p.status <> 0 "
                    "ORDER BY p.agent_id");
    pg_bind_int(&st, now);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, watch_row, sizeof(**out), a, &v, n, "presence_open_all");
    *out = v;
    return rc;
}

static op_rc activity_touch(struct store_tx *t, int64_t agent_id, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO agent_activity(agent_id, last_active_at) VALUES ($1, $2) "
                    "ON CONFLICT(agent_id) DO UPDATE SET last_active_at = "
                    "greatest(agent_activity.last_active_at, excluded.last_active_at)");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, at);
    return pg_run(pg_tx(t), &st, NULL, "activity_touch");
}

/* ---- languages ---- */

static op_rc lang_row(struct pg_row *r, void *out)
{
    *(char **)out = pg_col_text(r, 0);
    return OP_OK;
}

static op_rc languages_get(struct store_tx *t, int64_t user_id, struct arena *a,
                           struct str_list *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT language FROM agent_languages WHERE user_id = $1 "
                    "ORDER BY language COLLATE \"C\"");
    pg_bind_int(&st, user_id);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, lang_row, sizeof(char *), a, &v, &out->n, "languages_get");
    out->v = v;
    return rc;
}

static op_rc languages_set(struct store_tx *t, int64_t user_id, const struct str_list *langs)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM agent_languages WHERE user_id = $1");
    pg_bind_int(&st, user_id);
    op_rc rc = pg_run(tx, &st, NULL, "languages_set");
    for (size_t i = 0; i < langs->n && rc == OP_OK; i++) {
        pg_st_init(&st, "INSERT INTO agent_languages(user_id, language) VALUES ($1, $2)");
        pg_bind_int(&st, user_id);
        pg_bind_text(&st, langs->v[i]);
        rc = pg_run(tx, &st, NULL, "languages_set");
    }
    return rc;
}

/* ---- routing ---- */

static op_rc routing_row(struct pg_row *r, void *out)
{
    struct routing_settings *s = out;
    s->group_id = pg_col_int(r, 0);
    s->mode = (enum routing_mode)pg_col_int(r, 1);
    s->cap = (int)pg_col_int(r, 2);
    s->reassign_after_min = (int)pg_col_int(r, 3);
    s->lang_rule = (enum routing_lang)pg_col_int(r, 4);
    s->rr_last_agent_id = pg_col_int(r, 5);
    s->updated_at = pg_col_int(r, 6);
    return OP_OK;
}

static op_rc routing_get(struct store_tx *t, int64_t group_id, struct routing_settings *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT group_id, mode, cap, reassign_after_min, lang_rule, "
                    "rr_last_agent_id, updated_at FROM group_routing WHERE group_id = $1");
    pg_bind_int(&st, group_id);
    op_rc rc = pg_one(pg_tx(t), &st, routing_row, NULL, out, "routing_get");
    if (rc == OP_ERR_NOTFOUND) {
        *out = (struct routing_settings){.group_id = group_id};
        rc = OP_OK;
    }
    return rc;
}

static op_rc routing_put(struct store_tx *t, const struct routing_settings *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO group_routing(group_id, mode, cap, reassign_after_min, "
                    "lang_rule, rr_last_agent_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "ON CONFLICT(group_id) DO UPDATE SET mode = excluded.mode, "
                    "cap = excluded.cap, reassign_after_min = excluded.reassign_after_min, "
                    "lang_rule = excluded.lang_rule, updated_at = excluded.updated_at");
    pg_bind_int(&st, s->group_id);
    pg_bind_int(&st, s->mode);
    pg_bind_int(&st, s->cap);
    pg_bind_int(&st, s->reassign_after_min);
    pg_bind_int(&st, s->lang_rule);
    pg_bind_int(&st, s->rr_last_agent_id);
    pg_bind_int(&st, s->updated_at);
    return pg_run(pg_tx(t), &st, NULL, "routing_put");
}

static op_rc routing_picked(struct store_tx *t, int64_t group_id, int64_t agent_id, op_time at)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE group_routing SET rr_last_agent_id = $2 WHERE group_id = $1");
    pg_bind_int(&st, group_id);
    pg_bind_int(&st, agent_id);
    op_rc rc = pg_run(tx, &st, NULL, "routing_picked");
    if (rc) return rc;
    pg_st_init(&st, "INSERT INTO agent_activity(agent_id, last_assigned_at) VALUES ($1, $2) "
                    "ON CONFLICT(agent_id) DO UPDATE SET last_assigned_at = "
                    "excluded.last_assigned_at");
    pg_bind_int(&st, agent_id);
    pg_bind_int(&st, at);
    return pg_run(tx, &st, NULL, "routing_picked");
}

static op_rc candidate_row(struct pg_row *r, void *out)
{
    struct route_candidate *c = out;
    c->agent_id = pg_col_int(r, 0);
    c->on_shift = pg_col_int(r, 1) != 0;
    c->online = pg_col_int(r, 2) == PRESENCE_ONLINE;
    c->open_tickets = pg_col_int(r, 3);
    c->languages = pg_col_text(r, 4);
    c->last_assigned_at = pg_col_int(r, 5);
    return OP_OK;
}

static op_rc routing_candidates(struct store_tx *t, int64_t group_id, op_time now, struct arena *a,
                                struct route_candidate **out, size_t *n)
{
    struct pg_stmt st;
    /* status < 4: new, open, pending, on hold (core/types.h) */
    pg_st_init(&st, "SELECT u.id, "
                    "EXISTS(SELECT 1 FROM rota_entries r WHERE r.agent_id = u.id "
                    "AND r.start_at <= $2 AND r.start_at > $2::bigint - $3::bigint AND r.end_at > $2), "
                    "coalesce((SELECT p.status FROM presence_intervals p "
                    "WHERE p.agent_id = u.id AND p.end_at IS NULL), 0), "
                    "(SELECT count(*) FROM tickets k WHERE k.assignee_id = u.id "
                    "AND k.status < 4), "
                    "coalesce((SELECT string_agg(language, ' ' ORDER BY language COLLATE \"C\") "
                    "FROM agent_languages l WHERE l.user_id = u.id), ''), "
                    "coalesce((SELECT x.last_assigned_at FROM agent_activity x "
                    "WHERE x.agent_id = u.id), 0) "
                    "FROM group_members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.group_id = $1 AND u.active = 1 AND u.role <> 0 ORDER BY u.id");
    pg_bind_int(&st, group_id);
    pg_bind_int(&st, now);
    pg_bind_int(&st, SHIFT_LOOKBACK_MS);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, candidate_row, sizeof(**out), a, &v, n, "routing_candidates");
    *out = v;
    return rc;
}

/* ---- reassign checks ---- */

static op_rc reassign_cancel(struct store_tx *t, int64_t ticket_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM reassign_checks WHERE ticket_id = $1 AND fired_at IS NULL");
    pg_bind_int(&st, ticket_id);
    return pg_run(pg_tx(t), &st, NULL, "reassign_cancel");
}

static op_rc reassign_add(struct store_tx *t, int64_t ticket_id, int64_t assignee_id,
                          op_time assigned_at, op_time due_at)
{
    op_rc rc = reassign_cancel(t, ticket_id);
    if (rc) return rc;
    struct pg_stmt st;
    int64_t id;
    pg_st_init(&st, "INSERT INTO reassign_checks(ticket_id, assignee_id, assigned_at, due_at) "
                    "VALUES ($1, $2, $3, $4) RETURNING id");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, assignee_id);
    pg_bind_int(&st, assigned_at);
    pg_bind_int(&st, due_at);
    return pg_run_insert(pg_tx(t), &st, &id, "reassign_add");
}

static op_rc check_row(struct pg_row *r, void *out)
{
    struct reassign_check *c = out;
    c->id = pg_col_int(r, 0);
    c->ticket_id = pg_col_int(r, 1);
    c->assignee_id = pg_col_int(r, 2);
    c->assigned_at = pg_col_int(r, 3);
    c->due_at = pg_col_int(r, 4);
    return OP_OK;
}

static op_rc reassign_claim(struct store_tx *t, const char *owner, op_time now, op_time until,
                            size_t limit, struct arena *a, struct reassign_check **out, size_t *n)
{
    struct pg_stmt st;
    /* one statement: the checks due and free are leased to owner as they
     * are picked (SKIP LOCKED: rows another transaction is claiming are
     * left to it) */
    pg_st_init(&st, "UPDATE reassign_checks SET lease_owner = $2, lease_until = $3 "
                    "WHERE id IN (SELECT id FROM reassign_checks WHERE fired_at IS NULL "
                    "AND due_at <= $1 AND lease_until <= $1 ORDER BY due_at, id LIMIT $4 "
                    "FOR UPDATE SKIP LOCKED) "
                    "RETURNING id, ticket_id, assignee_id, assigned_at, due_at");
    pg_bind_int(&st, now);
    pg_bind_text(&st, owner);
    pg_bind_int(&st, until);
    bind_limit(&st, limit);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, check_row, sizeof(**out), a, &v, n, "reassign_claim");
    *out = v;
    if (rc || *n < 2) return rc;
    /* RETURNING gives no order: due_at, id as the SQLite backend */
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0; j--) {
            struct reassign_check *x = &(*out)[j - 1], *y = &(*out)[j];
            if (x->due_at < y->due_at || (x->due_at == y->due_at && x->id < y->id)) break;
            struct reassign_check tmp = *x;
            *x = *y;
            *y = tmp;
        }
    return OP_OK;
}

static op_rc reassign_fire(struct store_tx *t, int64_t id, const char *owner, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE reassign_checks SET fired_at = $3 WHERE id = $1 "
                    "AND fired_at IS NULL AND lease_owner = $2");
    pg_bind_int(&st, id);
    pg_bind_text(&st, owner);
    pg_bind_int(&st, at);
    return pg_run_update(pg_tx(t), &st, "reassign_fire");
}

static op_rc reassign_passed_over(struct store_tx *t, int64_t ticket_id, int64_t *agent_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT coalesce((SELECT assignee_id FROM reassign_checks "
                    "WHERE ticket_id = $1 AND fired_at IS NOT NULL ORDER BY id DESC "
                    "LIMIT 1), 0)");
    pg_bind_int(&st, ticket_id);
    return pg_scalar(pg_tx(t), &st, agent_id, "reassign_passed_over");
}

static op_rc public_reply_since(struct store_tx *t, int64_t ticket_id, int64_t author_id,
                                op_time since, bool *out)
{
    struct pg_stmt st;
    int64_t v = 0;
    pg_st_init(&st, "SELECT EXISTS(SELECT 1 FROM comments WHERE ticket_id = $1 "
                    "AND author_id = $2 AND public = 1 AND created_at >= $3)");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, author_id);
    pg_bind_int(&st, since);
    op_rc rc = pg_scalar(pg_tx(t), &st, &v, "public_reply_since");
    if (rc == OP_OK) *out = v != 0;
    return rc;
}

/* ---- settings ---- */

static op_rc settings_row(struct pg_row *r, void *out)
{
    struct team_settings *s = out;
    s->away_after_min = (int)pg_col_int(r, 0);
    s->grace_min = (int)pg_col_int(r, 1);
    s->updated_at = pg_col_int(r, 2);
    return OP_OK;
}

static op_rc settings_get(struct store_tx *t, struct team_settings *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT away_after_min, grace_min, updated_at FROM team_settings WHERE id = 1");
    op_rc rc = pg_one(pg_tx(t), &st, settings_row, NULL, out, "settings_get");
    if (rc == OP_ERR_NOTFOUND) {
        team_settings_defaults(out);
        rc = OP_OK;
    }
    return rc;
}

static op_rc settings_put(struct store_tx *t, const struct team_settings *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO team_settings(id, away_after_min, grace_min, updated_at) "
                    "VALUES (1, $1, $2, $3) ON CONFLICT(id) DO UPDATE SET "
                    "away_after_min = excluded.away_after_min, grace_min = excluded.grace_min, "
                    "updated_at = excluded.updated_at");
    pg_bind_int(&st, s->away_after_min);
    pg_bind_int(&st, s->grace_min);
    pg_bind_int(&st, s->updated_at);
    return pg_run(pg_tx(t), &st, NULL, "settings_put");
}

/* ---- the table ---- */

const struct store_team_ops pg_team_ops = {
    .reassign_passed_over = reassign_passed_over,
    .shift_insert = shift_insert,
    .shift_update = shift_update,
    .shift_get = shift_get,
    .shift_get_by_name = shift_get_by_name,
    .shift_list = shift_list,
    .shift_delete = shift_delete,
    .rota_insert = rota_insert,
    .rota_get = rota_get,
    .rota_delete = rota_delete,
    .rota_list = rota_list,
    .rota_overlap = rota_overlap,
    .oncall_insert = oncall_insert,
    .oncall_update = oncall_update,
    .oncall_get = oncall_get,
    .oncall_delete = oncall_delete,
    .oncall_list = oncall_list,
    .oncall_overlap = oncall_overlap,
    .presence_current = presence_current,
    .presence_set = presence_set,
    .presence_list = presence_list,
    .presence_open_all = presence_open_all,
    .activity_touch = activity_touch,
    .languages_get = languages_get,
    .languages_set = languages_set,
    .routing_get = routing_get,
    .routing_put = routing_put,
    .routing_picked = routing_picked,
    .routing_candidates = routing_candidates,
    .reassign_add = reassign_add,
    .reassign_cancel = reassign_cancel,
    .reassign_claim = reassign_claim,
    .reassign_fire = reassign_fire,
    .public_reply_since = public_reply_since,
    .settings_get = settings_get,
    .settings_put = settings_put,
};
