/* pg_copy.h - moving a whole SQLite installation into PostgreSQL
 * (opora migrate-data). */
#ifndef OPORA_PG_COPY_H
#define OPORA_PG_COPY_H

#include "base/rc.h"
#include "store/store.h"

/* Copies every row of the SQLite database at from ("sqlite:PATH" or a path;
 * at the latest schema, else OP_ERR_CONFLICT with MSG_ERR_DB_PENDING) into
 * the PostgreSQL database at to (migrated first; it must hold no data,
 * else OP_ERR_CONFLICT with MSG_ERR_COPY_NOT_EMPTY), keeping every id, in
 * one transaction: all or nothing. Then it compares the row count of every
 * table on both sides (OP_ERR_IO with MSG_ERR_COPY_MISMATCH when one
 * differs; nothing is committed then). *copied gets the main counts. The
 * search vectors are computed by PostgreSQL; attachments' bytes stay in the
 * files directory, which both backends use alike. Errors of either
 * database: OP_ERR_IO / OP_ERR_UNAVAILABLE with err filled. */
op_rc pg_copy_from_sqlite(const char *from, const char *to, struct store_counts *copied,
                          struct op_err *err);

/* What pg_copy_files_from_sqlite did. */
struct pg_copy_files {
    int64_t files;   /* attachment files the source names */
    int64_t copied;  /* copied now */
    int64_t skipped; /* in place already, with the right size and SHA-256 */
    uint64_t bytes;  /* copied now */
};

/* Copies every attachment file the SQLite database at from names, from the
 * files directory files_from into files_to (created if needed; laid out as
 * store/files.h does), each checked against its row's size and its
 * SHA-256 name and made durable (fsync) before it counts. A file already
 * in place with the right content is skipped, so a run that was cut short
 * can be repeated. Fills *out. OP_ERR_NOTFOUND when a file is missing from
 * files_from, OP_ERR_INVALID when one does not match its record, OP_ERR_IO
 * (err says what and where). */
op_rc pg_copy_files_from_sqlite(const char *from, const char *files_from, const char *files_to,
                                struct pg_copy_files *out, struct op_err *err);

/* url ("postgres://...") without its password, "postgres://user@host:port/db",
 * into out: for messages and logs. */
void pg_url_redact(const char *url, char *out, size_t len);

#endif
