/* sqlite_team.c - the team's tables in SQLite (store_team.h). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_team.h"

/* ---- shift templates ---- */

#define SHIFT_COLS "id, name, start_min, duration_min, time_zone, created_at, updated_at"

static op_rc shift_row(struct sq_row *r, void *out)
{
    struct shift_template *s = out;
    s->id = sq_col_int(r, 0);
    s->name = sq_col_text(r, 1);
    s->start_min = (int)sq_col_int(r, 2);
    s->duration_min = (int)sq_col_int(r, 3);
    s->time_zone = sq_col_text(r, 4);
    s->created_at = sq_col_int(r, 5);
    s->updated_at = sq_col_int(r, 6);
    return OP_OK;
}

static int shift_bind(sqlite3_stmt *st, const struct shift_template *s)
{
    int src = sq_bind_text(st, 1, s->name);
    src = src ? src : sq_bind_int(st, 2, s->start_min);
    src = src ? src : sq_bind_int(st, 3, s->duration_min);
    src = src ? src : sq_bind_text(st, 4, s->time_zone);
    src = src ? src : sq_bind_int(st, 5, s->created_at);
    src = src ? src : sq_bind_int(st, 6, s->updated_at);
    return src;
}

static op_rc shift_insert(struct store_tx *t, struct shift_template *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO shift_templates(name, start_min, duration_min, time_zone, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    return rc ? rc : sq_run_insert(tx, st, shift_bind(st, s), "shift_insert", &s->id);
}

static op_rc shift_update(struct store_tx *t, const struct shift_template *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE shift_templates SET name = ?, start_min = ?, duration_min = ?, "
                       "time_zone = ?, created_at = ?, updated_at = ? WHERE id = ?",
                       &st);
    if (rc) return rc;
    int src = shift_bind(st, s);
    return sq_run_update(tx, st, src ? src : sq_bind_int(st, 7, s->id), "shift_update");
}

static op_rc shift_get(struct store_tx *t, int64_t id, struct arena *a, struct shift_template *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " SHIFT_COLS " FROM shift_templates WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, shift_row, a, out, "shift_get");
}

static op_rc shift_get_by_name(struct store_tx *t, const char *name, struct arena *a,
                               struct shift_template *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(
        tx, "SELECT " SHIFT_COLS " FROM shift_templates WHERE name = ? COLLATE NOCASE", &st);
    if (rc) return rc;
    sq_bind_text(st, 1, name);
    return sq_one(tx, st, shift_row, a, out, "shift_get_by_name");
}

static op_rc shift_list(struct store_tx *t, struct arena *a, struct shift_template **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT " SHIFT_COLS " FROM shift_templates ORDER BY start_min, id",
                       &st);
    if (rc) return rc;
    void *v;
    rc = sq_list(tx, st, shift_row, sizeof(**out), a, &v, n, "shift_list");
    *out = v;
    return rc;
}

static op_rc shift_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    int64_t used = 0;
    op_rc rc = sq_prep_id(tx, "SELECT EXISTS(SELECT 1 FROM rota_entries WHERE shift_id = ?)", id,
                          &st);
    if (rc || (rc = sq_scalar(tx, st, &used, "shift_delete"))) return rc;
    if (used) return OP_ERR_CONFLICT;
    rc = sq_prep_id(tx, "DELETE FROM shift_templates WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "shift_delete");
}

/* ---- the rota ---- */

#define ROTA_COLS                                                                                  \
    "r.id, r.agent_id, r.date, r.shift_id, r.start_at, r.end_at, r.created_by, r.created_at, "    \
    "s.name"
#define ROTA_FROM " FROM rota_entries r JOIN shift_templates s ON s.id = r.shift_id"

static op_rc rota_row(struct sq_row *r, void *out)
{
    struct rota_entry *e = out;
    e->id = sq_col_int(r, 0);
    e->agent_id = sq_col_int(r, 1);
    e->date = (int32_t)sq_col_int(r, 2);
    e->shift_id = sq_col_int(r, 3);
    e->start_at = sq_col_int(r, 4);
    e->end_at = sq_col_int(r, 5);
    e->created_by = sq_col_int(r, 6);
    e->created_at = sq_col_int(r, 7);
    e->shift_name = sq_col_text(r, 8);
    return OP_OK;
}

static op_rc rota_insert(struct store_tx *t, struct rota_entry *e)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO rota_entries(agent_id, date, shift_id, start_at, end_at, "
                       "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, e->agent_id);
    src = src ? src : sq_bind_int(st, 2, e->date);
    src = src ? src : sq_bind_int(st, 3, e->shift_id);
    src = src ? src : sq_bind_int(st, 4, e->start_at);
    src = src ? src : sq_bind_int(st, 5, e->end_at);
    src = src ? src : sq_bind_id(st, 6, e->created_by);
    src = src ? src : sq_bind_int(st, 7, e->created_at);
    return sq_run_insert(tx, st, src, "rota_insert", &e->id);
}

static op_rc rota_get(struct store_tx *t, int64_t id, struct arena *a, struct rota_entry *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " ROTA_COLS ROTA_FROM " WHERE r.id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, rota_row, a, out, "rota_get");
}

static op_rc rota_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM rota_entries WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "rota_delete");
}

static op_rc rota_list(struct store_tx *t, const struct rota_filter *f, struct arena *a,
                       struct rota_entry **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    struct sq_query q;
    sq_q_init(&q);
    sq_q_sql(&q, "SELECT " ROTA_COLS ROTA_FROM " WHERE r.date BETWEEN ? AND ?");
    sq_q_int(&q, f->from);
    sq_q_int(&q, f->to);
    if (f->agent_id > 0) {
        sq_q_sql(&q, " AND r.agent_id = ?");
        sq_q_int(&q, f->agent_id);
    }
    if (f->group_id > 0) {
        sq_q_sql(&q, " AND r.agent_id IN (SELECT user_id FROM group_members WHERE group_id = ?)");
        sq_q_int(&q, f->group_id);
    }
    sq_q_sql(&q, " ORDER BY r.date, r.agent_id, r.start_at");
    sqlite3_stmt *st;
    op_rc rc = sq_q_prep(tx, &q, &st);
    if (!rc) {
        void *v;
        rc = sq_list(tx, st, rota_row, sizeof(**out), a, &v, n, "rota_list");
        *out = v;
    }
    sq_q_release(&q);
    return rc;
}

/* Shifts last at most a day, and a DST change adds an hour: an entry that
 * overlaps [start, end) starts after start - 25 h, which bounds the scan. */
#define SHIFT_LOOKBACK_MS ((int64_t)25 * 3600 * 1000)

static op_rc rota_overlap(struct store_tx *t, int64_t agent_id, op_time start, op_time end,
                          int64_t except_id, struct arena *a, struct rota_entry *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " ROTA_COLS ROTA_FROM " WHERE r.agent_id = ?1 AND r.start_at < ?3 "
                       "AND r.start_at > ?2 - ?5 AND r.end_at > ?2 AND r.id <> ?4 "
                       "ORDER BY r.start_at LIMIT 1",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, agent_id);
    sq_bind_int(st, 2, start);
    sq_bind_int(st, 3, end);
    sq_bind_int(st, 4, except_id);
    sq_bind_int(st, 5, SHIFT_LOOKBACK_MS);
    return sq_one(tx, st, rota_row, a, out, "rota_overlap");
}

/* ---- on-call ---- */

#define ONCALL_COLS "id, agent_id, start_at, end_at, note, created_by, created_at"

static op_rc oncall_row(struct sq_row *r, void *out)
{
    struct oncall *o = out;
    o->id = sq_col_int(r, 0);
    o->agent_id = sq_col_int(r, 1);
    o->start_at = sq_col_int(r, 2);
    o->end_at = sq_col_int(r, 3);
    o->note = r->a ? sq_col_text(r, 4) : NULL;
    o->created_by = sq_col_int(r, 5);
    o->created_at = sq_col_int(r, 6);
    return OP_OK;
}

static int oncall_bind(sqlite3_stmt *st, const struct oncall *o)
{
    int src = sq_bind_int(st, 1, o->agent_id);
    src = src ? src : sq_bind_int(st, 2, o->start_at);
    src = src ? src : sq_bind_int(st, 3, o->end_at);
    src = src ? src : sq_bind_text(st, 4, o->note);
    src = src ? src : sq_bind_id(st, 5, o->created_by);
    src = src ? src : sq_bind_int(st, 6, o->created_at);
    return src;
}

static op_rc oncall_insert(struct store_tx *t, struct oncall *o)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO oncall_periods(agent_id, start_at, end_at, note, created_by, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    return rc ? rc : sq_run_insert(tx, st, oncall_bind(st, o), "oncall_insert", &o->id);
}

static op_rc oncall_update(struct store_tx *t, const struct oncall *o)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE oncall_periods SET agent_id = ?, start_at = ?, end_at = ?, "
                       "note = ?, created_by = ?, created_at = ? WHERE id = ?",
                       &st);
    if (rc) return rc;
    int src = oncall_bind(st, o);
    return sq_run_update(tx, st, src ? src : sq_bind_int(st, 7, o->id), "oncall_update");
}

static op_rc oncall_get(struct store_tx *t, int64_t id, struct arena *a, struct oncall *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " ONCALL_COLS " FROM oncall_periods WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, oncall_row, a, out, "oncall_get");
}

static op_rc oncall_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM oncall_periods WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "oncall_delete");
}

static op_rc oncall_list(struct store_tx *t, int64_t agent_id, op_time from, op_time to,
                         struct arena *a, struct oncall **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       agent_id > 0
                           ? "SELECT " ONCALL_COLS " FROM oncall_periods WHERE agent_id = ?3 "
                             "AND start_at < ?2 AND end_at > ?1 ORDER BY start_at, id"
                           : "SELECT " ONCALL_COLS " FROM oncall_periods WHERE start_at < ?2 "
                             "AND end_at > ?1 ORDER BY start_at, id",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, from);
    sq_bind_int(st, 2, to);
    if (agent_id > 0) sq_bind_int(st, 3, agent_id);
    void *v;
    rc = sq_list(tx, st, oncall_row, sizeof(**out), a, &v, n, "oncall_list");
    *out = v;
    return rc;
}

static op_rc oncall_overlap(struct store_tx *t, int64_t agent_id, op_time start, op_time end,
                            int64_t except_id, struct oncall *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " ONCALL_COLS " FROM oncall_periods WHERE agent_id = ?1 "
                       "AND start_at < ?3 AND end_at > ?2 AND id <> ?4 ORDER BY start_at LIMIT 1",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, agent_id);
    sq_bind_int(st, 2, start);
    sq_bind_int(st, 3, end);
    sq_bind_int(st, 4, except_id);
    return sq_one(tx, st, oncall_row, NULL, out, "oncall_overlap");
}

/* ---- presence ---- */

#define PRESENCE_COLS "id, agent_id, status, source, start_at, coalesce(end_at, 0)"

static op_rc presence_row(struct sq_row *r, void *out)
{
    struct presence_interval *p = out;
    p->id = sq_col_int(r, 0);
    p->agent_id = sq_col_int(r, 1);
    p->status = (enum presence_status)sq_col_int(r, 2);
    p->source = (enum presence_source)sq_col_int(r, 3);
    p->start_at = sq_col_int(r, 4);
    p->end_at = sq_col_int(r, 5);
    return OP_OK;
}

static op_rc presence_current(struct store_tx *t, int64_t agent_id, struct presence_interval *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "SELECT " PRESENCE_COLS " FROM presence_intervals "
                          "WHERE agent_id = ? AND end_at IS NULL",
                          agent_id, &st);
    return rc ? rc : sq_one(tx, st, presence_row, NULL, out, "presence_current");
}

static op_rc presence_set(struct store_tx *t, int64_t agent_id, enum presence_status status,
                          enum presence_source source, op_time at, struct presence_interval *out)
{
    struct sq_tx *tx = sq_tx(t);
    struct presence_interval cur;
    sqlite3_stmt *st;
    op_rc rc = presence_current(t, agent_id, &cur);
    if (rc == OP_OK) {
        /* intervals never run backwards, even if clocks of nodes differ */
        if (at < cur.start_at) at = cur.start_at;
        if ((rc = sq_prep_id(tx, "UPDATE presence_intervals SET end_at = ?2 WHERE id = ?1", cur.id,
                             &st)))
            return rc;
        if ((rc = sq_run_update(tx, st, sq_bind_int(st, 2, at), "presence_set"))) return rc;
    } else if (rc != OP_ERR_NOTFOUND) {
        return rc;
    }
    if ((rc = sq_prep(tx,
                      "INSERT INTO presence_intervals(agent_id, status, source, start_at) "
                      "VALUES (?, ?, ?, ?)",
                      &st)))
        return rc;
    int src = sq_bind_int(st, 1, agent_id);
    src = src ? src : sq_bind_int(st, 2, status);
    src = src ? src : sq_bind_int(st, 3, source);
    src = src ? src : sq_bind_int(st, 4, at);
    *out = (struct presence_interval){.agent_id = agent_id, .status = status, .source = source,
                                      .start_at = at};
    return sq_run_insert(tx, st, src, "presence_set", &out->id);
}

static op_rc presence_list(struct store_tx *t, int64_t agent_id, op_time from, op_time to,
                           struct arena *a, struct presence_interval **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    /* intervals are not bounded in length: the index gives the agent's in
     * start order, and those starting before `to` that end after `from` */
    op_rc rc = sq_prep(tx,
                       "SELECT " PRESENCE_COLS " FROM presence_intervals WHERE agent_id = ?1 "
                       "AND start_at < ?3 AND (end_at IS NULL OR end_at > ?2) ORDER BY start_at, id",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, agent_id);
    sq_bind_int(st, 2, from);
    sq_bind_int(st, 3, to);
    void *v;
    rc = sq_list(tx, st, presence_row, sizeof(**out), a, &v, n, "presence_list");
    *out = v;
    return rc;
}

static op_rc watch_row(struct sq_row *r, void *out)
{
    struct presence_watch *w = out;
    presence_row(r, &w->cur);
    w->last_active_at = sq_col_int(r, 6);
    w->live_session = sq_col_int(r, 7) != 0;
    return OP_OK;
}

static op_rc presence_open_all(struct store_tx *t, op_time now, struct arena *a,
                               struct presence_watch **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT p.id, p.agent_id, p.status, p.source, p.start_at, 0, "
                       "coalesce(x.last_active_at, 0), "
                       "EXISTS(SELECT 1 FROM sessions s WHERE s.user_id = p.agent_id "
                       "AND s.expires_at > ?1) "
                       "FROM presence_intervals p LEFT JOIN agent_activity x "
                       "ON x.agent_id = p.agent_id WHERE p.end_at IS NULL AND p.status <> 0 "
                       "ORDER BY p.agent_id",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, now);
    void *v;
    rc = sq_list(tx, st, watch_row, sizeof(**out), a, &v, n, "presence_open_all");
    *out = v;
    return rc;
}

static op_rc activity_touch(struct store_tx *t, int64_t agent_id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO agent_activity(agent_id, last_active_at) VALUES (?1, ?2) "
                       "ON CONFLICT(agent_id) DO UPDATE SET "
                       "last_active_at = max(last_active_at, excluded.last_active_at)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, agent_id);
    return sq_run(tx, st, src ? src : sq_bind_int(st, 2, at), "activity_touch");
}

/* ---- languages ---- */

static op_rc lang_row(struct sq_row *r, void *out)
{
    *(char **)out = sq_col_text(r, 0);
    return OP_OK;
}

static op_rc languages_get(struct store_tx *t, int64_t user_id, struct arena *a,
                           struct str_list *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(
        tx, "SELECT language FROM agent_languages WHERE user_id = ? ORDER BY language", user_id,
        &st);
    if (rc) return rc;
    void *v;
    rc = sq_list(tx, st, lang_row, sizeof(char *), a, &v, &out->n, "languages_get");
    out->v = v;
    return rc;
}

static op_rc languages_set(struct store_tx *t, int64_t user_id, const struct str_list *langs)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM agent_languages WHERE user_id = ?", user_id, &st);
    if (rc || (rc = sq_run(tx, st, SQLITE_OK, "languages_set"))) return rc;
    for (size_t i = 0; i < langs->n; i++) {
        if ((rc = sq_prep_id(tx, "INSERT INTO agent_languages(user_id, language) VALUES (?, ?)",
                             user_id, &st)))
            return rc;
        if ((rc = sq_run(tx, st, sq_bind_text(st, 2, langs->v[i]), "languages_set"))) return rc;
    }
    return OP_OK;
}

/* ---- routing ---- */

static op_rc routing_row(struct sq_row *r, void *out)
{
    struct routing_settings *s = out;
    s->group_id = sq_col_int(r, 0);
    s->mode = (enum routing_mode)sq_col_int(r, 1);
    s->cap = (int)sq_col_int(r, 2);
    s->reassign_after_min = (int)sq_col_int(r, 3);
    s->lang_rule = (enum routing_lang)sq_col_int(r, 4);
    s->rr_last_agent_id = sq_col_int(r, 5);
    s->updated_at = sq_col_int(r, 6);
    return OP_OK;
}

static op_rc routing_get(struct store_tx *t, int64_t group_id, struct routing_settings *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "SELECT group_id, mode, cap, reassign_after_min, lang_rule, "
                          "rr_last_agent_id, updated_at FROM group_routing WHERE group_id = ?",
                          group_id, &st);
    if (rc) return rc;
    rc = sq_one(tx, st, routing_row, NULL, out, "routing_get");
    if (rc == OP_ERR_NOTFOUND) {
        *out = (struct routing_settings){.group_id = group_id};
        rc = OP_OK;
    }
    return rc;
}

static op_rc routing_put(struct store_tx *t, const struct routing_settings *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO group_routing(group_id, mode, cap, reassign_after_min, "
                       "lang_rule, rr_last_agent_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                       "ON CONFLICT(group_id) DO UPDATE SET mode = excluded.mode, "
                       "cap = excluded.cap, reassign_after_min = excluded.reassign_after_min, "
                       "lang_rule = excluded.lang_rule, updated_at = excluded.updated_at",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, s->group_id);
    src = src ? src : sq_bind_int(st, 2, s->mode);
    src = src ? src : sq_bind_int(st, 3, s->cap);
    src = src ? src : sq_bind_int(st, 4, s->reassign_after_min);
    src = src ? src : sq_bind_int(st, 5, s->lang_rule);
    src = src ? src : sq_bind_int(st, 6, s->rr_last_agent_id);
    src = src ? src : sq_bind_int(st, 7, s->updated_at);
    return sq_run(tx, st, src, "routing_put");
}

static op_rc routing_picked(struct store_tx *t, int64_t group_id, int64_t agent_id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "UPDATE group_routing SET rr_last_agent_id = ?2 WHERE group_id = ?1",
                          group_id, &st);
    if (rc || (rc = sq_run(tx, st, sq_bind_int(st, 2, agent_id), "routing_picked"))) return rc;
    if ((rc = sq_prep(tx,
                      "INSERT INTO agent_activity(agent_id, last_assigned_at) VALUES (?1, ?2) "
                      "ON CONFLICT(agent_id) DO UPDATE SET last_assigned_at = excluded.last_assigned_at",
                      &st)))
        return rc;
    int src = sq_bind_int(st, 1, agent_id);
    return sq_run(tx, st, src ? src : sq_bind_int(st, 2, at), "routing_picked");
}

static op_rc candidate_row(struct sq_row *r, void *out)
{
    struct route_candidate *c = out;
    c->agent_id = sq_col_int(r, 0);
    c->on_shift = sq_col_int(r, 1) != 0;
    c->online = sq_col_int(r, 2) == PRESENCE_ONLINE;
    c->open_tickets = sq_col_int(r, 3);
    c->languages = sq_col_text(r, 4);
    c->last_assigned_at = sq_col_int(r, 5);
    return OP_OK;
}

static op_rc routing_candidates(struct store_tx *t, int64_t group_id, op_time now,
                                struct arena *a, struct route_candidate **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    /* status < 4: new, open, pending, on hold (core/types.h) */
    op_rc rc = sq_prep(tx,
                       "SELECT u.id, "
                       "EXISTS(SELECT 1 FROM rota_entries r WHERE r.agent_id = u.id "
                       "AND r.start_at <= ?2 AND r.start_at > ?2 - ?3 AND r.end_at > ?2), "
                       "coalesce((SELECT p.status FROM presence_intervals p "
                       "WHERE p.agent_id = u.id AND p.end_at IS NULL), 0), "
                       "(SELECT count(*) FROM tickets k WHERE k.assignee_id = u.id "
                       "AND k.status < 4), "
                       "coalesce((SELECT group_concat(language, ' ') FROM agent_languages l "
                       "WHERE l.user_id = u.id), ''), "
                       "coalesce((SELECT x.last_assigned_at FROM agent_activity x "
                       "WHERE x.agent_id = u.id), 0) "
                       "FROM group_members m JOIN users u ON u.id = m.user_id "
                       "WHERE m.group_id = ?1 AND u.active = 1 AND u.role <> 0 ORDER BY u.id",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, group_id);
    sq_bind_int(st, 2, now);
    sq_bind_int(st, 3, SHIFT_LOOKBACK_MS);
    void *v;
    rc = sq_list(tx, st, candidate_row, sizeof(**out), a, &v, n, "routing_candidates");
    *out = v;
    return rc;
}

/* ---- reassign checks ---- */

static op_rc reassign_cancel(struct store_tx *t, int64_t ticket_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM reassign_checks WHERE ticket_id = ? AND fired_at IS NULL",
                          ticket_id, &st);
    return rc ? rc : sq_run(tx, st, SQLITE_OK, "reassign_cancel");
}

static op_rc reassign_add(struct store_tx *t, int64_t ticket_id, int64_t assignee_id,
                          op_time assigned_at, op_time due_at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = reassign_cancel(t, ticket_id);
    if (rc || (rc = sq_prep(tx,
                            "INSERT INTO reassign_checks(ticket_id, assignee_id, assigned_at, "
                            "due_at) VALUES (?, ?, ?, ?)",
                            &st)))
        return rc;
    int src = sq_bind_int(st, 1, ticket_id);
    src = src ? src : sq_bind_int(st, 2, assignee_id);
    src = src ? src : sq_bind_int(st, 3, assigned_at);
    src = src ? src : sq_bind_int(st, 4, due_at);
    int64_t id;
    return sq_run_insert(tx, st, src, "reassign_add", &id);
}

static op_rc check_row(struct sq_row *r, void *out)
{
    struct reassign_check *c = out;
    c->id = sq_col_int(r, 0);
    c->ticket_id = sq_col_int(r, 1);
    c->assignee_id = sq_col_int(r, 2);
    c->assigned_at = sq_col_int(r, 3);
    c->due_at = sq_col_int(r, 4);
    return OP_OK;
}

static op_rc reassign_claim(struct store_tx *t, const char *owner, op_time now, op_time until,
                            size_t limit, struct arena *a, struct reassign_check **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT id, ticket_id, assignee_id, assigned_at, due_at FROM reassign_checks "
                       "WHERE fired_at IS NULL AND due_at <= ?1 AND lease_until <= ?1 "
                       "ORDER BY due_at, id LIMIT ?2",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, now);
    sq_bind_int(st, 2, sq_limit(limit));
    void *v;
    if ((rc = sq_list(tx, st, check_row, sizeof(**out), a, &v, n, "reassign_claim"))) return rc;
    *out = v;
    for (size_t i = 0; i < *n; i++) {
        if ((rc = sq_prep_id(tx,
                             "UPDATE reassign_checks SET lease_owner = ?2, lease_until = ?3 "
                             "WHERE id = ?1",
                             (*out)[i].id, &st)))
            return rc;
        int src = sq_bind_text(st, 2, owner);
        src = src ? src : sq_bind_int(st, 3, until);
        if ((rc = sq_run_update(tx, st, src, "reassign_claim"))) return rc;
    }
    return OP_OK;
}

static op_rc reassign_fire(struct store_tx *t, int64_t id, const char *owner, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "UPDATE reassign_checks SET fired_at = ?3 WHERE id = ?1 "
                          "AND fired_at IS NULL AND lease_owner = ?2",
                          id, &st);
    if (rc) return rc;
    int src = sq_bind_text(st, 2, owner);
    return sq_run_update(tx, st, src ? src : sq_bind_int(st, 3, at), "reassign_fire");
}

static op_rc public_reply_since(struct store_tx *t, int64_t ticket_id, int64_t author_id,
                                op_time since, bool *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    int64_t v = 0;
    op_rc rc = sq_prep_id(tx,
                          "SELECT EXISTS(SELECT 1 FROM comments WHERE ticket_id = ?1 "
                          "AND author_id = ?2 AND public = 1 AND created_at >= ?3)",
                          ticket_id, &st);
    if (rc) return rc;
    sq_bind_int(st, 2, author_id);
    sq_bind_int(st, 3, since);
    if ((rc = sq_scalar(tx, st, &v, "public_reply_since"))) return rc;
    *out = v != 0;
    return OP_OK;
}

/* ---- settings ---- */

static op_rc settings_row(struct sq_row *r, void *out)
{
    struct team_settings *s = out;
    s->away_after_min = (int)sq_col_int(r, 0);
    s->grace_min = (int)sq_col_int(r, 1);
    s->updated_at = sq_col_int(r, 2);
    return OP_OK;
}

static op_rc settings_get(struct store_tx *t, struct team_settings *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT away_after_min, grace_min, updated_at FROM team_settings "
                           "WHERE id = 1",
                       &st);
    if (rc) return rc;
    rc = sq_one(tx, st, settings_row, NULL, out, "settings_get");
    if (rc == OP_ERR_NOTFOUND) {
        team_settings_defaults(out);
        rc = OP_OK;
    }
    return rc;
}

static op_rc settings_put(struct store_tx *t, const struct team_settings *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO team_settings(id, away_after_min, grace_min, updated_at) "
                       "VALUES (1, ?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET "
                       "away_after_min = excluded.away_after_min, grace_min = excluded.grace_min, "
                       "updated_at = excluded.updated_at",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, s->away_after_min);
    src = src ? src : sq_bind_int(st, 2, s->grace_min);
    src = src ? src : sq_bind_int(st, 3, s->updated_at);
    return sq_run(tx, st, src, "settings_put");
}

/* ---- the table ---- */

static op_rc reassign_passed_over(struct store_tx *t, int64_t ticket_id, int64_t *agent_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "SELECT coalesce((SELECT assignee_id FROM reassign_checks "
                          "WHERE ticket_id = ?1 AND fired_at IS NOT NULL ORDER BY id DESC "
                          "LIMIT 1), 0)",
                          ticket_id, &st);
    return rc ? rc : sq_scalar(tx, st, agent_id, "reassign_passed_over");
}

const struct store_team_ops sqlite_team_ops = {
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
