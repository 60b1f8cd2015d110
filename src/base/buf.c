#include "base/common.h"
#include "base/buf.h"

void buf_init(struct buf *b, size_t cap)
{
    b->p = NULL;
    b->len = b->alloc = 0;
    b->cap = cap;
}

static op_rc buf_grow(struct buf *b, size_t need)
{
    if (need > b->cap)
        return OP_ERR_TOOBIG;
    if (need + 1 <= b->alloc)
        return OP_OK;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need + 1)
        n *= 2;
    if (n > b->cap + 1)
        n = b->cap + 1;
    char *p = realloc(b->p, n);
    if (!p)
        return OP_ERR_NOMEM;
    b->p = p;
    b->alloc = n;
    return OP_OK;
}

op_rc buf_append(struct buf *b, const void *data, size_t n)
{
    if (n > SIZE_MAX - b->len - 1)
        return OP_ERR_TOOBIG;
    op_rc rc = buf_grow(b, b->len + n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return OP_OK;
}

op_rc buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

op_rc buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

op_rc buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return OP_ERR_INVALID;
    op_rc rc = buf_grow(b, b->len + (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return OP_OK;
}

const char *buf_str(const struct buf *b)
{
    return b->p ? b->p : "";
}

void buf_clear(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void buf_release(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->alloc = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->p;
    if (!p) {
        p = calloc(1, 1);
    }
    if (len)
        *len = b->len;
    b->p = NULL;
    b->len = b->alloc = 0;
    return p;
}
