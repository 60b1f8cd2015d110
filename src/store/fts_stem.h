/* fts_stem.h - the "opora" FTS5 tokenizer: unicode61 plus Russian and
 * English stemming, so that a search for "оплата" finds "оплатой" and
 * "payment failed" finds "payments failing".
 *
 * Each token from unicode61 (case folded, remove_diacritics 0 by default so
 * that й stays й) has ё/Ё folded to е/Е, and is then stemmed with libstemmer:
 * tokens of Cyrillic letters only with "russian", tokens of ASCII letters only
 * with "english". Anything else (digits, mixed scripts, other scripts) and
 * tokens longer than FTS_STEM_MAX_TOKEN bytes pass through as they are. In a
 * prefix query ("оплат*") the last token, the prefix itself, is not stemmed.
 *
 * Arguments after the name in tokenize='opora ...' go to unicode61 as they
 * are, after the default "remove_diacritics 0" (so they may override it). */
#ifndef OPORA_FTS_STEM_H
#define OPORA_FTS_STEM_H

#include <sqlite3.h>

/* The name to use in tokenize='...'. */
#define FTS_STEM_TOKENIZER "opora"

/* Tokens longer than this many bytes are indexed unchanged (not folded, not
 * stemmed): no word is that long, and it bounds the work per token. */
#define FTS_STEM_MAX_TOKEN 64

/* Registers the "opora" tokenizer on db. Call it once per connection, before
 * the first statement that touches an FTS5 table using it; registering again
 * replaces the earlier registration. The registration belongs to db and is
 * freed when db is closed; each FTS5 table opened on db gets its own
 * tokenizer instance with its own stemmers (libstemmer objects are not
 * thread-safe, and a connection is used by one thread at a time).
 * Returns SQLITE_OK, or an SQLite error code (SQLITE_ERROR when FTS5 is not
 * available; the message is then in sqlite3_errmsg(db)). */
int fts_stem_register(sqlite3 *db);

/* The FTS5 API of db (to register tokenizers and functions), or an SQLite
 * error code when FTS5 is not there. */
struct fts5_api;
int fts_api_get(sqlite3 *db, struct fts5_api **out);

#endif
