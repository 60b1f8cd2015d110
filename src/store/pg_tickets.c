/* pg_tickets.c - tickets in PostgreSQL: rows and tags, filtered and scoped
 * lists with keyset pagination, counts, and full-text search.
 *
 * The queries are those of sqlite_tickets.c (see there for the keyset
 * conditions). Search uses the tsvector columns tickets.search and
 * comments.search (migrations/pg/0001_init.sql), kept by PostgreSQL itself
 * (generated columns), in the text search configuration "opora": the
 * 'russian' one without stop words, which stems Russian words with the
 * Russian stemmer and Latin-letter words with the English one, so text that
 * mixes both needs no second configuration. */
#include "base/common.h"

#include "store/pgInt.h"

#define TICKET_LIMIT_MAX 1000
#define SEARCH_CANDIDATES 500 /* newest matches taken from each of tickets and comments */
#define TAGS_MAX 65536

#define TICKET_COLS                                                                                \
    "t.id, t.subject, t.description, t.status, t.priority, t.type, t.channel, "                    \
    "t.requester_id, t.organization_id, t.group_id, t.assignee_id, t.tags, "                       \
    "t.custom_fields, t.merged_into, t.created_at, t.updated_at, t.solved_at, t.closed_at, "       \
    "(SELECT due_at FROM ticket_sla_due WHERE ticket_id = t.id), "                                 \
    "(SELECT breached FROM ticket_sla_due WHERE ticket_id = t.id)"
#define TICKET_NCOLS 20

/* ---- rows ---- */

static void tags_split(struct pg_row *r, const char *s, struct str_list *out)
{
    out->v = NULL;
    out->n = 0;
    size_t n = 0;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && (p == s || p[-1] == ' ')) n++;
    if (n == 0) return;
    if (!(out->v = arena_alloc(r->a, n * sizeof(*out->v)))) {
        r->oom = true;
        return;
    }
    for (const char *p = s; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t len = strcspn(p, " ");
        char *tag = arena_strndup(r->a, p, len);
        if (!tag) {
            r->oom = true;
            return;
        }
        out->v[out->n++] = tag;
        p += len;
    }
}

static op_rc ticket_row(struct pg_row *r, void *out)
{
    struct ticket *t = out;
    memset(t, 0, sizeof(*t));
    t->id = pg_col_int(r, 0);
    t->subject = pg_col_text(r, 1);
    t->description = pg_col_text(r, 2);
    t->status = (enum ticket_status)pg_col_int(r, 3);
    t->priority = (enum ticket_priority)pg_col_int(r, 4);
    t->type = (enum ticket_type)pg_col_int(r, 5);
    t->channel = (enum channel)pg_col_int(r, 6);
    t->requester_id = pg_col_int(r, 7);
    t->organization_id = pg_col_int(r, 8);
    t->group_id = pg_col_int(r, 9);
    t->assignee_id = pg_col_int(r, 10);
    tags_split(r, PQgetvalue(r->res, r->i, 11), &t->tags);
    t->custom_fields = pg_col_text(r, 12);
    t->merged_into = pg_col_int(r, 13);
    t->created_at = pg_col_int(r, 14);
    t->updated_at = pg_col_int(r, 15);
    t->solved_at = pg_col_int(r, 16);
    t->closed_at = pg_col_int(r, 17);
    t->sla_due_at = pg_col_int(r, 18);
    t->sla_breached = pg_col_int(r, 19) != 0;
    return OP_OK;
}

/* Binds subject .. closed_at of t as $1..$17. */
static void ticket_bind(struct pg_stmt *st, const struct ticket *t, const char *tags)
{
    pg_bind_text(st, t->subject);
    pg_bind_text(st, t->description);
    pg_bind_int(st, t->status);
    pg_bind_int(st, t->priority);
    pg_bind_int(st, t->type);
    pg_bind_int(st, t->channel);
    pg_bind_id(st, t->requester_id);
    pg_bind_id(st, t->organization_id);
    pg_bind_id(st, t->group_id);
    pg_bind_id(st, t->assignee_id);
    pg_bind_text(st, tags);
    pg_bind_text(st, t->custom_fields && *t->custom_fields ? t->custom_fields : "{}");
    pg_bind_id(st, t->merged_into);
    pg_bind_int(st, t->created_at);
    pg_bind_int(st, t->updated_at);
    pg_bind_id(st, t->solved_at);
    pg_bind_id(st, t->closed_at);
}

static op_rc tags_join(const struct str_list *tags, struct buf *b)
{
    op_rc rc = buf_puts(b, "");
    for (size_t i = 0; i < tags->n && rc == OP_OK; i++) {
        const char *tag = tags->v[i];
        if (!*tag || strchr(tag, ' ')) return OP_ERR_INVALID;
        if (i) rc = buf_putc(b, ' ');
        if (rc == OP_OK) rc = buf_puts(b, tag);
    }
    return rc;
}

/* Makes ticket_tags hold exactly the tags of the tags column (joined). */
static op_rc tags_store(struct pg_tx *tx, int64_t ticket_id, const char *joined)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM ticket_tags WHERE ticket_id = $1 AND "
                    "tag <> ALL (string_to_array($2, ' '))");
    pg_bind_int(&st, ticket_id);
    pg_bind_text(&st, joined);
    op_rc rc = pg_run(tx, &st, NULL, "ticket tags");
    if (rc || !*joined) return rc;
    pg_st_init(&st, "INSERT INTO ticket_tags(tag, ticket_id) "
                    "SELECT DISTINCT unnest(string_to_array($2::text, ' ')), $1::bigint "
                    "ON CONFLICT DO NOTHING");
    pg_bind_int(&st, ticket_id);
    pg_bind_text(&st, joined);
    return pg_run(tx, &st, NULL, "ticket tags");
}

op_rc pg_ticket_insert(struct store_tx *tt, struct ticket *t)
{
    struct pg_tx *tx = pg_tx(tt);
    struct buf tags = BUF_INIT(TAGS_MAX);
    int64_t id = 0;
    op_rc rc = tags_join(&t->tags, &tags);
    if (rc == OP_OK) {
        struct pg_stmt st;
        pg_st_init(&st, "INSERT INTO tickets(subject, description, status, priority, type, "
                        "channel, requester_id, organization_id, group_id, assignee_id, tags, "
                        "custom_fields, merged_into, created_at, updated_at, solved_at, "
                        "closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                        "$13, $14, $15, $16, $17) RETURNING id");
        ticket_bind(&st, t, buf_str(&tags));
        rc = pg_run_insert(tx, &st, &id, "ticket_insert");
    }
    if (rc == OP_OK && t->tags.n) rc = tags_store(tx, id, buf_str(&tags));
    if (rc == OP_OK) t->id = id;
    buf_release(&tags);
    return rc;
}

op_rc pg_ticket_update(struct store_tx *tt, const struct ticket *t)
{
    struct pg_tx *tx = pg_tx(tt);
    struct buf tags = BUF_INIT(TAGS_MAX);
    op_rc rc = tags_join(&t->tags, &tags);
    int64_t tags_changed = 0;
    if (rc == OP_OK) {
        /* old tags read in the same statement: "changed" decides whether
         * ticket_tags needs touching */
        struct pg_stmt st;
        pg_st_init(&st, "WITH old AS (SELECT tags FROM tickets WHERE id = $18) "
                        "UPDATE tickets SET subject = $1, description = $2, status = $3, "
                        "priority = $4, type = $5, channel = $6, requester_id = $7, "
                        "organization_id = $8, group_id = $9, assignee_id = $10, tags = $11, "
                        "custom_fields = $12, merged_into = $13, created_at = $14, "
                        "updated_at = $15, solved_at = $16, closed_at = $17 WHERE id = $18 "
                        "RETURNING (SELECT tags FROM old) IS DISTINCT FROM $11");
        ticket_bind(&st, t, buf_str(&tags));
        pg_bind_int(&st, t->id);
        PGresult *res;
        rc = pg_exec(tx, &st, &res, "ticket_update");
        if (rc == OP_OK) {
            if (PQntuples(res) == 0) {
                rc = OP_ERR_NOTFOUND;
            } else {
                struct pg_row r = {res, 0, NULL, false};
                tags_changed = pg_col_int(&r, 0);
            }
            PQclear(res);
        }
    }
    if (rc == OP_OK && tags_changed) rc = tags_store(tx, t->id, buf_str(&tags));
    buf_release(&tags);
    return rc;
}

op_rc pg_ticket_get(struct store_tx *tt, int64_t id, struct arena *a, struct ticket *out)
{
    struct pg_tx *tx = pg_tx(tt);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " TICKET_COLS " FROM tickets t WHERE t.id = $1");
    pg_bind_int(&st, id);
    op_rc rc = pg_one(tx, &st, ticket_row, a, out, "ticket_get");
    if (rc) return rc;
    pg_st_init(&st, "SELECT user_id FROM ticket_requesters WHERE ticket_id = $1 ORDER BY user_id");
    pg_bind_int(&st, id);
    return pg_list_ids(tx, &st, a, &out->requesters);
}

op_rc pg_ticket_add_requester(struct store_tx *tt, int64_t ticket_id, int64_t user_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO ticket_requesters(ticket_id, user_id) VALUES ($1, $2)");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, user_id);
    return pg_run(pg_tx(tt), &st, NULL, "ticket_add_requester");
}

/* ---- filters and scopes ---- */

/* "{1,2,3}", a bigint[] literal, from a. */
static char *ids_array(struct arena *a, const struct id_list *ids)
{
    char *s = arena_alloc(a, ids->n * 21 + 3);
    if (!s) return NULL;
    size_t len = 0;
    s[len++] = '{';
    for (size_t i = 0; i < ids->n; i++)
        len += (size_t)snprintf(s + len, 22, "%s%" PRId64, i ? "," : "", ids->v[i]);
    s[len++] = '}';
    s[len] = '\0';
    return s;
}

static void where_id(struct pg_query *q, const char *col, int64_t id)
{
    if (id > 0) {
        pg_q_sql(q, " AND %s = ?", col);
        pg_q_int(q, id);
    } else if (id == ID_NONE) {
        pg_q_sql(q, " AND %s IS NULL", col);
    }
}

/* The conditions of f and scope, after "WHERE true". false when the scope
 * lets nothing through. */
static bool ticket_where(struct pg_query *q, const struct ticket_filter *f,
                         const struct ticket_scope *sc, struct arena *a)
{
    if (f->status_mask) {
        pg_q_sql(q, " AND ");
        pg_q_mask(q, "t.status", f->status_mask, STATUS__COUNT);
    }
    if (f->priority_mask) {
        pg_q_sql(q, " AND ");
        pg_q_mask(q, "t.priority", f->priority_mask, PRIO__COUNT);
    }
    where_id(q, "t.group_id", f->group_id);
    where_id(q, "t.assignee_id", f->assignee_id);
    where_id(q, "t.organization_id", f->organization_id);
    if (f->requester_id > 0) {
        pg_q_sql(q, " AND (t.requester_id = ? OR t.id IN "
                    "(SELECT ticket_id FROM ticket_requesters WHERE user_id = ?))");
        pg_q_int(q, f->requester_id);
        pg_q_int(q, f->requester_id);
    } else if (f->requester_id == ID_NONE) {
        return false;
    }
    if (f->tag) {
        pg_q_sql(q, " AND t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)");
        pg_q_text(q, f->tag);
    }
    if (f->updated_since) {
        pg_q_sql(q, " AND t.updated_at >= ?");
        pg_q_int(q, f->updated_since);
    }
    if (f->sla_breached)
        pg_q_sql(q, " AND t.id IN (SELECT ticket_id FROM ticket_sla_due WHERE breached <> 0)");
    if (f->sla_due_before) {
        pg_q_sql(q, " AND t.id IN (SELECT ticket_id FROM ticket_sla_due WHERE due_at <= ?)");
        pg_q_int(q, f->sla_due_before);
    }

    if (sc->all) return true;
    int parts = 0;
    const char * or = " AND (";
    if (sc->group_ids.n) {
        char *arr = ids_array(a, &sc->group_ids);
        if (!arr) {
            q->rc = OP_ERR_NOMEM;
            return true;
        }
        pg_q_sql(q, "%st.group_id = ANY (?::bigint[])", or);
        pg_q_text(q, arr);
        parts++, or = " OR ";
    }
    if (sc->ungrouped) {
        pg_q_sql(q, "%st.group_id IS NULL", or);
        parts++, or = " OR ";
    }
    if (sc->assignee_id > 0) {
        pg_q_sql(q, "%st.assignee_id = ?", or);
        pg_q_int(q, sc->assignee_id);
        parts++, or = " OR ";
    }
    if (sc->requester_id > 0) {
        pg_q_sql(q,
                 "%st.requester_id = ? OR t.id IN "
                 "(SELECT ticket_id FROM ticket_requesters WHERE user_id = ?)",
                 or);
        pg_q_int(q, sc->requester_id);
        pg_q_int(q, sc->requester_id);
        parts++, or = " OR ";
    }
    if (sc->organization_id > 0) {
        pg_q_sql(q, "%st.organization_id = ?", or);
        pg_q_int(q, sc->organization_id);
        parts++;
    }
    if (parts) pg_q_sql(q, ")");
    return parts > 0;
}

static int64_t sort_key(const struct ticket *t, enum ticket_sort sort)
{
    switch (sort) {
    case SORT_UPDATED:
        return t->updated_at;
    case SORT_PRIORITY:
        return t->priority;
    case SORT_DUE:
        return t->sla_due_at ? t->sla_due_at : INT64_MAX;
    case SORT_CREATED:
        break;
    }
    return t->created_at;
}

/* The keyset condition for f->after and the ORDER BY (as sqlite_tickets.c). */
static void ticket_order(struct pg_query *q, const struct ticket_filter *f)
{
    const char *col = f->sort == SORT_UPDATED    ? "t.updated_at"
                      : f->sort == SORT_PRIORITY ? "t.priority"
                      : f->sort == SORT_DUE      ? "coalesce(s.due_at, 9223372036854775807)"
                                                 : "t.created_at";
    bool key_desc = f->sort == SORT_DUE ? f->asc : !f->asc;
    bool id_desc = f->sort == SORT_PRIORITY || f->sort == SORT_DUE ? f->asc : !f->asc;
    if (f->after.set) {
        const char *kc = key_desc ? "<" : ">";
        pg_q_sql(q, " AND %s %s= ? AND (%s %s ? OR t.id %s ?)", col, kc, col, kc,
                 id_desc ? "<" : ">");
        pg_q_int(q, f->after.key);
        pg_q_int(q, f->after.key);
        pg_q_int(q, f->after.id);
    }
    pg_q_sql(q, " ORDER BY %s %s, t.id %s", col, key_desc ? "DESC" : "ASC",
             id_desc ? "DESC" : "ASC");
}

static op_rc filter_check(const struct ticket_filter *f)
{
    if (f->limit < 1 || f->limit > TICKET_LIMIT_MAX) return OP_ERR_INVALID;
    if (f->sort != SORT_CREATED && f->sort != SORT_UPDATED && f->sort != SORT_PRIORITY &&
        f->sort != SORT_DUE)
        return OP_ERR_INVALID;
    return OP_OK;
}

/* Runs st and reads up to limit tickets into out (more when there is one
 * past them); with hits, column TICKET_NCOLS is each one's score. */
static op_rc page_read(struct pg_tx *tx, struct pg_stmt *st, size_t limit, struct arena *a,
                       struct ticket_page *out, struct search_hit *hits)
{
    if (!(out->v = arena_alloc(a, limit * sizeof(*out->v)))) return OP_ERR_NOMEM;
    PGresult *res;
    op_rc rc = pg_exec(tx, st, &res, "ticket list");
    if (rc) return rc;
    struct pg_row r = {res, 0, a, false};
    int rows = PQntuples(res);
    for (int i = 0; i < rows; i++) {
        if (out->n == limit) {
            out->more = true;
            break;
        }
        r.i = i;
        ticket_row(&r, &out->v[out->n]);
        if (hits) {
            hits[out->n].ticket_id = out->v[out->n].id;
            hits[out->n].score = pg_col_double(&r, TICKET_NCOLS);
        }
        out->n++;
        if (r.oom) {
            rc = OP_ERR_NOMEM;
            break;
        }
    }
    PQclear(res);
    return rc;
}

op_rc pg_ticket_list(struct store_tx *tt, const struct ticket_filter *f,
                     const struct ticket_scope *scope, struct arena *a, struct ticket_page *out)
{
    struct pg_tx *tx = pg_tx(tt);
    memset(out, 0, sizeof(*out));
    op_rc rc = filter_check(f);
    if (rc) return rc;
    struct pg_query q;
    struct pg_stmt *st;
    pg_q_init(&q);
    pg_q_sql(&q, "SELECT " TICKET_COLS " FROM tickets t%s WHERE true",
             f->sort == SORT_DUE ? " LEFT JOIN ticket_sla_due s ON s.ticket_id = t.id" : "");
    if (!ticket_where(&q, f, scope, a) && q.rc == OP_OK) {
        out->v = arena_alloc(a, sizeof(*out->v));
        rc = out->v ? OP_OK : OP_ERR_NOMEM;
        goto end;
    }
    ticket_order(&q, f);
    pg_q_sql(&q, " LIMIT ?");
    pg_q_int(&q, (int64_t)f->limit + 1);
    if ((rc = pg_q_stmt(&q, &st))) goto end;
    rc = page_read(tx, st, f->limit, a, out, NULL);
    if (rc == OP_OK && out->more) {
        const struct ticket *last = &out->v[out->n - 1];
        out->next.set = true;
        out->next.key = sort_key(last, f->sort);
        out->next.id = last->id;
    }
end:
    pg_q_release(&q);
    return rc;
}

op_rc pg_ticket_count(struct store_tx *tt, const struct ticket_filter *f,
                      const struct ticket_scope *scope, int64_t *out)
{
    struct pg_tx *tx = pg_tx(tt);
    struct arena a = ARENA_INIT(0);
    struct pg_query q;
    struct pg_stmt *st;
    op_rc rc = OP_OK;
    *out = 0;
    pg_q_init(&q);
    pg_q_sql(&q, "SELECT count(*) FROM tickets t WHERE true");
    if (!ticket_where(&q, f, scope, &a) && q.rc == OP_OK) goto end;
    if ((rc = pg_q_stmt(&q, &st)) == OP_OK) rc = pg_scalar(tx, st, out, "ticket_count");
end:
    pg_q_release(&q);
    arena_release(&a);
    return rc;
}

/* ---- full-text search ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A byte of a word as PostgreSQL's parser sees words: ASCII letters and
 * digits, and every byte of a multi-byte UTF-8 character (letters of other
 * alphabets). Everything else separates words. */
static bool is_word(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Each term is a phrase of its words ('a' <-> 'b'), terms ANDed; the last
 * word of "term*" is a prefix (:*). Words hold no quote or operator, so the
 * user's text cannot change the query's structure. */
op_rc pg_fts_query(const char *q, struct arena *a, char **out)
{
    struct buf b = BUF_INIT(4 * PG_FTS_QUERY_MAX + 64);
    op_rc rc = OP_OK;
    int terms = 0;
    if (!q || strlen(q) > PG_FTS_QUERY_MAX) return q ? OP_ERR_TOOBIG : OP_ERR_INVALID;
    for (const char *p = q; *p && terms < PG_FTS_TERMS_MAX && rc == OP_OK;) {
        if (is_space(*p)) {
            p++;
            continue;
        }
        const char *e = p;
        while (*e && !is_space(*e))
            e++;
        bool prefix = e > p && e[-1] == '*';
        int words = 0;
        for (const char *w = p; w < e && rc == OP_OK;) {
            if (!is_word((unsigned char)*w)) {
                w++;
                continue;
            }
            const char *we = w;
            while (we < e && is_word((unsigned char)*we))
                we++;
            if (words == 0)
                rc = buf_puts(&b, terms ? " & (" : "(");
            else
                rc = buf_puts(&b, " <-> ");
            if (rc == OP_OK) rc = buf_putc(&b, '\'');
            if (rc == OP_OK) rc = buf_append(&b, w, (size_t)(we - w));
            if (rc == OP_OK) rc = buf_putc(&b, '\'');
            bool last = true;
            for (const char *x = we; x < e; x++)
                if (is_word((unsigned char)*x)) last = false;
            if (rc == OP_OK && prefix && last) rc = buf_puts(&b, ":*");
            words++;
            w = we;
        }
        if (words) {
            if (rc == OP_OK) rc = buf_putc(&b, ')');
            terms++;
        }
        p = e;
    }
    if (rc == OP_OK && terms == 0) rc = OP_ERR_INVALID;
    if (rc == OP_OK && !(*out = arena_strdup(a, buf_str(&b)))) rc = OP_ERR_NOMEM;
    buf_release(&b);
    return rc;
}

/* Search candidates: ticket ids and their scores (lower is better). */
struct candidates {
    struct buf ids, ranks; /* "{1,2,...}" and "{-0.1,...}", bound as arrays */
    size_t n;
};

/* Appends the rows (id, score) of st's result to c. */
static op_rc candidates_read(struct pg_tx *tx, struct pg_stmt *st, struct candidates *c)
{
    PGresult *res;
    op_rc rc = pg_exec(tx, st, &res, "search candidates");
    if (rc) return rc;
    struct pg_row r = {res, 0, NULL, false};
    for (int i = 0; i < PQntuples(res) && rc == OP_OK; i++, c->n++) {
        char num[64];
        r.i = i;
        snprintf(num, sizeof(num), "%s%" PRId64, c->n ? "," : "{", pg_col_int(&r, 0));
        rc = buf_puts(&c->ids, num);
        /* %.17g: the score survives the trip as text unchanged */
        snprintf(num, sizeof(num), "%s%.17g", c->n ? "," : "{", pg_col_double(&r, 1));
        if (!rc) rc = buf_puts(&c->ranks, num);
    }
    PQclear(res);
    return rc;
}

/* The newest SEARCH_CANDIDATES rows of one source (the tickets' own text,
 * or the comments) matching the query, into c, in two steps. First the
 * newest 2 % of the ids (at least 20,000): the GIN index's matches ANDed
 * with the primary key's range (literal bounds the planner sees), so a
 * common word reads one small slice instead of every matching row of the
 * table to keep the newest 500 (seconds on a million tickets). Only if
 * that slice has fewer than SEARCH_CANDIDATES, the rest: the GIN matches
 * alone with the bound as a filter ("id + 0"), since ANDing with the
 * primary key over most of the table costs more than the matches of a word
 * that was rare in the newest slice (~5x on 5M comments). In the slice
 * the planner may walk the primary key backwards testing each row (a few
 * ms for common words; never more than the slice); in the rest "id + 0"
 * keeps it off that walk, which is seconds when the words are rare
 * together. */
static op_rc candidates_of(struct pg_tx *tx, bool comments, bool public_only, const char *match,
                           struct candidates *c)
{
    struct pg_stmt st;
    int64_t max_id = 0;
    pg_st_init(&st, comments ? "SELECT coalesce(max(id), 0) FROM comments"
                             : "SELECT coalesce(max(id), 0) FROM tickets");
    op_rc rc = pg_scalar(tx, &st, &max_id, "search newest");
    if (rc) return rc;
    const char *t = comments ? "c" : "t";
    int64_t lo = MAX(0, max_id - MAX(20000, max_id / 50));
    size_t start = c->n;
    for (int step = 0; step < 2 && c->n - start < SEARCH_CANDIDATES; step++) {
        if (step == 1 && lo == 0) break; /* the first slice was the whole table */
        struct pg_query q;
        struct pg_stmt *qs;
        pg_q_init(&q);
        pg_q_sql(&q,
                 comments ? "SELECT c.ticket_id, -0.5 * ts_rank(c.search, to_tsquery('opora', ?)) "
                            "FROM comments c WHERE c.search @@ to_tsquery('opora', ?)%s "
                          : "SELECT t.id, -ts_rank(t.search, to_tsquery('opora', ?)) "
                            "FROM tickets t WHERE t.search @@ to_tsquery('opora', ?)%s ",
                 comments && public_only ? " AND c.public = 1" : "");
        if (step == 0)
            pg_q_sql(&q, "AND %s.id > %" PRId64 " ", t, lo);
        else
            pg_q_sql(&q, "AND %s.id + 0 <= %" PRId64 " ", t, lo);
        pg_q_sql(&q, "ORDER BY %s.id%s DESC LIMIT %zu", t, step ? " + 0" : "",
                 SEARCH_CANDIDATES - (c->n - start));
        pg_q_text(&q, match);
        pg_q_text(&q, match);
        if (!(rc = pg_q_stmt(&q, &qs))) rc = candidates_read(tx, qs, c);
        pg_q_release(&q);
        if (rc) return rc;
    }
    return OP_OK;
}

op_rc pg_ticket_search(struct store_tx *tt, const char *query, const struct ticket_filter *f,
                       const struct ticket_scope *scope, size_t offset, struct arena *a,
                       struct ticket_page *out, struct search_hit **hits)
{
    struct pg_tx *tx = pg_tx(tt);
    memset(out, 0, sizeof(*out));
    *hits = NULL;
    op_rc rc = filter_check(f);
    if (rc) return rc;
    char *match;
    if ((rc = pg_fts_query(query, a, &match))) return rc;
    if (!(*hits = arena_alloc(a, f->limit * sizeof(**hits)))) return OP_ERR_NOMEM;

    struct pg_query q;
    struct pg_stmt *st;
    struct candidates c = {BUF_INIT(64 * SEARCH_CANDIDATES), BUF_INIT(64 * SEARCH_CANDIDATES), 0};
    pg_q_init(&q);
    /* The planner must see the words: the match is written out in each
     * WHERE (not taken from a CTE's row, which it cannot estimate) and each
     * search is planned for its own words, not by a cached generic plan. */
    struct pg_stmt custom;
    pg_st_init(&custom, "SET LOCAL plan_cache_mode = force_custom_plan");
    if ((rc = pg_run(tx, &custom, NULL, "search plan"))) goto end;
    /* As on SQLite: the newest SEARCH_CANDIDATES matches of each of the
     * tickets' own text and the comments, ranked (ts_rank; the subject
     * weighs more than the description by its weight class A over B), the
     * best of a ticket's scores kept; only those are joined with the
     * filters and the scope. Scores are negated: lower is better. */
    if ((rc = candidates_of(tx, false, false, match, &c))) goto end;
    if ((rc = candidates_of(tx, true, scope->public_only, match, &c))) goto end;
    if (c.n == 0 || (rc = buf_putc(&c.ids, '}')) || (rc = buf_putc(&c.ranks, '}'))) {
        if (!rc && !(out->v = arena_alloc(a, sizeof(*out->v)))) rc = OP_ERR_NOMEM;
        goto end;
    }
    pg_q_sql(&q, "WITH m AS MATERIALIZED (SELECT id, min(rank) AS rank FROM "
                 "unnest(?::bigint[], ?::float8[]) AS x(id, rank) GROUP BY id) ");
    pg_q_text(&q, buf_str(&c.ids));
    pg_q_text(&q, buf_str(&c.ranks));
    pg_q_sql(&q, "SELECT " TICKET_COLS ", m.rank FROM m JOIN tickets t ON t.id = m.id WHERE true");
    if (!ticket_where(&q, f, scope, a) && q.rc == OP_OK) {
        out->v = arena_alloc(a, sizeof(*out->v));
        rc = out->v ? OP_OK : OP_ERR_NOMEM;
        goto end;
    }
    pg_q_sql(&q, " ORDER BY m.rank, t.id DESC LIMIT ? OFFSET ?");
    pg_q_int(&q, (int64_t)f->limit + 1);
    pg_q_int(&q, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    if ((rc = pg_q_stmt(&q, &st))) goto end;
    rc = page_read(tx, st, f->limit, a, out, *hits);
end:
    pg_q_release(&q);
    buf_release(&c.ids);
    buf_release(&c.ranks);
    return rc;
}
