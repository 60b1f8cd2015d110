/* test_sqlite_tickets.c - ticket lists in the SQLite backend: filters, the
 * three sorts walked page by page with cursors, scopes, counts, the plan of
 * the queue query, and full-text search in English and Russian.
 *
 * The list tests seed N_TICKETS tickets from a formula, keep a copy in
 * memory, and compare every answer with the same question asked of the copy
 * in plain C. */
#include "base/common.h"

#include "sqlite_fixture.h"

#define N_TICKETS 90

struct world {
    struct fx *f;
    int64_t org1, org2, agent1, agent2, cust[4], g1, g2;
    struct ticket t[N_TICKETS];
    int64_t extra_requester_ticket; /* cust[0] is a further requester here */
};

static char *tags_vip[] = {"vip"};
static char *tags_billing_vip[] = {"billing", "vip"};

/* Ticket i of the world; ties in every sort key on purpose. */
static void make_ticket(struct world *w, int i, struct ticket *t)
{
    int c = (i / 2) % 4; /* the requester */
    *t = (struct ticket){
        .subject = "ticket",
        .status = (enum ticket_status)(i % STATUS__COUNT),
        .priority = (enum ticket_priority)((i * 7) % PRIO__COUNT),
        .type = TYPE_QUESTION,
        .channel = CH_WEB,
        .requester_id = w->cust[c],
        .organization_id = c < 2    ? w->org1
                           : c == 2 ? w->org2
                                    : 0,
        .group_id = i % 3 == 0   ? 0
                    : i % 3 == 1 ? w->g1
                                 : w->g2,
        .assignee_id = i % 5 == 0 ? 0
                       : i % 2    ? w->agent1
                                  : w->agent2,
        .created_at = 1000 + (i / 3) * 10,  /* three tickets per instant */
        .updated_at = 9000 - (i % 7) * 100, /* seven distinct values */
    };
    if (i % 10 == 0)
        t->tags = (struct str_list){tags_billing_vip, 2};
    else if (i % 4 == 0)
        t->tags = (struct str_list){tags_vip, 1};
}

static op_rc seed_tickets(struct store_tx *tx, void *arg)
{
    struct world *w = arg;
    for (int i = 0; i < N_TICKETS; i++) {
        op_rc rc = tx->ops->ticket_insert(tx, &w->t[i]);
        if (rc) return rc;
    }
    /* cust[0] also asked in a ticket of cust[3] */
    w->extra_requester_ticket = w->t[7].id;
    return tx->ops->ticket_add_requester(tx, w->t[7].id, w->cust[0]);
}

static int world_setup(void **state)
{
    if (fx_setup(state)) return -1;
    struct fx *f = *state;
    struct world *w = calloc(1, sizeof(*w));
    w->f = f;
    w->org1 = fx_add_org(f, "One");
    w->org2 = fx_add_org(f, "Two");
    w->agent1 = fx_add_user(f, "A1", "a1@x.test", ROLE_AGENT, 0);
    w->agent2 = fx_add_user(f, "A2", "a2@x.test", ROLE_AGENT, 0);
    w->cust[0] = fx_add_user(f, "C0", "c0@one.test", ROLE_CUSTOMER, w->org1);
    w->cust[1] = fx_add_user(f, "C1", "c1@one.test", ROLE_CUSTOMER, w->org1);
    w->cust[2] = fx_add_user(f, "C2", "c2@two.test", ROLE_CUSTOMER, w->org2);
    w->cust[3] = fx_add_user(f, "C3", "c3@none.test", ROLE_CUSTOMER, 0);
    w->g1 = fx_add_group(f, "G1", TIER_L1);
    w->g2 = fx_add_group(f, "G2", TIER_L2);
    for (int i = 0; i < N_TICKETS; i++)
        make_ticket(w, i, &w->t[i]);
    assert_int_equal(store_write(f->s, seed_tickets, w), OP_OK);
    *state = w;
    return 0;
}

static int world_teardown(void **state)
{
    struct world *w = *state;
    void *fs = w->f;
    free(w);
    return fx_teardown(&fs);
}

/* ---- the model: the same questions in plain C ---- */

static bool has_tag(const struct ticket *t, const char *tag)
{
    return str_list_has(&t->tags, tag);
}

static bool id_match(int64_t want, int64_t have)
{
    return want == 0 || (want == ID_NONE ? have == 0 : have == want);
}

static bool model_requested(const struct world *w, const struct ticket *t, int64_t user)
{
    return t->requester_id == user || (t->id == w->extra_requester_ticket && user == w->cust[0]);
}

static bool model_match(const struct world *w, const struct ticket *t,
                        const struct ticket_filter *f, const struct ticket_scope *sc)
{
    if (f->status_mask && !(f->status_mask & (1u << t->status))) return false;
    if (f->priority_mask && !(f->priority_mask & (1u << t->priority))) return false;
    if (!id_match(f->group_id, t->group_id) || !id_match(f->assignee_id, t->assignee_id) ||
        !id_match(f->organization_id, t->organization_id))
        return false;
    if (f->requester_id && !model_requested(w, t, f->requester_id)) return false;
    if (f->tag && !has_tag(t, f->tag)) return false;
    if (f->updated_since && t->updated_at < f->updated_since) return false;
    if (sc->all) return true;
    return (t->group_id && id_list_has(&sc->group_ids, t->group_id)) ||
           (sc->ungrouped && t->group_id == 0) ||
           (sc->assignee_id && t->assignee_id == sc->assignee_id) ||
           (sc->requester_id && model_requested(w, t, sc->requester_id)) ||
           (sc->organization_id && t->organization_id == sc->organization_id);
}

static const struct ticket_filter *cmp_filter;

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int model_cmp(const void *pa, const void *pb)
{
    const struct ticket *a = *(const struct ticket *const *)pa;
    const struct ticket *b = *(const struct ticket *const *)pb;
    const struct ticket_filter *f = cmp_filter;
    int c;
    switch (f->sort) {
    case SORT_PRIORITY:
        c = cmp_i64(b->priority, a->priority);
        if (!c) c = cmp_i64(a->id, b->id);
        return f->asc ? -c : c;
    case SORT_UPDATED:
        c = cmp_i64(b->updated_at, a->updated_at);
        break;
    default:
        c = cmp_i64(b->created_at, a->created_at);
        break;
    }
    if (!c) c = cmp_i64(b->id, a->id);
    return f->asc ? -c : c;
}

/* The ids the model gives, in order; returns how many. */
static size_t model_list(const struct world *w, const struct ticket_filter *f,
                         const struct ticket_scope *sc, int64_t *ids)
{
    const struct ticket *v[N_TICKETS];
    size_t n = 0;
    for (int i = 0; i < N_TICKETS; i++)
        if (model_match(w, &w->t[i], f, sc)) v[n++] = &w->t[i];
    cmp_filter = f;
    qsort(v, n, sizeof(v[0]), model_cmp);
    for (size_t i = 0; i < n; i++)
        ids[i] = v[i]->id;
    return n;
}

/* ---- walking the store ---- */

struct walk {
    struct world *w;
    struct ticket_filter f;
    struct ticket_scope sc;
};

/* Every page of f under sc, with cursors, compared with the model; also
 * ticket_count. */
static op_rc check_walk(struct store_tx *tx, void *arg)
{
    struct walk *k = arg;
    int64_t want[N_TICKETS], got[N_TICKETS + 1];
    size_t nwant = model_list(k->w, &k->f, &k->sc, want);
    size_t ngot = 0, pages = 0;
    struct ticket_filter f = k->f;
    struct arena a = ARENA_INIT(0);
    for (;;) {
        struct ticket_page p;
        assert_int_equal(tx->ops->ticket_list(tx, &f, &k->sc, &a, &p), OP_OK);
        assert_true(p.n <= f.limit);
        for (size_t i = 0; i < p.n; i++) {
            assert_true(ngot < N_TICKETS);
            got[ngot++] = p.v[i].id;
        }
        pages++;
        if (!p.more) break;
        assert_int_equal(p.n, f.limit);
        assert_true(p.next.set);
        assert_int_equal(p.next.id, p.v[p.n - 1].id);
        f.after = p.next;
        assert_true(pages < 100);
    }
    arena_release(&a);
    assert_int_equal(ngot, nwant);
    for (size_t i = 0; i < nwant; i++)
        assert_int_equal(got[i], want[i]);
    int64_t count = -1;
    assert_int_equal(tx->ops->ticket_count(tx, &k->f, &k->sc, &count), OP_OK);
    assert_int_equal(count, (int64_t)nwant);
    return OP_OK;
}

static void walk(struct world *w, struct ticket_filter f, struct ticket_scope sc)
{
    struct walk k = {w, f, sc};
    assert_int_equal(store_read(w->f->s, check_walk, &k), OP_OK);
}

static void test_sorts_and_cursors(void **state)
{
    struct world *w = *state;
    struct ticket_scope all = {.all = true};
    enum ticket_sort sorts[] = {SORT_CREATED, SORT_UPDATED, SORT_PRIORITY};
    for (int s = 0; s < 3; s++) {
        for (int asc = 0; asc < 2; asc++) {
            /* everything, in pages that split runs of equal keys */
            walk(w, (struct ticket_filter){.sort = sorts[s], .asc = asc, .limit = 7}, all);
            walk(w, (struct ticket_filter){.sort = sorts[s], .asc = asc, .limit = 1000}, all);
            /* a queue: one group, two statuses */
            walk(w,
                 (struct ticket_filter){.sort = sorts[s],
                                        .asc = asc,
                                        .limit = 4,
                                        .group_id = w->g1,
                                        .status_mask = 1u << STATUS_NEW | 1u << STATUS_OPEN},
                 all);
        }
    }
}

static void test_filters(void **state)
{
    struct world *w = *state;
    struct ticket_scope all = {.all = true};
    struct ticket_filter fs[] = {
        {.status_mask = 1u << STATUS_PENDING},
        {.priority_mask = 1u << PRIO_URGENT | 1u << PRIO_LOW},
        {.group_id = ID_NONE},
        {.group_id = w->g2},
        {.assignee_id = ID_NONE},
        {.assignee_id = w->agent1, .status_mask = 1u << STATUS_OPEN | 1u << STATUS_NEW},
        {.requester_id = w->cust[0]}, /* includes the further requester */
        {.organization_id = w->org1},
        {.organization_id = ID_NONE},
        {.tag = "vip"},
        {.tag = "billing", .group_id = w->g1},
        {.tag = "nosuch"},
        {.updated_since = 8700},
        {.status_mask = 1u << 30}, /* no such status: nothing */
    };
    for (size_t i = 0; i < ARRAY_SIZE(fs); i++) {
        fs[i].limit = 5;
        fs[i].sort = (enum ticket_sort)(i % 3);
        walk(w, fs[i], all);
    }
}

struct bad_ctx {
    op_rc rc[3];
};

static op_rc bad_limits(struct store_tx *tx, void *arg)
{
    struct bad_ctx *c = arg;
    struct arena a = ARENA_INIT(0);
    struct ticket_page p;
    struct ticket_scope all = {.all = true};
    struct ticket_filter f = {.limit = 0};
    c->rc[0] = tx->ops->ticket_list(tx, &f, &all, &a, &p);
    f.limit = 1001;
    c->rc[1] = tx->ops->ticket_list(tx, &f, &all, &a, &p);
    f.limit = 1000;
    c->rc[2] = tx->ops->ticket_list(tx, &f, &all, &a, &p);
    arena_release(&a);
    return OP_OK;
}

static void test_limits(void **state)
{
    struct world *w = *state;
    struct bad_ctx c;
    assert_int_equal(store_read(w->f->s, bad_limits, &c), OP_OK);
    assert_int_equal(c.rc[0], OP_ERR_INVALID);
    assert_int_equal(c.rc[1], OP_ERR_INVALID);
    assert_int_equal(c.rc[2], OP_OK);
}

static void test_scopes(void **state)
{
    struct world *w = *state;
    struct ticket_filter f = {.sort = SORT_CREATED, .limit = 6};

    /* a customer: own tickets, first or further requester */
    struct ticket_scope customer = {.requester_id = w->cust[0]};
    walk(w, f, customer);
    /* a customer of an organization with shared tickets */
    struct ticket_scope shared = {.requester_id = w->cust[3], .organization_id = w->org2};
    walk(w, f, shared);
    /* an agent: own groups, the ungrouped queue, and whatever is assigned */
    int64_t groups[] = {w->g1};
    struct ticket_scope agent = {
        .group_ids = {groups, 1}, .ungrouped = true, .assignee_id = w->agent2};
    walk(w, f, agent);
    f.sort = SORT_PRIORITY;
    f.status_mask = 1u << STATUS_NEW;
    walk(w, f, agent);
    int64_t both[] = {w->g1, w->g2};
    struct ticket_scope lead = {.group_ids = {both, 2}};
    walk(w, f, lead);
    /* nothing allowed: nothing seen */
    struct ticket_scope none = {0};
    walk(w, f, none);
}

/* The queue query must walk tickets_queue in order, not sort the table. */
static op_rc check_plan(struct store_tx *tx, void *arg)
{
    struct world *w = arg;
    struct ticket_filter f = {
        .group_id = w->g1, .status_mask = 1u << STATUS_OPEN, .sort = SORT_PRIORITY, .limit = 50};
    int64_t groups[] = {w->g1, w->g2};
    struct ticket_scope scopes[] = {{.all = true},
                                    {.group_ids = {groups, 2}, .assignee_id = w->agent1}};
    for (int s = 0; s < 2; s++) {
        for (int page = 0; page < 2; page++) {
            struct arena a = ARENA_INIT(0);
            struct ticket_page p;
            f.after = (struct cursor){.set = page == 1, .key = PRIO_HIGH, .id = 5};
            assert_int_equal(tx->ops->ticket_list(tx, &f, &scopes[s], &a, &p), OP_OK);
            arena_release(&a);

            /* the statement the store just ran: the one cached for this shape */
            sqlite3 *db = sq_tx(tx)->db;
            const char *sql = NULL;
            for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st;
                 st = sqlite3_next_stmt(db, st)) {
                const char *q = sqlite3_sql(st);
                if (q && strstr(q, "ORDER BY t.priority DESC") && strstr(q, "t.group_id = ?") &&
                    (page == 1) == (strstr(q, "t.priority <= ?") != NULL) &&
                    (s == 1) == (strstr(q, "json_each") != NULL))
                    sql = q;
            }
            assert_non_null(sql);
            char eqp[4096];
            snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
            sqlite3_stmt *st;
            assert_int_equal(sqlite3_prepare_v2(db, eqp, -1, &st, NULL), SQLITE_OK);
            char plan[2048] = "";
            size_t len = 0;
            while (sqlite3_step(st) == SQLITE_ROW) {
                int n = snprintf(plan + len, sizeof(plan) - len, "%s\n",
                                 (const char *)sqlite3_column_text(st, 3));
                if (n > 0 && (size_t)n < sizeof(plan) - len) len += (size_t)n;
            }
            sqlite3_finalize(st);
            if (!strstr(plan, "SEARCH t USING INDEX tickets_queue (group_id=? AND status=?") ||
                strstr(plan, "TEMP B-TREE"))
                fail_msg("queue query plan:\n%s", plan);
        }
    }
    return OP_OK;
}

static void test_queue_plan(void **state)
{
    struct world *w = *state;
    assert_int_equal(store_read(w->f->s, check_plan, w), OP_OK);
}

/* ---- search ---- */

struct search_world {
    struct fx *f;
    int64_t cust, other, agent, t[5];
};

static op_rc seed_search(struct store_tx *tx, void *arg)
{
    struct search_world *s = arg;
    static const struct {
        const char *subject, *description;
        int who; /* 0: cust, 1: other */
    } rows[] = {
        {"Payment failed", "My payments keep failing since Monday", 0},
        {"Проблема с оплатой", "Не проходит оплата картой, деньги списаны", 0},
        {"Login issue", "Cannot sign in", 0},
        {"Оплата счёта", "Как оплатить счёт юрлицу?", 1},
        {"Say \"hello\" OR NOT", "quotes and operators", 1},
    };
    for (int i = 0; i < 5; i++) {
        struct ticket t = {.subject = (char *)rows[i].subject,
                           .description = (char *)rows[i].description,
                           .requester_id = rows[i].who ? s->other : s->cust,
                           .status = STATUS_OPEN,
                           .created_at = 100 + i,
                           .updated_at = 100 + i};
        op_rc rc = tx->ops->ticket_insert(tx, &t);
        if (rc) return rc;
        s->t[i] = t.id;
    }
    struct comment pub = {.ticket_id = s->t[2],
                          .author_id = s->cust,
                          .public = true,
                          .body = "I also need the invoice for March",
                          .via = VIA_WEB,
                          .created_at = 200};
    struct comment note = {.ticket_id = s->t[2],
                           .author_id = s->agent,
                           .public = false,
                           .body = "Internal: refund approved, возврат оформлен",
                           .via = VIA_WEB,
                           .created_at = 201};
    op_rc rc = tx->ops->comment_insert(tx, &pub);
    return rc ? rc : tx->ops->comment_insert(tx, &note);
}

struct query_case {
    const char *q;
    bool public_only;
    int64_t requester_scope; /* 0: all */
    unsigned status_mask;
    const char *want; /* indexes into t[], best first: "1,3"; "" none */
};

static op_rc run_search(struct store_tx *tx, struct search_world *s, const struct query_case *c,
                        char *got, size_t cap)
{
    struct arena a = ARENA_INIT(0);
    struct ticket_filter f = {.limit = 10, .status_mask = c->status_mask};
    struct ticket_scope sc = {.all = c->requester_scope == 0,
                              .requester_id = c->requester_scope,
                              .public_only = c->public_only};
    struct ticket_page p;
    struct search_hit *hits;
    op_rc rc = tx->ops->ticket_search(tx, c->q, &f, &sc, 0, &a, &p, &hits);
    size_t len = 0;
    got[0] = '\0';
    for (size_t i = 0; rc == OP_OK && i < p.n; i++) {
        assert_int_equal(hits[i].ticket_id, p.v[i].id);
        if (i) assert_true(hits[i].score >= hits[i - 1].score);
        for (int k = 0; k < 5; k++)
            if (s->t[k] == p.v[i].id)
                len += (size_t)snprintf(got + len, cap - len, "%s%d", i ? "," : "", k);
    }
    arena_release(&a);
    return rc;
}

static op_rc check_search(struct store_tx *tx, void *arg)
{
    struct search_world *s = arg;
    const struct query_case cases[] = {
        {"payment", false, 0, 0, "0"}, /* stems: payments, failing */
        {"PAYMENTS fail", false, 0, 0, "0"},
        {"pay*", false, 0, 0, "0"},
        {"оплата", false, 0, 0, "3,1"}, /* Оплата, оплатить; оплатой */
        {"оплата картой", false, 0, 0, "1"},
        {"оплата", false, 0, 0, ""},   /* replaced below: scoped */
        {"invoice", false, 0, 0, "2"}, /* a comment */
        {"refund", false, 0, 0, "2"},  /* an internal note */
        {"refund", true, 0, 0, ""},    /* customers do not search notes */
        {"возврат", true, 0, 0, ""},
        {"invoice", true, 0, 0, "2"},
        {"payment login", false, 0, 0, ""},   /* AND */
        {"\"hello\"", false, 0, 0, "4"},      /* quotes are text */
        {"OR NOT", false, 0, 0, "4"},         /* operators are words */
        {"hello (", false, 0, 0, "4"},        /* punctuation alone is nothing */
        {"subject:payment", false, 0, 0, ""}, /* no column filters */
        {"оплата", false, 0, 1u << STATUS_SOLVED, ""},
    };
    char got[64];
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct query_case c = cases[i];
        if (i == 5) {
            c.requester_scope = s->cust; /* the customer sees only their own */
            c.want = "1";
        }
        assert_int_equal(run_search(tx, s, &c, got, sizeof(got)), OP_OK);
        if (strcmp(got, c.want) != 0)
            fail_msg("search \"%s\": got [%s], want [%s]", c.q, got, c.want);
    }
    /* no terms */
    struct query_case empty = {"  \t ", false, 0, 0, ""};
    assert_int_equal(run_search(tx, s, &empty, got, sizeof(got)), OP_ERR_INVALID);
    struct query_case stars = {"** *", false, 0, 0, ""};
    assert_int_equal(run_search(tx, s, &stars, got, sizeof(got)), OP_ERR_INVALID);

    /* paging by offset */
    struct arena a = ARENA_INIT(0);
    struct ticket_filter f = {.limit = 1};
    struct ticket_scope all = {.all = true};
    struct ticket_page p;
    struct search_hit *hits;
    assert_int_equal(tx->ops->ticket_search(tx, "оплата", &f, &all, 0, &a, &p, &hits), OP_OK);
    assert_int_equal(p.n, 1);
    assert_true(p.more);
    int64_t first = p.v[0].id;
    assert_int_equal(tx->ops->ticket_search(tx, "оплата", &f, &all, 1, &a, &p, &hits), OP_OK);
    assert_int_equal(p.n, 1);
    assert_false(p.more);
    assert_int_not_equal(p.v[0].id, first);
    arena_release(&a);
    return OP_OK;
}

static void test_search(void **state)
{
    struct fx *f = *state;
    struct search_world s = {.f = f};
    s.cust = fx_add_user(f, "C", "c@x.test", ROLE_CUSTOMER, 0);
    s.other = fx_add_user(f, "O", "o@x.test", ROLE_CUSTOMER, 0);
    s.agent = fx_add_user(f, "A", "a@x.test", ROLE_AGENT, 0);
    assert_int_equal(store_write(f->s, seed_search, &s), OP_OK);
    assert_int_equal(store_read(f->s, check_search, &s), OP_OK);
}

/* The search text becomes quoted FTS5 terms. */
static void test_fts_query(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"оплата", "\"оплата\""},
        {"  a   b\tc\n", "\"a\" \"b\" \"c\""},
        {"pay*", "\"pay\"*"},
        {"pay**", "\"pay\"*"},
        {"say\"hi", "\"say\"\"hi\""},
        {"a OR b", "\"a\" \"OR\" \"b\""},
        {"* x", "\"x\""},
        {"col:x -y", "\"col:x\" \"-y\""},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *out = NULL;
        assert_int_equal(sq_fts_query(cases[i].in, &a, &out), OP_OK);
        assert_string_equal(out, cases[i].out);
    }
    char *out;
    assert_int_equal(sq_fts_query("", &a, &out), OP_ERR_INVALID);
    assert_int_equal(sq_fts_query("***", &a, &out), OP_ERR_INVALID);
    assert_int_equal(sq_fts_query(NULL, &a, &out), OP_ERR_INVALID);
    /* more than SQ_FTS_TERMS_MAX terms: the rest are dropped */
    char many[400] = "";
    size_t len = 0;
    for (int i = 0; i < SQ_FTS_TERMS_MAX + 5; i++)
        len += (size_t)snprintf(many + len, sizeof(many) - len, "w%d ", i);
    assert_int_equal(sq_fts_query(many, &a, &out), OP_OK);
    assert_null(strstr(out, "\"w32\""));
    assert_non_null(strstr(out, "\"w31\""));
    char *big = calloc(1, SQ_FTS_QUERY_MAX + 2);
    memset(big, 'x', SQ_FTS_QUERY_MAX + 1);
    assert_int_equal(sq_fts_query(big, &a, &out), OP_ERR_TOOBIG);
    free(big);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sorts_and_cursors, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_filters, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_limits, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_scopes, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_queue_plan, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_search, fx_setup, fx_teardown),
        cmocka_unit_test(test_fts_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
