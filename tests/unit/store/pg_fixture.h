/* pg_fixture.h - a fresh PostgreSQL database for each test of the
 * PostgreSQL backend, with the same interface as sqlite_fixture.h, so that
 * the SQLite backend's tests of the store interface run on PostgreSQL too
 * (test_pg_core.c, test_pg_tickets.c include them).
 *
 * The server: $OPORA_TEST_PG_URL (postgres://USER@HOST:PORT/DB, a role
 * that may create databases) or else a throwaway cluster started with
 * tests/pg/cluster for the whole test binary and stopped at its exit. Each
 * test gets a database of its own, dropped at teardown. */
#ifndef OPORA_TEST_PG_FIXTURE_H
#define OPORA_TEST_PG_FIXTURE_H
/* takes sqlite_fixture.h's place in the files that include it */
#define OPORA_TEST_SQLITE_FIXTURE_H

#include <setjmp.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/pgInt.h"
#include "store/sqliteInt.h"
#include "store/store.h"

struct fx {
    char dir[64];
    char path[160]; /* the database's URL (as long as sqlite_fixture.h's path) */
    char db[64];
    struct store *s;
    struct arena a;
};

static char fx_server[256];     /* URL of the maintenance database */
static char fx_cluster_dir[64]; /* when we started the cluster */
static int fx_db_seq;

static void fx_cluster_stop(void)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "tests/pg/cluster stop %s; rm -rf %s", fx_cluster_dir,
             fx_cluster_dir);
    if (system(cmd) != 0) fprintf(stderr, "pg_fixture: cannot stop the cluster\n");
}

/* The server's URL, starting a cluster the first time. false when there is
 * none (the reason is printed). */
static inline bool fx_server_url(void)
{
    if (fx_server[0]) return true;
    const char *env = getenv("OPORA_TEST_PG_URL");
    if (env && *env) {
        snprintf(fx_server, sizeof(fx_server), "%s", env);
        return true;
    }
    snprintf(fx_cluster_dir, sizeof(fx_cluster_dir), "/tmp/opora-pgtest-XXXXXX");
    if (!mkdtemp(fx_cluster_dir)) return false;
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "tests/pg/cluster start %s", fx_cluster_dir);
    FILE *p = popen(cmd, "r");
    if (!p) return false;
    bool ok = fgets(fx_server, sizeof(fx_server), p) != NULL;
    ok = pclose(p) == 0 && ok;
    fx_server[strcspn(fx_server, "\n")] = '\0';
    if (!ok) {
        fprintf(stderr, "pg_fixture: no PostgreSQL cluster (tests/pg/cluster start failed)\n");
        fx_server[0] = '\0';
        return false;
    }
    atexit(fx_cluster_stop);
    return true;
}

/* Runs sql on the maintenance database; true when it worked. */
static inline bool fx_admin(const char *sql)
{
    PGconn *c = PQconnectdb(fx_server);
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok) fprintf(stderr, "pg_fixture: %s: %s", sql, PQerrorMessage(c));
        PQclear(r);
    }
    PQfinish(c);
    return ok;
}

static inline op_rc fx_open(struct fx *f, bool create, bool migrate, struct op_err *err)
{
    struct store_options opt = {
        .migrate = migrate, .create = create, .durable = true, .read_connections = 4};
    return store_open(f->path, &opt, &f->s, err);
}

/* A database with nothing in it yet; f->path is its URL. */
static inline int fx_setup_empty(void **state)
{
    pg_core_only_ok = true;
    if (!fx_server_url()) return -1;
    struct fx *f = calloc(1, sizeof(*f));
    if (!f) return -1;
    snprintf(f->db, sizeof(f->db), "opora_t_%d_%d", (int)getpid(), ++fx_db_seq);
    char sql[128];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->db);
    if (!fx_admin(sql)) {
        free(f);
        return -1;
    }
    /* the server's URL with the last path segment replaced */
    const char *slash = strrchr(fx_server, '/');
    int keep = slash ? (int)(slash - fx_server) : (int)strlen(fx_server);
    snprintf(f->path, sizeof(f->path), "%.*s/%s", keep, fx_server, f->db);
    f->dir[0] = '\0'; /* no files: the tests that use the directory stay on SQLite */
    arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static inline int fx_teardown(void **state)
{
    struct fx *f = *state;
    if (f->s) store_close(f->s);
    arena_release(&f->a);
    char sql[128];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->db);
    bool ok = fx_admin(sql);
    free(f);
    return ok ? 0 : -1;
}

static inline int fx_setup(void **state)
{
    if (fx_setup_empty(state)) return -1;
    struct fx *f = *state;
    struct op_err err;
    if (fx_open(f, true, true, &err) != OP_OK) {
        fprintf(stderr, "pg_fixture: open %s: %s %s\n", f->path, err.arg[0], err.arg[1]);
        fx_teardown(state); /* drops the database */
        return -1;
    }
    return 0;
}

/* A raw connection to the test's database, to look behind the store's back. */
static inline PGconn *fx_pg(struct fx *f)
{
    PGconn *c = PQconnectdb(f->path);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, "SET client_min_messages = error");
    PQclear(r);
    return c;
}

/* The one integer sql answers on c. */
static inline int64_t fx_pg_int(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    int64_t v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* Runs sql on c: true when it worked. */
static inline bool fx_pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
}

/* The SQLite fixture's raw access, for the shared tests that use it: those
 * are not run on PostgreSQL (their PostgreSQL versions are in test_pg.c). */
static inline sqlite3 *fx_raw(struct fx *f)
{
    UNUSED(f);
    fail_msg("fx_raw: an SQLite-only test ran on PostgreSQL");
    return NULL;
}

static inline int64_t fx_raw_int(sqlite3 *db, const char *sql)
{
    UNUSED(db);
    UNUSED(sql);
    fail_msg("fx_raw_int: an SQLite-only test ran on PostgreSQL");
    return 0;
}

/* ---- the same wrappers and objects as sqlite_fixture.h ---- */

#define FX_WRAP(op, type)                                                                          \
    static inline op_rc fx_##op(struct store_tx *tx, void *arg)                                    \
    {                                                                                              \
        return tx->ops->op(tx, (type *)arg);                                                       \
    }
FX_WRAP(org_insert, struct organization)
FX_WRAP(org_update, const struct organization)
FX_WRAP(user_insert, struct user)
FX_WRAP(user_update, const struct user)
FX_WRAP(group_insert, struct group)
FX_WRAP(group_update, const struct group)
FX_WRAP(ticket_insert, struct ticket)
FX_WRAP(ticket_update, const struct ticket)
FX_WRAP(comment_insert, struct comment)
FX_WRAP(attachment_insert, struct attachment)
FX_WRAP(link_insert, struct link)
FX_WRAP(macro_insert, struct macro)
FX_WRAP(macro_update, const struct macro)
FX_WRAP(event_append, struct event)
#undef FX_WRAP

static inline struct user fx_user(const char *name, const char *email, enum user_role role,
                                  int64_t org)
{
    return (struct user){.role = role,
                         .name = (char *)name,
                         .email = (char *)email,
                         .organization_id = org,
                         .language = "en",
                         .active = true,
                         .created_at = 1000,
                         .updated_at = 1000};
}

static inline int64_t fx_add_user(struct fx *f, const char *name, const char *email,
                                  enum user_role role, int64_t org)
{
    struct user u = fx_user(name, email, role, org);
    assert_int_equal(store_write(f->s, fx_user_insert, &u), OP_OK);
    assert_true(u.id > 0);
    return u.id;
}

static inline int64_t fx_add_org(struct fx *f, const char *name)
{
    struct organization o = {.name = (char *)name, .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_org_insert, &o), OP_OK);
    return o.id;
}

static inline int64_t fx_add_group(struct fx *f, const char *name, enum group_tier tier)
{
    struct group g = {.name = (char *)name, .tier = tier, .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_group_insert, &g), OP_OK);
    return g.id;
}

#endif
