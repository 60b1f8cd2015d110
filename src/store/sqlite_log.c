/* sqlite_log.c - macros, the event log, sessions and API tokens, and the
 * row counts, in SQLite. */
#include "base/common.h"

#include <jansson.h>

#include "base/log.h"
#include "store/sqliteInt.h"

/* ---- counts ---- */

op_rc sq_counts(struct store_tx *t, struct store_counts *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT (SELECT count(*) FROM users), "
                       "(SELECT count(*) FROM organizations), (SELECT count(*) FROM groups), "
                       "(SELECT count(*) FROM tickets), (SELECT count(*) FROM comments), "
                       "(SELECT count(*) FROM events), (SELECT count(*) FROM macros)",
                       &st);
    if (rc) return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        out->users = sqlite3_column_int64(st, 0);
        out->organizations = sqlite3_column_int64(st, 1);
        out->groups = sqlite3_column_int64(st, 2);
        out->tickets = sqlite3_column_int64(st, 3);
        out->comments = sqlite3_column_int64(st, 4);
        out->events = sqlite3_column_int64(st, 5);
        out->macros = sqlite3_column_int64(st, 6);
    } else {
        rc = sq_fail(tx, src, "counts");
    }
    sq_done(tx, st);
    return rc;
}

/* ---- macros ---- */

#define MACRO_COLS "id, name, description, active, actions, created_by, created_at, updated_at"

/* The actions as a JSON array, [{"action": ..., "value": ..., "field": ...}]
 * with "field" only where there is one. You own *out (free()). */
static op_rc actions_encode(const struct macro *m, char **out)
{
    json_t *arr = json_array();
    op_rc rc = arr ? OP_OK : OP_ERR_NOMEM;
    for (size_t i = 0; i < m->n_actions && rc == OP_OK; i++) {
        const struct macro_action *ma = &m->actions[i];
        if ((unsigned)ma->kind >= MA__COUNT) {
            rc = OP_ERR_INVALID;
            break;
        }
        json_t *o = json_pack("{s:s, s:s}", "action", macro_action_name(ma->kind), "value",
                              ma->value ? ma->value : "");
        if (o && ma->field && *ma->field &&
            json_object_set_new(o, "field", json_string(ma->field)) != 0) {
            json_decref(o);
            o = NULL;
        }
        /* json_pack and json_string refuse invalid UTF-8 as well as memory */
        if (!o || json_array_append_new(arr, o) != 0) rc = OP_ERR_INVALID;
    }
    if (rc == OP_OK && !(*out = json_dumps(arr, JSON_COMPACT))) rc = OP_ERR_NOMEM;
    json_decref(arr);
    return rc;
}

/* The actions from their JSON text, into a. Text the store did not write is
 * a damaged database: OP_ERR_IO, logged. */
static op_rc actions_decode(const char *text, int64_t macro_id, struct arena *a, struct macro *m)
{
    json_error_t jerr;
    json_t *arr = json_loads(text, 0, &jerr);
    op_rc rc = OP_OK;
    m->actions = NULL;
    m->n_actions = 0;
    if (!json_is_array(arr)) {
        rc = OP_ERR_IO;
        goto end;
    }
    size_t n = json_array_size(arr);
    if (n && !(m->actions = arena_alloc(a, n * sizeof(*m->actions)))) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        int kind = macro_action_parse(json_string_value(json_object_get(o, "action")));
        const char *value = json_string_value(json_object_get(o, "value"));
        const char *field = json_string_value(json_object_get(o, "field"));
        if (kind < 0) {
            rc = OP_ERR_IO;
            goto end;
        }
        struct macro_action *ma = &m->actions[m->n_actions++];
        ma->kind = (enum macro_action_kind)kind;
        ma->value = arena_strdup(a, value ? value : "");
        ma->field = arena_strdup(a, field ? field : "");
        if (!ma->value || !ma->field) {
            rc = OP_ERR_NOMEM;
            goto end;
        }
    }
end:
    if (rc == OP_ERR_IO) log_error("msg=\"damaged macro actions\" macro=%" PRId64, macro_id);
    json_decref(arr);
    return rc;
}

static op_rc macro_row(struct sq_row *r, void *out)
{
    struct macro *m = out;
    memset(m, 0, sizeof(*m));
    m->id = sq_col_int(r, 0);
    m->name = sq_col_text(r, 1);
    m->description = sq_col_text(r, 2);
    m->active = sq_col_int(r, 3) != 0;
    m->created_by = sq_col_int(r, 5);
    m->created_at = sq_col_int(r, 6);
    m->updated_at = sq_col_int(r, 7);
    if (r->oom) return OP_ERR_NOMEM;
    const char *actions = (const char *)sqlite3_column_text(r->st, 4);
    return actions_decode(actions ? actions : "", m->id, r->a, m);
}

static int macro_bind(sqlite3_stmt *st, const struct macro *m, const char *actions)
{
    int src = sq_bind_text(st, 1, m->name);
    src = src ? src : sq_bind_text(st, 2, m->description);
    src = src ? src : sq_bind_int(st, 3, m->active);
    src = src ? src : sq_bind_text(st, 4, actions);
    src = src ? src : sq_bind_id(st, 5, m->created_by);
    src = src ? src : sq_bind_int(st, 6, m->created_at);
    src = src ? src : sq_bind_int(st, 7, m->updated_at);
    return src;
}

op_rc sq_macro_insert(struct store_tx *t, struct macro *m)
{
    struct sq_tx *tx = sq_tx(t);
    char *actions = NULL;
    sqlite3_stmt *st = NULL;
    op_rc rc = actions_encode(m, &actions);
    if (rc == OP_OK)
        rc = sq_prep(tx,
                     "INSERT INTO macros(name, description, active, actions, created_by, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (rc == OP_OK) rc = sq_run_insert(tx, st, macro_bind(st, m, actions), "macro_insert", &m->id);
    free(actions);
    return rc;
}

op_rc sq_macro_update(struct store_tx *t, const struct macro *m)
{
    struct sq_tx *tx = sq_tx(t);
    char *actions = NULL;
    sqlite3_stmt *st = NULL;
    op_rc rc = actions_encode(m, &actions);
    if (rc == OP_OK)
        rc = sq_prep(tx,
                     "UPDATE macros SET name = ?, description = ?, active = ?, actions = ?, "
                     "created_by = ?, created_at = ?, updated_at = ? WHERE id = ?",
                     &st);
    if (rc == OP_OK) {
        int src = macro_bind(st, m, actions);
        rc = sq_run_update(tx, st, src ? src : sq_bind_int(st, 8, m->id), "macro_update");
    }
    free(actions);
    return rc;
}

op_rc sq_macro_get(struct store_tx *t, int64_t id, struct arena *a, struct macro *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " MACRO_COLS " FROM macros WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, macro_row, a, out, "macro_get");
}

op_rc sq_macro_list(struct store_tx *t, bool active_only, struct arena *a, struct macro **out,
                    size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       active_only ? "SELECT " MACRO_COLS " FROM macros WHERE active = 1 "
                                     "ORDER BY name COLLATE NOCASE, id"
                                   : "SELECT " MACRO_COLS " FROM macros "
                                     "ORDER BY name COLLATE NOCASE, id",
                       &st);
    if (rc) return rc;
    void *v;
    rc = sq_list(tx, st, macro_row, sizeof(**out), a, &v, n, "macro_list");
    *out = v;
    return rc;
}

op_rc sq_macro_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM macros WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "macro_delete");
}

/* ---- the event log ---- */

/* The first event of an action is stored with action_id NULL, meaning
 * "this one": its id is only known once it is inserted, the log allows no
 * UPDATE, and choosing the id beforehand would cost a query per event. */
#define EVENT_COLS                                                                                 \
    "id, coalesce(action_id, id), entity, entity_id, at, actor_id, via, kind, field, "           \
    "old_value, new_value, data"

static op_rc event_row(struct sq_row *r, void *out)
{
    struct event *e = out;
    e->id = sq_col_int(r, 0);
    e->action_id = sq_col_int(r, 1);
    e->entity = (enum entity)sq_col_int(r, 2);
    e->entity_id = sq_col_int(r, 3);
    e->at = sq_col_int(r, 4);
    e->actor_id = sq_col_int(r, 5);
    e->via = (enum via)sq_col_int(r, 6);
    e->kind = (enum event_kind)sq_col_int(r, 7);
    e->field = sq_col_text(r, 8);
    e->old_value = sq_col_text(r, 9);
    e->new_value = sq_col_text(r, 10);
    e->data = sq_col_text(r, 11);
    return OP_OK;
}

op_rc sq_event_append(struct store_tx *t, struct event *e)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO events(action_id, entity, entity_id, at, actor_id, "
                       "via, kind, field, old_value, new_value, data) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_id(st, 1, e->action_id);
    src = src ? src : sq_bind_int(st, 2, e->entity);
    src = src ? src : sq_bind_int(st, 3, e->entity_id);
    src = src ? src : sq_bind_int(st, 4, e->at);
    src = src ? src : sq_bind_id(st, 5, e->actor_id);
    src = src ? src : sq_bind_int(st, 6, e->via);
    src = src ? src : sq_bind_int(st, 7, e->kind);
    src = src ? src : sq_bind_text(st, 8, e->field);
    src = src ? src : sq_bind_text(st, 9, e->old_value);
    src = src ? src : sq_bind_text(st, 10, e->new_value);
    src = src ? src : sq_bind_text(st, 11, e->data);
    int64_t id;
    if ((rc = sq_run_insert(tx, st, src, "event_append", &id))) return rc;
    int64_t action_id = e->action_id ? e->action_id : id;
    e->id = id;
    e->action_id = action_id;
    return OP_OK;
}

/* Reads the events st finds into *out; gives st back. */
static op_rc events_read(struct sq_tx *tx, sqlite3_stmt *st, struct arena *a, struct event **out,
                         size_t *n)
{
    void *v;
    op_rc rc = sq_list(tx, st, event_row, sizeof(**out), a, &v, n, "event_list");
    *out = v;
    return rc;
}

op_rc sq_event_list(struct store_tx *t, enum entity entity, int64_t entity_id, int64_t after_id,
                    size_t limit, struct arena *a, struct event **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " EVENT_COLS " FROM events WHERE entity = ? AND "
                       "entity_id = ? AND id > ? ORDER BY id LIMIT ?",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, entity);
    sq_bind_int(st, 2, entity_id);
    sq_bind_int(st, 3, after_id);
    sq_bind_int(st, 4, sq_limit(limit));
    return events_read(tx, st, a, out, n);
}

op_rc sq_event_feed(struct store_tx *t, int64_t after_id, size_t limit, struct arena *a,
                    struct event **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc =
        sq_prep(tx, "SELECT " EVENT_COLS " FROM events WHERE id > ? ORDER BY id LIMIT ?", &st);
    if (rc) return rc;
    sq_bind_int(st, 1, after_id);
    sq_bind_int(st, 2, sq_limit(limit));
    return events_read(tx, st, a, out, n);
}

op_rc sq_event_last(struct store_tx *t, enum entity entity, int64_t entity_id, int64_t *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = entity_id > 0
                   ? sq_prep(tx,
                             "SELECT coalesce(max(id), 0) FROM events WHERE entity = ? "
                             "AND entity_id = ?",
                             &st)
                   : sq_prep(tx, "SELECT coalesce(max(id), 0) FROM events", &st);
    if (rc) return rc;
    if (entity_id > 0) {
        sq_bind_int(st, 1, entity);
        sq_bind_int(st, 2, entity_id);
    }
    return sq_scalar(tx, st, out, "event_last");
}

/* ---- sessions ---- */

static int bind_hash(sqlite3_stmt *st, int i, const uint8_t hash[32])
{
    return sqlite3_bind_blob(st, i, hash, 32, SQLITE_STATIC);
}

op_rc sq_session_insert(struct store_tx *t, const uint8_t hash[32], struct session *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO sessions(token_hash, user_id, csrf, created_at, "
                       "expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = bind_hash(st, 1, hash);
    src = src ? src : sq_bind_id(st, 2, s->user_id);
    src = src ? src
              : sqlite3_bind_text(st, 3, s->csrf, (int)strnlen(s->csrf, sizeof(s->csrf)),
                                  SQLITE_STATIC);
    src = src ? src : sq_bind_int(st, 4, s->created_at);
    src = src ? src : sq_bind_int(st, 5, s->expires_at);
    src = src ? src : sq_bind_int(st, 6, s->last_seen_at);
    return sq_run_insert(tx, st, src, "session_insert", &s->id);
}

/* A session holds no text from the arena (csrf is an array): a is not used. */
static op_rc session_row(struct sq_row *r, void *out)
{
    struct session *s = out;
    sqlite3_stmt *st = r->st;
    memset(s, 0, sizeof(*s));
    s->id = sqlite3_column_int64(st, 0);
    s->user_id = sqlite3_column_int64(st, 1);
    const char *csrf = (const char *)sqlite3_column_text(st, 2);
    snprintf(s->csrf, sizeof(s->csrf), "%s", csrf ? csrf : "");
    s->created_at = sqlite3_column_int64(st, 3);
    s->expires_at = sqlite3_column_int64(st, 4);
    s->last_seen_at = sqlite3_column_int64(st, 5);
    return OP_OK;
}

op_rc sq_session_get(struct store_tx *t, const uint8_t hash[32], struct session *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT id, user_id, csrf, created_at, expires_at, last_seen_at "
                       "FROM sessions WHERE token_hash = ?",
                       &st);
    if (rc) return rc;
    bind_hash(st, 1, hash);
    return sq_one(tx, st, session_row, NULL, out, "session_get");
}

op_rc sq_session_touch(struct store_tx *t, int64_t id, op_time last_seen, op_time expires)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc =
        sq_prep(tx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?", &st);
    if (rc) return rc;
    sq_bind_int(st, 1, last_seen);
    sq_bind_int(st, 2, expires);
    sq_bind_int(st, 3, id);
    return sq_run_update(tx, st, SQLITE_OK, "session_touch");
}

op_rc sq_session_delete(struct store_tx *t, const uint8_t hash[32])
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM sessions WHERE token_hash = ?", &st);
    if (rc) return rc;
    bind_hash(st, 1, hash);
    return sq_run_update(tx, st, SQLITE_OK, "session_delete");
}

op_rc sq_session_delete_user(struct store_tx *t, int64_t user_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM sessions WHERE user_id = ?", user_id, &st);
    return rc ? rc : sq_run(tx, st, SQLITE_OK, "session_delete_user");
}

/* ---- API tokens ---- */

#define TOKEN_COLS "id, user_id, name, created_at, last_used_at, revoked_at"

static op_rc token_row(struct sq_row *r, void *out)
{
    struct api_token *tk = out;
    tk->id = sq_col_int(r, 0);
    tk->user_id = sq_col_int(r, 1);
    tk->name = sq_col_text(r, 2);
    tk->created_at = sq_col_int(r, 3);
    tk->last_used_at = sq_col_int(r, 4);
    tk->revoked_at = sq_col_int(r, 5);
    return OP_OK;
}

op_rc sq_token_insert(struct store_tx *t, const uint8_t hash[32], struct api_token *tk)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO api_tokens(token_hash, user_id, name, created_at, "
                       "last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = bind_hash(st, 1, hash);
    src = src ? src : sq_bind_id(st, 2, tk->user_id);
    src = src ? src : sq_bind_text(st, 3, tk->name);
    src = src ? src : sq_bind_int(st, 4, tk->created_at);
    src = src ? src : sq_bind_id(st, 5, tk->last_used_at);
    src = src ? src : sq_bind_id(st, 6, tk->revoked_at);
    return sq_run_insert(tx, st, src, "token_insert", &tk->id);
}

op_rc sq_token_get(struct store_tx *t, const uint8_t hash[32], struct arena *a,
                   struct api_token *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = ?", &st);
    if (rc) return rc;
    bind_hash(st, 1, hash);
    return sq_one(tx, st, token_row, a, out, "token_get");
}

op_rc sq_token_list(struct store_tx *t, int64_t user_id, struct arena *a, struct api_token **out,
                    size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = ? ORDER BY id",
                          user_id, &st);
    if (rc) return rc;
    void *v;
    rc = sq_list(tx, st, token_row, sizeof(**out), a, &v, n, "token_list");
    *out = v;
    return rc;
}

op_rc sq_token_revoke(struct store_tx *t, int64_t id, int64_t user_id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    /* Revoking twice keeps the first time; another user's token is
     * OP_ERR_NOTFOUND, as if it did not exist. */
    op_rc rc = sq_prep(tx,
                       "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) "
                       "WHERE id = ? AND user_id = ?",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, at);
    sq_bind_int(st, 2, id);
    sq_bind_int(st, 3, user_id);
    return sq_run_update(tx, st, SQLITE_OK, "token_revoke");
}

op_rc sq_token_touch(struct store_tx *t, int64_t id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", &st);
    if (rc) return rc;
    sq_bind_int(st, 1, at);
    sq_bind_int(st, 2, id);
    return sq_run_update(tx, st, SQLITE_OK, "token_touch");
}

/* ---- leases ---- */

op_rc sq_lease_take(struct store_tx *t, const char *name, const char *owner, op_time now,
                    op_time until, bool *got)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    /* free, expired or already ours: take it (the upsert changes no row
     * when another owner holds it) */
    op_rc rc = sq_prep(tx,
                       "INSERT INTO leases(name, owner, until) VALUES (?1, ?2, ?4) "
                       "ON CONFLICT(name) DO UPDATE SET owner = ?2, until = ?4 "
                       "WHERE leases.owner = ?2 OR leases.until <= ?3",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, name);
    src = src ? src : sq_bind_text(st, 2, owner);
    src = src ? src : sq_bind_int(st, 3, now);
    src = src ? src : sq_bind_int(st, 4, until);
    if ((rc = sq_run(tx, st, src, "lease_take")))
        return rc;
    *got = sqlite3_changes(tx->db) > 0;
    return OP_OK;
}

op_rc sq_lease_release(struct store_tx *t, const char *name, const char *owner)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM leases WHERE name = ? AND owner = ?", &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, name);
    src = src ? src : sq_bind_text(st, 2, owner);
    return sq_run(tx, st, src, "lease_release");
}
