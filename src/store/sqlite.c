/* sqlite.c - the SQLite backend: opening, migrations, the read pool, the
 * writer thread with group commit, backup, and the helpers the other
 * sqlite_*.c files share (statement cache, error mapping, row reading).
 *
 * Concurrency. The database runs in WAL mode: readers never block the writer
 * nor each other. Reads take a connection from a pool (opened lazily, at most
 * opt->read_connections) and run in one snapshot. Writes go to one thread
 * that owns the only write connection: it takes every queued job, runs them
 * in one BEGIN IMMEDIATE transaction, each inside its own savepoint, and
 * commits once, so N concurrent writers pay for one fsync instead of N. */
#include "base/common.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "store/fts_rank.h"
#include "store/fts_stem.h"
#include "store/migrations.h"
#include "store/store_sla.h"
#include "store/store_survey.h"
#include "store/store_motivation.h"
#include "store/store_viewers.h"
#include "store/store_portal.h"
#include "store/store_account.h"
#include "store/sqliteInt.h"
#include "store/store_team.h"
#include "store/store_mail.h"
#include "store/store_kpi.h"

#define SQ_READERS_DEFAULT 16
#define SQ_READERS_MAX 256
#define SQ_BATCH_MAX 512 /* jobs per group commit */
#define SQ_BUSY_TIMEOUT_MS 5000
#define SQ_CACHE_WRITER_KIB (128 * 1024) /* page cache of the write connection */
#define SQ_CACHE_READER_KIB 8192  /* ... of each read connection */
#define SQ_CACHE_BULK_KIB (128 * 1024) /* ... of the writer of a bulk load */
#define SQ_STMT_CACHE_MAX 512     /* cached statements per connection */

/* ---- types ---- */

struct sq_cached {
    uint64_t hash;
    char *sql; /* owned; NULL marks an empty slot */
    sqlite3_stmt *st;
};

struct sq_conn {
    sqlite3 *db;
    struct sq_cached *slots; /* open addressing, cap a power of two */
    size_t cap, n;
};

/* One write() waiting for its batch to commit; lives on the caller's stack. */
struct sq_job {
    store_fn fn;
    void *arg;
    op_rc rc;
    bool done;
    pthread_cond_t cv; /* signalled (under q_mu) when done */
    struct sq_job *next;
};

struct sq_store {
    char *path;
    bool durable;
    int latest; /* the newest migration this binary has */

    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv; /* a connection was given back */
    struct sq_conn **idle;  /* [max_readers] */
    int n_idle, n_open, max_readers;

    struct sq_conn *wconn; /* the writer thread's */
    pthread_t writer;
    bool writer_running;
    pthread_mutex_t q_mu;
    pthread_cond_t q_cv; /* a job arrived, or stopping */
    struct sq_job *q_head, *q_tail;
    bool stopping;

    /* The checkpointer: copies the WAL back into the database on its own
     * thread and connection, so that the writer never stops for it. */
    sqlite3 *ckpt_db;
    pthread_t ckpt;
    bool ckpt_running, ckpt_stop;
    int wal_frames;        /* as the writer last saw them; under q_mu */
    pthread_cond_t ckpt_cv; /* the WAL grew past SQ_CKPT_FRAMES, or stopping */
};

/* A checkpoint starts when the WAL holds this many frames (pages), or
 * every second when it holds any; past SQ_CKPT_FRAMES_MAX the writer waits
 * for one itself rather than letting the WAL grow without bound. */
#define SQ_CKPT_FRAMES 4096
#define SQ_CKPT_FRAMES_MAX (64 * 4096)

/* Set on a thread while it runs a store_fn (and for the writer's whole
 * life): read() or write() from there would deadlock or see a stale
 * snapshot, so they fail instead. */
static _Thread_local bool tls_in_tx;

/* ---- statement cache ---- */

static uint64_t sql_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot holding sql, or the empty slot where it would go. */
static struct sq_cached *cache_slot(struct sq_conn *c, const char *sql, uint64_t h)
{
    size_t mask = c->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct sq_cached *e = &c->slots[i];
        if (!e->sql || (e->hash == h && strcmp(e->sql, sql) == 0)) return e;
    }
}

static bool cache_grow(struct sq_conn *c)
{
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct sq_cached *old = c->slots;
    size_t old_cap = c->cap;
    c->slots = calloc(cap, sizeof(*c->slots));
    if (!c->slots) {
        c->slots = old;
        return false;
    }
    c->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].sql) *cache_slot(c, old[i].sql, old[i].hash) = old[i];
    free(old);
    return true;
}

op_rc sq_prep(struct sq_tx *tx, const char *sql, sqlite3_stmt **out)
{
    struct sq_conn *c = tx->conn;
    uint64_t h = sql_hash(sql);
    struct sq_cached *e = c->cap ? cache_slot(c, sql, h) : NULL;
    if (e && e->sql && !sqlite3_stmt_busy(e->st)) {
        *out = e->st;
        return OP_OK;
    }
    /* Keep the load under one half so that probes stay short. */
    bool cache = !(e && e->sql) && c->n < SQ_STMT_CACHE_MAX;
    if (cache && (c->n + 1) * 2 > c->cap) {
        cache = cache_grow(c);
        e = cache ? cache_slot(c, sql, h) : NULL;
    }
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v3(tx->db, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL);
    if (src != SQLITE_OK) {
        log_error("msg=\"cannot prepare statement\" err=\"%s\" sql=\"%.200s\"",
                  sqlite3_errmsg(tx->db), sql);
        sqlite3_finalize(st);
        return src == SQLITE_NOMEM ? OP_ERR_NOMEM : OP_ERR_IO;
    }
    if (cache) {
        char *copy = strdup(sql);
        if (copy) {
            e->hash = h;
            e->sql = copy;
            e->st = st;
            c->n++;
        }
        /* else it stays uncached: sq_done finalizes it */
    }
    *out = st;
    return OP_OK;
}

static bool stmt_is_cached(struct sq_conn *c, sqlite3_stmt *st)
{
    const char *sql = sqlite3_sql(st);
    if (!sql || !c->cap) return false;
    struct sq_cached *e = cache_slot(c, sql, sql_hash(sql));
    return e->sql && e->st == st;
}

void sq_done(struct sq_tx *tx, sqlite3_stmt *st)
{
    if (!st) return;
    if (stmt_is_cached(tx->conn, st)) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
    }
}

/* Resets every cached statement still running on c, so that a function
 * that returned early without sq_done cannot hold the transaction open.
 * (Not every statement of the connection: FTS5 owns some of its own.) */
static void conn_reset_all(struct sq_conn *c)
{
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].sql && sqlite3_stmt_busy(c->slots[i].st)) sqlite3_reset(c->slots[i].st);
}

/* ---- errors and helpers ---- */

op_rc sq_fail(struct sq_tx *tx, int src, const char *what)
{
    switch (src) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return OP_ERR_CONFLICT;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return OP_ERR_NOTFOUND;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
        log_warn("msg=\"constraint failed\" op=%s err=\"%s\"", what, sqlite3_errmsg(tx->db));
        return OP_ERR_INVALID;
    case SQLITE_NOMEM:
        return OP_ERR_NOMEM;
    default:
        log_error("msg=\"storage failure\" op=%s code=%d err=\"%s\"", what, src,
                  sqlite3_errmsg(tx->db));
        return OP_ERR_IO;
    }
}

op_rc sq_step_done(struct sq_tx *tx, sqlite3_stmt *st, const char *what)
{
    int src = sqlite3_step(st);
    if (src == SQLITE_DONE || src == SQLITE_ROW) return OP_OK;
    return sq_fail(tx, src, what);
}

op_rc sq_exec(struct sq_tx *tx, const char *sql)
{
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, sql, &st);
    if (rc) return rc;
    rc = sq_step_done(tx, st, sql);
    sq_done(tx, st);
    return rc;
}

op_rc sq_prep_id(struct sq_tx *tx, const char *sql, int64_t id, sqlite3_stmt **out)
{
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, sql, &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, id);
    if (src != SQLITE_OK) {
        rc = sq_fail(tx, src, "bind");
        sq_done(tx, st);
        return rc;
    }
    *out = st;
    return OP_OK;
}

char *sq_col_text(struct sq_row *r, int col)
{
    const unsigned char *s = sqlite3_column_text(r->st, col);
    size_t n = (size_t)sqlite3_column_bytes(r->st, col);
    char *p = arena_strndup(r->a, s ? (const char *)s : "", s ? n : 0);
    if (!p) r->oom = true;
    return p;
}

/* Grows the array *v of n elements of size each (in arena a) so that
 * element n can be written, doubling *cap. false when memory is out. */
static bool sq_grow(struct arena *a, void **v, size_t size, size_t n, size_t *cap)
{
    if (n < *cap) return true;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / size) return false;
    void *nv = arena_alloc(a, ncap * size);
    if (!nv) return false;
    if (n) memcpy(nv, *v, n * size);
    *v = nv;
    *cap = ncap;
    return true;
}

char *sq_like_prefix(struct arena *a, const char *prefix)
{
    size_t n = strlen(prefix);
    char *p = arena_alloc(a, 2 * n + 2);
    if (!p) return NULL;
    char *w = p;
    for (const char *r = prefix; *r; r++) {
        if (*r == '%' || *r == '_' || *r == '\\') *w++ = '\\';
        *w++ = *r;
    }
    *w++ = '%';
    *w = '\0';
    return p;
}

/* ---- running a prepared statement ---- */

op_rc sq_one(struct sq_tx *tx, sqlite3_stmt *st, sq_read_fn *fn, struct arena *a, void *out,
             const char *what)
{
    op_rc rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        struct sq_row r = {st, a, false};
        rc = fn ? fn(&r, out) : OP_OK;
        if (rc == OP_OK && r.oom) rc = OP_ERR_NOMEM;
    } else {
        rc = src == SQLITE_DONE ? OP_ERR_NOTFOUND : sq_fail(tx, src, what);
    }
    sq_done(tx, st);
    return rc;
}

op_rc sq_list(struct sq_tx *tx, sqlite3_stmt *st, sq_read_fn *fn, size_t size, struct arena *a,
              void **out, size_t *n, const char *what)
{
    void *v = NULL;
    size_t cap = 0;
    struct sq_row r = {st, a, false};
    op_rc rc = OP_OK;
    int src = SQLITE_DONE;
    *n = 0;
    while (rc == OP_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if (!sq_grow(a, &v, size, *n, &cap))
            rc = OP_ERR_NOMEM;
        else
            rc = fn(&r, (char *)v + (*n)++ * size);
        if (rc == OP_OK && r.oom) rc = OP_ERR_NOMEM;
    }
    if (rc == OP_OK && src != SQLITE_DONE) rc = sq_fail(tx, src, what);
    sq_done(tx, st);
    *out = v;
    return rc;
}

static op_rc id_row(struct sq_row *r, void *out)
{
    *(int64_t *)out = sq_col_int(r, 0);
    return OP_OK;
}

op_rc sq_list_ids(struct sq_tx *tx, sqlite3_stmt *st, struct arena *a, struct id_list *out)
{
    void *v;
    op_rc rc = sq_list(tx, st, id_row, sizeof(*out->v), a, &v, &out->n, "collect ids");
    out->v = v;
    return rc;
}

op_rc sq_scalar(struct sq_tx *tx, sqlite3_stmt *st, int64_t *out, const char *what)
{
    int src = sqlite3_step(st);
    op_rc rc = src == SQLITE_ROW ? OP_OK : sq_fail(tx, src, what);
    if (rc == OP_OK) *out = sqlite3_column_int64(st, 0);
    sq_done(tx, st);
    return rc;
}

/* Steps st unless binding its parameters failed (src). Does not call sq_done. */
static op_rc run_bound(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what)
{
    return src ? sq_fail(tx, src, what) : sq_step_done(tx, st, what);
}

op_rc sq_run(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what)
{
    op_rc rc = run_bound(tx, st, src, what);
    sq_done(tx, st);
    return rc;
}

op_rc sq_run_insert(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what, int64_t *id)
{
    op_rc rc = run_bound(tx, st, src, what);
    if (rc == OP_OK) *id = sqlite3_last_insert_rowid(tx->db);
    sq_done(tx, st);
    return rc;
}

op_rc sq_run_update(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what)
{
    op_rc rc = run_bound(tx, st, src, what);
    if (rc == OP_OK && sqlite3_changes(tx->db) == 0) rc = OP_ERR_NOTFOUND;
    sq_done(tx, st);
    return rc;
}

/* ---- the query builder ---- */

void sq_q_init(struct sq_query *q)
{
    buf_init(&q->sql, SQ_QUERY_MAX);
    q->n = 0;
    q->rc = OP_OK;
}

void sq_q_release(struct sq_query *q)
{
    buf_release(&q->sql);
}

void sq_q_sql(struct sq_query *q, const char *fmt, ...)
{
    if (q->rc) return;
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        q->rc = OP_ERR_TOOBIG;
    else
        q->rc = buf_append(&q->sql, tmp, (size_t)n);
}

/* Takes the next parameter of q: its index, or -1 when q has failed or is
 * full (then q->rc says so). */
static int q_param(struct sq_query *q)
{
    if (q->rc) return -1;
    if (q->n == SQ_QUERY_BINDS) {
        q->rc = OP_ERR_TOOBIG;
        return -1;
    }
    return q->n++;
}

void sq_q_int(struct sq_query *q, int64_t v)
{
    int i = q_param(q);
    if (i < 0) return;
    q->v[i].text = false;
    q->v[i].i = v;
}

void sq_q_text(struct sq_query *q, const char *s)
{
    int i = q_param(q);
    if (i < 0) return;
    q->v[i].text = true;
    q->v[i].s = s;
}

void sq_q_mask(struct sq_query *q, const char *col, unsigned mask, int count)
{
    int n = 0;
    for (int i = 0; i < count; i++) {
        if (!(mask & (1u << i))) continue;
        if (n++ == 0)
            sq_q_sql(q, "%s IN (%d", col, i);
        else
            sq_q_sql(q, ",%d", i);
    }
    sq_q_sql(q, n ? ")" : "0");
}

op_rc sq_q_prep(struct sq_tx *tx, struct sq_query *q, sqlite3_stmt **out)
{
    if (q->rc) return q->rc;
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, buf_str(&q->sql), &st);
    if (rc) return rc;
    int src = SQLITE_OK;
    for (int i = 0; i < q->n && src == SQLITE_OK; i++)
        src = q->v[i].text ? sq_bind_text(st, i + 1, q->v[i].s) : sq_bind_int(st, i + 1, q->v[i].i);
    if (src != SQLITE_OK) {
        rc = sq_fail(tx, src, "bind");
        sq_done(tx, st);
        return rc;
    }
    *out = st;
    return OP_OK;
}

/* ---- connections ---- */

static void conn_close(struct sq_conn *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->cap; i++) {
        if (c->slots[i].sql) {
            sqlite3_finalize(c->slots[i].st);
            free(c->slots[i].sql);
        }
    }
    free(c->slots);
    /* Only our own statements: FTS5 keeps private ones on the connection
     * and finalizes them itself. A leaked one of ours makes close fail;
     * then the handle is released when the last statement goes. */
    if (sqlite3_close(c->db) != SQLITE_OK) {
        log_error("msg=\"connection closed with statements open\" err=\"%s\"",
                  sqlite3_errmsg(c->db));
        sqlite3_close_v2(c->db);
    }
    free(c);
}

/* Runs a pragma and, when want is not NULL, checks its one-row answer. */
static int conn_pragma(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (src == SQLITE_OK) {
        src = sqlite3_step(st);
        if (src == SQLITE_ROW && want) {
            const char *got = (const char *)sqlite3_column_text(st, 0);
            src = got && strcmp(got, want) == 0 ? SQLITE_DONE : SQLITE_ERROR;
        }
        if (src == SQLITE_ROW || src == SQLITE_DONE) src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src;
}

/* Opens a connection to path and sets it up. On failure *why is a message
 * for the operator (static or from SQLite, valid until the next call). */
static op_rc conn_open(const char *path, bool writer, bool create, bool durable,
                       struct sq_conn **out, char *why, size_t why_len)
{
    struct sq_conn *c = calloc(1, sizeof(*c));
    if (!c) return OP_ERR_NOMEM;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int src = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (src == SQLITE_OK) src = fts_stem_register(c->db);
    if (src == SQLITE_OK) src = fts_rank_register(c->db);
    if (src == SQLITE_OK) {
        sqlite3_extended_result_codes(c->db, 1);
        src = sqlite3_busy_timeout(c->db, SQ_BUSY_TIMEOUT_MS);
    }
    char sql[64];
    if (src == SQLITE_OK) src = conn_pragma(c->db, "PRAGMA journal_mode=WAL", "wal");
    if (src == SQLITE_OK) {
        const char *sync = !writer ? "NORMAL" : durable ? "FULL" : "OFF";
        snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s", sync);
        src = conn_pragma(c->db, sql, NULL);
    }
    if (src == SQLITE_OK) src = conn_pragma(c->db, "PRAGMA foreign_keys=ON", NULL);
    /* Savepoints and statements that may fail halfway (any insert into a
     * table with foreign keys) keep the pages they change in a sub-journal.
     * With temp_store=FILE it moves to a temporary file past 64 KiB and every
     * page after that is a write(2) - a create touches ~30 pages, so the
     * server's writer keeps it in memory (its jobs are small; the journal is
     * emptied after each). A bulk load keeps FILE: an in-memory journal is
     * walked from its start at every statement, quadratic in a job of
     * thousands of tickets. */
    if (src == SQLITE_OK && writer && durable)
        src = conn_pragma(c->db, "PRAGMA temp_store=MEMORY", NULL);
    if (src == SQLITE_OK) {
        /* a bulk load (not durable) touches every index at random: give its
         * writer a big cache so that the working set stays in memory */
        snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d",
                 !writer ? SQ_CACHE_READER_KIB : durable ? SQ_CACHE_WRITER_KIB : SQ_CACHE_BULK_KIB);
        src = conn_pragma(c->db, sql, NULL);
    }
    /* Readers must never write: a store function that tries inside read()
     * gets an error instead of a surprise. */
    if (src == SQLITE_OK && !writer) src = conn_pragma(c->db, "PRAGMA query_only=ON", NULL);
    if (src != SQLITE_OK) {
        snprintf(why, why_len, "%s", c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(src));
        if (src == SQLITE_ERROR && c->db && sqlite3_errcode(c->db) == SQLITE_OK)
            snprintf(why, why_len, "cannot switch to WAL mode");
        conn_close(c);
        return src == SQLITE_NOMEM ? OP_ERR_NOMEM : OP_ERR_IO;
    }
    *out = c;
    return OP_OK;
}

/* ---- the read pool ---- */

static op_rc pool_take(struct sq_store *s, struct sq_conn **out)
{
    pthread_mutex_lock(&s->pool_mu);
    for (;;) {
        if (s->n_idle > 0) {
            *out = s->idle[--s->n_idle];
            pthread_mutex_unlock(&s->pool_mu);
            return OP_OK;
        }
        if (s->n_open < s->max_readers) break;
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    }
    s->n_open++; /* reserve the place, open outside the lock */
    pthread_mutex_unlock(&s->pool_mu);

    char why[256];
    op_rc rc = conn_open(s->path, false, false, false, out, why, sizeof(why));
    if (rc) {
        log_error("msg=\"cannot open read connection\" path=\"%s\" err=\"%s\"", s->path, why);
        pthread_mutex_lock(&s->pool_mu);
        s->n_open--;
        pthread_cond_signal(&s->pool_cv);
        pthread_mutex_unlock(&s->pool_mu);
    }
    return rc;
}

static void pool_give(struct sq_store *s, struct sq_conn *c)
{
    pthread_mutex_lock(&s->pool_mu);
    assert(s->n_idle < s->n_open);
    s->idle[s->n_idle++] = c;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

static op_rc sq_read(void *impl, store_fn fn, void *arg)
{
    struct sq_store *s = impl;
    if (tls_in_tx) {
        log_error("msg=\"store_read called inside a store function\"");
        return OP_ERR_INVALID;
    }
    struct sq_conn *c;
    op_rc rc = pool_take(s, &c);
    if (rc) return rc;
    struct sq_tx tx = {{&sqlite_store_ops}, c, c->db};
    rc = sq_exec(&tx, "BEGIN");
    if (rc == OP_OK) {
        tls_in_tx = true;
        rc = fn(&tx.base, arg);
        tls_in_tx = false;
        conn_reset_all(c);
        if (rc == OP_OK) rc = sq_exec(&tx, "COMMIT");
        if (!sqlite3_get_autocommit(c->db)) sq_exec(&tx, "ROLLBACK");
    }
    pool_give(s, c);
    return rc;
}

/* ---- the writer: group commit ---- */

/* Marks jobs [from, to) of a transaction that was lost as failed. */
static void batch_lost(struct sq_job **jobs, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        jobs[i]->rc = OP_ERR_IO;
}

static op_rc batch_begin(struct sq_tx *tx)
{
    return sq_exec(tx, "BEGIN IMMEDIATE");
}

/* Runs jobs[0..n) in one transaction and commits; sets every job's rc.
 * If a job's failure takes the whole transaction down (an I/O error, a full
 * disk), the jobs run so far are lost and the rest start a new one. */
static void batch_run(struct sq_store *s, struct sq_job **jobs, size_t n)
{
    struct sq_tx tx = {{&sqlite_store_ops}, s->wconn, s->wconn->db};
    size_t seg = 0; /* the first job of the current transaction */
    int64_t t_start = time_mono_us();
    if (batch_begin(&tx) != OP_OK) {
        batch_lost(jobs, 0, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        op_rc rc = sq_exec(&tx, "SAVEPOINT sq_job");
        if (rc == OP_OK) {
            rc = jobs[i]->fn(&tx.base, jobs[i]->arg);
            conn_reset_all(tx.conn);
            if (!sqlite3_get_autocommit(tx.db)) {
                if (rc) sq_exec(&tx, "ROLLBACK TO sq_job");
                op_rc rc2 = sq_exec(&tx, "RELEASE sq_job");
                if (rc == OP_OK) rc = rc2;
            }
        }
        jobs[i]->rc = rc;
        if (sqlite3_get_autocommit(tx.db)) {
            log_error("msg=\"write transaction lost\" jobs=%zu", i + 1 - seg);
            batch_lost(jobs, seg, i + 1);
            seg = i + 1;
            if (seg < n && batch_begin(&tx) != OP_OK) {
                batch_lost(jobs, seg, n);
                return;
            }
        }
    }
    if (seg == n) return; /* the last job's transaction was lost; nothing is open */
    int64_t t_commit = time_mono_us();
    if (sq_exec(&tx, "COMMIT") != OP_OK) {
        if (!sqlite3_get_autocommit(tx.db)) sq_exec(&tx, "ROLLBACK");
        batch_lost(jobs, seg, n);
    }
    log_debug("msg=\"group commit\" jobs=%zu run_us=%" PRId64 " commit_us=%" PRId64, n,
              t_commit - t_start, time_mono_us() - t_commit);
}

static void *writer_main(void *p)
{
    struct sq_store *s = p;
    struct sq_job *jobs[SQ_BATCH_MAX];
    tls_in_tx = true;
    pthread_setname_np(pthread_self(), "opora-writer");
    for (;;) {
        pthread_mutex_lock(&s->q_mu);
        while (!s->q_head && !s->stopping)
            pthread_cond_wait(&s->q_cv, &s->q_mu);
        if (!s->q_head) {
            pthread_mutex_unlock(&s->q_mu);
            break; /* stopping, and the queue is drained */
        }
        size_t n = 0;
        while (s->q_head && n < SQ_BATCH_MAX) {
            jobs[n++] = s->q_head;
            s->q_head = s->q_head->next;
        }
        if (!s->q_head) s->q_tail = NULL;
        pthread_mutex_unlock(&s->q_mu);

        batch_run(s, jobs, n);

        pthread_mutex_lock(&s->q_mu);
        for (size_t i = 0; i < n; i++) {
            jobs[i]->done = true;
            pthread_cond_signal(&jobs[i]->cv);
        }
        pthread_mutex_unlock(&s->q_mu);
    }
    return NULL;
}

static op_rc sq_write(void *impl, store_fn fn, void *arg)
{
    struct sq_store *s = impl;
    if (tls_in_tx) {
        /* On the writer thread this would wait for itself forever. */
        log_error("msg=\"store_write called inside a store function\"");
        return OP_ERR_INVALID;
    }
    struct sq_job job = {.fn = fn, .arg = arg};
    if (pthread_cond_init(&job.cv, NULL) != 0) return OP_ERR_NOMEM;
    pthread_mutex_lock(&s->q_mu);
    if (s->stopping) {
        job.rc = OP_ERR_UNAVAILABLE;
        job.done = true;
    } else {
        if (s->q_tail)
            s->q_tail->next = &job;
        else
            s->q_head = &job;
        s->q_tail = &job;
        pthread_cond_signal(&s->q_cv);
    }
    while (!job.done)
        pthread_cond_wait(&job.cv, &s->q_mu);
    pthread_mutex_unlock(&s->q_mu);
    pthread_cond_destroy(&job.cv);
    return job.rc;
}

/* ---- migrations ---- */

static int migrations_latest(void)
{
    int v = 0;
    for (size_t i = 0; i < sqlite_migrations_count; i++) {
        assert(sqlite_migrations[i].version > v); /* embed-sql sorts them */
        v = sqlite_migrations[i].version;
    }
    return v;
}

/* The version db is at: 0 for a database without schema_migrations. */
static int db_version(sqlite3 *db, int *out)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(
        db,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
        -1, &st, NULL);
    bool have = false;
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        have = sqlite3_column_int(st, 0) > 0;
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    st = NULL;
    *out = 0;
    if (src != SQLITE_OK || !have) return src;
    src = sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &st,
                             NULL);
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src;
}

/* Applies one migration in its own transaction, unless another process got
 * there first. */
static int migration_apply(sqlite3 *db, const struct migration *m)
{
    int src = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (src != SQLITE_OK) return src;
    int now;
    src = sqlite3_exec(db,
                       "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                       "applied_at INTEGER NOT NULL)",
                       NULL, NULL, NULL);
    if (src == SQLITE_OK) src = db_version(db, &now);
    if (src == SQLITE_OK && now < m->version) {
        src = sqlite3_exec(db, m->sql, NULL, NULL, NULL);
        sqlite3_stmt *st = NULL;
        if (src == SQLITE_OK)
            src = sqlite3_prepare_v2(
                db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)", -1,
                &st, NULL);
        if (src == SQLITE_OK) {
            sqlite3_bind_int(st, 1, m->version);
            sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, time_now_ms());
            src = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
        }
        sqlite3_finalize(st);
    }
    if (src == SQLITE_OK) src = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (src != SQLITE_OK && !sqlite3_get_autocommit(db)) {
        /* keep the first error's message for the caller */
        char *why = sqlite3_mprintf("%s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        log_error("msg=\"migration failed\" migration=%s err=\"%s\"", m->name, why ? why : "");
        sqlite3_free(why);
    }
    return src;
}

static op_rc migrate(struct sq_store *s, bool apply, struct op_err *err)
{
    sqlite3 *db = s->wconn->db;
    int current;
    char a1[16], a2[16];
    if (db_version(db, &current) != SQLITE_OK)
        return op_fail(err, OP_ERR_IO, "db", MSG_ERR_DB_OPEN, s->path, sqlite3_errmsg(db));
    snprintf(a1, sizeof(a1), "%d", current);
    snprintf(a2, sizeof(a2), "%d", s->latest);
    if (current > s->latest) return op_fail(err, OP_ERR_CONFLICT, "db", MSG_ERR_DB_NEWER, a1, a2);
    if (current == s->latest) return OP_OK;
    if (!apply) return op_fail(err, OP_ERR_CONFLICT, "db", MSG_ERR_DB_PENDING, a1, a2);
    for (size_t i = 0; i < sqlite_migrations_count; i++) {
        const struct migration *m = &sqlite_migrations[i];
        if (m->version <= current) continue;
        if (migration_apply(db, m) != SQLITE_OK) {
            char why[OP_ERR_ARGLEN];
            snprintf(why, sizeof(why), "%s: %s", m->name, sqlite3_errmsg(db));
            return op_fail(err, OP_ERR_IO, "db", MSG_ERR_STORAGE, why);
        }
        log_info("msg=\"migration applied\" migration=%s", m->name);
    }
    return OP_OK;
}

/* ---- open and close ---- */

static void store_free(struct sq_store *s)
{
    conn_close(s->wconn);
    for (int i = 0; i < s->n_idle; i++)
        conn_close(s->idle[i]);
    free(s->idle);
    free(s->path);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->q_mu);
    pthread_cond_destroy(&s->q_cv);
    pthread_cond_destroy(&s->ckpt_cv);
    free(s);
}

static void ckpt_start(struct sq_store *s);
static void ckpt_stop(struct sq_store *s);

/* SQLite's memory statistics take a global mutex around every allocation of
 * every connection; opora does not read them. This must run before SQLite
 * initializes, so the first open does it (later calls change nothing). */
static pthread_once_t sq_global_once = PTHREAD_ONCE_INIT;
static void sq_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static op_rc sq_open(const char *url, const struct store_options *opt, void **impl,
                     struct op_err *err)
{
    pthread_once(&sq_global_once, sq_global_init);
    static const struct store_options defaults = {0};
    if (!opt) opt = &defaults;
    const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
    if (!*path) return op_fail(err, OP_ERR_INVALID, "db", MSG_ERR_DB_OPEN, url, "empty path");

    struct stat sb;
    if (!opt->create && stat(path, &sb) != 0 && errno == ENOENT)
        return op_fail(err, OP_ERR_NOTFOUND, "db", MSG_ERR_DB_MISSING, path);

    struct sq_store *s = calloc(1, sizeof(*s));
    if (!s) return OP_ERR_NOMEM;
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->q_mu, NULL);
    pthread_cond_init(&s->q_cv, NULL);
    pthread_cond_init(&s->ckpt_cv, NULL);
    s->durable = opt->durable;
    s->latest = migrations_latest();
    s->max_readers =
        opt->read_connections > 0 ? MIN(opt->read_connections, SQ_READERS_MAX) : SQ_READERS_DEFAULT;
    s->path = strdup(path);
    s->idle = calloc((size_t)s->max_readers, sizeof(*s->idle));
    op_rc rc = OP_OK;
    if (!s->path || !s->idle) {
        rc = OP_ERR_NOMEM;
        goto fail;
    }

    char why[256];
    rc = conn_open(path, true, opt->create, opt->durable, &s->wconn, why, sizeof(why));
    if (rc) {
        op_fail(err, rc, "db", MSG_ERR_DB_OPEN, path, why);
        goto fail;
    }
    rc = migrate(s, opt->migrate, err);
    if (rc) goto fail;
    if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
        rc = op_fail(err, OP_ERR_IO, "db", MSG_ERR_DB_OPEN, path, "cannot start the writer");
        goto fail;
    }
    s->writer_running = true;
    ckpt_start(s);
    *impl = s;
    return OP_OK;

fail:
    store_free(s);
    return rc;
}

/* ---- the checkpointer ---- */

/* Called by SQLite on the writer's connection after each commit (it
 * replaces the automatic checkpoint, which would run on the writer). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct sq_store *s = arg;
    UNUSED(name);
    pthread_mutex_lock(&s->q_mu);
    s->wal_frames = frames;
    if (frames >= SQ_CKPT_FRAMES)
        pthread_cond_signal(&s->ckpt_cv);
    pthread_mutex_unlock(&s->q_mu);
    if (frames >= SQ_CKPT_FRAMES_MAX) /* the checkpointer cannot keep up: help it */
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

static void *ckpt_main(void *p)
{
    struct sq_store *s = p;
    pthread_setname_np(pthread_self(), "opora-ckpt");
    pthread_mutex_lock(&s->q_mu);
    while (!s->ckpt_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        if (s->wal_frames < SQ_CKPT_FRAMES)
            pthread_cond_timedwait(&s->ckpt_cv, &s->q_mu, &until);
        if (s->ckpt_stop || s->wal_frames == 0)
            continue;
        s->wal_frames = 0;
        pthread_mutex_unlock(&s->q_mu);
        /* PASSIVE: copies what no reader still needs, never blocks anyone */
        int log = 0, done = 0;
        int src = sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
                                            &done);
        if (src != SQLITE_OK && src != SQLITE_BUSY)
            log_warn("msg=\"checkpoint failed\" err=\"%s\"", sqlite3_errmsg(s->ckpt_db));
        pthread_mutex_lock(&s->q_mu);
    }
    pthread_mutex_unlock(&s->q_mu);
    return NULL;
}

/* Starts the checkpointer; without it SQLite's own automatic checkpoint
 * (on the writer) stays in place, so a failure here is not fatal. */
static void ckpt_start(struct sq_store *s)
{
    if (sqlite3_open_v2(s->path, &s->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(s->ckpt_db, SQ_BUSY_TIMEOUT_MS) != SQLITE_OK ||
        sqlite3_exec(s->ckpt_db, s->durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF",
                     NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&s->ckpt, NULL, ckpt_main, s) != 0) {
        log_warn("msg=\"no checkpoint thread; the writer checkpoints\" err=\"%s\"",
                 s->ckpt_db ? sqlite3_errmsg(s->ckpt_db) : "out of memory");
        sqlite3_close(s->ckpt_db);
        s->ckpt_db = NULL;
        return;
    }
    s->ckpt_running = true;
    sqlite3_wal_hook(s->wconn->db, wal_hook, s);
}

static void ckpt_stop(struct sq_store *s)
{
    if (!s->ckpt_running)
        return;
    pthread_mutex_lock(&s->q_mu);
    s->ckpt_stop = true;
    pthread_cond_signal(&s->ckpt_cv);
    pthread_mutex_unlock(&s->q_mu);
    pthread_join(s->ckpt, NULL);
    s->ckpt_running = false;
    sqlite3_wal_hook(s->wconn->db, NULL, NULL);
    sqlite3_close(s->ckpt_db);
    s->ckpt_db = NULL;
}

static void sq_close(void *impl)
{
    struct sq_store *s = impl;
    if (!s) return;
    pthread_mutex_lock(&s->q_mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->q_cv);
    pthread_mutex_unlock(&s->q_mu);
    if (s->writer_running) pthread_join(s->writer, NULL);
    ckpt_stop(s);
    /* Closing while a read runs is the caller's bug; the connections still
     * out are left alone (leaked) rather than freed under the reader. */
    if (s->n_idle != s->n_open)
        log_error("msg=\"store closed during a read\" connections_in_use=%d",
                  s->n_open - s->n_idle);
    /* Lets SQLite refresh its planner statistics where they are stale,
     * sampling so that a big database does not slow the shutdown. */
    sqlite3_exec(s->wconn->db, "PRAGMA analysis_limit=400; PRAGMA optimize", NULL, NULL, NULL);
    store_free(s);
}

/* ---- version, backup ---- */

static op_rc sq_schema_version(void *impl, int *current, int *latest)
{
    struct sq_store *s = impl;
    struct sq_conn *c;
    op_rc rc = pool_take(s, &c);
    if (rc) return rc;
    int src = db_version(c->db, current);
    if (src != SQLITE_OK) {
        log_error("msg=\"cannot read schema version\" err=\"%s\"", sqlite3_errmsg(c->db));
        rc = OP_ERR_IO;
    }
    pool_give(s, c);
    *latest = s->latest;
    return rc;
}

static op_rc sq_backup(void *impl, const char *path, struct op_err *err)
{
    struct sq_store *s = impl;
    struct stat sb;
    if (stat(path, &sb) == 0) return op_fail(err, OP_ERR_CONFLICT, "path", MSG_ERR_DUPLICATE, path);

    /* Written beside the target and renamed at the end, so that path never
     * holds half a backup. */
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof(tmp), "%s.part", path);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        char max[16];
        snprintf(max, sizeof(max), "%d", PATH_MAX - 6);
        return op_fail(err, OP_ERR_INVALID, "path", MSG_ERR_TOO_LONG, max);
    }
    unlink(tmp);

    struct sq_conn *c;
    op_rc rc = pool_take(s, &c);
    if (rc) return op_fail(err, rc, "path", MSG_ERR_STORAGE, "no read connection");
    sqlite3 *dst = NULL;
    char why[OP_ERR_ARGLEN] = "";
    int src = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (src == SQLITE_OK) {
        /* One step copies everything inside one read transaction of the
         * source: a consistent snapshot while the writer goes on. */
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
        if (b) {
            src = sqlite3_backup_step(b, -1);
            if (src == SQLITE_DONE) src = SQLITE_OK;
            int src2 = sqlite3_backup_finish(b);
            if (src == SQLITE_OK) src = src2;
        } else {
            src = sqlite3_errcode(dst);
        }
    }
    if (src != SQLITE_OK)
        snprintf(why, sizeof(why), "%s", dst ? sqlite3_errmsg(dst) : sqlite3_errstr(src));
    pool_give(s, c);
    if (sqlite3_close(dst) != SQLITE_OK && src == SQLITE_OK) {
        src = SQLITE_ERROR;
        snprintf(why, sizeof(why), "cannot close the copy");
    }
    if (src == SQLITE_OK && rename(tmp, path) != 0) {
        src = SQLITE_ERROR;
        snprintf(why, sizeof(why), "%s", strerror(errno));
    }
    if (src != SQLITE_OK) {
        unlink(tmp);
        log_error("msg=\"backup failed\" path=\"%s\" err=\"%s\"", path, why);
        return op_fail(err, OP_ERR_IO, "path", MSG_ERR_STORAGE, why);
    }
    log_info("msg=\"backup written\" path=\"%s\"", path);
    return OP_OK;
}

/* store_ops.wait_change: a SQLite file cannot push; the watcher polls
 * event_last instead (app/notify.c). */
static op_rc sq_wait_change(void *impl, int timeout_ms, struct store_change *out)
{
    UNUSED(impl);
    UNUSED(timeout_ms);
    memset(out, 0, sizeof(*out));
    return OP_ERR_UNAVAILABLE;
}

/* ---- the table ---- */

const struct store_ops sqlite_store_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .read = sq_read,
    .write = sq_write,
    .schema_version = sq_schema_version,
    .backup = sq_backup,
    .wait_change = sq_wait_change,
    .counts = sq_counts,

    .org_insert = sq_org_insert,
    .org_update = sq_org_update,
    .org_get = sq_org_get,
    .org_list = sq_org_list,
    .org_delete = sq_org_delete,
    .user_insert = sq_user_insert,
    .user_update = sq_user_update,
    .user_get = sq_user_get,
    .user_get_by_email = sq_user_get_by_email,
    .user_list = sq_user_list,
    .user_groups = sq_user_groups,
    .group_insert = sq_group_insert,
    .group_update = sq_group_update,
    .group_get = sq_group_get,
    .group_list = sq_group_list,
    .group_set_members = sq_group_set_members,
    .group_delete = sq_group_delete,

    .ticket_insert = sq_ticket_insert,
    .ticket_update = sq_ticket_update,
    .ticket_get = sq_ticket_get,
    .ticket_add_requester = sq_ticket_add_requester,
    .ticket_list = sq_ticket_list,
    .ticket_count = sq_ticket_count,
    .ticket_search = sq_ticket_search,

    .comment_insert = sq_comment_insert,
    .comment_list = sq_comment_list,
    .comment_count = sq_comment_count,
    .comment_get = sq_comment_get,
    .comment_move = sq_comment_move,
    .attachment_insert = sq_attachment_insert,
    .attachment_get = sq_attachment_get,
    .attachment_list = sq_attachment_list,
    .link_insert = sq_link_insert,
    .link_get = sq_link_get,
    .link_delete = sq_link_delete,
    .link_list = sq_link_list,

    .macro_insert = sq_macro_insert,
    .macro_update = sq_macro_update,
    .macro_get = sq_macro_get,
    .macro_list = sq_macro_list,
    .macro_delete = sq_macro_delete,

    .event_append = sq_event_append,
    .event_list = sq_event_list,
    .event_feed = sq_event_feed,
    .event_last = sq_event_last,

    .session_insert = sq_session_insert,
    .session_get = sq_session_get,
    .session_touch = sq_session_touch,
    .session_delete = sq_session_delete,
    .session_delete_user = sq_session_delete_user,
    .token_insert = sq_token_insert,
    .token_get = sq_token_get,
    .token_list = sq_token_list,
    .token_revoke = sq_token_revoke,
    .token_touch = sq_token_touch,
    .lease_take = sq_lease_take,
    .lease_release = sq_lease_release,
    .sla = &sqlite_sla_ops,
    .team = &sqlite_team_ops,
    .mail = &sqlite_mail_ops,
    .kpi = &sqlite_kpi_ops,
    .survey = &sqlite_survey_ops,
    .motivation = &sqlite_motivation_ops,
    .viewers = &sqlite_viewers_ops,
    .portal = &sqlite_portal_ops,
    .account = &sqlite_account_ops,
};
