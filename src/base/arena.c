#include "base/common.h"
#include "base/arena.h"

struct arena_chunk {
    struct arena_chunk *next;
    size_t size, off;
    max_align_t data[];
};

#define CHUNK_MIN 8192

void arena_init(struct arena *a, size_t cap)
{
    a->head = NULL;
    a->used = 0;
    a->cap = cap;
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t align = _Alignof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL; /* no such allocation can succeed; also keeps the rounding from wrapping */
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    if (a->cap && (n > a->cap || a->used > a->cap - n))
        return NULL;
    struct arena_chunk *c = a->head;
    if (!c || c->size - c->off < n) {
        size_t size = n > CHUNK_MIN / 2 ? n : CHUNK_MIN;
        if (c && size == CHUNK_MIN && c->size >= CHUNK_MIN && c->size < (1u << 20))
            size = c->size * 2; /* grow chunk sizes for big requests */
        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->off = 0;
        if (n > CHUNK_MIN / 2 && a->head) {
            /* a big block gets its own chunk behind the current one, so the
             * current one's free space is not wasted */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->off;
    c->off += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}
