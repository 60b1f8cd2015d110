/* buf.h - a growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * The cap is set at init; appends past it fail with OP_ERR_TOOBIG and leave
 * the buffer as it was, so outside input can never grow it without bound.
 * The content is always NUL-terminated. */
#ifndef OPORA_BUF_H
#define OPORA_BUF_H

#include <stddef.h>
#include "base/rc.h"

struct buf {
    char *p;       /* NULL until the first append */
    size_t len;
    size_t alloc;
    size_t cap;    /* the most bytes len may reach */
};

#define BUF_INIT(capacity) {NULL, 0, 0, (capacity)}

void buf_init(struct buf *b, size_t cap);
op_rc buf_append(struct buf *b, const void *data, size_t n);
op_rc buf_puts(struct buf *b, const char *s);
op_rc buf_putc(struct buf *b, char c);
op_rc buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The content ("" when empty); owned by b. */
const char *buf_str(const struct buf *b);

/* Empties b but keeps its memory. */
void buf_clear(struct buf *b);

/* Frees b's memory. */
void buf_release(struct buf *b);

/* Hands the content to the caller, who now owns it (free()); b is empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
