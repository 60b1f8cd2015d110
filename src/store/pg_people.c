/* pg_people.c - organizations, users and groups in PostgreSQL. */
#include "base/common.h"

#include "store/pgInt.h"

/* ---- organizations ---- */

#define ORG_COLS "id, name, domains, notes, shared_tickets, created_at, updated_at"

static op_rc org_row(struct pg_row *r, void *out)
{
    struct organization *o = out;
    o->id = pg_col_int(r, 0);
    o->name = pg_col_text(r, 1);
    o->domains = pg_col_text(r, 2);
    o->notes = pg_col_text(r, 3);
    o->shared_tickets = pg_col_int(r, 4) != 0;
    o->created_at = pg_col_int(r, 5);
    o->updated_at = pg_col_int(r, 6);
    return OP_OK;
}

/* Binds name .. updated_at of o as $1..$6. */
static void org_bind(struct pg_stmt *st, const struct organization *o)
{
    pg_bind_text(st, o->name);
    pg_bind_text(st, o->domains);
    pg_bind_text(st, o->notes);
    pg_bind_int(st, o->shared_tickets);
    pg_bind_int(st, o->created_at);
    pg_bind_int(st, o->updated_at);
}

op_rc pg_org_insert(struct store_tx *t, struct organization *o)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO organizations(name, domains, notes, shared_tickets, "
                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    org_bind(&st, o);
    return pg_run_insert(pg_tx(t), &st, &o->id, "org_insert");
}

op_rc pg_org_update(struct store_tx *t, const struct organization *o)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE organizations SET name = $1, domains = $2, notes = $3, "
                    "shared_tickets = $4, created_at = $5, updated_at = $6 WHERE id = $7");
    org_bind(&st, o);
    pg_bind_int(&st, o->id);
    return pg_run_update(pg_tx(t), &st, "org_update");
}

op_rc pg_org_get(struct store_tx *t, int64_t id, struct arena *a, struct organization *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " ORG_COLS " FROM organizations WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, org_row, a, out, "org_get");
}

/* LIMIT for a caller's limit: 0 means none (NULL). */
static void bind_limit(struct pg_stmt *st, size_t limit)
{
    pg_bind_id(st, limit == 0 || limit > INT64_MAX ? 0 : (int64_t)limit);
}

op_rc pg_org_list(struct store_tx *t, const char *q, int64_t after_id, size_t limit,
                  struct arena *a, struct organization **out, size_t *n)
{
    bool by_name = q && *q;
    char *like = by_name ? pg_like_prefix(a, q) : NULL;
    if (by_name && !like) return OP_ERR_NOMEM;
    struct pg_stmt st;
    /* ILIKE: SQLite's LIKE ignores the case of ASCII letters */
    pg_st_init(&st, by_name ? "SELECT " ORG_COLS " FROM organizations WHERE id > $1 "
                              "AND name ILIKE $3 ORDER BY id LIMIT $2"
                            : "SELECT " ORG_COLS " FROM organizations WHERE id > $1 "
                              "ORDER BY id LIMIT $2");
    pg_bind_int(&st, after_id);
    bind_limit(&st, limit);
    if (by_name) pg_bind_text(&st, like);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, org_row, sizeof(**out), a, &v, n, "org_list");
    *out = v;
    return rc;
}

/* ---- users ---- */

#define USER_COLS                                                                                  \
    "id, role, level, name, email, phone, telegram, organization_id, language, time_zone, "        \
    "active, password_hash, created_at, updated_at"

static op_rc user_row(struct pg_row *r, void *out)
{
    struct user *u = out;
    u->id = pg_col_int(r, 0);
    u->role = (enum user_role)pg_col_int(r, 1);
    u->level = (enum staff_level)pg_col_int(r, 2);
    u->name = pg_col_text(r, 3);
    u->email = pg_col_text(r, 4);
    u->phone = pg_col_text(r, 5);
    u->telegram = pg_col_text(r, 6);
    u->organization_id = pg_col_int(r, 7);
    u->language = pg_col_text(r, 8);
    u->time_zone = pg_col_text(r, 9);
    u->active = pg_col_int(r, 10) != 0;
    u->password_hash = pg_col_text(r, 11);
    u->created_at = pg_col_int(r, 12);
    u->updated_at = pg_col_int(r, 13);
    return OP_OK;
}

/* Binds role .. updated_at of u as $1..$13. */
static void user_bind(struct pg_stmt *st, const struct user *u)
{
    pg_bind_int(st, u->role);
    pg_bind_int(st, u->level);
    pg_bind_text(st, u->name);
    pg_bind_text_null(st, u->email); /* "" is "no email": NULL keeps it out of the unique index */
    pg_bind_text(st, u->phone);
    pg_bind_text(st, u->telegram);
    pg_bind_id(st, u->organization_id);
    pg_bind_text(st, u->language);
    pg_bind_text(st, u->time_zone);
    pg_bind_int(st, u->active);
    pg_bind_text(st, u->password_hash);
    pg_bind_int(st, u->created_at);
    pg_bind_int(st, u->updated_at);
}

op_rc pg_user_insert(struct store_tx *t, struct user *u)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO users(role, level, name, email, phone, telegram, "
                    "organization_id, language, time_zone, active, password_hash, "
                    "created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id");
    user_bind(&st, u);
    return pg_run_insert(pg_tx(t), &st, &u->id, "user_insert");
}

op_rc pg_user_update(struct store_tx *t, const struct user *u)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE users SET role = $1, level = $2, name = $3, email = $4, "
                    "phone = $5, telegram = $6, organization_id = $7, language = $8, "
                    "time_zone = $9, active = $10, password_hash = $11, created_at = $12, "
                    "updated_at = $13 WHERE id = $14");
    user_bind(&st, u);
    pg_bind_int(&st, u->id);
    return pg_run_update(pg_tx(t), &st, "user_update");
}

op_rc pg_user_get(struct store_tx *t, int64_t id, struct arena *a, struct user *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " USER_COLS " FROM users WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, user_row, a, out, "user_get");
}

op_rc pg_user_get_by_email(struct store_tx *t, const char *email, struct arena *a, struct user *out)
{
    if (!email || !*email) return OP_ERR_NOTFOUND;
    struct pg_stmt st;
    /* lower() as in users_email, so that the index answers */
    pg_st_init(&st, "SELECT " USER_COLS " FROM users WHERE lower(email) = lower($1)");
    pg_bind_text(&st, email);
    return pg_one(pg_tx(t), &st, user_row, a, out, "user_get");
}

op_rc pg_user_list(struct store_tx *t, const struct user_filter *f, struct arena *a,
                   struct user **out, size_t *n)
{
    char *like = NULL;
    *out = NULL;
    *n = 0;
    if (f->q && *f->q && !(like = pg_like_prefix(a, f->q))) return OP_ERR_NOMEM;
    struct pg_query q;
    struct pg_stmt *st;
    pg_q_init(&q);
    pg_q_sql(&q, "SELECT " USER_COLS " FROM users WHERE id > ?");
    pg_q_int(&q, f->after_id);
    if (f->role_mask) {
        pg_q_sql(&q, " AND ");
        pg_q_mask(&q, "role", f->role_mask, ROLE__COUNT);
    }
    if (f->organization_id > 0) {
        pg_q_sql(&q, " AND organization_id = ?");
        pg_q_int(&q, f->organization_id);
    }
    if (like) {
        pg_q_sql(&q, " AND (name ILIKE ? OR email ILIKE ?)");
        pg_q_text(&q, like);
        pg_q_text(&q, like);
    }
    if (f->limit) {
        pg_q_sql(&q, " ORDER BY id LIMIT ?");
        pg_q_int(&q, f->limit > INT64_MAX ? INT64_MAX : (int64_t)f->limit);
    } else {
        pg_q_sql(&q, " ORDER BY id");
    }
    op_rc rc = pg_q_stmt(&q, &st);
    if (rc == OP_OK) {
        void *v;
        rc = pg_list(pg_tx(t), st, user_row, sizeof(**out), a, &v, n, "user_list");
        *out = v;
    }
    pg_q_release(&q);
    return rc;
}

op_rc pg_user_groups(struct store_tx *t, int64_t user_id, struct arena *a, struct id_list *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id");
    pg_bind_int(&st, user_id);
    return pg_list_ids(pg_tx(t), &st, a, out);
}

/* ---- groups ---- */

#define GROUP_COLS "id, name, tier, description, created_at, updated_at"

static op_rc group_row(struct pg_row *r, void *out)
{
    struct group *g = out;
    g->id = pg_col_int(r, 0);
    g->name = pg_col_text(r, 1);
    g->tier = (enum group_tier)pg_col_int(r, 2);
    g->description = pg_col_text(r, 3);
    g->created_at = pg_col_int(r, 4);
    g->updated_at = pg_col_int(r, 5);
    g->members.v = NULL;
    g->members.n = 0;
    return OP_OK;
}

static void group_bind(struct pg_stmt *st, const struct group *g)
{
    pg_bind_text(st, g->name);
    pg_bind_int(st, g->tier);
    pg_bind_text(st, g->description);
    pg_bind_int(st, g->created_at);
    pg_bind_int(st, g->updated_at);
}

op_rc pg_group_insert(struct store_tx *t, struct group *g)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO groups(name, tier, description, created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $5) RETURNING id");
    group_bind(&st, g);
    return pg_run_insert(pg_tx(t), &st, &g->id, "group_insert");
}

op_rc pg_group_update(struct store_tx *t, const struct group *g)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE groups SET name = $1, tier = $2, description = $3, "
                    "created_at = $4, updated_at = $5 WHERE id = $6");
    group_bind(&st, g);
    pg_bind_int(&st, g->id);
    return pg_run_update(pg_tx(t), &st, "group_update");
}

op_rc pg_group_get(struct store_tx *t, int64_t id, struct arena *a, struct group *out)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " GROUP_COLS " FROM groups WHERE id = $1");
    pg_bind_int(&st, id);
    op_rc rc = pg_one(tx, &st, group_row, a, out, "group_get");
    if (rc) return rc;
    pg_st_init(&st, "SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id");
    pg_bind_int(&st, id);
    return pg_list_ids(tx, &st, a, &out->members);
}

op_rc pg_group_list(struct store_tx *t, struct arena *a, struct group **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " GROUP_COLS " FROM groups ORDER BY lower(name), id");
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, group_row, sizeof(**out), a, &v, n, "group_list");
    *out = v;
    return rc;
}

/* Replaces the members; the group must exist (else OP_ERR_NOTFOUND) and so
 * must every user (else OP_ERR_NOTFOUND). */
op_rc pg_group_set_members(struct store_tx *t, int64_t group_id, const struct id_list *ids)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT 1 FROM groups WHERE id = $1");
    pg_bind_int(&st, group_id);
    op_rc rc = pg_one(tx, &st, NULL, NULL, NULL, "group_set_members");
    if (rc) return rc;
    pg_st_init(&st, "DELETE FROM group_members WHERE group_id = $1");
    pg_bind_int(&st, group_id);
    if ((rc = pg_run(tx, &st, NULL, "group_set_members")) || !ids) return rc;
    for (size_t i = 0; i < ids->n && rc == OP_OK; i++) {
        pg_st_init(&st, "INSERT INTO group_members(group_id, user_id) VALUES ($1, $2) "
                        "ON CONFLICT DO NOTHING");
        pg_bind_int(&st, group_id);
        pg_bind_int(&st, ids->v[i]);
        rc = pg_run(tx, &st, NULL, "group_set_members");
    }
    return rc;
}

/* ---- deleting (what an admin made by mistake) ---- */

/* *used_by = what when sql ($1 = id, an EXISTS) is true: OP_ERR_CONFLICT;
 * OP_OK when not. */
static op_rc refused_if(struct pg_tx *tx, const char *sql, int64_t id, const char *what,
                        const char **used_by)
{
    struct pg_stmt st;
    int64_t any = 0;
    pg_st_init(&st, sql);
    pg_bind_int(&st, id);
    op_rc rc = pg_scalar(tx, &st, &any, "delete_check");
    if (rc == OP_OK && any) {
        *used_by = what;
        rc = OP_ERR_CONFLICT;
    }
    return rc;
}

op_rc pg_group_delete(struct store_tx *t, int64_t id, const char **used_by)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    /* FOR UPDATE: a ticket moved into the group meanwhile waits for this
     * transaction, then fails on the foreign key */
    pg_st_init(&st, "SELECT 1 FROM groups WHERE id = $1 FOR UPDATE");
    pg_bind_int(&st, id);
    op_rc rc = pg_one(tx, &st, NULL, NULL, NULL, "group_delete");
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM tickets WHERE group_id = $1)::int", id,
                        "tickets", used_by);
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM surveys WHERE group_id = $1)::int", id,
                        "surveys", used_by);
    if (rc) return rc;
    /* the rows that belong to the group go with it */
    pg_st_init(&st, "DELETE FROM group_members WHERE group_id = $1");
    pg_bind_int(&st, id);
    if ((rc = pg_run(tx, &st, NULL, "group_delete"))) return rc;
    pg_st_init(&st, "DELETE FROM group_routing WHERE group_id = $1");
    pg_bind_int(&st, id);
    if ((rc = pg_run(tx, &st, NULL, "group_delete"))) return rc;
    pg_st_init(&st, "DELETE FROM groups WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(tx, &st, "group_delete");
}

op_rc pg_org_delete(struct store_tx *t, int64_t id, const char **used_by)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE");
    pg_bind_int(&st, id);
    op_rc rc = pg_one(tx, &st, NULL, NULL, NULL, "org_delete");
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM users WHERE organization_id = $1)::int",
                        id, "users", used_by);
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM tickets WHERE organization_id = $1)::int",
                        id, "tickets", used_by);
    if (rc) return rc;
    pg_st_init(&st, "DELETE FROM organizations WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(tx, &st, "org_delete");
}
