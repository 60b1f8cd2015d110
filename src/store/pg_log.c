/* pg_log.c - macros, the event log, sessions and API tokens, leases, and
 * the row counts, in PostgreSQL. */
#include "base/common.h"

#include <jansson.h>

#include "base/log.h"
#include "store/pgInt.h"

/* ---- counts ---- */

static op_rc counts_row(struct pg_row *r, void *out)
{
    struct store_counts *c = out;
    c->users = pg_col_int(r, 0);
    c->organizations = pg_col_int(r, 1);
    c->groups = pg_col_int(r, 2);
    c->tickets = pg_col_int(r, 3);
    c->comments = pg_col_int(r, 4);
    c->events = pg_col_int(r, 5);
    c->macros = pg_col_int(r, 6);
    return OP_OK;
}

op_rc pg_counts(struct store_tx *t, struct store_counts *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT (SELECT count(*) FROM users), "
                    "(SELECT count(*) FROM organizations), (SELECT count(*) FROM groups), "
                    "(SELECT count(*) FROM tickets), (SELECT count(*) FROM comments), "
                    "(SELECT count(*) FROM events), (SELECT count(*) FROM macros)");
    return pg_one(pg_tx(t), &st, counts_row, NULL, out, "counts");
}

/* ---- macros ---- */

#define MACRO_COLS "id, name, description, active, actions, created_by, created_at, updated_at"

/* The actions as the JSON array that sqlite_log.c writes too (the same
 * text in both backends, so that migrate-data copies it as it is). You own
 * *out (free()). */
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
        if (!o || json_array_append_new(arr, o) != 0) rc = OP_ERR_INVALID;
    }
    if (rc == OP_OK && !(*out = json_dumps(arr, JSON_COMPACT))) rc = OP_ERR_NOMEM;
    json_decref(arr);
    return rc;
}

/* The actions from their JSON text, into a; text the store did not write is
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

static op_rc macro_row(struct pg_row *r, void *out)
{
    struct macro *m = out;
    memset(m, 0, sizeof(*m));
    m->id = pg_col_int(r, 0);
    m->name = pg_col_text(r, 1);
    m->description = pg_col_text(r, 2);
    m->active = pg_col_int(r, 3) != 0;
    m->created_by = pg_col_int(r, 5);
    m->created_at = pg_col_int(r, 6);
    m->updated_at = pg_col_int(r, 7);
    if (r->oom) return OP_ERR_NOMEM;
    return actions_decode(PQgetvalue(r->res, r->i, 4), m->id, r->a, m);
}

static void macro_bind(struct pg_stmt *st, const struct macro *m, const char *actions)
{
    pg_bind_text(st, m->name);
    pg_bind_text(st, m->description);
    pg_bind_int(st, m->active);
    pg_bind_text(st, actions);
    pg_bind_id(st, m->created_by);
    pg_bind_int(st, m->created_at);
    pg_bind_int(st, m->updated_at);
}

op_rc pg_macro_insert(struct store_tx *t, struct macro *m)
{
    char *actions = NULL;
    op_rc rc = actions_encode(m, &actions);
    if (rc == OP_OK) {
        struct pg_stmt st;
        pg_st_init(&st, "INSERT INTO macros(name, description, active, actions, created_by, "
                        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
        macro_bind(&st, m, actions);
        rc = pg_run_insert(pg_tx(t), &st, &m->id, "macro_insert");
    }
    free(actions);
    return rc;
}

op_rc pg_macro_update(struct store_tx *t, const struct macro *m)
{
    char *actions = NULL;
    op_rc rc = actions_encode(m, &actions);
    if (rc == OP_OK) {
        struct pg_stmt st;
        pg_st_init(&st, "UPDATE macros SET name = $1, description = $2, active = $3, "
                        "actions = $4, created_by = $5, created_at = $6, updated_at = $7 "
                        "WHERE id = $8");
        macro_bind(&st, m, actions);
        pg_bind_int(&st, m->id);
        rc = pg_run_update(pg_tx(t), &st, "macro_update");
    }
    free(actions);
    return rc;
}

op_rc pg_macro_get(struct store_tx *t, int64_t id, struct arena *a, struct macro *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " MACRO_COLS " FROM macros WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, macro_row, a, out, "macro_get");
}

op_rc pg_macro_list(struct store_tx *t, bool active_only, struct arena *a, struct macro **out,
                    size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, active_only ? "SELECT " MACRO_COLS " FROM macros WHERE active = 1 "
                                  "ORDER BY lower(name), id"
                                : "SELECT " MACRO_COLS " FROM macros ORDER BY lower(name), id");
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, macro_row, sizeof(**out), a, &v, n, "macro_list");
    *out = v;
    return rc;
}

op_rc pg_macro_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM macros WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "macro_delete");
}

/* ---- the event log ---- */

/* As on SQLite, an action's first event is stored with action_id NULL. */
#define EVENT_COLS                                                                                 \
    "id, coalesce(action_id, id), entity, entity_id, at, actor_id, via, kind, field, "             \
    "old_value, new_value, data"

static op_rc event_row(struct pg_row *r, void *out)
{
    struct event *e = out;
    e->id = pg_col_int(r, 0);
    e->action_id = pg_col_int(r, 1);
    e->entity = (enum entity)pg_col_int(r, 2);
    e->entity_id = pg_col_int(r, 3);
    e->at = pg_col_int(r, 4);
    e->actor_id = pg_col_int(r, 5);
    e->via = (enum via)pg_col_int(r, 6);
    e->kind = (enum event_kind)pg_col_int(r, 7);
    e->field = pg_col_text(r, 8);
    e->old_value = pg_col_text(r, 9);
    e->new_value = pg_col_text(r, 10);
    e->data = pg_col_text(r, 11);
    return OP_OK;
}

op_rc pg_event_append(struct store_tx *t, struct event *e)
{
    struct pg_stmt st;
    int64_t id;
    pg_st_init(&st, "INSERT INTO events(action_id, entity, entity_id, at, actor_id, "
                    "via, kind, field, old_value, new_value, data) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id");
    pg_bind_id(&st, e->action_id);
    pg_bind_int(&st, e->entity);
    pg_bind_int(&st, e->entity_id);
    pg_bind_int(&st, e->at);
    pg_bind_id(&st, e->actor_id);
    pg_bind_int(&st, e->via);
    pg_bind_int(&st, e->kind);
    pg_bind_text(&st, e->field);
    pg_bind_text(&st, e->old_value);
    pg_bind_text(&st, e->new_value);
    pg_bind_text(&st, e->data);
    op_rc rc = pg_run_insert(pg_tx(t), &st, &id, "event_append");
    if (rc) return rc;
    e->action_id = e->action_id ? e->action_id : id;
    e->id = id;
    return OP_OK;
}

op_rc pg_event_list(struct store_tx *t, enum entity entity, int64_t entity_id, int64_t after_id,
                    size_t limit, struct arena *a, struct event **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " EVENT_COLS " FROM events WHERE entity = $1 AND "
                    "entity_id = $2 AND id > $3 ORDER BY id LIMIT $4");
    pg_bind_int(&st, entity);
    pg_bind_int(&st, entity_id);
    pg_bind_int(&st, after_id);
    pg_bind_id(&st, limit > INT64_MAX ? 0 : (int64_t)limit);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, event_row, sizeof(**out), a, &v, n, "event_list");
    *out = v;
    return rc;
}

op_rc pg_event_last(struct store_tx *t, enum entity entity, int64_t entity_id, int64_t *out)
{
    struct pg_stmt st;
    if (entity_id > 0) {
        pg_st_init(&st, "SELECT coalesce(max(id), 0) FROM events WHERE entity = $1 "
                        "AND entity_id = $2");
        pg_bind_int(&st, entity);
        pg_bind_int(&st, entity_id);
    } else {
        pg_st_init(&st, "SELECT coalesce(max(id), 0) FROM events");
    }
    return pg_scalar(pg_tx(t), &st, out, "event_last");
}

op_rc pg_event_feed(struct store_tx *t, int64_t after_id, size_t limit, struct arena *a,
                    struct event **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " EVENT_COLS " FROM events WHERE id > $1 ORDER BY id LIMIT $2");
    pg_bind_int(&st, after_id);
    pg_bind_id(&st, limit > INT64_MAX ? 0 : (int64_t)limit);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, event_row, sizeof(**out), a, &v, n, "event_feed");
    *out = v;
    return rc;
}

/* ---- sessions ---- */

op_rc pg_session_insert(struct store_tx *t, const uint8_t hash[32], struct session *s)
{
    char csrf[sizeof(s->csrf) + 1];
    snprintf(csrf, sizeof(csrf), "%.*s", (int)strnlen(s->csrf, sizeof(s->csrf)), s->csrf);
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, "
                    "expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    pg_bind_blob(&st, hash, 32);
    pg_bind_id(&st, s->user_id);
    pg_bind_text(&st, csrf);
    pg_bind_int(&st, s->created_at);
    pg_bind_int(&st, s->expires_at);
    pg_bind_int(&st, s->last_seen_at);
    return pg_run_insert(pg_tx(t), &st, &s->id, "session_insert");
}

static op_rc session_row(struct pg_row *r, void *out)
{
    struct session *s = out;
    memset(s, 0, sizeof(*s));
    s->id = pg_col_int(r, 0);
    s->user_id = pg_col_int(r, 1);
    snprintf(s->csrf, sizeof(s->csrf), "%s", PQgetvalue(r->res, r->i, 2));
    s->created_at = pg_col_int(r, 3);
    s->expires_at = pg_col_int(r, 4);
    s->last_seen_at = pg_col_int(r, 5);
    return OP_OK;
}

op_rc pg_session_get(struct store_tx *t, const uint8_t hash[32], struct session *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT id, user_id, csrf, created_at, expires_at, last_seen_at "
                    "FROM sessions WHERE token_hash = $1");
    pg_bind_blob(&st, hash, 32);
    return pg_one(pg_tx(t), &st, session_row, NULL, out, "session_get");
}

op_rc pg_session_touch(struct store_tx *t, int64_t id, op_time last_seen, op_time expires)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3");
    pg_bind_int(&st, last_seen);
    pg_bind_int(&st, expires);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "session_touch");
}

op_rc pg_session_delete(struct store_tx *t, const uint8_t hash[32])
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM sessions WHERE token_hash = $1");
    pg_bind_blob(&st, hash, 32);
    return pg_run_update(pg_tx(t), &st, "session_delete");
}

op_rc pg_session_delete_user(struct store_tx *t, int64_t user_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM sessions WHERE user_id = $1");
    pg_bind_int(&st, user_id);
    return pg_run(pg_tx(t), &st, NULL, "session_delete_user");
}

/* ---- API tokens ---- */

#define TOKEN_COLS "id, user_id, name, created_at, last_used_at, revoked_at"

static op_rc token_row(struct pg_row *r, void *out)
{
    struct api_token *tk = out;
    tk->id = pg_col_int(r, 0);
    tk->user_id = pg_col_int(r, 1);
    tk->name = pg_col_text(r, 2);
    tk->created_at = pg_col_int(r, 3);
    tk->last_used_at = pg_col_int(r, 4);
    tk->revoked_at = pg_col_int(r, 5);
    return OP_OK;
}

op_rc pg_token_insert(struct store_tx *t, const uint8_t hash[32], struct api_token *tk)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO api_tokens(token_hash, user_id, name, created_at, "
                    "last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    pg_bind_blob(&st, hash, 32);
    pg_bind_id(&st, tk->user_id);
    pg_bind_text(&st, tk->name);
    pg_bind_int(&st, tk->created_at);
    pg_bind_id(&st, tk->last_used_at);
    pg_bind_id(&st, tk->revoked_at);
    return pg_run_insert(pg_tx(t), &st, &tk->id, "token_insert");
}

op_rc pg_token_get(struct store_tx *t, const uint8_t hash[32], struct arena *a,
                   struct api_token *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = $1");
    pg_bind_blob(&st, hash, 32);
    return pg_one(pg_tx(t), &st, token_row, a, out, "token_get");
}

op_rc pg_token_list(struct store_tx *t, int64_t user_id, struct arena *a, struct api_token **out,
                    size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = $1 ORDER BY id");
    pg_bind_int(&st, user_id);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, token_row, sizeof(**out), a, &v, n, "token_list");
    *out = v;
    return rc;
}

op_rc pg_token_revoke(struct store_tx *t, int64_t id, int64_t user_id, op_time at)
{
    struct pg_stmt st;
    /* revoking twice keeps the first time; another user's token is NOTFOUND */
    pg_st_init(&st, "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $1) "
                    "WHERE id = $2 AND user_id = $3");
    pg_bind_int(&st, at);
    pg_bind_int(&st, id);
    pg_bind_int(&st, user_id);
    return pg_run_update(pg_tx(t), &st, "token_revoke");
}

op_rc pg_token_touch(struct store_tx *t, int64_t id, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2");
    pg_bind_int(&st, at);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "token_touch");
}

/* ---- leases ---- */

op_rc pg_lease_take(struct store_tx *t, const char *name, const char *owner, op_time now,
                    op_time until, bool *got)
{
    struct pg_stmt st;
    int64_t changed = 0;
    /* free, expired or already ours: take it (the upsert changes no row
     * when another owner holds it); the row lock makes two nodes' takes
     * of one lease wait for each other */
    pg_st_init(&st, "INSERT INTO leases(name, owner, until) VALUES ($1, $2, $4) "
                    "ON CONFLICT(name) DO UPDATE SET owner = $2, until = $4 "
                    "WHERE leases.owner = $2 OR leases.until <= $3");
    pg_bind_text(&st, name);
    pg_bind_text(&st, owner);
    pg_bind_int(&st, now);
    pg_bind_int(&st, until);
    op_rc rc = pg_run(pg_tx(t), &st, &changed, "lease_take");
    if (rc == OP_OK) *got = changed > 0;
    return rc;
}

op_rc pg_lease_release(struct store_tx *t, const char *name, const char *owner)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM leases WHERE name = $1 AND owner = $2");
    pg_bind_text(&st, name);
    pg_bind_text(&st, owner);
    return pg_run(pg_tx(t), &st, NULL, "lease_release");
}
