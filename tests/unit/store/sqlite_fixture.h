/* sqlite_fixture.h - a fresh SQLite store in a temporary directory for each
 * test of the SQLite backend, and small wrappers for its callbacks.
 *
 * Store functions given to store_write run on the writer thread, where a
 * cmocka assertion cannot jump back to the test: they only record results,
 * and the test asserts after store_write returns. Functions given to
 * store_read run on the test's thread and may assert. */
#ifndef OPORA_TEST_SQLITE_FIXTURE_H
#define OPORA_TEST_SQLITE_FIXTURE_H

#include <dirent.h>
#include <setjmp.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store/sqliteInt.h"

struct fx {
    char dir[64];
    char path[160];
    struct store *s;
    struct arena a;
};

static inline int fx_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    return rmdir(dir);
}

static inline op_rc fx_open(struct fx *f, bool create, bool migrate, struct op_err *err)
{
    struct store_options opt = {
        .migrate = migrate, .create = create, .durable = true, .read_connections = 4};
    return store_open(f->path, &opt, &f->s, err);
}

/* A directory with nothing in it yet; f->path names the database file. */
static inline int fx_setup_empty(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f) return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/opora-sqlite-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/opora.db", f->dir);
    arena_init(&f->a, 0);
    *state = f;
    return 0;
}

/* As fx_setup_empty, with a new migrated database open in f->s. */
static inline int fx_setup(void **state)
{
    if (fx_setup_empty(state)) return -1;
    struct fx *f = *state;
    struct op_err err;
    return fx_open(f, true, true, &err) == OP_OK ? 0 : -1;
}

static inline int fx_teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    arena_release(&f->a);
    int rc = fx_rmdir(f->dir);
    free(f);
    return rc;
}

/* A raw connection to the database file, to look behind the store's back. */
static inline sqlite3 *fx_raw(struct fx *f)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* The one integer sql answers on db. */
static inline int64_t fx_raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ---- one store call per write: wrappers that take the object as arg ---- */

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

/* Ready-made objects. */
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
