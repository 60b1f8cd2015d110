/* pg_copy.c - opora migrate-data: an SQLite installation into PostgreSQL.
 *
 * Both schemas have the same tables and columns (migrations/pg mirror
 * migrations/sqlite), so the copy is generic: each table of COPY_ORDER
 * (parents before children, for the foreign keys) is read from SQLite and
 * inserted into PostgreSQL column by column by name, as text (blobs as
 * bytea hex). A table in the SQLite file that the list does not name fails
 * the copy rather than being left behind. */
#include "base/common.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "store/pgInt.h"
#include "store/pg_copy.h"

/* Every table with data, in an order that satisfies the foreign keys. */
static const char *const COPY_ORDER[] = {
    "organizations",
    "users",
    "groups",
    "group_members",
    "tickets",
    "ticket_tags",
    "ticket_requesters",
    "comments",
    "attachments",
    "links",
    "macros",
    "events",
    "sessions",
    "api_tokens",
    "calendars",
    "calendar_days",
    "sla_policies",
    "ticket_sla",
    "ticket_sla_due",
    "notifications",
    "leases",
    "shift_templates",
    "rota_entries",
    "oncall_periods",
    "presence_intervals",
    "agent_activity",
    "agent_languages",
    "group_routing",
    "reassign_checks",
    "team_settings",
    "mailboxes",
    "mail_messages",
    "mail_outbox",
    "mail_rejections",
    "mail_keys",
    "kpi_facts",
    "kpi_cursor",
    "survey_keys",
    "surveys",
    "csi_questions",
    "survey_settings",
    "ticket_viewers",
    "level_plans",
    "level_goals",
    "agent_pay",
    "bonus_months",
    "bonus_statements",
    "portal_magic_links",
    "account_tokens",
};
/* Rows the PostgreSQL migrations make themselves, replaced by the copy (the
 * keys must be the same, or the links already mailed would stop working). */
static const char *const COPY_REPLACE[] = {"mail_keys", "kpi_cursor", "survey_keys",
                                           "survey_settings"};

#define COPY_COLS_MAX 64

static bool replaced(const char *table)
{
    for (size_t i = 0; i < ARRAY_SIZE(COPY_REPLACE); i++)
        if (strcmp(COPY_REPLACE[i], table) == 0) return true;
    return false;
}

/* Whether SQLite's table name is one to copy, or to leave (its own). */
static bool sqlite_own(const char *name)
{
    return strncmp(name, "sqlite_", 7) == 0 || strcmp(name, "schema_migrations") == 0 ||
           strncmp(name, "tickets_fts", 11) == 0 || strncmp(name, "comments_fts", 12) == 0;
}

struct copy {
    sqlite3 *src;
    PGconn *dst;
    struct op_err *err;
    char why[OP_ERR_ARGLEN];
};

static op_rc fail_src(struct copy *c, const char *what)
{
    snprintf(c->why, sizeof(c->why), "sqlite %s: %s", what, sqlite3_errmsg(c->src));
    return op_fail(c->err, OP_ERR_IO, "db", MSG_ERR_STORAGE, c->why);
}

static op_rc fail_dst(struct copy *c, PGresult *res, const char *what)
{
    snprintf(c->why, sizeof(c->why), "postgres %s: %s", what,
             res ? PQresultErrorMessage(res) : PQerrorMessage(c->dst));
    c->why[strcspn(c->why, "\n")] = '\0';
    return op_fail(c->err, OP_ERR_IO, "db", MSG_ERR_STORAGE, c->why);
}

static op_rc dst_exec(struct copy *c, const char *sql)
{
    PGresult *res = PQexec(c->dst, sql);
    ExecStatusType st = PQresultStatus(res);
    op_rc rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? OP_OK : fail_dst(c, res, sql);
    PQclear(res);
    return rc;
}

static int64_t dst_count(struct copy *c, const char *table, op_rc *rc)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    PGresult *res = PQexec(c->dst, sql);
    int64_t n = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else
        *rc = fail_dst(c, res, "count");
    PQclear(res);
    return n;
}

static int64_t src_count(struct copy *c, const char *table, op_rc *rc)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(c->src, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        *rc = fail_src(c, "count");
    sqlite3_finalize(st);
    return n;
}

/* Every table of the SQLite file is one COPY_ORDER names (or SQLite's own). */
static op_rc check_tables(struct copy *c)
{
    sqlite3_stmt *st = NULL;
    op_rc rc = OP_OK;
    if (sqlite3_prepare_v2(c->src, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &st,
                           NULL) != SQLITE_OK)
        return fail_src(c, "tables");
    int src;
    while (rc == OP_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name || sqlite_own(name)) continue;
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(COPY_ORDER) && !known; i++)
            known = strcmp(COPY_ORDER[i], name) == 0;
        if (!known) {
            snprintf(c->why, sizeof(c->why), "table %s is not known to migrate-data", name);
            rc = op_fail(c->err, OP_ERR_INVALID, "from", MSG_ERR_STORAGE, c->why);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* bytes as PostgreSQL's bytea text ("\x0a1b..."), into b. */
static op_rc hex_put(struct buf *b, const unsigned char *p, int n)
{
    static const char hex[] = "0123456789abcdef";
    op_rc rc = buf_puts(b, "\\x");
    for (int i = 0; i < n && rc == OP_OK; i++) {
        char two[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        rc = buf_append(b, two, 2);
    }
    return rc;
}

/* Copies one table, row by row. */
static op_rc copy_table(struct copy *c, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->src, sql, -1, &st, NULL) != SQLITE_OK) return fail_src(c, table);
    int ncol = sqlite3_column_count(st);
    op_rc rc = OP_OK;
    struct buf ins = BUF_INIT(16384);
    struct buf vals[COPY_COLS_MAX];
    for (int i = 0; i < COPY_COLS_MAX; i++)
        buf_init(&vals[i], 64u << 20);
    if (ncol > COPY_COLS_MAX) {
        snprintf(c->why, sizeof(c->why), "table %s has too many columns", table);
        rc = op_fail(c->err, OP_ERR_TOOBIG, "from", MSG_ERR_STORAGE, c->why);
        goto end;
    }
    /* INSERT INTO t(a, b) VALUES ($1, $2) */
    rc = buf_puts(&ins, "INSERT INTO ");
    if (rc == OP_OK) rc = buf_puts(&ins, table);
    if (rc == OP_OK) rc = buf_puts(&ins, "(");
    for (int i = 0; i < ncol && rc == OP_OK; i++) {
        rc = buf_puts(&ins, i ? ", " : "");
        if (rc == OP_OK) rc = buf_puts(&ins, sqlite3_column_name(st, i));
    }
    if (rc == OP_OK) rc = buf_puts(&ins, ") VALUES (");
    for (int i = 0; i < ncol && rc == OP_OK; i++) {
        char p[16];
        snprintf(p, sizeof(p), "%s$%d", i ? ", " : "", i + 1);
        rc = buf_puts(&ins, p);
    }
    if (rc == OP_OK) rc = buf_puts(&ins, ")");
    if (rc) goto end;
    PGresult *res = PQprepare(c->dst, table, buf_str(&ins), 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) rc = fail_dst(c, res, table);
    PQclear(res);
    int src;
    while (rc == OP_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[COPY_COLS_MAX];
        for (int i = 0; i < ncol && rc == OP_OK; i++) {
            int type = sqlite3_column_type(st, i);
            buf_clear(&vals[i]);
            v[i] = NULL;
            if (type == SQLITE_NULL) continue;
            if (type == SQLITE_BLOB)
                rc = hex_put(&vals[i], sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
            else
                rc = buf_append(&vals[i], (const char *)sqlite3_column_text(st, i),
                                (size_t)sqlite3_column_bytes(st, i));
            v[i] = buf_str(&vals[i]);
        }
        if (rc) break;
        res = PQexecPrepared(c->dst, table, ncol, v, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) rc = fail_dst(c, res, table);
        PQclear(res);
    }
    if (rc == OP_OK && src != SQLITE_DONE) rc = fail_src(c, table);
    if (rc == OP_OK) {
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", table);
        rc = dst_exec(c, sql);
    }
end:
    sqlite3_finalize(st);
    buf_release(&ins);
    for (int i = 0; i < COPY_COLS_MAX; i++)
        buf_release(&vals[i]);
    return rc;
}

/* Moves every identity past the largest id copied. */
static op_rc identities_reset(struct copy *c)
{
    return dst_exec(c, "DO $$ DECLARE r record; BEGIN "
                       "FOR r IN SELECT table_name FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND column_name = 'id' "
                       "AND is_identity = 'YES' LOOP "
                       "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), "
                       "coalesce((SELECT max(id) FROM %I), 0) + 1, false)', "
                       "r.table_name, r.table_name); END LOOP; END $$");
}

op_rc pg_copy_from_sqlite(const char *from, const char *to, struct store_counts *copied,
                          struct op_err *err)
{
    struct copy c = {.err = err};
    struct store *s = NULL;
    op_rc rc;
    memset(copied, 0, sizeof(*copied));
    /* both opened through the store first: the source must be at the latest
     * schema, the target gets its schema */
    struct store_options ro = {.durable = true};
    if ((rc = store_open(from, &ro, &s, err))) return rc;
    store_close(s);
    struct store_options rw = {.migrate = true, .durable = true};
    if ((rc = store_open(to, &rw, &s, err))) return rc;
    store_close(s);

    const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
    if (sqlite3_open_v2(path, &c.src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = fail_src(&c, "open");
        goto end;
    }
    c.dst = PQconnectdb(to);
    if (PQstatus(c.dst) != CONNECTION_OK) {
        rc = fail_dst(&c, NULL, "connect");
        goto end;
    }
    PQclear(PQexec(c.dst, "SET client_min_messages = warning"));
    /* one read snapshot of the source; one transaction on the target, with
     * the writers' lock (pg.c) so that no server writes in between */
    if (sqlite3_exec(c.src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail_src(&c, "begin");
        goto end;
    }
    if ((rc = check_tables(&c)) || (rc = dst_exec(&c, "BEGIN")) ||
        (rc = dst_exec(&c, "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")")))
        goto end;
    for (size_t i = 0; i < ARRAY_SIZE(COPY_ORDER) && rc == OP_OK; i++) {
        const char *t = COPY_ORDER[i];
        int64_t n = dst_count(&c, t, &rc);
        if (rc) break;
        if (replaced(t)) {
            char sql[128];
            snprintf(sql, sizeof(sql), "DELETE FROM %s", t);
            rc = dst_exec(&c, sql);
        } else if (n > 0) {
            rc = op_fail(err, OP_ERR_CONFLICT, "to", MSG_ERR_COPY_NOT_EMPTY, t);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(COPY_ORDER) && rc == OP_OK; i++) {
        rc = copy_table(&c, COPY_ORDER[i]);
        if (rc == OP_OK) log_info("msg=\"table copied\" table=%s", COPY_ORDER[i]);
    }
    if (rc == OP_OK) rc = identities_reset(&c);
    /* every table, compared */
    for (size_t i = 0; i < ARRAY_SIZE(COPY_ORDER) && rc == OP_OK; i++) {
        int64_t a = src_count(&c, COPY_ORDER[i], &rc);
        int64_t b = rc ? 0 : dst_count(&c, COPY_ORDER[i], &rc);
        if (rc == OP_OK && a != b) {
            char na[24], nb[24];
            snprintf(na, sizeof(na), "%" PRId64, a);
            snprintf(nb, sizeof(nb), "%" PRId64, b);
            rc = op_fail(err, OP_ERR_IO, "to", MSG_ERR_COPY_MISMATCH, COPY_ORDER[i], na, nb);
        }
        if (rc == OP_OK) {
            const char *t = COPY_ORDER[i];
            int64_t *slot = strcmp(t, "users") == 0           ? &copied->users
                            : strcmp(t, "organizations") == 0 ? &copied->organizations
                            : strcmp(t, "groups") == 0        ? &copied->groups
                            : strcmp(t, "tickets") == 0       ? &copied->tickets
                            : strcmp(t, "comments") == 0      ? &copied->comments
                            : strcmp(t, "events") == 0        ? &copied->events
                            : strcmp(t, "macros") == 0        ? &copied->macros
                                                              : NULL;
            if (slot) *slot = b;
        }
    }
    if (rc == OP_OK) rc = dst_exec(&c, "COMMIT");
end:
    if (c.dst && PQstatus(c.dst) == CONNECTION_OK && PQtransactionStatus(c.dst) != PQTRANS_IDLE)
        PQclear(PQexec(c.dst, "ROLLBACK"));
    if (c.src) sqlite3_exec(c.src, "ROLLBACK", NULL, NULL, NULL);
    PQfinish(c.dst);
    sqlite3_close(c.src);
    if (rc) memset(copied, 0, sizeof(*copied));
    return rc;
}

/* ---- attachment files ----
 *
 * The files are content-addressed (files.h: dir/ab/abcdef..., named by
 * their SHA-256), so a copy is checked against its own name and the row's
 * size, and a file already in place with the right content is skipped: an
 * interrupted run simply runs again. Each is written to dir/tmp, fsynced,
 * checked, renamed into place, and its directory fsynced, as filestore_put
 * does. */

#define COPY_BLOCK ((size_t)64 << 10)

static op_rc io_fail(struct op_err *err, const char *field, const char *what, const char *path)
{
    char why[512];
    snprintf(why, sizeof(why), "%.40s %.300s: %.120s", what, path, strerror(errno));
    return op_fail(err, OP_ERR_IO, field, MSG_ERR_STORAGE, why);
}

static op_rc mkdir_p(const char *dir, struct op_err *err)
{
    char p[1100];
    if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
        return op_fail(err, OP_ERR_INVALID, "files_to", MSG_ERR_FILES_DIR, dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0750) != 0 && errno != EEXIST) return io_fail(err, "files_to", "mkdir", p);
        *s = '/';
    }
    if (mkdir(p, 0750) != 0 && errno != EEXIST) return io_fail(err, "files_to", "mkdir", p);
    return OP_OK;
}

static op_rc fsync_path(const char *path, struct op_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_fail(err, "files_to", "open", path);
    int r = fsync(fd);
    close(fd);
    return r ? io_fail(err, "files_to", "fsync", path) : OP_OK;
}

/* The size and hex SHA-256 of the file at path (copied into out_fd when it
 * is >= 0). OP_ERR_NOTFOUND when there is none. */
static op_rc hash_file(const char *path, int out_fd, int64_t *size, char hex[65],
                       struct op_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? OP_ERR_NOTFOUND : io_fail(err, "files_from", "open", path);
    crypto_hash_sha256_state st;
    unsigned char md[crypto_hash_sha256_BYTES];
    char *block = malloc(COPY_BLOCK);
    op_rc rc = block ? OP_OK : OP_ERR_NOMEM;
    crypto_hash_sha256_init(&st);
    *size = 0;
    while (!rc) {
        ssize_t n = read(fd, block, COPY_BLOCK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) rc = io_fail(err, "files_from", "read", path);
        if (n <= 0) break;
        crypto_hash_sha256_update(&st, (unsigned char *)block, (unsigned long long)n);
        *size += n;
        for (ssize_t off = 0; out_fd >= 0 && off < n && !rc;) {
            ssize_t w = write(out_fd, block + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR) rc = io_fail(err, "files_to", "write", path);
            if (w > 0) off += w;
        }
    }
    crypto_hash_sha256_final(&st, md);
    sodium_bin2hex(hex, 65, md, sizeof(md));
    free(block);
    close(fd);
    return rc;
}

/* Copies one file (sha256, size) unless it is in place already. */
static op_rc copy_file(const char *from_dir, const char *to_dir, const char *sha, int64_t size,
                       struct pg_copy_files *out, struct op_err *err)
{
    char src[1200], sub[1200], dst[1300], tmp[1300], hex[65];
    int64_t got = 0;
    snprintf(src, sizeof(src), "%.1000s/%.2s/%s", from_dir, sha, sha);
    snprintf(sub, sizeof(sub), "%.1000s/%.2s", to_dir, sha);
    snprintf(dst, sizeof(dst), "%s/%s", sub, sha);
    op_rc rc = hash_file(dst, -1, &got, hex, err);
    if (rc == OP_OK && got == size && strcmp(hex, sha) == 0) {
        out->skipped++;
        return OP_OK;
    }
    if (rc && rc != OP_ERR_NOTFOUND) return rc;
    if ((rc = mkdir_p(sub, err))) return rc;
    snprintf(tmp, sizeof(tmp), "%.1000s/tmp/%s.XXXXXX", to_dir, sha);
    int fd = mkstemp(tmp);
    if (fd < 0) return io_fail(err, "files_to", "create", tmp);
    rc = hash_file(src, fd, &got, hex, err);
    if (rc == OP_ERR_NOTFOUND)
        rc = op_fail(err, OP_ERR_NOTFOUND, "files_from", MSG_ERR_COPY_FILE_MISSING, sha, from_dir);
    else if (!rc && (got != size || strcmp(hex, sha) != 0))
        rc = op_fail(err, OP_ERR_INVALID, "files_from", MSG_ERR_COPY_FILE_BAD, sha, from_dir);
    if (!rc && fsync(fd) != 0) rc = io_fail(err, "files_to", "fsync", tmp);
    if (close(fd) != 0 && !rc) rc = io_fail(err, "files_to", "close", tmp);
    if (!rc && rename(tmp, dst) != 0) rc = io_fail(err, "files_to", "rename", dst);
    if (rc) {
        unlink(tmp);
        return rc;
    }
    out->copied++;
    out->bytes += (uint64_t)size;
    return fsync_path(sub, err);
}

op_rc pg_copy_files_from_sqlite(const char *from, const char *files_from, const char *files_to,
                                struct pg_copy_files *out, struct op_err *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char tmpdir[1100];
    op_rc rc = OP_OK;
    memset(out, 0, sizeof(*out));
    if (sodium_init() < 0) return op_fail(err, OP_ERR_UNAVAILABLE, NULL, MSG_NONE);
    snprintf(tmpdir, sizeof(tmpdir), "%.1000s/tmp", files_to);
    if ((rc = mkdir_p(tmpdir, err))) return rc;
    const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT sha256, max(size) FROM attachments GROUP BY sha256", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = op_fail(err, OP_ERR_IO, "from", MSG_ERR_STORAGE, sqlite3_errmsg(db));
        goto end;
    }
    int s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sha = (const char *)sqlite3_column_text(st, 0);
        int64_t size = sqlite3_column_int64(st, 1);
        /* the name becomes a path: only a well-formed hash may */
        if (!sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) {
            rc = op_fail(err, OP_ERR_INVALID, "from", MSG_ERR_COPY_FILE_BAD, sha ? sha : "",
                         files_from);
            break;
        }
        out->files++;
        rc = copy_file(files_from, files_to, sha, size, out, err);
    }
    if (!rc && s != SQLITE_DONE)
        rc = op_fail(err, OP_ERR_IO, "from", MSG_ERR_STORAGE, sqlite3_errmsg(db));
    if (!rc) rc = fsync_path(files_to, err);
end:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
