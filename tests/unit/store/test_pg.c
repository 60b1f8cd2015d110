/* test_pg.c - what is PostgreSQL's own in its backend: opening by URL and
 * its failures, migrations and the schema version, the subsystem tables,
 * the append-only log's trigger, statements
 * that fail inside a write, writes from many threads, leases, a connection
 * that dies between writes, and the search query syntax. The tests of the
 * interface shared with SQLite are test_pg_core.c and test_pg_tickets.c. */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>

#include "pg_fixture.h"

/* ---- the table ---- */

static void test_ops_table(void **state)
{
    UNUSED(state);
    typedef void (*any_fn)(void);
    const struct store_ops *ops = &pg_store_ops;
    size_t first = offsetof(struct store_ops, open);
    size_t last = offsetof(struct store_ops, sla); /* the subsystems: test_open_with_subsystems */
    for (size_t off = first; off < last; off += sizeof(any_fn)) {
        any_fn fn;
        memcpy(&fn, (const char *)ops + off, sizeof(fn));
        if (!fn) fail_msg("store_ops member at %zu is not implemented", off);
    }
    assert_string_equal(ops->name, "postgres");
    assert_ptr_equal(store_backend("postgres://u@h/db"), &pg_store_ops);
    assert_ptr_equal(store_backend("postgresql://u@h/db"), &pg_store_ops);
    assert_ptr_not_equal(store_backend("sqlite:/tmp/x.db"), &pg_store_ops);
}

/* ---- open ---- */

static void test_open_unreachable(void **state)
{
    UNUSED(state);
    pg_core_only_ok = true;
    struct store *s = NULL;
    struct op_err err;
    struct store_options opt = {.migrate = true, .durable = true};
    /* port 1 on loopback: nothing listens; the password stays out of the message */
    op_rc rc = store_open("postgres://bob:secret@127.0.0.1:1/opora", &opt, &s, &err);
    assert_int_equal(rc, OP_ERR_UNAVAILABLE);
    assert_null(s);
    assert_int_equal(err.msg, MSG_ERR_DB_OPEN);
    assert_string_equal(err.field, "db");
    assert_string_equal(err.arg[0], "postgres://bob@127.0.0.1:1/opora");
    assert_null(strstr(err.arg[1], "secret"));
    assert_true(strlen(err.arg[1]) > 0);
}

static void test_open_no_database(void **state)
{
    struct fx *f = *state;
    char url[200];
    snprintf(url, sizeof(url), "%s_missing", f->path);
    struct store *s = NULL;
    struct op_err err;
    struct store_options opt = {.migrate = true, .durable = true};
    assert_int_equal(store_open(url, &opt, &s, &err), OP_ERR_UNAVAILABLE);
    assert_int_equal(err.msg, MSG_ERR_DB_OPEN);
    assert_non_null(strstr(err.arg[1], "does not exist"));
}

/* Every subsystem is stored: the server may open a PostgreSQL URL (pg_open
 * refuses one whose subsystem table is missing, which a member added to
 * struct store_ops would be until it is ported). */
static void test_open_with_subsystems(void **state)
{
    struct fx *f = *state;
    struct op_err err;
    const struct store_ops *ops = &pg_store_ops;
    assert_non_null(ops->sla);
    assert_non_null(ops->team);
    assert_non_null(ops->mail);
    assert_non_null(ops->kpi);
    for (size_t off = offsetof(struct store_ops, sla); off < sizeof(*ops); off += sizeof(void *)) {
        const void *table;
        memcpy(&table, (const char *)ops + off, sizeof(table));
        assert_non_null(table);
    }
    pg_core_only_ok = false;
    op_rc rc = fx_open(f, true, true, &err);
    pg_core_only_ok = true;
    assert_int_equal(rc, OP_OK);
    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)pg_migrations_count);
    assert_int_equal(fx_pg_int(c, "SELECT length(key) FROM mail_keys"), 32);
    PQfinish(c);
}

static void test_open_pending_migrate_newer(void **state)
{
    struct fx *f = *state;
    struct op_err err;
    int latest = pg_migrations[pg_migrations_count - 1].version;
    char want[16];
    snprintf(want, sizeof(want), "%d", latest);

    assert_int_equal(fx_open(f, true, false, &err), OP_ERR_CONFLICT);
    assert_int_equal(err.msg, MSG_ERR_DB_PENDING);
    assert_string_equal(err.arg[0], "0");
    assert_string_equal(err.arg[1], want);

    assert_int_equal(fx_open(f, true, true, &err), OP_OK);
    int cur = -1, lat = -1;
    assert_int_equal(store_schema_version(f->s, &cur, &lat), OP_OK);
    assert_int_equal(cur, latest);
    assert_int_equal(lat, latest);
    assert_string_equal(store_backend_name(f->s), "postgres");
    assert_int_equal(store_backup(f->s, "/tmp/x", &err), OP_ERR_UNAVAILABLE);
    assert_int_equal(err.msg, MSG_ERR_DB_PG_BACKUP);
    store_close(f->s);
    f->s = NULL;

    /* up to date: opens without migrate; twice migrated is still once */
    assert_int_equal(fx_open(f, false, false, &err), OP_OK);
    store_close(f->s);
    f->s = NULL;
    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)pg_migrations_count);
    assert_true(fx_pg_exec(c, "INSERT INTO schema_migrations VALUES (9999, 'x', 0)"));
    PQfinish(c);
    assert_int_equal(fx_open(f, false, true, &err), OP_ERR_CONFLICT);
    assert_int_equal(err.msg, MSG_ERR_DB_NEWER);
    assert_string_equal(err.arg[0], "9999");
    assert_string_equal(err.arg[1], want);
    assert_null(f->s);
}

/* ---- the event log ---- */

static op_rc append_two(struct store_tx *tx, void *arg)
{
    struct event *e = arg;
    op_rc rc = tx->ops->event_append(tx, &e[0]);
    if (rc) return rc;
    e[1].action_id = e[0].action_id;
    return tx->ops->event_append(tx, &e[1]);
}

static void test_events_append_only(void **state)
{
    struct fx *f = *state;
    struct event e[2] = {
        {.entity = ENTITY_TICKET, .entity_id = 7, .at = 5, .kind = EV_CREATED, .via = VIA_API},
        {.entity = ENTITY_TICKET,
         .entity_id = 7,
         .at = 5,
         .kind = EV_CHANGED,
         .field = "status",
         .old_value = "",
         .new_value = "open",
         .via = VIA_API},
    };
    assert_int_equal(store_write(f->s, append_two, e), OP_OK);
    assert_true(e[0].id > 0);
    assert_int_equal(e[0].action_id, e[0].id);
    assert_int_equal(e[1].action_id, e[0].id);
    assert_true(e[1].id > e[0].id);

    PGconn *c = fx_pg(f);
    assert_false(fx_pg_exec(c, "UPDATE events SET data = 'x'"));
    assert_non_null(strstr(PQerrorMessage(c), "append-only"));
    assert_false(fx_pg_exec(c, "DELETE FROM events"));
    assert_false(fx_pg_exec(c, "TRUNCATE events"));
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM events WHERE data = ''"), 2);
    PQfinish(c);
}

/* ---- failures inside a write ---- */

struct dup_ctx {
    op_rc first, dup, after;
    struct organization a, b, c;
};

/* A unique violation fails its call alone: the function may go on (as on
 * SQLite), and what it wrote before and after is committed. */
static op_rc insert_dup_then_more(struct store_tx *tx, void *arg)
{
    struct dup_ctx *d = arg;
    d->first = tx->ops->org_insert(tx, &d->a);
    d->dup = tx->ops->org_insert(tx, &d->b); /* same name, other case */
    d->after = tx->ops->org_insert(tx, &d->c);
    return OP_OK;
}

static op_rc insert_then_fail(struct store_tx *tx, void *arg)
{
    struct organization *o = arg;
    op_rc rc = tx->ops->org_insert(tx, o);
    return rc ? rc : OP_ERR_INVALID;
}

static void test_failures_in_write(void **state)
{
    struct fx *f = *state;
    struct dup_ctx d = {.a = {.name = "Acme", .created_at = 1, .updated_at = 1},
                        .b = {.name = "ACME", .created_at = 1, .updated_at = 1},
                        .c = {.name = "Other", .created_at = 1, .updated_at = 1}};
    assert_int_equal(store_write(f->s, insert_dup_then_more, &d), OP_OK);
    assert_int_equal(d.first, OP_OK);
    assert_int_equal(d.dup, OP_ERR_CONFLICT);
    assert_int_equal(d.after, OP_OK);

    struct organization o = {.name = "Gone", .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, insert_then_fail, &o), OP_ERR_INVALID);

    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM organizations"), 2);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM organizations WHERE name = 'Gone'"), 0);
    PQfinish(c);

    /* a foreign key is NOTFOUND, a NOT NULL is INVALID */
    struct user u = fx_user("U", "u@x.test", ROLE_CUSTOMER, 9999);
    assert_int_equal(store_write(f->s, fx_user_insert, &u), OP_ERR_NOTFOUND);
    struct ticket t = {.subject = "no requester", .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_ERR_INVALID);
}

/* ---- many writers ---- */

#define WRITERS 6
#define WRITES_EACH 25

struct counter {
    struct fx *f;
    int64_t org;
    op_rc rc;
};

/* A read-modify-write of one row: lost updates would show in the total. */
static op_rc bump(struct store_tx *tx, void *arg)
{
    struct counter *c = arg;
    struct arena a = ARENA_INIT(0);
    struct organization o;
    op_rc rc = tx->ops->org_get(tx, c->org, &a, &o);
    if (rc == OP_OK) {
        o.updated_at++;
        rc = tx->ops->org_update(tx, &o);
    }
    struct event e = {.entity = ENTITY_ORGANIZATION,
                      .entity_id = c->org,
                      .at = o.updated_at,
                      .kind = EV_CHANGED,
                      .via = VIA_API};
    if (rc == OP_OK) rc = tx->ops->event_append(tx, &e);
    arena_release(&a);
    return rc;
}

static void *writer(void *arg)
{
    struct counter *c = arg;
    for (int i = 0; i < WRITES_EACH && c->rc == OP_OK; i++)
        c->rc = store_write(c->f->s, bump, c);
    return NULL;
}

static void test_many_writers(void **state)
{
    struct fx *f = *state;
    int64_t org = fx_add_org(f, "Counter");
    pthread_t th[WRITERS];
    struct counter c[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        c[i] = (struct counter){f, org, OP_OK};
        assert_int_equal(pthread_create(&th[i], NULL, writer, &c[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(c[i].rc, OP_OK);
    }
    PGconn *pc = fx_pg(f);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT updated_at FROM organizations WHERE id = %" PRId64, org);
    assert_int_equal(fx_pg_int(pc, sql), 1 + WRITERS * WRITES_EACH);
    /* the log's ids are in commit order: "at" grows with the id */
    assert_int_equal(fx_pg_int(pc, "SELECT count(*) FROM (SELECT at, lag(at) OVER (ORDER BY id) "
                                   "AS prev FROM events) x WHERE at <= prev"),
                     0);
    PQfinish(pc);
}

/* Group commit: writes that wait together run in one transaction, each in
 * a savepoint. One that fails after writing is undone alone; the others of
 * its batch commit. */
#define BATCH_WRITERS 8
#define BATCH_WRITES 25

struct batch_writer {
    struct fx *f;
    int n;
    op_rc rc[BATCH_WRITES];
};

struct batch_write {
    char name[32];
    bool fail;
};

static op_rc batch_write_fn(struct store_tx *tx, void *arg)
{
    struct batch_write *w = arg;
    struct organization o = {.name = w->name, .created_at = 1, .updated_at = 1};
    op_rc rc = tx->ops->org_insert(tx, &o);
    if (rc) return rc;
    return w->fail ? OP_ERR_CONFLICT : OP_OK; /* written, then refused */
}

static void *batch_writer(void *p)
{
    struct batch_writer *bw = p;
    for (int i = 0; i < BATCH_WRITES; i++) {
        struct batch_write w = {.fail = i % 3 == 0};
        snprintf(w.name, sizeof(w.name), "w%d-%d", bw->n, i);
        bw->rc[i] = store_write(bw->f->s, batch_write_fn, &w);
    }
    return NULL;
}

static void test_group_commit_isolates_failures(void **state)
{
    struct fx *f = *state;
    pthread_t th[BATCH_WRITERS];
    struct batch_writer bw[BATCH_WRITERS];
    atomic_store(&pg_batch_largest, 0);
    for (int i = 0; i < BATCH_WRITERS; i++) {
        bw[i] = (struct batch_writer){.f = f, .n = i};
        assert_int_equal(pthread_create(&th[i], NULL, batch_writer, &bw[i]), 0);
    }
    int ok = 0;
    for (int i = 0; i < BATCH_WRITERS; i++) {
        pthread_join(th[i], NULL);
        for (int k = 0; k < BATCH_WRITES; k++) {
            assert_int_equal(bw[i].rc[k], k % 3 == 0 ? OP_ERR_CONFLICT : OP_OK);
            ok += k % 3 != 0;
        }
    }
    assert_true(atomic_load(&pg_batch_largest) > 1); /* some writes did share a commit */
    PGconn *pc = fx_pg(f);
    assert_int_equal(fx_pg_int(pc, "SELECT count(*) FROM organizations WHERE name LIKE 'w%'"), ok);
    /* none of the refused ones: w<n>-0, -3, -6 ... */
    assert_int_equal(fx_pg_int(pc, "SELECT count(*) FROM organizations WHERE name ~ '^w[0-9]+-' "
                                   "AND split_part(name, '-', 2)::int % 3 = 0"),
                     0);
    PQfinish(pc);
}

/* ---- leases ---- */

struct lease_ctx {
    const char *owner;
    op_time now, until;
    bool got;
    bool release;
};

static op_rc lease(struct store_tx *tx, void *arg)
{
    struct lease_ctx *l = arg;
    if (l->release) return tx->ops->lease_release(tx, "sweep", l->owner);
    return tx->ops->lease_take(tx, "sweep", l->owner, l->now, l->until, &l->got);
}

static void test_leases(void **state)
{
    struct fx *f = *state;
    struct lease_ctx a = {"node-a", 100, 200, false, false};
    struct lease_ctx b = {"node-b", 150, 250, false, false};
    assert_int_equal(store_write(f->s, lease, &a), OP_OK);
    assert_true(a.got);
    assert_int_equal(store_write(f->s, lease, &b), OP_OK);
    assert_false(b.got); /* held by a */
    a.now = 160, a.until = 300;
    assert_int_equal(store_write(f->s, lease, &a), OP_OK);
    assert_true(a.got); /* renewed */
    b.now = 300, b.until = 400;
    assert_int_equal(store_write(f->s, lease, &b), OP_OK);
    assert_true(b.got); /* expired: taken over */
    a.release = true;
    assert_int_equal(store_write(f->s, lease, &a), OP_OK); /* not a's: nothing */
    a.release = false, a.now = 310, a.until = 500;
    assert_int_equal(store_write(f->s, lease, &a), OP_OK);
    assert_false(a.got);
    b.release = true;
    assert_int_equal(store_write(f->s, lease, &b), OP_OK);
    assert_int_equal(store_write(f->s, lease, &a), OP_OK);
    assert_true(a.got);
}

/* ---- a connection that dies ---- */

static op_rc count_orgs(struct store_tx *tx, void *arg)
{
    struct store_counts c;
    op_rc rc = tx->ops->counts(tx, &c);
    if (rc == OP_OK) *(int64_t *)arg = c.organizations;
    return rc;
}

static void test_connection_killed(void **state)
{
    struct fx *f = *state;
    fx_add_org(f, "Before");
    /* the server ends every connection of the store (pooled, idle) */
    PGconn *c = fx_pg(f);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE datname = '%s' AND pid <> pg_backend_pid()",
             f->db);
    assert_true(fx_pg_int(c, sql) >= 1);
    PQfinish(c);
    usleep(100 * 1000);
    /* a write finds its connection dead before anything was sent: done on
     * a new one, once */
    fx_add_org(f, "After");
    int64_t n = 0;
    assert_int_equal(store_read(f->s, count_orgs, &n), OP_OK);
    assert_int_equal(n, 2);
}

struct midway {
    struct fx *f;
    int runs;
    struct organization a, b;
};

/* Writes a row, then (on the first run only) has the server end its own
 * connection before writing the second. */
static op_rc write_kill_write(struct store_tx *tx, void *arg)
{
    struct midway *m = arg;
    m->runs++;
    op_rc rc = tx->ops->org_insert(tx, &m->a);
    if (rc == OP_OK && m->runs == 1) {
        PGconn *c = PQconnectdb(m->f->path);
        char sql[64];
        snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)", PQbackendPID(pg_tx(tx)->db));
        bool ok = fx_pg_exec(c, sql);
        PQfinish(c);
        if (!ok) return OP_ERR_INVALID; /* the test would prove nothing */
        usleep(50 * 1000);
    }
    return rc ? rc : tx->ops->org_insert(tx, &m->b);
}

static void test_connection_killed_mid_write(void **state)
{
    struct fx *f = *state;
    struct midway m = {f,
                       0,
                       {.name = "A", .created_at = 1, .updated_at = 1},
                       {.name = "B", .created_at = 1, .updated_at = 1}};
    /* nothing was committed of the first run: the whole function ran again */
    assert_int_equal(store_write(f->s, write_kill_write, &m), OP_OK);
    assert_int_equal(m.runs, 2);
    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM organizations"), 2);
    PQfinish(c);
}

/* ---- the search query ---- */

static void test_fts_query(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"payment", "('payment')"},
        {"  оплата   картой ", "('оплата') & ('картой')"},
        {"pay*", "('pay':*)"},
        {"e-mail", "('e' <-> 'mail')"},
        {"\"hello\" OR NOT", "('hello') & ('OR') & ('NOT')"},
        {"it's (x) ' & | !", "('it' <-> 's') & ('x')"},
    };
    char *out;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_int_equal(pg_fts_query(cases[i].in, &a, &out), OP_OK);
        assert_string_equal(out, cases[i].out);
    }
    assert_int_equal(pg_fts_query("", &a, &out), OP_ERR_INVALID);
    assert_int_equal(pg_fts_query("*** & |", &a, &out), OP_ERR_INVALID);
    assert_int_equal(pg_fts_query(NULL, &a, &out), OP_ERR_INVALID);
    char big[PG_FTS_QUERY_MAX + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(pg_fts_query(big, &a, &out), OP_ERR_TOOBIG);
    arena_release(&a);
}

/* The candidates are found in two steps (pg_tickets.c): with 150,000
 * tickets, ids 130,001-150,000 first, then the rest. Whatever step a match
 * is found in, the search keeps exactly the newest 500 matches, as a
 * search of the whole table would. */
struct tier_job {
    const char *q;
    int64_t n, newest, oldest;
    bool more;
};

static op_rc tier_search(struct store_tx *tx, void *arg)
{
    struct tier_job *j = arg;
    struct arena a = ARENA_INIT(0);
    struct ticket_filter f = {.limit = 1000};
    struct ticket_scope all = {.all = true};
    struct ticket_page p;
    struct search_hit *hits;
    op_rc rc = tx->ops->ticket_search(tx, j->q, &f, &all, 0, &a, &p, &hits);
    j->n = (int64_t)p.n;
    j->more = p.more;
    j->newest = j->oldest = 0;
    for (size_t i = 0; rc == OP_OK && i < p.n; i++) {
        if (!j->newest || p.v[i].id > j->newest) j->newest = p.v[i].id;
        if (!j->oldest || p.v[i].id < j->oldest) j->oldest = p.v[i].id;
    }
    arena_release(&a);
    return rc;
}

static void test_search_tiers(void **state)
{
    struct fx *f = *state;
    int64_t cust = fx_add_user(f, "C", "c@x.test", ROLE_CUSTOMER, 0);
    PGconn *c = fx_pg(f);
    char sql[1024];
    /* every ticket says "common"; "rare" only the oldest and the newest;
     * "middle" 334 tickets of the first slice and 520 of the rest (of which
     * the newest 166 complete the 500) */
    snprintf(sql, sizeof(sql),
             "INSERT INTO tickets (id, subject, status, priority, type, channel, requester_id, "
             "created_at, updated_at) SELECT g, 'common ' || "
             "CASE WHEN g IN (1, 150000) THEN 'rare ' ELSE '' END || "
             "CASE WHEN (g > 130000 AND g %% 60 = 0) OR (g > 120000 AND g <= 130000 AND "
             "g %% 25 = 0) OR (g <= 120000 AND g %% 1000 = 0) THEN 'middle' ELSE '' END, "
             "0, 0, 0, 0, %" PRId64 ", g, g FROM generate_series(1, 150000) g",
             cust);
    assert_true(fx_pg_exec(c, sql));
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM tickets WHERE subject LIKE '%middle'"),
                     334 + 400 + 120);
    PQfinish(c);

    struct tier_job common = {.q = "common"}, rare = {.q = "rare"}, middle = {.q = "middle"};
    assert_int_equal(store_read(f->s, tier_search, &common), OP_OK);
    assert_int_equal(common.n, 500); /* the first slice alone: the newest 500 */
    assert_int_equal(common.newest, 150000);
    assert_int_equal(common.oldest, 149501);
    assert_int_equal(store_read(f->s, tier_search, &rare), OP_OK);
    assert_int_equal(rare.n, 2); /* the rest reached */
    assert_int_equal(rare.newest, 150000);
    assert_int_equal(rare.oldest, 1);
    assert_int_equal(store_read(f->s, tier_search, &middle), OP_OK);
    assert_int_equal(middle.n, 500); /* 334 of the first slice, the newest 166 of the rest */
    assert_int_equal(middle.newest, 150000);
    assert_int_equal(middle.oldest, 130000 - 165 * 25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_table),
        cmocka_unit_test(test_fts_query),
        cmocka_unit_test(test_open_unreachable),
        cmocka_unit_test_setup_teardown(test_open_no_database, fx_setup_empty, fx_teardown),
        cmocka_unit_test_setup_teardown(test_open_with_subsystems, fx_setup_empty, fx_teardown),
        cmocka_unit_test_setup_teardown(test_open_pending_migrate_newer, fx_setup_empty,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_events_append_only, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_failures_in_write, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_many_writers, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_leases, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_connection_killed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_connection_killed_mid_write, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_search_tiers, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_isolates_failures, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
