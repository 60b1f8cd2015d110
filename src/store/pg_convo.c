/* pg_convo.c - a ticket's conversation in PostgreSQL: comments, their
 * attachments, and links between tickets. */
#include "base/common.h"

#include "store/pgInt.h"

/* ---- comments ---- */

#define COMMENT_COLS "id, ticket_id, author_id, public, body, via, origin_ticket_id, created_at"

static op_rc comment_row(struct pg_row *r, void *out)
{
    struct comment *c = out;
    memset(c, 0, sizeof(*c));
    c->id = pg_col_int(r, 0);
    c->ticket_id = pg_col_int(r, 1);
    c->author_id = pg_col_int(r, 2);
    c->public = pg_col_int(r, 3) != 0;
    c->body = pg_col_text(r, 4);
    c->via = (enum via)pg_col_int(r, 5);
    c->origin_ticket_id = pg_col_int(r, 6);
    c->created_at = pg_col_int(r, 7);
    return OP_OK;
}

op_rc pg_comment_insert(struct store_tx *t, struct comment *c)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    int64_t id;
    pg_st_init(&st, "INSERT INTO comments(ticket_id, author_id, public, body, via, "
                    "origin_ticket_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "RETURNING id");
    pg_bind_id(&st, c->ticket_id);
    pg_bind_id(&st, c->author_id);
    pg_bind_int(&st, c->public);
    pg_bind_text(&st, c->body);
    pg_bind_int(&st, c->via);
    pg_bind_id(&st, c->origin_ticket_id);
    pg_bind_int(&st, c->created_at);
    op_rc rc = pg_run_insert(tx, &st, &id, "comment_insert");
    /* An attachment belongs to one comment: a missing or already claimed
     * one fails the whole insert. (The search index is the generated
     * column comments.search.) */
    for (size_t i = 0; i < c->attachment_ids.n && rc == OP_OK; i++) {
        pg_st_init(&st, "UPDATE attachments SET comment_id = $1 "
                        "WHERE id = $2 AND comment_id IS NULL");
        pg_bind_int(&st, id);
        pg_bind_int(&st, c->attachment_ids.v[i]);
        int64_t changed = 0;
        rc = pg_run(tx, &st, &changed, "comment_insert");
        if (rc == OP_OK && changed == 0) rc = OP_ERR_CONFLICT;
    }
    if (rc == OP_OK) c->id = id;
    return rc;
}

static op_rc comment_attachments(struct pg_tx *tx, struct arena *a, struct comment *c)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT id FROM attachments WHERE comment_id = $1 ORDER BY id");
    pg_bind_int(&st, c->id);
    return pg_list_ids(tx, &st, a, &c->attachment_ids);
}

op_rc pg_comment_list(struct store_tx *t, int64_t ticket_id, bool public_only, int64_t after_id,
                      size_t limit, struct arena *a, struct comment **out, size_t *n)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, public_only ? "SELECT " COMMENT_COLS " FROM comments WHERE "
                                  "ticket_id = $1 AND id > $2 AND public = 1 "
                                  "ORDER BY id LIMIT $3"
                                : "SELECT " COMMENT_COLS " FROM comments WHERE "
                                  "ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, after_id);
    pg_bind_id(&st, limit > INT64_MAX ? 0 : (int64_t)limit); /* 0: NULL, no limit */
    void *v;
    op_rc rc = pg_list(tx, &st, comment_row, sizeof(**out), a, &v, n, "comment_list");
    *out = v;
    for (size_t i = 0; i < *n && rc == OP_OK; i++)
        rc = comment_attachments(tx, a, &(*out)[i]);
    return rc;
}

op_rc pg_comment_count(struct store_tx *t, int64_t ticket_id, bool public_only, int64_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, public_only
                        ? "SELECT count(*) FROM comments WHERE ticket_id = $1 AND public = 1"
                        : "SELECT count(*) FROM comments WHERE ticket_id = $1");
    pg_bind_int(&st, ticket_id);
    return pg_scalar(pg_tx(t), &st, n, "comment_count");
}

op_rc pg_comment_get(struct store_tx *t, int64_t id, struct arena *a, struct comment *out)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " COMMENT_COLS " FROM comments WHERE id = $1");
    pg_bind_int(&st, id);
    op_rc rc = pg_one(tx, &st, comment_row, a, out, "comment_get");
    return rc ? rc : comment_attachments(tx, a, out);
}

op_rc pg_comment_move(struct store_tx *t, int64_t from, int64_t to, int64_t *moved)
{
    *moved = 0;
    if (from == to) return OP_ERR_INVALID;
    struct pg_stmt st;
    /* both assignments see the row as it was */
    pg_st_init(&st, "UPDATE comments SET origin_ticket_id = coalesce(origin_ticket_id, ticket_id), "
                    "ticket_id = $2 WHERE ticket_id = $1");
    pg_bind_int(&st, from);
    pg_bind_int(&st, to);
    return pg_run(pg_tx(t), &st, moved, "comment_move");
}

/* ---- attachments ---- */

#define ATTACHMENT_COLS                                                                            \
    "id, sha256, size, content_type, filename, uploader_id, comment_id, created_at"

static op_rc attachment_row(struct pg_row *r, void *out)
{
    struct attachment *at = out;
    memset(at, 0, sizeof(*at));
    at->id = pg_col_int(r, 0);
    snprintf(at->sha256, sizeof(at->sha256), "%s", PQgetvalue(r->res, r->i, 1));
    at->size = pg_col_int(r, 2);
    at->content_type = pg_col_text(r, 3);
    at->filename = pg_col_text(r, 4);
    at->uploader_id = pg_col_int(r, 5);
    at->comment_id = pg_col_int(r, 6);
    at->created_at = pg_col_int(r, 7);
    return OP_OK;
}

op_rc pg_attachment_insert(struct store_tx *t, struct attachment *at)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO attachments(sha256, size, content_type, filename, "
                    "uploader_id, comment_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "RETURNING id");
    pg_bind_text(&st, at->sha256);
    pg_bind_int(&st, at->size);
    pg_bind_text(&st, at->content_type);
    pg_bind_text(&st, at->filename);
    pg_bind_id(&st, at->uploader_id);
    pg_bind_id(&st, at->comment_id);
    pg_bind_int(&st, at->created_at);
    return pg_run_insert(pg_tx(t), &st, &at->id, "attachment_insert");
}

op_rc pg_attachment_get(struct store_tx *t, int64_t id, struct arena *a, struct attachment *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " ATTACHMENT_COLS " FROM attachments WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, attachment_row, a, out, "attachment_get");
}

op_rc pg_attachment_list(struct store_tx *t, const struct id_list *ids, struct arena *a,
                         struct attachment **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!ids || ids->n == 0) return OP_OK;
    if (!(*out = arena_alloc(a, ids->n * sizeof(**out)))) return OP_ERR_NOMEM;
    /* in the order asked for; ids that do not exist are left out */
    for (size_t i = 0; i < ids->n; i++) {
        op_rc rc = pg_attachment_get(t, ids->v[i], a, &(*out)[*n]);
        if (rc == OP_OK)
            (*n)++;
        else if (rc != OP_ERR_NOTFOUND)
            return rc;
    }
    return OP_OK;
}

/* ---- links ---- */

#define LINK_COLS "id, kind, a_id, b_id, creator_id, created_at"

static op_rc link_row(struct pg_row *r, void *out)
{
    struct link *l = out;
    l->id = pg_col_int(r, 0);
    l->kind = (enum link_kind)pg_col_int(r, 1);
    l->a_id = pg_col_int(r, 2);
    l->b_id = pg_col_int(r, 3);
    l->creator_id = pg_col_int(r, 4);
    l->created_at = pg_col_int(r, 5);
    return OP_OK;
}

op_rc pg_link_insert(struct store_tx *t, struct link *l)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO links(kind, a_id, b_id, creator_id, created_at) "
                    "VALUES ($1, $2, $3, $4, $5) RETURNING id");
    pg_bind_int(&st, l->kind);
    pg_bind_id(&st, l->a_id);
    pg_bind_id(&st, l->b_id);
    pg_bind_id(&st, l->creator_id);
    pg_bind_int(&st, l->created_at);
    return pg_run_insert(pg_tx(t), &st, &l->id, "link_insert");
}

op_rc pg_link_get(struct store_tx *t, int64_t id, struct link *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " LINK_COLS " FROM links WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, link_row, NULL, out, "link_get");
}

op_rc pg_link_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM links WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "link_delete");
}

op_rc pg_link_list(struct store_tx *t, int64_t ticket_id, struct arena *a, struct link **out,
                   size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " LINK_COLS " FROM links WHERE a_id = $1 OR b_id = $1 ORDER BY id");
    pg_bind_int(&st, ticket_id);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, link_row, sizeof(**out), a, &v, n, "link_list");
    *out = v;
    return rc;
}
