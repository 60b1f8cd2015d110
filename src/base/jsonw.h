/* jsonw.h - a streaming JSON writer: values go straight out as text.
 *
 * For answers that are built once and sent (the API's replies): no tree and
 * no allocation per value. The writer appends to a capped struct buf, or to
 * memory taken from an arena (a reply built there is sent without a copy).
 *
 * Commas and nesting are tracked by the writer. Every value function takes
 * the member's key: non-NULL inside an object, NULL for array elements and
 * for the one top-level value.
 *
 * Errors are sticky, as with a FILE: the first failure (the cap, memory, a
 * misuse such as a key inside an array, text that is not valid UTF-8) stops
 * all further output and is what jsonw_finish returns, so a serializer can
 * write a whole object without checking each call.
 *
 * The output is what jansson's json_dumps(JSON_COMPACT) writes for the same
 * values: the same escapes (\" \\ \b \f \n \r \t, other control characters
 * as \u00XX in upper-case hex, every other character - '/', U+2028 and
 * U+2029 included - as it is) and the same numbers (reals as "%.17g", always
 * with a '.' or an exponent). Keys come out in the order they are written. */
#ifndef OPORA_JSONW_H
#define OPORA_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/rc.h"
#include "base/timeutil.h"

#define JSONW_MAX_DEPTH 64 /* nesting deeper than this is a misuse */

/* The fields are the writer's own: use the functions. A writer in buf mode
 * points into itself, so it must not be copied once initialised. */
struct jsonw {
    struct buf *buf;     /* buf mode: where the text goes */
    struct arena *arena; /* arena mode: where the text lives */
    char *p;             /* the text (arena mode) or the staged bytes (buf mode) */
    size_t len, alloc;   /* bytes in p, and its size */
    size_t cap;          /* arena mode: the most bytes the text may have */

    op_rc rc;             /* the first failure; OP_OK while all is well */
    unsigned depth;       /* containers open */
    uint64_t is_object;   /* bit d: the container at depth d+1 is an object */
    uint64_t has_members; /* bit d: it has a member, so the next needs a comma */
    bool complete;        /* the top-level value has been written */
    char stage[512];      /* buf mode: bytes on their way to the buf (last: not zeroed) */
};

/* A writer that appends to b (which keeps its own cap; the caller owns b and
 * releases it). b may already hold text: the JSON follows it. Text is
 * staged in the writer and reaches b in pieces, at the latest in
 * jsonw_finish. */
void jsonw_init_buf(struct jsonw *w, struct buf *b);

/* A writer whose text lives in a (freed with the arena, never piece by
 * piece) and is at most cap bytes long; past it, OP_ERR_TOOBIG. Nothing is
 * allocated until the first value. */
void jsonw_init_arena(struct jsonw *w, struct arena *a, size_t cap);

/* ---- containers ---- */

void jsonw_object_begin(struct jsonw *w, const char *key);
void jsonw_object_end(struct jsonw *w);
void jsonw_array_begin(struct jsonw *w, const char *key);
void jsonw_array_end(struct jsonw *w);

/* ---- values ---- */

/* s is UTF-8 (invalid UTF-8 fails the writer with OP_ERR_INVALID); NULL
 * writes null. */
void jsonw_str(struct jsonw *w, const char *key, const char *s);
void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n);
void jsonw_int(struct jsonw *w, const char *key, int64_t v);
/* NaN and the infinities have no JSON form: they are written as null. */
void jsonw_double(struct jsonw *w, const char *key, double v);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
void jsonw_null(struct jsonw *w, const char *key);
/* An id: null when 0 (opora's "none"), else the integer. */
void jsonw_id(struct jsonw *w, const char *key, int64_t id);
/* A time as "2026-01-31T12:00:00.123Z" (time_format_iso); null when 0 (unset). */
void jsonw_time(struct jsonw *w, const char *key, op_time t);

/* Copies json[0..n), one complete JSON value, into the output as it is. The
 * writer trusts it: check text that is not your own with jsonw_valid first. */
void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t n);

/* ---- the result ---- */

/* OP_OK when exactly one complete value has been written: *text (if not
 * NULL) points at it and *len is its length. The text is NUL-terminated and
 * owned by the buf or the arena, as given at init; in buf mode it is the
 * whole buf, including whatever came before the JSON. Otherwise the first
 * failure: OP_ERR_TOOBIG past the cap, OP_ERR_NOMEM, OP_ERR_INVALID for a
 * misuse, invalid UTF-8 or an unfinished value. */
op_rc jsonw_finish(struct jsonw *w, const char **text, size_t *len);

/* ---- checking JSON text ---- */

/* True if s[0..n) is exactly one JSON value (RFC 8259, optional whitespace
 * around it) with valid UTF-8 in its strings, nested at most
 * JSONW_MAX_DEPTH deep. Allocates nothing. */
bool jsonw_valid(const char *s, size_t n);

#endif
