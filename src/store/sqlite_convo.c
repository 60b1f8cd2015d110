/* sqlite_convo.c - a ticket's conversation in SQLite: comments, their
 * attachments, and links between tickets. */
#include "base/common.h"

#include "store/sqliteInt.h"

/* ---- comments ---- */

#define COMMENT_COLS "id, ticket_id, author_id, public, body, via, origin_ticket_id, created_at"

static op_rc comment_row(struct sq_row *r, void *out)
{
    struct comment *c = out;
    memset(c, 0, sizeof(*c));
    c->id = sq_col_int(r, 0);
    c->ticket_id = sq_col_int(r, 1);
    c->author_id = sq_col_int(r, 2);
    c->public = sq_col_int(r, 3) != 0;
    c->body = sq_col_text(r, 4);
    c->via = (enum via)sq_col_int(r, 5);
    c->origin_ticket_id = sq_col_int(r, 6);
    c->created_at = sq_col_int(r, 7);
    return OP_OK;
}

static op_rc comment_insert(struct sq_tx *tx, struct comment *c)
{
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO comments(ticket_id, author_id, public, body, via, "
                       "origin_ticket_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_id(st, 1, c->ticket_id);
    src = src ? src : sq_bind_id(st, 2, c->author_id);
    src = src ? src : sq_bind_int(st, 3, c->public);
    src = src ? src : sq_bind_text(st, 4, c->body);
    src = src ? src : sq_bind_int(st, 5, c->via);
    src = src ? src : sq_bind_id(st, 6, c->origin_ticket_id);
    src = src ? src : sq_bind_int(st, 7, c->created_at);
    int64_t id;
    if ((rc = sq_run_insert(tx, st, src, "comment_insert", &id))) return rc;
    /* the full-text index, kept here rather than by a trigger (sq_fts_ticket) */
    if ((rc = sq_prep(tx, "INSERT INTO comments_fts(rowid, body) VALUES (?, ?)", &st)))
        return rc;
    src = sq_bind_int(st, 1, id);
    src = src ? src : sq_bind_text(st, 2, c->body);
    rc = src ? sq_fail(tx, src, "comment_insert") : sq_step_done(tx, st, "comment_insert");
    sq_done(tx, st);
    if (rc) return rc;
    if (c->attachment_ids.n) {
        /* An attachment belongs to one comment: a missing or already
         * claimed one fails the whole insert. */
        if ((rc = sq_prep(tx,
                          "UPDATE attachments SET comment_id = ? "
                          "WHERE id = ? AND comment_id IS NULL",
                          &st)))
            return rc;
        for (size_t i = 0; i < c->attachment_ids.n && rc == OP_OK; i++) {
            sq_bind_int(st, 1, id);
            sq_bind_int(st, 2, c->attachment_ids.v[i]);
            rc = sq_step_done(tx, st, "comment_insert");
            if (rc == OP_OK && sqlite3_changes(tx->db) == 0) rc = OP_ERR_CONFLICT;
            sqlite3_reset(st);
        }
        sq_done(tx, st);
    }
    if (rc == OP_OK) c->id = id;
    return rc;
}

op_rc sq_comment_insert(struct store_tx *t, struct comment *c)
{
    struct sq_tx *tx = sq_tx(t);
    return comment_insert(tx, c);
}

/* Fills c->attachment_ids of a comment that was just read. */
static op_rc comment_attachments(struct sq_tx *tx, struct arena *a, struct comment *c)
{
    sqlite3_stmt *st;
    op_rc rc =
        sq_prep_id(tx, "SELECT id FROM attachments WHERE comment_id = ? ORDER BY id", c->id, &st);
    return rc ? rc : sq_list_ids(tx, st, a, &c->attachment_ids);
}

op_rc sq_comment_list(struct store_tx *t, int64_t ticket_id, bool public_only, int64_t after_id,
                      size_t limit, struct arena *a, struct comment **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       public_only ? "SELECT " COMMENT_COLS " FROM comments WHERE "
                                     "ticket_id = ? AND id > ? AND public = 1 "
                                     "ORDER BY id LIMIT ?"
                                   : "SELECT " COMMENT_COLS " FROM comments WHERE "
                                     "ticket_id = ? AND id > ? ORDER BY id LIMIT ?",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, ticket_id);
    sq_bind_int(st, 2, after_id);
    sq_bind_int(st, 3, sq_limit(limit));
    void *v;
    rc = sq_list(tx, st, comment_row, sizeof(**out), a, &v, n, "comment_list");
    *out = v;
    for (size_t i = 0; i < *n && rc == OP_OK; i++)
        rc = comment_attachments(tx, a, &(*out)[i]);
    return rc;
}

op_rc sq_comment_count(struct store_tx *t, int64_t ticket_id, bool public_only, int64_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          public_only ? "SELECT count(*) FROM comments "
                                        "WHERE ticket_id = ? AND public = 1"
                                      : "SELECT count(*) FROM comments WHERE ticket_id = ?",
                          ticket_id, &st);
    return rc ? rc : sq_scalar(tx, st, n, "comment_count");
}

op_rc sq_comment_get(struct store_tx *t, int64_t id, struct arena *a, struct comment *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " COMMENT_COLS " FROM comments WHERE id = ?", id, &st);
    if (rc == OP_OK) rc = sq_one(tx, st, comment_row, a, out, "comment_get");
    return rc ? rc : comment_attachments(tx, a, out);
}

op_rc sq_comment_move(struct store_tx *t, int64_t from, int64_t to, int64_t *moved)
{
    struct sq_tx *tx = sq_tx(t);
    *moved = 0;
    if (from == to) return OP_ERR_INVALID;
    sqlite3_stmt *st;
    /* Both assignments see the row as it was: origin becomes the old ticket
     * unless the comment had already moved once. */
    op_rc rc = sq_prep(tx,
                       "UPDATE comments SET origin_ticket_id = "
                       "coalesce(origin_ticket_id, ticket_id), ticket_id = ?2 "
                       "WHERE ticket_id = ?1",
                       &st);
    if (rc) return rc;
    sq_bind_int(st, 1, from);
    sq_bind_int(st, 2, to);
    rc = sq_step_done(tx, st, "comment_move");
    if (rc == OP_OK) *moved = sqlite3_changes(tx->db);
    sq_done(tx, st);
    return rc;
}

/* ---- attachments ---- */

#define ATTACHMENT_COLS                                                                            \
    "id, sha256, size, content_type, filename, uploader_id, comment_id, created_at"

static op_rc attachment_row(struct sq_row *r, void *out)
{
    struct attachment *at = out;
    memset(at, 0, sizeof(*at));
    at->id = sq_col_int(r, 0);
    const char *sha = (const char *)sqlite3_column_text(r->st, 1);
    snprintf(at->sha256, sizeof(at->sha256), "%s", sha ? sha : "");
    at->size = sq_col_int(r, 2);
    at->content_type = sq_col_text(r, 3);
    at->filename = sq_col_text(r, 4);
    at->uploader_id = sq_col_int(r, 5);
    at->comment_id = sq_col_int(r, 6);
    at->created_at = sq_col_int(r, 7);
    return OP_OK;
}

op_rc sq_attachment_insert(struct store_tx *t, struct attachment *at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO attachments(sha256, size, content_type, filename, "
                       "uploader_id, comment_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_text(st, 1, at->sha256);
    src = src ? src : sq_bind_int(st, 2, at->size);
    src = src ? src : sq_bind_text(st, 3, at->content_type);
    src = src ? src : sq_bind_text(st, 4, at->filename);
    src = src ? src : sq_bind_id(st, 5, at->uploader_id);
    src = src ? src : sq_bind_id(st, 6, at->comment_id);
    src = src ? src : sq_bind_int(st, 7, at->created_at);
    return sq_run_insert(tx, st, src, "attachment_insert", &at->id);
}

op_rc sq_attachment_get(struct store_tx *t, int64_t id, struct arena *a, struct attachment *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " ATTACHMENT_COLS " FROM attachments WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, attachment_row, a, out, "attachment_get");
}

op_rc sq_attachment_list(struct store_tx *t, const struct id_list *ids, struct arena *a,
                         struct attachment **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!ids || ids->n == 0) return OP_OK;
    if (!(*out = arena_alloc(a, ids->n * sizeof(**out)))) return OP_ERR_NOMEM;
    /* In the order asked for; ids that do not exist are left out. */
    for (size_t i = 0; i < ids->n; i++) {
        op_rc rc = sq_attachment_get(t, ids->v[i], a, &(*out)[*n]);
        if (rc == OP_OK)
            (*n)++;
        else if (rc != OP_ERR_NOTFOUND)
            return rc;
    }
    return OP_OK;
}

/* ---- links ---- */

#define LINK_COLS "id, kind, a_id, b_id, creator_id, created_at"

/* Links hold no text: a is not used. */
static op_rc link_row(struct sq_row *r, void *out)
{
    struct link *l = out;
    sqlite3_stmt *st = r->st;
    l->id = sqlite3_column_int64(st, 0);
    l->kind = (enum link_kind)sqlite3_column_int(st, 1);
    l->a_id = sqlite3_column_int64(st, 2);
    l->b_id = sqlite3_column_int64(st, 3);
    l->creator_id = sqlite3_column_int64(st, 4);
    l->created_at = sqlite3_column_int64(st, 5);
    return OP_OK;
}

op_rc sq_link_insert(struct store_tx *t, struct link *l)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO links(kind, a_id, b_id, creator_id, created_at) "
                       "VALUES (?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, l->kind);
    src = src ? src : sq_bind_id(st, 2, l->a_id);
    src = src ? src : sq_bind_id(st, 3, l->b_id);
    src = src ? src : sq_bind_id(st, 4, l->creator_id);
    src = src ? src : sq_bind_int(st, 5, l->created_at);
    return sq_run_insert(tx, st, src, "link_insert", &l->id);
}

op_rc sq_link_get(struct store_tx *t, int64_t id, struct link *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " LINK_COLS " FROM links WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, link_row, NULL, out, "link_get");
}

op_rc sq_link_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM links WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "link_delete");
}

op_rc sq_link_list(struct store_tx *t, int64_t ticket_id, struct arena *a, struct link **out,
                   size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "SELECT " LINK_COLS " FROM links WHERE a_id = ?1 OR b_id = ?1 "
                          "ORDER BY id",
                          ticket_id, &st);
    if (rc) return rc;
    void *v;
    rc = sq_list(tx, st, link_row, sizeof(**out), a, &v, n, "link_list");
    *out = v;
    return rc;
}
