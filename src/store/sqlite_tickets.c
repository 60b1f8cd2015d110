/* sqlite_tickets.c - tickets in SQLite: rows and tags, filtered and scoped
 * lists with keyset pagination, counts, and full-text search.
 *
 * Lists are built at run time from the filter and the scope (struct
 * sq_query); each shape of query is one cached statement per connection.
 * Keyset conditions are written as "key <= k AND (key < k OR id < i)": the
 * first half is a range the index can seek to, the second only trims the
 * rows that share the last key, so a deep page costs what the first does. */
#include "base/common.h"

#include "store/sqliteInt.h"

#define TICKET_LIMIT_MAX 1000
#define SEARCH_CANDIDATES 500 /* best matches taken from each FTS table */
#define TAGS_MAX 65536         /* bytes of the space-separated tags column */

#define TICKET_COLS                                                                                \
    "t.id, t.subject, t.description, t.status, t.priority, t.type, t.channel, "                    \
    "t.requester_id, t.organization_id, t.group_id, t.assignee_id, t.tags, "                       \
    "t.custom_fields, t.merged_into, t.created_at, t.updated_at, t.solved_at, t.closed_at, "      \
    "(SELECT due_at FROM ticket_sla_due WHERE ticket_id = t.id), "                                 \
    "(SELECT breached FROM ticket_sla_due WHERE ticket_id = t.id)"
#define TICKET_NCOLS 20

/* ---- rows ---- */

/* Splits the space-separated tags column into a list from r->a. */
static void tags_split(struct sq_row *r, const char *s, struct str_list *out)
{
    out->v = NULL;
    out->n = 0;
    size_t n = 0;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && (p == s || p[-1] == ' ')) n++;
    if (n == 0) return;
    out->v = arena_alloc(r->a, n * sizeof(*out->v));
    if (!out->v) {
        r->oom = true;
        return;
    }
    for (const char *p = s; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *tag = arena_strndup(r->a, p, len);
        if (!tag) {
            r->oom = true;
            return;
        }
        out->v[out->n++] = tag;
        p += len;
    }
}

static op_rc ticket_row(struct sq_row *r, void *out)
{
    struct ticket *t = out;
    memset(t, 0, sizeof(*t));
    t->id = sq_col_int(r, 0);
    t->subject = sq_col_text(r, 1);
    t->description = sq_col_text(r, 2);
    t->status = (enum ticket_status)sq_col_int(r, 3);
    t->priority = (enum ticket_priority)sq_col_int(r, 4);
    t->type = (enum ticket_type)sq_col_int(r, 5);
    t->channel = (enum channel)sq_col_int(r, 6);
    t->requester_id = sq_col_int(r, 7);
    t->organization_id = sq_col_int(r, 8);
    t->group_id = sq_col_int(r, 9);
    t->assignee_id = sq_col_int(r, 10);
    const char *tags = (const char *)sqlite3_column_text(r->st, 11);
    tags_split(r, tags ? tags : "", &t->tags);
    t->custom_fields = sq_col_text(r, 12);
    t->merged_into = sq_col_int(r, 13);
    t->created_at = sq_col_int(r, 14);
    t->updated_at = sq_col_int(r, 15);
    t->solved_at = sq_col_int(r, 16);
    t->closed_at = sq_col_int(r, 17);
    t->sla_due_at = sq_col_int(r, 18);
    t->sla_breached = sq_col_int(r, 19) != 0;
    return OP_OK;
}

/* Binds subject .. closed_at of t to parameters 1..17; tags is the joined
 * tags column. */
static int ticket_bind(sqlite3_stmt *st, const struct ticket *t, const char *tags)
{
    int src = sq_bind_text(st, 1, t->subject);
    src = src ? src : sq_bind_text(st, 2, t->description);
    src = src ? src : sq_bind_int(st, 3, t->status);
    src = src ? src : sq_bind_int(st, 4, t->priority);
    src = src ? src : sq_bind_int(st, 5, t->type);
    src = src ? src : sq_bind_int(st, 6, t->channel);
    src = src ? src : sq_bind_id(st, 7, t->requester_id);
    src = src ? src : sq_bind_id(st, 8, t->organization_id);
    src = src ? src : sq_bind_id(st, 9, t->group_id);
    src = src ? src : sq_bind_id(st, 10, t->assignee_id);
    src = src ? src : sq_bind_text(st, 11, tags);
    src =
        src ? src
            : sq_bind_text(st, 12, t->custom_fields && *t->custom_fields ? t->custom_fields : "{}");
    src = src ? src : sq_bind_id(st, 13, t->merged_into);
    src = src ? src : sq_bind_int(st, 14, t->created_at);
    src = src ? src : sq_bind_int(st, 15, t->updated_at);
    src = src ? src : sq_bind_id(st, 16, t->solved_at);
    src = src ? src : sq_bind_id(st, 17, t->closed_at);
    return src;
}

/* The tags joined by spaces into b. A tag that is empty or has a space
 * would not survive the round trip: OP_ERR_INVALID (the domain checks tags
 * before, so this is a guard). */
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

/* Makes ticket_tags say what the tags column says. */
/* Brings ticket_tags from the old tags (space-separated, as stored in
 * tickets.tags; "" for a new ticket) to the new list, a row at a time: only
 * tags that come or go are written, and every statement touches one row (a
 * statement that may change several needs a statement journal). */
static op_rc tags_store(struct sq_tx *tx, int64_t ticket_id, const char *old_tags,
                        const struct str_list *tags)
{
    sqlite3_stmt *st;
    op_rc rc = OP_OK;
    /* tags that went */
    for (const char *p = old_tags; *p && rc == OP_OK;) {
        size_t n = strcspn(p, " ");
        bool kept = false;
        for (size_t i = 0; i < tags->n && !kept; i++)
            kept = strlen(tags->v[i]) == n && memcmp(tags->v[i], p, n) == 0;
        if (n && !kept) {
            if ((rc = sq_prep(tx, "DELETE FROM ticket_tags WHERE tag = ? AND ticket_id = ?", &st)))
                return rc;
            int src = sqlite3_bind_text(st, 1, p, (int)n, SQLITE_STATIC);
            rc = sq_run(tx, st, src ? src : sq_bind_int(st, 2, ticket_id), "ticket tags");
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    /* tags that came */
    for (size_t i = 0; i < tags->n && rc == OP_OK; i++) {
        bool had = false;
        size_t n = strlen(tags->v[i]);
        for (const char *p = old_tags; *p && !had;) {
            size_t m = strcspn(p, " ");
            had = m == n && memcmp(p, tags->v[i], n) == 0;
            p += m;
            while (*p == ' ')
                p++;
        }
        if (had)
            continue;
        if ((rc = sq_prep(tx, "INSERT INTO ticket_tags(tag, ticket_id) VALUES (?, ?)", &st)))
            return rc;
        int src = sq_bind_text(st, 1, tags->v[i]);
        rc = sq_run(tx, st, src ? src : sq_bind_int(st, 2, ticket_id), "ticket tags");
    }
    return rc;
}

/* The full-text index is kept by these calls, not by triggers: a trigger
 * makes every INSERT and UPDATE of a ticket or comment a multi-row statement
 * that needs a statement journal, which costs a copy of each page it touches
 * (most of a bulk load's time). The store is the only writer, so the index
 * cannot be bypassed. The FTS tables are contentless: nothing is read back
 * from them but rowids and ranks. Rowids are the ids, ascending: FTS5 keeps
 * its pending terms in memory only while rowids grow (a smaller one flushes
 * them to disk at every insert, which halved the write rate when documents
 * were indexed under negated ids). */
op_rc sq_fts_ticket(struct sq_tx *tx, int64_t id, const char *old_subject,
                    const char *old_description, const char *subject, const char *description)
{
    sqlite3_stmt *st;
    op_rc rc;
    int src;
    if (old_subject) {
        if ((rc = sq_prep(tx, "INSERT INTO tickets_fts(tickets_fts, rowid, subject, description) "
                              "VALUES ('delete', ?, ?, ?)", &st)))
            return rc;
        src = sq_bind_int(st, 1, id);
        src = src ? src : sq_bind_text(st, 2, old_subject);
        src = src ? src : sq_bind_text(st, 3, old_description);
        rc = src ? sq_fail(tx, src, "fts_ticket") : sq_step_done(tx, st, "fts_ticket");
        sq_done(tx, st);
        if (rc)
            return rc;
    }
    if ((rc = sq_prep(tx, "INSERT INTO tickets_fts(rowid, subject, description) VALUES (?, ?, ?)",
                      &st)))
        return rc;
    src = sq_bind_int(st, 1, id);
    src = src ? src : sq_bind_text(st, 2, subject);
    src = src ? src : sq_bind_text(st, 3, description);
    rc = src ? sq_fail(tx, src, "fts_ticket") : sq_step_done(tx, st, "fts_ticket");
    sq_done(tx, st);
    return rc;
}

static op_rc ticket_insert(struct sq_tx *tx, struct ticket *t)
{
    struct buf tags = BUF_INIT(TAGS_MAX);
    sqlite3_stmt *st = NULL;
    int64_t id = 0;
    op_rc rc = tags_join(&t->tags, &tags);
    if (rc == OP_OK)
        rc = sq_prep(tx,
                     "INSERT INTO tickets(subject, description, status, priority, type, "
                     "channel, requester_id, organization_id, group_id, assignee_id, tags, "
                     "custom_fields, merged_into, created_at, updated_at, solved_at, "
                     "closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (rc == OP_OK)
        rc = sq_run_insert(tx, st, ticket_bind(st, t, buf_str(&tags)), "ticket_insert", &id);
    if (rc == OP_OK) rc = tags_store(tx, id, "", &t->tags);
    if (rc == OP_OK) rc = sq_fts_ticket(tx, id, NULL, NULL, t->subject, t->description);
    if (rc == OP_OK) t->id = id;
    buf_release(&tags);
    return rc;
}

op_rc sq_ticket_insert(struct store_tx *t, struct ticket *tk)
{
    struct sq_tx *tx = sq_tx(t);
    return ticket_insert(tx, tk);
}

/* A ticket's text as stored, before an update changes it. */
struct ticket_text {
    char *subject, *description, *tags;
};

static op_rc ticket_text_row(struct sq_row *r, void *out)
{
    struct ticket_text *old = out;
    old->subject = sq_col_text(r, 0);
    old->description = sq_col_text(r, 1);
    old->tags = sq_col_text(r, 2);
    return OP_OK;
}

static op_rc ticket_update(struct sq_tx *tx, const struct ticket *t)
{
    struct buf tags = BUF_INIT(TAGS_MAX);
    sqlite3_stmt *st = NULL;
    struct arena a = ARENA_INIT(0);
    struct ticket_text old = {NULL, NULL, NULL};
    op_rc rc = tags_join(&t->tags, &tags);
    /* the text as it was, to take it out of the index if it changes */
    if (rc == OP_OK)
        rc = sq_prep_id(tx, "SELECT subject, description, tags FROM tickets WHERE id = ?", t->id,
                        &st);
    if (rc == OP_OK) rc = sq_one(tx, st, ticket_text_row, &a, &old, "ticket_update");
    if (rc == OP_OK)
        rc = sq_prep(tx,
                     "UPDATE tickets SET subject = ?, description = ?, status = ?, "
                     "priority = ?, type = ?, channel = ?, requester_id = ?, "
                     "organization_id = ?, group_id = ?, assignee_id = ?, tags = ?, "
                     "custom_fields = ?, merged_into = ?, created_at = ?, updated_at = ?, "
                     "solved_at = ?, closed_at = ? WHERE id = ?",
                     &st);
    if (rc == OP_OK) {
        int src = ticket_bind(st, t, buf_str(&tags));
        rc = sq_run_update(tx, st, src ? src : sq_bind_int(st, 18, t->id), "ticket_update");
    }
    if (rc == OP_OK && strcmp(old.tags, buf_str(&tags)) != 0)
        rc = tags_store(tx, t->id, old.tags, &t->tags);
    if (rc == OP_OK && (strcmp(old.subject, t->subject ? t->subject : "") ||
                        strcmp(old.description, t->description ? t->description : "")))
        rc = sq_fts_ticket(tx, t->id, old.subject, old.description, t->subject, t->description);
    buf_release(&tags);
    arena_release(&a);
    return rc;
}

op_rc sq_ticket_update(struct store_tx *t, const struct ticket *tk)
{
    struct sq_tx *tx = sq_tx(t);
    return ticket_update(tx, tk);
}

op_rc sq_ticket_get(struct store_tx *t, int64_t id, struct arena *a, struct ticket *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " TICKET_COLS " FROM tickets t WHERE t.id = ?", id, &st);
    if (rc == OP_OK) rc = sq_one(tx, st, ticket_row, a, out, "ticket_get");
    if (rc == OP_OK)
        rc = sq_prep_id(tx,
                        "SELECT user_id FROM ticket_requesters WHERE ticket_id = ? "
                        "ORDER BY user_id",
                        id, &st);
    return rc ? rc : sq_list_ids(tx, st, a, &out->requesters);
}

op_rc sq_ticket_add_requester(struct store_tx *t, int64_t ticket_id, int64_t user_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "INSERT INTO ticket_requesters(ticket_id, user_id) VALUES (?, ?)", &st);
    if (rc) return rc;
    sq_bind_int(st, 1, ticket_id);
    sq_bind_int(st, 2, user_id);
    return sq_run(tx, st, SQLITE_OK, "ticket_add_requester");
}

/* ---- filters and scopes ---- */

/* "[1,2,3]" for json_each, from a. */
static char *ids_json(struct arena *a, const struct id_list *ids)
{
    char *s = arena_alloc(a, ids->n * 21 + 3);
    if (!s) return NULL;
    size_t len = 0;
    s[len++] = '[';
    for (size_t i = 0; i < ids->n; i++)
        len += (size_t)snprintf(s + len, 22, "%s%" PRId64, i ? "," : "", ids->v[i]);
    s[len++] = ']';
    s[len] = '\0';
    return s;
}

/* Appends " AND col = ?" for an id filter: 0 any, ID_NONE empty. */
static void where_id(struct sq_query *q, const char *col, int64_t id)
{
    if (id > 0) {
        sq_q_sql(q, " AND %s = ?", col);
        sq_q_int(q, id);
    } else if (id == ID_NONE) {
        sq_q_sql(q, " AND %s IS NULL", col);
    }
}

/* The conditions of f and scope, after "WHERE 1". Returns false when the
 * scope lets nothing through (then there is no need to ask). */
static bool ticket_where(struct sq_query *q, const struct ticket_filter *f,
                         const struct ticket_scope *sc, struct arena *a)
{
    if (f->status_mask) {
        sq_q_sql(q, " AND ");
        sq_q_mask(q, "t.status", f->status_mask, STATUS__COUNT);
    }
    if (f->priority_mask) {
        sq_q_sql(q, " AND ");
        sq_q_mask(q, "t.priority", f->priority_mask, PRIO__COUNT);
    }
    where_id(q, "t.group_id", f->group_id);
    where_id(q, "t.assignee_id", f->assignee_id);
    where_id(q, "t.organization_id", f->organization_id);
    if (f->requester_id > 0) {
        sq_q_sql(q, " AND (t.requester_id = ? OR t.id IN "
                    "(SELECT ticket_id FROM ticket_requesters WHERE user_id = ?))");
        sq_q_int(q, f->requester_id);
        sq_q_int(q, f->requester_id);
    } else if (f->requester_id == ID_NONE) {
        return false; /* every ticket has a requester */
    }
    if (f->tag) {
        sq_q_sql(q, " AND t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)");
        sq_q_text(q, f->tag);
    }
    if (f->updated_since) {
        sq_q_sql(q, " AND t.updated_at >= ?");
        sq_q_int(q, f->updated_since);
    }
    if (f->sla_breached)
        sq_q_sql(q, " AND t.id IN (SELECT ticket_id FROM ticket_sla_due WHERE breached)");
    if (f->sla_due_before) {
        sq_q_sql(q, " AND t.id IN (SELECT ticket_id FROM ticket_sla_due WHERE due_at <= ?)");
        sq_q_int(q, f->sla_due_before);
    }

    if (sc->all) return true;
    int parts = 0;
    const char * or = " AND (";
    if (sc->group_ids.n) {
        char *json = ids_json(a, &sc->group_ids);
        if (!json) {
            q->rc = OP_ERR_NOMEM;
            return true;
        }
        sq_q_sql(q, "%st.group_id IN (SELECT value FROM json_each(?))", or);
        sq_q_text(q, json);
        parts++, or = " OR ";
    }
    if (sc->ungrouped) {
        sq_q_sql(q, "%st.group_id IS NULL", or);
        parts++, or = " OR ";
    }
    if (sc->assignee_id > 0) {
        sq_q_sql(q, "%st.assignee_id = ?", or);
        sq_q_int(q, sc->assignee_id);
        parts++, or = " OR ";
    }
    if (sc->requester_id > 0) {
        sq_q_sql(q,
                 "%st.requester_id = ? OR t.id IN "
                 "(SELECT ticket_id FROM ticket_requesters WHERE user_id = ?)",
                 or);
        sq_q_int(q, sc->requester_id);
        sq_q_int(q, sc->requester_id);
        parts++, or = " OR ";
    }
    if (sc->organization_id > 0) {
        sq_q_sql(q, "%st.organization_id = ?", or);
        sq_q_int(q, sc->organization_id);
        parts++;
    }
    if (parts) sq_q_sql(q, ")");
    return parts > 0;
}

/* The sort key of t under sort. */
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

/* Appends the keyset condition for f->after and the ORDER BY. */
static void ticket_order(struct sq_query *q, const struct ticket_filter *f)
{
    const char *col = f->sort == SORT_UPDATED    ? "t.updated_at"
                      : f->sort == SORT_PRIORITY ? "t.priority"
                      : f->sort == SORT_DUE      ? "coalesce(s.due_at, 9223372036854775807)"
                                                 : "t.created_at";
    /* Times run with the id (newest first unless asc); priority runs against
     * it (urgent first, then oldest first: a queue), asc reverses both; due
     * is a queue too: soonest first, then oldest, unless asc says otherwise
     * (here "asc" keeps its plain meaning: the default is ascending). */
    bool key_desc = f->sort == SORT_DUE ? f->asc : !f->asc;
    bool id_desc = f->sort == SORT_PRIORITY || f->sort == SORT_DUE ? f->asc : !f->asc;
    if (f->after.set) {
        const char *kc = key_desc ? "<" : ">";
        sq_q_sql(q, " AND %s %s= ? AND (%s %s ? OR t.id %s ?)", col, kc, col, kc,
                 id_desc ? "<" : ">");
        sq_q_int(q, f->after.key);
        sq_q_int(q, f->after.key);
        sq_q_int(q, f->after.id);
    }
    sq_q_sql(q, " ORDER BY %s %s, t.id %s", col, key_desc ? "DESC" : "ASC",
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

/* Reads up to limit tickets from st into out->v (allocated for limit), and
 * sets out->more if st has another row. If hits is not NULL, column
 * TICKET_NCOLS holds the score of each. */
static op_rc page_read(struct sq_tx *tx, sqlite3_stmt *st, size_t limit, struct arena *a,
                       struct ticket_page *out, struct search_hit *hits)
{
    out->v = arena_alloc(a, limit * sizeof(*out->v));
    if (!out->v) return OP_ERR_NOMEM;
    struct sq_row r = {st, a, false};
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == limit) {
            out->more = true;
            src = SQLITE_DONE;
            break;
        }
        ticket_row(&r, &out->v[out->n]);
        if (hits) {
            hits[out->n].ticket_id = out->v[out->n].id;
            hits[out->n].score = sqlite3_column_double(st, TICKET_NCOLS);
        }
        out->n++;
        if (r.oom) return OP_ERR_NOMEM;
    }
    return src == SQLITE_DONE ? OP_OK : sq_fail(tx, src, "ticket list");
}

op_rc sq_ticket_list(struct store_tx *t, const struct ticket_filter *f,
                     const struct ticket_scope *scope, struct arena *a, struct ticket_page *out)
{
    struct sq_tx *tx = sq_tx(t);
    memset(out, 0, sizeof(*out));
    op_rc rc = filter_check(f);
    if (rc) return rc;
    struct sq_query q;
    sqlite3_stmt *st = NULL;
    sq_q_init(&q);
    sq_q_sql(&q, "SELECT " TICKET_COLS " FROM tickets t%s WHERE 1",
             f->sort == SORT_DUE ? " LEFT JOIN ticket_sla_due s ON s.ticket_id = t.id" : "");
    if (!ticket_where(&q, f, scope, a) && q.rc == OP_OK) {
        out->v = arena_alloc(a, sizeof(*out->v));
        rc = out->v ? OP_OK : OP_ERR_NOMEM;
        goto end;
    }
    ticket_order(&q, f);
    sq_q_sql(&q, " LIMIT ?");
    sq_q_int(&q, (int64_t)f->limit + 1);
    if ((rc = sq_q_prep(tx, &q, &st))) goto end;
    rc = page_read(tx, st, f->limit, a, out, NULL);
    if (rc == OP_OK && out->more) {
        const struct ticket *last = &out->v[out->n - 1];
        out->next.set = true;
        out->next.key = sort_key(last, f->sort);
        out->next.id = last->id;
    }
end:
    sq_done(tx, st);
    sq_q_release(&q);
    return rc;
}

op_rc sq_ticket_count(struct store_tx *t, const struct ticket_filter *f,
                      const struct ticket_scope *scope, int64_t *out)
{
    struct sq_tx *tx = sq_tx(t);
    struct arena a = ARENA_INIT(0); /* for the scope's group list */
    struct sq_query q;
    sqlite3_stmt *st = NULL;
    op_rc rc = OP_OK;
    *out = 0;
    sq_q_init(&q);
    sq_q_sql(&q, "SELECT count(*) FROM tickets t WHERE 1");
    if (!ticket_where(&q, f, scope, &a) && q.rc == OP_OK) goto end;
    if ((rc = sq_q_prep(tx, &q, &st)) == OP_OK) rc = sq_scalar(tx, st, out, "ticket_count");
end:
    sq_q_release(&q);
    arena_release(&a);
    return rc;
}

/* ---- full-text search ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Every whitespace-separated term becomes a quoted FTS5 string (so that
 * AND, OR, NEAR, column filters and punctuation mean nothing), with "" for
 * an inner quote; a term ending in * stays a prefix query. Terms are joined
 * by spaces: FTS5's implicit AND. Terms past SQ_FTS_TERMS_MAX are dropped. */
op_rc sq_fts_query(const char *q, struct arena *a, char **out)
{
    struct buf b = BUF_INIT(2 * SQ_FTS_QUERY_MAX + 4 * SQ_FTS_TERMS_MAX);
    op_rc rc = OP_OK;
    int terms = 0;
    if (!q || strlen(q) > SQ_FTS_QUERY_MAX) return q ? OP_ERR_TOOBIG : OP_ERR_INVALID;
    for (const char *p = q; *p && terms < SQ_FTS_TERMS_MAX && rc == OP_OK;) {
        if (is_space(*p)) {
            p++;
            continue;
        }
        const char *e = p;
        while (*e && !is_space(*e))
            e++;
        const char *stop = e;
        bool prefix = false;
        while (stop > p && stop[-1] == '*') {
            stop--;
            prefix = true;
        }
        if (stop > p) {
            rc = buf_puts(&b, terms ? " \"" : "\"");
            for (const char *c = p; c < stop && rc == OP_OK; c++)
                rc = *c == '"' ? buf_puts(&b, "\"\"") : buf_putc(&b, *c);
            if (rc == OP_OK) rc = buf_puts(&b, prefix ? "\"*" : "\"");
            terms++;
        }
        p = e;
    }
    if (rc == OP_OK && terms == 0) rc = OP_ERR_INVALID;
    if (rc == OP_OK && !(*out = arena_strdup(a, buf_str(&b)))) rc = OP_ERR_NOMEM;
    buf_release(&b);
    return rc;
}

op_rc sq_ticket_search(struct store_tx *t, const char *query, const struct ticket_filter *f,
                       const struct ticket_scope *scope, size_t offset, struct arena *a,
                       struct ticket_page *out, struct search_hit **hits)
{
    struct sq_tx *tx = sq_tx(t);
    memset(out, 0, sizeof(*out));
    *hits = NULL;
    op_rc rc = filter_check(f);
    if (rc) return rc;
    char *match;
    if ((rc = sq_fts_query(query, a, &match))) return rc;
    if (!(*hits = arena_alloc(a, f->limit * sizeof(**hits)))) return OP_ERR_NOMEM;

    struct sq_query q;
    sqlite3_stmt *st = NULL;
    sq_q_init(&q);
    /* The text part first, materialized. Each index gives its newest
     * SEARCH_CANDIDATES matches (FTS5 walks the doclists by descending rowid
     * and stops at the limit) and ranks only those, with opora_rank
     * (fts_rank.h), which reads nothing but the row: bm25 reads every row of
     * every term, and ordering all matches by rank would score all of them -
     * hundreds of thousands for common words. The candidates are then
     * ranked: the best of a ticket's own text (subject weighs 8, description
     * 2) and its comments (1); only they are joined with the filters and the
     * scope. */
    sq_q_sql(&q,
             "WITH m(id, rank) AS MATERIALIZED (SELECT id, min(rank) FROM ("
             "SELECT * FROM (SELECT rowid AS id, opora_rank(tickets_fts, 8.0, 2.0) AS rank "
             "FROM tickets_fts WHERE tickets_fts MATCH ?1 ORDER BY rowid DESC LIMIT %d) "
             "UNION ALL ",
             SEARCH_CANDIDATES);
    sq_q_sql(&q,
             "SELECT * FROM (SELECT c.ticket_id AS id, opora_rank(comments_fts) AS rank "
             "FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid "
             "WHERE comments_fts MATCH ?1%s ORDER BY comments_fts.rowid DESC LIMIT %d)"
             ") GROUP BY id) ",
             scope->public_only ? " AND c.public = 1" : "", SEARCH_CANDIDATES);
    sq_q_text(&q, match);
    sq_q_sql(&q, "SELECT " TICKET_COLS ", m.rank FROM m JOIN tickets t ON t.id = m.id WHERE 1");
    if (!ticket_where(&q, f, scope, a) && q.rc == OP_OK) {
        out->v = arena_alloc(a, sizeof(*out->v));
        rc = out->v ? OP_OK : OP_ERR_NOMEM;
        goto end;
    }
    sq_q_sql(&q, " ORDER BY m.rank, t.id DESC LIMIT ? OFFSET ?");
    sq_q_int(&q, (int64_t)f->limit + 1);
    sq_q_int(&q, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    if ((rc = sq_q_prep(tx, &q, &st))) goto end;
    rc = page_read(tx, st, f->limit, a, out, *hits);
end:
    sq_done(tx, st);
    sq_q_release(&q);
    return rc;
}
