/* sqlite_people.c - organizations, users and groups in SQLite. */
#include "base/common.h"

#include "store/sqliteInt.h"

/* ---- organizations ---- */

#define ORG_COLS "id, name, domains, notes, shared_tickets, created_at, updated_at"

static op_rc org_row(struct sq_row *r, void *out)
{
    struct organization *o = out;
    o->id = sq_col_int(r, 0);
    o->name = sq_col_text(r, 1);
    o->domains = sq_col_text(r, 2);
    o->notes = sq_col_text(r, 3);
    o->shared_tickets = sq_col_int(r, 4) != 0;
    o->created_at = sq_col_int(r, 5);
    o->updated_at = sq_col_int(r, 6);
    return OP_OK;
}

/* Binds name .. updated_at of o to parameters 1..6. */
static int org_bind(sqlite3_stmt *st, const struct organization *o)
{
    int src = sq_bind_text(st, 1, o->name);
    src = src ? src : sq_bind_text(st, 2, o->domains);
    src = src ? src : sq_bind_text(st, 3, o->notes);
    src = src ? src : sq_bind_int(st, 4, o->shared_tickets);
    src = src ? src : sq_bind_int(st, 5, o->created_at);
    src = src ? src : sq_bind_int(st, 6, o->updated_at);
    return src;
}

op_rc sq_org_insert(struct store_tx *t, struct organization *o)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO organizations(name, domains, notes, shared_tickets, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    return rc ? rc : sq_run_insert(tx, st, org_bind(st, o), "org_insert", &o->id);
}

op_rc sq_org_update(struct store_tx *t, const struct organization *o)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE organizations SET name = ?, domains = ?, notes = ?, "
                       "shared_tickets = ?, created_at = ?, updated_at = ? WHERE id = ?",
                       &st);
    if (rc) return rc;
    int src = org_bind(st, o);
    return sq_run_update(tx, st, src ? src : sq_bind_int(st, 7, o->id), "org_update");
}

op_rc sq_org_get(struct store_tx *t, int64_t id, struct arena *a, struct organization *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " ORG_COLS " FROM organizations WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, org_row, a, out, "org_get");
}

op_rc sq_org_list(struct store_tx *t, const char *q, int64_t after_id, size_t limit,
                  struct arena *a, struct organization **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    bool by_name = q && *q;
    char *like = by_name ? sq_like_prefix(a, q) : NULL;
    if (by_name && !like) return OP_ERR_NOMEM;
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       by_name ? "SELECT " ORG_COLS " FROM organizations WHERE id > ?1 "
                                 "AND name LIKE ?3 ESCAPE '\\' ORDER BY id LIMIT ?2"
                               : "SELECT " ORG_COLS " FROM organizations WHERE id > ?1 "
                                 "ORDER BY id LIMIT ?2",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, after_id);
    sq_bind_int(st, 2, sq_limit(limit));
    if (by_name) sq_bind_text(st, 3, like);
    void *v;
    rc = sq_list(tx, st, org_row, sizeof(**out), a, &v, n, "org_list");
    *out = v;
    return rc;
}

/* ---- users ---- */

#define USER_COLS                                                                                  \
    "id, role, level, name, email, phone, telegram, organization_id, language, time_zone, "        \
    "active, password_hash, created_at, updated_at"

static op_rc user_row(struct sq_row *r, void *out)
{
    struct user *u = out;
    u->id = sq_col_int(r, 0);
    u->role = (enum user_role)sq_col_int(r, 1);
    u->level = (enum staff_level)sq_col_int(r, 2);
    u->name = sq_col_text(r, 3);
    u->email = sq_col_text(r, 4);
    u->phone = sq_col_text(r, 5);
    u->telegram = sq_col_text(r, 6);
    u->organization_id = sq_col_int(r, 7);
    u->language = sq_col_text(r, 8);
    u->time_zone = sq_col_text(r, 9);
    u->active = sq_col_int(r, 10) != 0;
    u->password_hash = sq_col_text(r, 11);
    u->created_at = sq_col_int(r, 12);
    u->updated_at = sq_col_int(r, 13);
    return OP_OK;
}

/* Binds role .. updated_at of u to parameters 1..13. */
static int user_bind(sqlite3_stmt *st, const struct user *u)
{
    int src = sq_bind_int(st, 1, u->role);
    src = src ? src : sq_bind_int(st, 2, u->level);
    src = src ? src : sq_bind_text(st, 3, u->name);
    /* "" is "no email": NULL keeps it out of the unique index */
    src = src ? src : sq_bind_text_null(st, 4, u->email);
    src = src ? src : sq_bind_text(st, 5, u->phone);
    src = src ? src : sq_bind_text(st, 6, u->telegram);
    src = src ? src : sq_bind_id(st, 7, u->organization_id);
    src = src ? src : sq_bind_text(st, 8, u->language);
    src = src ? src : sq_bind_text(st, 9, u->time_zone);
    src = src ? src : sq_bind_int(st, 10, u->active);
    src = src ? src : sq_bind_text(st, 11, u->password_hash);
    src = src ? src : sq_bind_int(st, 12, u->created_at);
    src = src ? src : sq_bind_int(st, 13, u->updated_at);
    return src;
}

op_rc sq_user_insert(struct store_tx *t, struct user *u)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO users(role, level, name, email, phone, telegram, "
                       "organization_id, language, time_zone, active, password_hash, "
                       "created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    return rc ? rc : sq_run_insert(tx, st, user_bind(st, u), "user_insert", &u->id);
}

op_rc sq_user_update(struct store_tx *t, const struct user *u)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE users SET role = ?, level = ?, name = ?, email = ?, "
                       "phone = ?, telegram = ?, organization_id = ?, language = ?, "
                       "time_zone = ?, active = ?, password_hash = ?, created_at = ?, "
                       "updated_at = ? WHERE id = ?",
                       &st);
    if (rc) return rc;
    int src = user_bind(st, u);
    return sq_run_update(tx, st, src ? src : sq_bind_int(st, 14, u->id), "user_update");
}

op_rc sq_user_get(struct store_tx *t, int64_t id, struct arena *a, struct user *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " USER_COLS " FROM users WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, user_row, a, out, "user_get");
}

op_rc sq_user_get_by_email(struct store_tx *t, const char *email, struct arena *a, struct user *out)
{
    struct sq_tx *tx = sq_tx(t);
    if (!email || !*email) return OP_ERR_NOTFOUND;
    sqlite3_stmt *st;
    /* COLLATE NOCASE as in users_email, so that the index answers */
    op_rc rc = sq_prep(tx, "SELECT " USER_COLS " FROM users WHERE email = ? COLLATE NOCASE", &st);
    if (rc) return rc;
    sq_bind_text(st, 1, email);
    return sq_one(tx, st, user_row, a, out, "user_get");
}

op_rc sq_user_list(struct store_tx *t, const struct user_filter *f, struct arena *a,
                   struct user **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    char *like = NULL;
    if (f->q && *f->q && !(like = sq_like_prefix(a, f->q))) return OP_ERR_NOMEM;
    struct sq_query q;
    sq_q_init(&q);
    sq_q_sql(&q, "SELECT " USER_COLS " FROM users WHERE id > ?");
    sq_q_int(&q, f->after_id);
    if (f->role_mask) {
        sq_q_sql(&q, " AND ");
        sq_q_mask(&q, "role", f->role_mask, ROLE__COUNT);
    }
    if (f->organization_id > 0) {
        sq_q_sql(&q, " AND organization_id = ?");
        sq_q_int(&q, f->organization_id);
    }
    if (like) {
        sq_q_sql(&q, " AND (name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')");
        sq_q_text(&q, like);
        sq_q_text(&q, like);
    }
    sq_q_sql(&q, " ORDER BY id LIMIT ?");
    sq_q_int(&q, sq_limit(f->limit));
    sqlite3_stmt *st;
    op_rc rc = sq_q_prep(tx, &q, &st);
    if (rc == OP_OK) {
        void *v;
        rc = sq_list(tx, st, user_row, sizeof(**out), a, &v, n, "user_list");
        *out = v;
    }
    sq_q_release(&q);
    return rc;
}

op_rc sq_user_groups(struct store_tx *t, int64_t user_id, struct arena *a, struct id_list *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(
        tx, "SELECT group_id FROM group_members WHERE user_id = ? ORDER BY group_id", user_id, &st);
    return rc ? rc : sq_list_ids(tx, st, a, out);
}

/* ---- groups ---- */

#define GROUP_COLS "id, name, tier, description, created_at, updated_at"

static op_rc group_row(struct sq_row *r, void *out)
{
    struct group *g = out;
    g->id = sq_col_int(r, 0);
    g->name = sq_col_text(r, 1);
    g->tier = (enum group_tier)sq_col_int(r, 2);
    g->description = sq_col_text(r, 3);
    g->created_at = sq_col_int(r, 4);
    g->updated_at = sq_col_int(r, 5);
    g->members.v = NULL;
    g->members.n = 0;
    return OP_OK;
}

static int group_bind(sqlite3_stmt *st, const struct group *g)
{
    int src = sq_bind_text(st, 1, g->name);
    src = src ? src : sq_bind_int(st, 2, g->tier);
    src = src ? src : sq_bind_text(st, 3, g->description);
    src = src ? src : sq_bind_int(st, 4, g->created_at);
    src = src ? src : sq_bind_int(st, 5, g->updated_at);
    return src;
}

op_rc sq_group_insert(struct store_tx *t, struct group *g)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO groups(name, tier, description, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?)",
                       &st);
    return rc ? rc : sq_run_insert(tx, st, group_bind(st, g), "group_insert", &g->id);
}

op_rc sq_group_update(struct store_tx *t, const struct group *g)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE groups SET name = ?, tier = ?, description = ?, "
                       "created_at = ?, updated_at = ? WHERE id = ?",
                       &st);
    if (rc) return rc;
    int src = group_bind(st, g);
    return sq_run_update(tx, st, src ? src : sq_bind_int(st, 6, g->id), "group_update");
}

op_rc sq_group_get(struct store_tx *t, int64_t id, struct arena *a, struct group *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " GROUP_COLS " FROM groups WHERE id = ?", id, &st);
    if (rc == OP_OK) rc = sq_one(tx, st, group_row, a, out, "group_get");
    if (rc == OP_OK)
        rc = sq_prep_id(tx, "SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id",
                        id, &st);
    return rc ? rc : sq_list_ids(tx, st, a, &out->members);
}

op_rc sq_group_list(struct store_tx *t, struct arena *a, struct group **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc =
        sq_prep(tx, "SELECT " GROUP_COLS " FROM groups ORDER BY name COLLATE NOCASE, id", &st);
    if (rc) return rc;
    void *v;
    rc = sq_list(tx, st, group_row, sizeof(**out), a, &v, n, "group_list");
    *out = v;
    return rc;
}

/* Replaces the members; the group must exist (else OP_ERR_NOTFOUND) and so
 * must every user (else OP_ERR_NOTFOUND, and nothing changes). */
static op_rc group_set_members(struct sq_tx *tx, int64_t group_id, const struct id_list *ids)
{
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT 1 FROM groups WHERE id = ?", group_id, &st);
    if (rc == OP_OK) rc = sq_one(tx, st, NULL, NULL, NULL, "group_set_members");
    if (rc == OP_OK)
        rc = sq_prep_id(tx, "DELETE FROM group_members WHERE group_id = ?", group_id, &st);
    if (rc == OP_OK) rc = sq_run(tx, st, SQLITE_OK, "group_set_members");
    if (rc || !ids || ids->n == 0) return rc;

    if ((rc = sq_prep(tx, "INSERT OR IGNORE INTO group_members(group_id, user_id) VALUES (?, ?)",
                      &st)))
        return rc;
    for (size_t i = 0; i < ids->n && rc == OP_OK; i++) {
        sq_bind_int(st, 1, group_id);
        sq_bind_int(st, 2, ids->v[i]);
        rc = sq_step_done(tx, st, "group_set_members");
        sqlite3_reset(st);
    }
    sq_done(tx, st);
    return rc;
}

op_rc sq_group_set_members(struct store_tx *t, int64_t group_id, const struct id_list *ids)
{
    return group_set_members(sq_tx(t), group_id, ids);
}

/* ---- deleting (what an admin made by mistake) ---- */

/* *used_by = what when a row of sql (one ?1 = id, an EXISTS) is there:
 * OP_ERR_CONFLICT; OP_OK when none is. */
static op_rc refused_if(struct sq_tx *tx, const char *sql, int64_t id, const char *what,
                        const char **used_by)
{
    sqlite3_stmt *st;
    int64_t any = 0;
    op_rc rc = sq_prep_id(tx, sql, id, &st);
    if (rc == OP_OK) rc = sq_scalar(tx, st, &any, "delete_check");
    if (rc == OP_OK && any) {
        *used_by = what;
        rc = OP_ERR_CONFLICT;
    }
    return rc;
}

op_rc sq_group_delete(struct store_tx *t, int64_t id, const char **used_by)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT 1 FROM groups WHERE id = ?", id, &st);
    if (rc == OP_OK) rc = sq_one(tx, st, NULL, NULL, NULL, "group_delete");
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM tickets WHERE group_id = ?1)", id,
                        "tickets", used_by);
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM surveys WHERE group_id = ?1)", id,
                        "surveys", used_by);
    /* the rows that belong to the group go with it */
    if (rc == OP_OK) rc = sq_prep_id(tx, "DELETE FROM group_members WHERE group_id = ?", id, &st);
    if (rc == OP_OK) rc = sq_run(tx, st, SQLITE_OK, "group_delete");
    if (rc == OP_OK) rc = sq_prep_id(tx, "DELETE FROM group_routing WHERE group_id = ?", id, &st);
    if (rc == OP_OK) rc = sq_run(tx, st, SQLITE_OK, "group_delete");
    if (rc == OP_OK) rc = sq_prep_id(tx, "DELETE FROM groups WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "group_delete");
}

op_rc sq_org_delete(struct store_tx *t, int64_t id, const char **used_by)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT 1 FROM organizations WHERE id = ?", id, &st);
    if (rc == OP_OK) rc = sq_one(tx, st, NULL, NULL, NULL, "org_delete");
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM users WHERE organization_id = ?1)", id,
                        "users", used_by);
    if (rc == OP_OK)
        rc = refused_if(tx, "SELECT EXISTS (SELECT 1 FROM tickets WHERE organization_id = ?1)", id,
                        "tickets", used_by);
    if (rc == OP_OK) rc = sq_prep_id(tx, "DELETE FROM organizations WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "org_delete");
}
