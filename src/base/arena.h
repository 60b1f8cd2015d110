/* arena.h - a region allocator: allocate often, free once.
 *
 * Every HTTP request and every CLI command owns one arena; what a handler,
 * the domain or the store returns for that request lives in it and is freed
 * with it. An arena has a cap: allocation past it fails (returns NULL) rather
 * than letting hostile input grow memory without bound. */
#ifndef OPORA_ARENA_H
#define OPORA_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t used;   /* bytes handed out, for the cap */
    size_t cap;    /* 0: no cap */
};

#define ARENA_INIT(capacity) {NULL, 0, (capacity)}

void arena_init(struct arena *a, size_t cap);

/* Returns n bytes aligned for any type, zeroed, owned by the arena; NULL when
 * the cap would be passed or memory is out. */
void *arena_alloc(struct arena *a, size_t n);

/* Copies of strings, owned by the arena; NULL on failure (or if s is NULL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees everything the arena handed out; the arena can be used again. */
void arena_release(struct arena *a);

#endif
