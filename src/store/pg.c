/* pg.c - the PostgreSQL backend: opening by URL, migrations, the connection
 * pool, transactions, and the helpers the other pg_*.c files share
 * (statement cache, error mapping, row reading, the query builder).
 *
 * Transactions.
 *   - store_read: a pooled connection, BEGIN ISOLATION LEVEL REPEATABLE READ
 *     READ ONLY: one snapshot for the whole function, as on SQLite.
 *   - store_write: a pooled connection, READ COMMITTED, and as its first
 *     statement a transaction-level advisory lock (PG_WRITE_LOCK) that every
 *     write of every node takes: writes run one after another, as on
 *     SQLite's single writer,
 *     so the domain's read-check-write code needs no row locks and sees no
 *     serialization failures, and the event log's ids
 *     become visible in order (the event feed relies on it). Each statement
 *     sees what the writes before it committed. This is the first part's
 *     choice; per-write locking (FOR UPDATE on the rows a write reads)
 *     would let writes to different tickets run side by side.
 *   - A function is run again (up to PG_WRITE_TRIES times) when the
 *     connection broke before COMMIT was sent, or on a serialization failure
 *     or deadlock: nothing of it was committed. A connection lost during
 *     COMMIT is OP_ERR_IO: the outcome is unknown, so it is not repeated.
 *     Functions given to store_write must therefore not depend on running
 *     once (store.h's functions fill their outputs afresh each run).
 *   - Group commit: within a node, the writes that wait while one runs are
 *     run next together, in one transaction, each in a savepoint of its
 *     own (a function that fails is rolled back alone and gets its error),
 *     with one COMMIT and one WAL flush for all of them. The first waiting
 *     thread leads the batch; no thread of its own. A batch that loses its
 *     connection, or hits a deadlock, is run again whole.
 *   - Success means committed: synchronous_commit stays on unless
 *     store_options.durable is false. */
#include "base/common.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "store/pgInt.h"
#include "store/store_survey.h"
#include "store/store_motivation.h"
#include "store/store_viewers.h"
#include "store/store_portal.h"
#include "store/store_account.h"
#include "store/pg_copy.h"
#include "store/store_sla.h"
#include "store/store_team.h"
#include "store/store_mail.h"
#include "store/store_kpi.h"

#define PG_POOL_DEFAULT 8
#define PG_POOL_MAX 256
#define PG_STMT_CACHE_MAX 512
#define PG_WRITE_TRIES 3
#define PG_BATCH_MAX 256 /* writes per group commit */

/* One store_write waiting for its batch to commit; on the caller's stack. */
struct pg_job {
    store_fn fn;
    void *arg;
    op_rc rc;
    bool done;
    struct pg_job *next;
};
/* Keys of the advisory locks (any constants, as SQL text). */
#define PG_MIGRATE_LOCK "7303014102"

/* ---- types ---- */

struct pg_cached {
    uint64_t hash;
    char *sql; /* owned; NULL marks an empty slot */
    char name[16];
};

struct pg_conn {
    PGconn *db;
    struct pg_cached *slots; /* open addressing, cap a power of two */
    size_t cap, n;
    unsigned next_name;
};

struct pg_store {
    char *url;
    char safe_url[256]; /* without the password, for messages */
    bool durable;
    int latest;

    /* The writes of one node queue here (a cheap hand-over between threads)
     * rather than each on its own connection at the database's advisory
     * lock, where every hand-over costs a wake-up of a server process (8
     * writers were 4 times slower than 1); one leader runs the waiting ones
     * as a batch. The advisory lock then only orders the nodes. */
    pthread_mutex_t q_mu;
    pthread_cond_t q_cv; /* a batch finished */
    struct pg_job *q_head, *q_tail;
    bool leading;        /* a thread is running a batch */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a connection was given back */
    struct pg_conn **idle;
    int n_idle, n_open, max;

    /* wait_change's own connection, LISTENing (one caller: the watcher) */
    PGconn *listen_db;
    int64_t listen_retry_ms; /* monotonic: no new attempt before */
    int listen_backoff_ms;
};

/* Set on a thread while it runs a store_fn: store_read/store_write from
 * there would wait for a connection it holds itself. */
static _Thread_local bool tls_in_tx;

/* ---- statement cache ---- */

static uint64_t sql_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct pg_cached *cache_slot(struct pg_conn *c, const char *sql, uint64_t h)
{
    size_t mask = c->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct pg_cached *e = &c->slots[i];
        if (!e->sql || (e->hash == h && strcmp(e->sql, sql) == 0)) return e;
    }
}

static bool cache_grow(struct pg_conn *c)
{
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct pg_cached *old = c->slots;
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

/* ---- errors ---- */

static bool state_is(const char *state, const char *want)
{
    return state && strcmp(state, want) == 0;
}

/* The op_rc for a failed result res (NULL when the connection gave none). */
static op_rc pg_fail(struct pg_tx *tx, PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(tx->db);
    if (PQstatus(tx->db) != CONNECTION_OK || (state && strncmp(state, "08", 2) == 0) ||
        state_is(state, "57P01") || state_is(state, "57P02") || state_is(state, "57P03")) {
        tx->lost = true;
        log_error("msg=\"database connection lost\" op=%s err=\"%.200s\"", what, msg ? msg : "");
        return OP_ERR_IO;
    }
    if (state_is(state, "23505")) return OP_ERR_CONFLICT;
    if (state_is(state, "23503")) return OP_ERR_NOTFOUND;
    if (state_is(state, "23514") || state_is(state, "23502") ||
        (state && strncmp(state, "22", 2) == 0)) {
        log_warn("msg=\"constraint failed\" op=%s state=%s err=\"%.200s\"", what, state, msg);
        return OP_ERR_INVALID;
    }
    if (state_is(state, "40001") || state_is(state, "40P01")) {
        tx->retry = true;
        log_info("msg=\"write will be retried\" op=%s state=%s", what, state);
        return OP_ERR_IO;
    }
    if (state_is(state, "53200")) return OP_ERR_NOMEM;
    log_error("msg=\"storage failure\" op=%s state=%s err=\"%.300s\"", what, state ? state : "-",
              msg ? msg : "");
    return OP_ERR_IO;
}

/* Runs sql (no parameters, any number of statements) on db; OP_OK when it
 * completed. */
static op_rc exec_simple(struct pg_tx *tx, const char *sql)
{
    PGresult *res = PQexec(tx->db, sql);
    ExecStatusType st = PQresultStatus(res);
    op_rc rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? OP_OK : pg_fail(tx, res, sql);
    PQclear(res);
    return rc;
}

/* ---- statements ---- */

void pg_st_init(struct pg_stmt *st, const char *sql)
{
    st->sql = sql;
    st->n = 0;
    st->rc = OP_OK;
}

static int bind_next(struct pg_stmt *st)
{
    if (st->rc) return -1;
    if (st->n == PG_BINDS) {
        st->rc = OP_ERR_TOOBIG;
        return -1;
    }
    int i = st->n++;
    st->len[i] = 0;
    st->fmt[i] = 0;
    return i;
}

void pg_bind_int(struct pg_stmt *st, int64_t v)
{
    int i = bind_next(st);
    if (i < 0) return;
    snprintf(st->num[i], sizeof(st->num[i]), "%" PRId64, v);
    st->v[i] = st->num[i];
}

void pg_bind_id(struct pg_stmt *st, int64_t id)
{
    if (id > 0) {
        pg_bind_int(st, id);
        return;
    }
    int i = bind_next(st);
    if (i >= 0) st->v[i] = NULL;
}

void pg_bind_text(struct pg_stmt *st, const char *s)
{
    int i = bind_next(st);
    if (i >= 0) st->v[i] = s ? s : "";
}

void pg_bind_text_null(struct pg_stmt *st, const char *s)
{
    int i = bind_next(st);
    if (i >= 0) st->v[i] = s && *s ? s : NULL;
}

void pg_bind_blob(struct pg_stmt *st, const void *p, int n)
{
    int i = bind_next(st);
    if (i < 0) return;
    st->v[i] = p;
    st->len[i] = n;
    st->fmt[i] = 1;
}

/* The name of sql's prepared statement on tx's connection, preparing it
 * first when it is new. */
static op_rc prepare(struct pg_tx *tx, const char *sql, const char **name)
{
    struct pg_conn *c = tx->conn;
    uint64_t h = sql_hash(sql);
    if ((c->n + 1) * 2 > c->cap && c->n < PG_STMT_CACHE_MAX && !cache_grow(c)) return OP_ERR_NOMEM;
    struct pg_cached *e = c->cap ? cache_slot(c, sql, h) : NULL;
    if (e && e->sql) {
        *name = e->name;
        return OP_OK;
    }
    if (!e || c->n >= PG_STMT_CACHE_MAX) {
        *name = ""; /* the unnamed statement: prepared again each time */
        PGresult *res = PQprepare(tx->db, "", sql, 0, NULL);
        op_rc rc = PQresultStatus(res) == PGRES_COMMAND_OK ? OP_OK : pg_fail(tx, res, "prepare");
        PQclear(res);
        return rc;
    }
    char *copy = strdup(sql);
    if (!copy) return OP_ERR_NOMEM;
    snprintf(e->name, sizeof(e->name), "s%u", c->next_name++);
    PGresult *res = PQprepare(tx->db, e->name, sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        op_rc rc = pg_fail(tx, res, "prepare");
        if (rc == OP_ERR_IO && !tx->lost)
            log_error("msg=\"cannot prepare statement\" sql=\"%.200s\"", sql);
        PQclear(res);
        free(copy);
        return rc;
    }
    PQclear(res);
    e->hash = h;
    e->sql = copy;
    c->n++;
    *name = e->name;
    return OP_OK;
}

/* Does sql change rows (so that it runs in a savepoint in a write)? The
 * store's SQL writes its keywords in capitals and its names in lower case. */
static bool changes_rows(const char *sql)
{
    return strstr(sql, "INSERT ") || strstr(sql, "UPDATE ") || strstr(sql, "DELETE ");
}

/* The result of the next query of a pipeline (NULL when the connection
 * gave none), with the NULL that ends it consumed. */
static PGresult *pipeline_result(PGconn *db)
{
    PGresult *res = PQgetResult(db);
    if (res) {
        PGresult *end = PQgetResult(db);
        PQclear(end); /* NULL unless the server sent more than it should */
    }
    return res;
}

/* Runs [RELEASE SAVEPOINT; ] SAVEPOINT; the prepared statement name in one
 * round trip (libpq's pipeline mode). On OP_OK *out is the statement's
 * result; on failure *ran says whether the savepoint was set (so that it is
 * to be rolled back to). */
static op_rc exec_in_savepoint(struct pg_tx *tx, const char *name, struct pg_stmt *st,
                               PGresult **out, bool *ran, const char *what)
{
    PGconn *db = tx->db;
    bool release = tx->in_sp;
    *ran = false;
    if (!PQenterPipelineMode(db)) return pg_fail(tx, NULL, what);
    bool sent = (!release ||
                 PQsendQueryParams(db, "RELEASE SAVEPOINT pg_st", 0, NULL, NULL, NULL, NULL, 0)) &&
                PQsendQueryParams(db, "SAVEPOINT pg_st", 0, NULL, NULL, NULL, NULL, 0) &&
                PQsendQueryPrepared(db, name, st->n, st->v, st->len, st->fmt, 0) &&
                PQpipelineSync(db);
    if (!sent) {
        op_rc rc = pg_fail(tx, NULL, what);
        tx->lost = true; /* the pipeline is in an unknown state: drop the connection */
        return rc;
    }
    op_rc rc = OP_OK;
    PGresult *res;
    if (release) {
        res = pipeline_result(db);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) rc = pg_fail(tx, res, "release savepoint");
        PQclear(res);
    }
    res = pipeline_result(db);
    if (rc == OP_OK && PQresultStatus(res) != PGRES_COMMAND_OK) rc = pg_fail(tx, res, "savepoint");
    PQclear(res);
    if (rc == OP_OK) {
        tx->in_sp = true;
        *ran = true;
    }
    res = pipeline_result(db);
    ExecStatusType es = PQresultStatus(res);
    if (rc == OP_OK && (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK)) {
        *out = res;
        res = NULL;
    } else if (rc == OP_OK) {
        rc = pg_fail(tx, res, what);
    }
    PQclear(res);
    res = PQgetResult(db); /* the sync */
    if (PQresultStatus(res) != PGRES_PIPELINE_SYNC && rc == OP_OK) rc = pg_fail(tx, res, what);
    PQclear(res);
    if (!PQexitPipelineMode(db)) {
        tx->lost = true;
        if (rc == OP_OK) rc = OP_ERR_IO;
    }
    if (rc && *out) {
        PQclear(*out);
        *out = NULL;
    }
    return rc;
}

op_rc pg_exec(struct pg_tx *tx, struct pg_stmt *st, PGresult **out, const char *what)
{
    *out = NULL;
    if (st->rc) return st->rc;
    if (tx->lost) return OP_ERR_IO;
    const char *name;
    op_rc rc = prepare(tx, st->sql, &name);
    if (rc) return rc;
    if (tx->write && changes_rows(st->sql)) {
        /* in its own savepoint, set (and the one before released) in the
         * same round trip; a failure rolls back to it */
        bool ran;
        rc = exec_in_savepoint(tx, name, st, out, &ran, what);
        if (rc && ran && !tx->lost) exec_simple(tx, "ROLLBACK TO SAVEPOINT pg_st");
        return rc;
    }
    PGresult *res = PQexecPrepared(tx->db, name, st->n, st->v, st->len, st->fmt, 0);
    ExecStatusType es = PQresultStatus(res);
    if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK) {
        *out = res;
        return OP_OK;
    }
    rc = pg_fail(tx, res, what);
    PQclear(res);
    return rc;
}

/* ---- rows ---- */

char *pg_col_text(struct pg_row *r, int col)
{
    const char *s = PQgetisnull(r->res, r->i, col) ? "" : PQgetvalue(r->res, r->i, col);
    char *p = arena_strndup(r->a, s, (size_t)PQgetlength(r->res, r->i, col));
    if (!p) r->oom = true;
    return p;
}

int64_t pg_col_int(struct pg_row *r, int col)
{
    if (PQgetisnull(r->res, r->i, col)) return 0;
    const char *s = PQgetvalue(r->res, r->i, col);
    if (*s == 't') return 1;
    if (*s == 'f') return 0;
    return strtoll(s, NULL, 10);
}

double pg_col_double(struct pg_row *r, int col)
{
    if (PQgetisnull(r->res, r->i, col)) return 0;
    return strtod(PQgetvalue(r->res, r->i, col), NULL);
}

static int hex_val(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool pg_col_hex(struct pg_row *r, int col, uint8_t *out, size_t n)
{
    const char *hex = PQgetvalue(r->res, r->i, col);
    if (strlen(hex) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_val(hex[2 * i]), lo = hex_val(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return true;
}

static bool grow(struct arena *a, void **v, size_t size, size_t n, size_t *cap)
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

op_rc pg_one(struct pg_tx *tx, struct pg_stmt *st, pg_read_fn *fn, struct arena *a, void *out,
             const char *what)
{
    PGresult *res;
    op_rc rc = pg_exec(tx, st, &res, what);
    if (rc) return rc;
    if (PQntuples(res) == 0) {
        rc = OP_ERR_NOTFOUND;
    } else if (fn) {
        struct pg_row r = {res, 0, a, false};
        rc = fn(&r, out);
        if (rc == OP_OK && r.oom) rc = OP_ERR_NOMEM;
    }
    PQclear(res);
    return rc;
}

op_rc pg_list(struct pg_tx *tx, struct pg_stmt *st, pg_read_fn *fn, size_t size, struct arena *a,
              void **out, size_t *n, const char *what)
{
    PGresult *res;
    *out = NULL;
    *n = 0;
    op_rc rc = pg_exec(tx, st, &res, what);
    if (rc) return rc;
    void *v = NULL;
    size_t cap = 0;
    struct pg_row r = {res, 0, a, false};
    int rows = PQntuples(res);
    for (int i = 0; i < rows && rc == OP_OK; i++) {
        r.i = i;
        if (!grow(a, &v, size, *n, &cap))
            rc = OP_ERR_NOMEM;
        else
            rc = fn(&r, (char *)v + (*n)++ * size);
        if (rc == OP_OK && r.oom) rc = OP_ERR_NOMEM;
    }
    PQclear(res);
    *out = v;
    return rc;
}

static op_rc id_row(struct pg_row *r, void *out)
{
    *(int64_t *)out = pg_col_int(r, 0);
    return OP_OK;
}

op_rc pg_list_ids(struct pg_tx *tx, struct pg_stmt *st, struct arena *a, struct id_list *out)
{
    void *v;
    op_rc rc = pg_list(tx, st, id_row, sizeof(*out->v), a, &v, &out->n, "collect ids");
    out->v = v;
    return rc;
}

op_rc pg_scalar(struct pg_tx *tx, struct pg_stmt *st, int64_t *out, const char *what)
{
    PGresult *res;
    op_rc rc = pg_exec(tx, st, &res, what);
    if (rc) return rc;
    if (PQntuples(res) < 1 || PQnfields(res) < 1) {
        log_error("msg=\"query returned no row\" op=%s", what);
        rc = OP_ERR_IO;
    } else {
        struct pg_row r = {res, 0, NULL, false};
        *out = pg_col_int(&r, 0);
    }
    PQclear(res);
    return rc;
}

op_rc pg_run(struct pg_tx *tx, struct pg_stmt *st, int64_t *changed, const char *what)
{
    PGresult *res;
    op_rc rc = pg_exec(tx, st, &res, what);
    if (rc) return rc;
    if (changed) *changed = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return OP_OK;
}

op_rc pg_run_insert(struct pg_tx *tx, struct pg_stmt *st, int64_t *id, const char *what)
{
    return pg_scalar(tx, st, id, what);
}

op_rc pg_run_update(struct pg_tx *tx, struct pg_stmt *st, const char *what)
{
    int64_t n = 0;
    op_rc rc = pg_run(tx, st, &n, what);
    return rc ? rc : n == 0 ? OP_ERR_NOTFOUND : OP_OK;
}

/* ---- the query builder ---- */

void pg_q_init(struct pg_query *q)
{
    buf_init(&q->sql, PG_QUERY_MAX);
    q->marks = 0;
    q->rc = OP_OK;
    pg_st_init(&q->st, NULL);
}

void pg_q_release(struct pg_query *q)
{
    buf_release(&q->sql);
}

void pg_q_sql(struct pg_query *q, const char *fmt, ...)
{
    if (q->rc) return;
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        q->rc = OP_ERR_TOOBIG;
        return;
    }
    for (const char *p = tmp; *p && q->rc == OP_OK; p++) {
        if (*p != '?') {
            q->rc = buf_putc(&q->sql, *p);
            continue;
        }
        char mark[16];
        int m = snprintf(mark, sizeof(mark), "$%d", ++q->marks);
        q->rc = buf_append(&q->sql, mark, (size_t)m);
    }
}

void pg_q_int(struct pg_query *q, int64_t v)
{
    pg_bind_int(&q->st, v);
}

void pg_q_text(struct pg_query *q, const char *s)
{
    pg_bind_text(&q->st, s);
}

void pg_q_mask(struct pg_query *q, const char *col, unsigned mask, int count)
{
    int n = 0;
    for (int i = 0; i < count; i++) {
        if (!(mask & (1u << i))) continue;
        if (n++ == 0)
            pg_q_sql(q, "%s IN (%d", col, i);
        else
            pg_q_sql(q, ",%d", i);
    }
    pg_q_sql(q, n ? ")" : "false");
}

op_rc pg_q_stmt(struct pg_query *q, struct pg_stmt **out)
{
    if (q->rc) return q->rc;
    if (q->st.rc) return q->st.rc;
    if (q->marks != q->st.n) {
        log_error("msg=\"query parameters do not match\" marks=%d binds=%d", q->marks, q->st.n);
        return OP_ERR_IO;
    }
    q->st.sql = buf_str(&q->sql);
    *out = &q->st;
    return OP_OK;
}

char *pg_like_prefix(struct arena *a, const char *prefix)
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

/* ---- connections and the pool ---- */

static void conn_close(struct pg_conn *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].sql);
    free(c->slots);
    PQfinish(c->db);
    free(c);
}

/* Notices (e.g. "relation already exists, skipping") are not errors. */
static void notice_quiet(void *arg, const char *message)
{
    UNUSED(arg);
    log_debug("msg=\"database notice\" text=\"%.200s\"", message);
}

/* Connects to url; why gets libpq's reason on failure. */
static op_rc conn_open(struct pg_store *s, struct pg_conn **out, char *why, size_t why_len)
{
    const char *keys[] = {"dbname", "connect_timeout", "application_name", "client_encoding", NULL};
    const char *vals[] = {s->url, "10", "opora", "UTF8", NULL};
    struct pg_conn *c = calloc(1, sizeof(*c));
    if (!c) return OP_ERR_NOMEM;
    c->db = PQconnectdbParams(keys, vals, 1);
    if (!c->db || PQstatus(c->db) != CONNECTION_OK) {
        snprintf(why, why_len, "%s", c->db ? PQerrorMessage(c->db) : "out of memory");
        why[strcspn(why, "\n")] = '\0';
        conn_close(c);
        return OP_ERR_UNAVAILABLE;
    }
    PQsetNoticeProcessor(c->db, notice_quiet, NULL);
    /* times and ids are integers; text is UTF-8; nothing depends on the
     * server's time zone or date style */
    PGresult *res =
        PQexec(c->db, s->durable ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
        snprintf(why, why_len, "%s", PQerrorMessage(c->db));
        conn_close(c);
        return OP_ERR_IO;
    }
    *out = c;
    return OP_OK;
}

static op_rc pool_take(struct pg_store *s, struct pg_conn **out)
{
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->n_idle > 0) {
            *out = s->idle[--s->n_idle];
            pthread_mutex_unlock(&s->mu);
            return OP_OK;
        }
        if (s->n_open < s->max) break;
        pthread_cond_wait(&s->cv, &s->mu);
    }
    s->n_open++; /* reserved while connecting, outside the lock */
    pthread_mutex_unlock(&s->mu);
    char why[256];
    op_rc rc = conn_open(s, out, why, sizeof(why));
    if (rc) {
        log_error("msg=\"cannot connect to the database\" url=\"%s\" err=\"%s\"", s->safe_url, why);
        pthread_mutex_lock(&s->mu);
        s->n_open--;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return rc == OP_ERR_NOMEM ? rc : OP_ERR_IO;
    }
    return OP_OK;
}

/* Gives c back, or closes it when broken (or when bad says so). */
static void pool_give(struct pg_store *s, struct pg_conn *c, bool bad)
{
    bad = bad || PQstatus(c->db) != CONNECTION_OK || PQtransactionStatus(c->db) != PQTRANS_IDLE;
    if (bad) conn_close(c);
    pthread_mutex_lock(&s->mu);
    if (bad)
        s->n_open--;
    else
        s->idle[s->n_idle++] = c;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* ---- announcing changes to every node ----
 *
 * A write that appended events, or changed who may do what, says so with
 * NOTIFY: PostgreSQL delivers it to every listening node at commit, and
 * never for a transaction rolled back. Every node's watcher LISTENs
 * (pg_wait_change), so a page open on any node learns of the change at
 * once. The store functions stay as they are: wrappers in the table below
 * note what the transaction will announce. */

#define PG_CHANNEL_EVENTS "opora_events" /* payload: the newest event id */
#define PG_CHANNEL_AUTH "opora_auth"

/* Sends the transaction's NOTIFYs; run just before COMMIT. */
static op_rc announce(struct pg_tx *tx)
{
    op_rc rc = OP_OK;
    if (tx->notify_event > 0) {
        char sql[80];
        snprintf(sql, sizeof(sql), "NOTIFY " PG_CHANNEL_EVENTS ", '%" PRId64 "'", tx->notify_event);
        rc = exec_simple(tx, sql);
    }
    if (rc == OP_OK && tx->notify_auth) rc = exec_simple(tx, "NOTIFY " PG_CHANNEL_AUTH);
    return rc;
}

static op_rc note_event_append(struct store_tx *t, struct event *e)
{
    op_rc rc = pg_event_append(t, e);
    if (rc == OP_OK && e->id > pg_tx(t)->notify_event) pg_tx(t)->notify_event = e->id;
    return rc;
}

/* The writes after which cached credentials may be wrong (authcache.c). */
static op_rc note_auth(struct store_tx *t, op_rc rc)
{
    if (rc == OP_OK) pg_tx(t)->notify_auth = true;
    return rc;
}
static op_rc note_org_update(struct store_tx *t, const struct organization *o)
{
    return note_auth(t, pg_org_update(t, o));
}
static op_rc note_user_update(struct store_tx *t, const struct user *u)
{
    return note_auth(t, pg_user_update(t, u));
}
static op_rc note_group_update(struct store_tx *t, const struct group *g)
{
    return note_auth(t, pg_group_update(t, g));
}
static op_rc note_group_set_members(struct store_tx *t, int64_t group_id, const struct id_list *ids)
{
    return note_auth(t, pg_group_set_members(t, group_id, ids));
}
static op_rc note_group_delete(struct store_tx *t, int64_t id, const char **used_by)
{
    return note_auth(t, pg_group_delete(t, id, used_by));
}
static op_rc note_org_delete(struct store_tx *t, int64_t id, const char **used_by)
{
    return note_auth(t, pg_org_delete(t, id, used_by));
}
static op_rc note_session_delete(struct store_tx *t, const uint8_t hash[32])
{
    return note_auth(t, pg_session_delete(t, hash));
}
static op_rc note_session_delete_user(struct store_tx *t, int64_t user_id)
{
    return note_auth(t, pg_session_delete_user(t, user_id));
}
static op_rc note_token_revoke(struct store_tx *t, int64_t id, int64_t user_id, op_time at)
{
    return note_auth(t, pg_token_revoke(t, id, user_id, at));
}

/* ---- transactions ---- */

/* Runs fn once in a read-only transaction (one snapshot) on a pooled
 * connection. *again says whether it may be run again (the connection was
 * lost, or a serialization failure). */
static op_rc run_read(struct pg_store *s, store_fn fn, void *arg, bool *again)
{
    struct pg_conn *c;
    *again = false;
    op_rc rc = pool_take(s, &c);
    if (rc) return rc;
    struct pg_tx tx = {{&pg_store_ops}, c, c->db, false, false, false, false};
    rc = exec_simple(&tx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (rc == OP_OK) {
        tls_in_tx = true;
        rc = fn(&tx.base, arg);
        tls_in_tx = false;
        if (rc == OP_OK && !tx.lost) rc = exec_simple(&tx, "COMMIT");
    }
    if (PQstatus(c->db) == CONNECTION_OK && PQtransactionStatus(c->db) != PQTRANS_IDLE) {
        PGresult *res = PQexec(c->db, "ROLLBACK");
        PQclear(res);
    }
    *again = tx.lost || tx.retry;
    pool_give(s, c, tx.lost);
    return rc;
}

static op_rc pg_read(void *impl, store_fn fn, void *arg)
{
    struct pg_store *s = impl;
    if (tls_in_tx) {
        log_error("msg=\"store_read called inside a store function\"");
        return OP_ERR_INVALID;
    }
    op_rc rc = OP_ERR_IO;
    bool again = true;
    for (int i = 0; i < PG_WRITE_TRIES && again; i++)
        rc = run_read(s, fn, arg, &again);
    return rc;
}

/* Runs jobs[0..n) once in one write transaction on a pooled connection
 * and commits, setting each job's rc. More than one job: each in a
 * savepoint, so that one failing is undone alone. Returns true when the
 * whole batch may be run again (nothing was committed: the connection broke
 * before COMMIT, or a deadlock or serialization failure). */
static bool batch_once(struct pg_store *s, struct pg_job **jobs, size_t n)
{
    struct pg_conn *c;
    op_rc rc = pool_take(s, &c);
    if (rc) {
        for (size_t i = 0; i < n; i++) jobs[i]->rc = rc;
        return false;
    }
    struct pg_tx tx = {{&pg_store_ops}, c, c->db, false, false, false, false};
    bool alone = n == 1;
    rc = exec_simple(&tx, "BEGIN ISOLATION LEVEL READ COMMITTED; "
                          "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")");
    tx.write = true;
    size_t ok = 0;
    for (size_t i = 0; i < n && rc == OP_OK && !tx.lost && !tx.retry; i++) {
        if (!alone && (rc = exec_simple(&tx, "SAVEPOINT pg_job"))) break;
        tls_in_tx = true;
        op_rc jrc = jobs[i]->fn(&tx.base, jobs[i]->arg);
        tls_in_tx = false;
        jobs[i]->rc = jrc;
        if (tx.lost || tx.retry) break;
        if (alone) {
            ok += jrc == OP_OK;
            break;
        }
        /* undo a failed job alone; either way its savepoints end here */
        if (jrc && (rc = exec_simple(&tx, "ROLLBACK TO SAVEPOINT pg_job"))) break;
        tx.in_sp = false;
        if ((rc = exec_simple(&tx, "RELEASE SAVEPOINT pg_job"))) break;
        ok += jrc == OP_OK;
    }
    if (rc == OP_OK && !tx.lost && !tx.retry && ok) {
        rc = announce(&tx);
        /* COMMIT releases the statement savepoint with everything else */
        if (rc == OP_OK) rc = exec_simple(&tx, "COMMIT");
        if (rc && tx.lost) {
            log_error("msg=\"connection lost during COMMIT: outcome unknown\" jobs=%zu", n);
            for (size_t i = 0; i < n; i++)
                if (jobs[i]->rc == OP_OK) jobs[i]->rc = OP_ERR_IO;
            pool_give(s, c, true);
            return false; /* not repeatable */
        }
    }
    if (PQstatus(c->db) == CONNECTION_OK && PQtransactionStatus(c->db) != PQTRANS_IDLE) {
        PGresult *res = PQexec(c->db, "ROLLBACK");
        PQclear(res);
    }
    bool again = tx.lost || tx.retry;
    /* retried, or BEGIN, a savepoint or COMMIT failed: nothing of it stays */
    if (again || rc)
        for (size_t i = 0; i < n; i++)
            if (jobs[i]->rc == OP_OK) jobs[i]->rc = rc ? rc : OP_ERR_IO;
    pool_give(s, c, tx.lost);
    return again;
}

_Atomic size_t pg_batch_largest;

/* Runs a batch, again (whole) after a lost connection or a deadlock. */
static void batch_run(struct pg_store *s, struct pg_job **jobs, size_t n)
{
    for (int i = 0; i < PG_WRITE_TRIES; i++) {
        if (i) usleep((useconds_t)(1000 * i * i)); /* let a restarting server or a peer go on */
        for (size_t k = 0; k < n; k++) jobs[k]->rc = OP_ERR_IO;
        if (!batch_once(s, jobs, n)) return;
    }
}

static op_rc pg_write(void *impl, store_fn fn, void *arg)
{
    struct pg_store *s = impl;
    if (tls_in_tx) {
        log_error("msg=\"store_write called inside a store function\"");
        return OP_ERR_INVALID;
    }
    struct pg_job job = {.fn = fn, .arg = arg}, *batch[PG_BATCH_MAX];
    pthread_mutex_lock(&s->q_mu);
    if (s->q_tail)
        s->q_tail->next = &job;
    else
        s->q_head = &job;
    s->q_tail = &job;
    while (!job.done) {
        if (s->leading) {
            pthread_cond_wait(&s->q_cv, &s->q_mu);
            continue;
        }
        /* lead: the waiting writes, this one among them, as one batch */
        s->leading = true;
        size_t n = 0;
        while (s->q_head && n < PG_BATCH_MAX) {
            batch[n++] = s->q_head;
            s->q_head = s->q_head->next;
        }
        if (!s->q_head) s->q_tail = NULL;
        pthread_mutex_unlock(&s->q_mu);
        if (n > atomic_load(&pg_batch_largest)) atomic_store(&pg_batch_largest, n);
        batch_run(s, batch, n);
        pthread_mutex_lock(&s->q_mu);
        for (size_t i = 0; i < n; i++) batch[i]->done = true;
        s->leading = false;
        pthread_cond_broadcast(&s->q_cv);
    }
    pthread_mutex_unlock(&s->q_mu);
    return job.rc;
}

/* ---- migrations ---- */

static int migrations_latest(void)
{
    int v = 0;
    for (size_t i = 0; i < pg_migrations_count; i++) {
        assert(pg_migrations[i].version > v);
        v = pg_migrations[i].version;
    }
    return v;
}

static op_rc db_version(struct pg_tx *tx, int *out)
{
    /* two queries: the second would not plan without the table */
    PGresult *res = PQexec(tx->db, "SELECT to_regclass('schema_migrations') IS NOT NULL");
    op_rc rc = OP_OK;
    bool have = false;
    *out = 0;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        have = *PQgetvalue(res, 0, 0) == 't';
    else
        rc = pg_fail(tx, res, "schema version");
    PQclear(res);
    if (rc || !have) return rc;
    res = PQexec(tx->db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        *out = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    else
        rc = pg_fail(tx, res, "schema version");
    PQclear(res);
    return rc;
}

/* Applies m in its own transaction. */
static op_rc migration_apply(struct pg_tx *tx, const struct migration *m, char *why, size_t len)
{
    op_rc rc = exec_simple(tx, "BEGIN");
    if (rc == OP_OK) {
        PGresult *res = PQexec(tx->db, m->sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
            snprintf(why, len, "%s: %s", m->name, PQresultErrorMessage(res));
            why[strcspn(why, "\n")] = '\0';
            rc = OP_ERR_IO;
        }
        PQclear(res);
    }
    if (rc == OP_OK) {
        struct pg_stmt st;
        PGresult *res;
        pg_st_init(&st, "INSERT INTO schema_migrations(version, name, applied_at) "
                        "VALUES ($1, $2, $3)");
        pg_bind_int(&st, m->version);
        pg_bind_text(&st, m->name);
        pg_bind_int(&st, time_now_ms());
        rc = pg_exec(tx, &st, &res, "migration");
        PQclear(res);
        if (rc) snprintf(why, len, "%s: %s", m->name, PQerrorMessage(tx->db));
    }
    if (rc == OP_OK) rc = exec_simple(tx, "COMMIT");
    if (rc) {
        PGresult *res = PQexec(tx->db, "ROLLBACK");
        PQclear(res);
        log_error("msg=\"migration failed\" migration=%s err=\"%s\"", m->name, why);
    }
    return rc;
}

static op_rc migrate(struct pg_store *s, struct pg_conn *c, bool apply, struct op_err *err)
{
    struct pg_tx tx = {{&pg_store_ops}, c, c->db, false, false, false, false};
    char a1[16], a2[16], why[OP_ERR_ARGLEN] = "";
    int current = 0;
    /* one node migrates at a time; the others wait here, then find it done */
    op_rc rc = exec_simple(&tx, "SELECT pg_advisory_lock(" PG_MIGRATE_LOCK ")");
    if (rc == OP_OK) rc = exec_simple(&tx, "SET client_min_messages = warning");
    if (rc == OP_OK) rc = db_version(&tx, &current);
    if (rc) {
        snprintf(why, sizeof(why), "%s", PQerrorMessage(c->db));
        rc = op_fail(err, OP_ERR_IO, "db", MSG_ERR_DB_OPEN, s->safe_url, why);
        goto end;
    }
    snprintf(a1, sizeof(a1), "%d", current);
    snprintf(a2, sizeof(a2), "%d", s->latest);
    if (current > s->latest) {
        rc = op_fail(err, OP_ERR_CONFLICT, "db", MSG_ERR_DB_NEWER, a1, a2);
        goto end;
    }
    if (current == s->latest) goto end;
    if (!apply) {
        rc = op_fail(err, OP_ERR_CONFLICT, "db", MSG_ERR_DB_PENDING, a1, a2);
        goto end;
    }
    rc = exec_simple(&tx, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version integer PRIMARY KEY, name text NOT NULL, "
                          "applied_at bigint NOT NULL)");
    for (size_t i = 0; i < pg_migrations_count && rc == OP_OK; i++) {
        const struct migration *m = &pg_migrations[i];
        if (m->version <= current) continue;
        if ((rc = migration_apply(&tx, m, why, sizeof(why)))) break;
        log_info("msg=\"migration applied\" migration=%s", m->name);
    }
    if (rc) rc = op_fail(err, OP_ERR_IO, "db", MSG_ERR_STORAGE, why);
end:
    if (PQstatus(c->db) == CONNECTION_OK) {
        PGresult *res = PQexec(c->db, "SELECT pg_advisory_unlock_all()");
        PQclear(res);
    }
    return rc;
}

/* ---- open and close ---- */

void pg_url_redact(const char *url, char *out, size_t len)
{
    PQconninfoOption *opts = PQconninfoParse(url, NULL);
    const char *user = "", *host = "", *port = "", *db = "";
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val) continue;
        if (strcmp(o->keyword, "user") == 0) user = o->val;
        if (strcmp(o->keyword, "host") == 0) host = o->val;
        if (strcmp(o->keyword, "port") == 0) port = o->val;
        if (strcmp(o->keyword, "dbname") == 0) db = o->val;
    }
    if (!opts)
        snprintf(out, len, "postgres://(unparsable)");
    else
        snprintf(out, len, "postgres://%s%s%s%s%s/%s", user, *user ? "@" : "", host,
                 *port ? ":" : "", port, db);
    PQconninfoFree(opts);
}

/* ---- listening for changes ---- */

#define PG_LISTEN_BACKOFF_MIN_MS 250
#define PG_LISTEN_BACKOFF_MAX_MS 8000

static void listen_close(struct pg_store *s, const char *why)
{
    if (!s->listen_db) return;
    log_warn("msg=\"lost the database's change notifications; reconnecting\" url=\"%s\" "
             "err=\"%.200s\"",
             s->safe_url, why);
    PQfinish(s->listen_db);
    s->listen_db = NULL;
    s->listen_backoff_ms = PG_LISTEN_BACKOFF_MIN_MS;
    s->listen_retry_ms = time_mono_us() / 1000 + s->listen_backoff_ms;
}

/* A connection of its own that LISTENs to both channels. */
static op_rc listen_open(struct pg_store *s)
{
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *vals[] = {s->url, "3", "opora-listen", NULL};
    PGconn *db = PQconnectdbParams(keys, vals, 1);
    PGresult *res = NULL;
    if (db && PQstatus(db) == CONNECTION_OK)
        res = PQexec(db, "LISTEN " PG_CHANNEL_EVENTS "; LISTEN " PG_CHANNEL_AUTH);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        char why[256];
        snprintf(why, sizeof(why), "%s", db ? PQerrorMessage(db) : "out of memory");
        why[strcspn(why, "\n")] = '\0';
        log_warn("msg=\"cannot listen to the database\" url=\"%s\" err=\"%s\" retry_ms=%d",
                 s->safe_url, why, s->listen_backoff_ms);
        PQclear(res);
        PQfinish(db);
        return OP_ERR_IO;
    }
    PQclear(res);
    PQsetNoticeProcessor(db, notice_quiet, NULL);
    s->listen_db = db;
    return OP_OK;
}

static void sleep_ms(int64_t ms)
{
    if (ms <= 0) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* store_ops.wait_change: the notifications that came within timeout_ms. */
static op_rc pg_wait_change(void *impl, int timeout_ms, struct store_change *out)
{
    struct pg_store *s = impl;
    memset(out, 0, sizeof(*out));
    if (!s->listen_db) {
        int64_t now = time_mono_us() / 1000;
        if (now < s->listen_retry_ms) {
            sleep_ms(MIN(s->listen_retry_ms - now, (int64_t)timeout_ms));
            return OP_ERR_IO;
        }
        if (listen_open(s)) {
            s->listen_backoff_ms = s->listen_backoff_ms
                                       ? MIN(s->listen_backoff_ms * 2, PG_LISTEN_BACKOFF_MAX_MS)
                                       : PG_LISTEN_BACKOFF_MIN_MS;
            s->listen_retry_ms = time_mono_us() / 1000 + s->listen_backoff_ms;
            return OP_ERR_IO;
        }
        if (s->listen_backoff_ms) log_info("msg=\"listening to the database again\"");
        s->listen_backoff_ms = 0;
        out->resync = true; /* what was committed while nobody listened */
        return OP_OK;
    }
    struct pollfd pfd = {.fd = PQsocket(s->listen_db), .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) {
        listen_close(s, strerror(errno));
        return OP_ERR_IO;
    }
    if (!PQconsumeInput(s->listen_db) || PQstatus(s->listen_db) != CONNECTION_OK) {
        listen_close(s, PQerrorMessage(s->listen_db));
        return OP_ERR_IO;
    }
    PGnotify *nf;
    while ((nf = PQnotifies(s->listen_db))) {
        if (strcmp(nf->relname, PG_CHANNEL_EVENTS) == 0) {
            char *end;
            long long id = strtoll(nf->extra, &end, 10);
            if (end != nf->extra && id > out->event_id) out->event_id = id;
        } else if (strcmp(nf->relname, PG_CHANNEL_AUTH) == 0) {
            out->auth = true;
        }
        PQfreemem(nf);
    }
    return OP_OK;
}

static void store_free(struct pg_store *s)
{
    PQfinish(s->listen_db);
    for (int i = 0; i < s->n_idle; i++)
        conn_close(s->idle[i]);
    free(s->idle);
    free(s->url);
    pthread_mutex_destroy(&s->q_mu);
    pthread_cond_destroy(&s->q_cv);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

bool pg_core_only_ok;

static op_rc pg_open_core(const char *url, const struct store_options *opt, void **impl,
                          struct op_err *err)
{
    static const struct store_options defaults = {.durable = true};
    if (!opt) opt = &defaults;
    struct pg_store *s = calloc(1, sizeof(*s));
    if (!s) return OP_ERR_NOMEM;
    pthread_mutex_init(&s->q_mu, NULL);
    pthread_cond_init(&s->q_cv, NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->durable = opt->durable;
    s->latest = migrations_latest();
    s->max = opt->read_connections > 0 ? MIN(opt->read_connections, PG_POOL_MAX) : PG_POOL_DEFAULT;
    s->url = strdup(url);
    s->idle = calloc((size_t)s->max, sizeof(*s->idle));
    pg_url_redact(url, s->safe_url, sizeof(s->safe_url));
    op_rc rc = OP_OK;
    if (!s->url || !s->idle) {
        rc = OP_ERR_NOMEM;
        goto fail;
    }
    char why[256];
    struct pg_conn *c;
    if ((rc = conn_open(s, &c, why, sizeof(why)))) {
        rc = op_fail(err, rc, "db", MSG_ERR_DB_OPEN, s->safe_url, why);
        goto fail;
    }
    s->n_open = 1;
    rc = migrate(s, c, opt->migrate, err);
    pool_give(s, c, false);
    if (rc) goto fail;
    *impl = s;
    return OP_OK;
fail:
    store_free(s);
    return rc;
}

/* Whether every subsystem table (the members of struct store_ops from sla
 * to its end, whatever subsystems it has by now) is implemented. */
static bool subsystems_complete(void)
{
    for (size_t off = offsetof(struct store_ops, sla); off + sizeof(void *) <= sizeof(pg_store_ops);
         off += sizeof(void *)) {
        const void *table;
        memcpy(&table, (const char *)&pg_store_ops + off, sizeof(table));
        if (!table) return false;
    }
    return true;
}

static op_rc pg_open(const char *url, const struct store_options *opt, void **impl,
                     struct op_err *err)
{
    /* The server runs every ticket write through the subsystems (SLA,
     * routing, mail, KPI): without their tables it would fail, so it is
     * refused at the start with a clear message rather than at the first
     * write. */
    if (!pg_core_only_ok && !subsystems_complete()) {
        char safe[256];
        pg_url_redact(url, safe, sizeof(safe));
        log_error("msg=\"the PostgreSQL backend lacks subsystem tables yet\"");
        return op_fail(err, OP_ERR_UNAVAILABLE, "db", MSG_ERR_DB_PG_PARTIAL, safe);
    }
    return pg_open_core(url, opt, impl, err);
}

static void pg_close(void *impl)
{
    struct pg_store *s = impl;
    if (!s) return;
    if (s->n_idle != s->n_open)
        log_error("msg=\"store closed during a transaction\" connections_in_use=%d",
                  s->n_open - s->n_idle);
    store_free(s);
}

static op_rc pg_schema_version(void *impl, int *current, int *latest)
{
    struct pg_store *s = impl;
    struct pg_conn *c;
    *latest = s->latest;
    op_rc rc = pool_take(s, &c);
    if (rc) return rc;
    struct pg_tx tx = {{&pg_store_ops}, c, c->db, false, false, false, false};
    rc = db_version(&tx, current);
    pool_give(s, c, tx.lost);
    return rc;
}

static op_rc pg_backup(void *impl, const char *path, struct op_err *err)
{
    UNUSED(impl);
    /* pg_dump (or a base backup) is the tool for this; opora does not
     * duplicate it. */
    return op_fail(err, OP_ERR_UNAVAILABLE, "path", MSG_ERR_DB_PG_BACKUP, path);
}

/* ---- the table ---- */

const struct store_ops pg_store_ops = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .read = pg_read,
    .write = pg_write,
    .schema_version = pg_schema_version,
    .backup = pg_backup,
    .wait_change = pg_wait_change,
    .counts = pg_counts,

    .org_insert = pg_org_insert,
    .org_update = note_org_update,
    .org_get = pg_org_get,
    .org_list = pg_org_list,
    .org_delete = note_org_delete,
    .user_insert = pg_user_insert,
    .user_update = note_user_update,
    .user_get = pg_user_get,
    .user_get_by_email = pg_user_get_by_email,
    .user_list = pg_user_list,
    .user_groups = pg_user_groups,
    .group_insert = pg_group_insert,
    .group_update = note_group_update,
    .group_get = pg_group_get,
    .group_list = pg_group_list,
    .group_set_members = note_group_set_members,
    .group_delete = note_group_delete,

    .ticket_insert = pg_ticket_insert,
    .ticket_update = pg_ticket_update,
    .ticket_get = pg_ticket_get,
    .ticket_add_requester = pg_ticket_add_requester,
    .ticket_list = pg_ticket_list,
    .ticket_count = pg_ticket_count,
    .ticket_search = pg_ticket_search,

    .comment_insert = pg_comment_insert,
    .comment_list = pg_comment_list,
    .comment_count = pg_comment_count,
    .comment_get = pg_comment_get,
    .comment_move = pg_comment_move,
    .attachment_insert = pg_attachment_insert,
    .attachment_get = pg_attachment_get,
    .attachment_list = pg_attachment_list,
    .link_insert = pg_link_insert,
    .link_get = pg_link_get,
    .link_delete = pg_link_delete,
    .link_list = pg_link_list,

    .macro_insert = pg_macro_insert,
    .macro_update = pg_macro_update,
    .macro_get = pg_macro_get,
    .macro_list = pg_macro_list,
    .macro_delete = pg_macro_delete,

    .event_append = note_event_append,
    .event_list = pg_event_list,
    .event_feed = pg_event_feed,
    .event_last = pg_event_last,

    .session_insert = pg_session_insert,
    .session_get = pg_session_get,
    .session_touch = pg_session_touch,
    .session_delete = note_session_delete,
    .session_delete_user = note_session_delete_user,
    .token_insert = pg_token_insert,
    .token_get = pg_token_get,
    .token_list = pg_token_list,
    .token_revoke = note_token_revoke,
    .token_touch = pg_token_touch,
    .lease_take = pg_lease_take,
    .lease_release = pg_lease_release,
    /* the subsystems; those not listed stay NULL until they are ported, and
     * pg_open refuses until then */
    .sla = &pg_sla_ops,
    .team = &pg_team_ops,
    .mail = &pg_mail_ops,
    .kpi = &pg_kpi_ops,
    .survey = &pg_survey_ops,
    .motivation = &pg_motivation_ops,
    .viewers = &pg_viewers_ops,
    .portal = &pg_portal_ops,
    .account = &pg_account_ops,
};
