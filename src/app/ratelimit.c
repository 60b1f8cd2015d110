/* ratelimit.c - failure counters per key (an email, a client address).
 *
 * A fixed table of slots, open addressing by hash of the key: the memory
 * is bounded however many addresses try. When the table is full the slot
 * with the oldest failure is reused. Each slot keeps the times of its last
 * max_failures failures; a key is blocked while the oldest of them is still
 * inside the window. Per process: several nodes each count their own. */
#include "base/common.h"

#include <pthread.h>
#include <sodium.h>

#include "app/internal.h"

#define KEY_MAX 128
#define FAILS_MAX 64

struct slot {
    char key[KEY_MAX];
    op_time fails[FAILS_MAX]; /* ring of failure times */
    unsigned n, head;
    op_time last;
};

struct ratelimit {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t nslots;
    unsigned max_failures;
    op_time window_ms;
    uint8_t hash_key[crypto_shorthash_KEYBYTES];
};

struct ratelimit *ratelimit_new(size_t slots, unsigned max_failures, unsigned window_s)
{
    struct ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    rl->slots = calloc(slots, sizeof(struct slot));
    if (!rl->slots) {
        free(rl);
        return NULL;
    }
    pthread_mutex_init(&rl->mu, NULL);
    rl->nslots = slots;
    rl->max_failures = MIN(MAX(max_failures, 1u), FAILS_MAX);
    rl->window_ms = (op_time)window_s * 1000;
    crypto_shorthash_keygen(rl->hash_key);
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->slots);
    free(rl);
}

/* The slot of key, or (create) a free or the stalest slot in its probe run. */
static struct slot *find(struct ratelimit *rl, const char *key, bool create)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hash_key);
    uint64_t x;
    memcpy(&x, h, sizeof(x));
    struct slot *victim = NULL;
    for (size_t i = 0; i < 16; i++) {
        struct slot *s = &rl->slots[(x + i) % rl->nslots];
        if (s->key[0] && strcmp(s->key, key) == 0)
            return s;
        if (!victim || !s->key[0] || (victim->key[0] && s->last < victim->last))
            victim = s;
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof(*victim));
    snprintf(victim->key, sizeof(victim->key), "%s", key);
    return victim;
}

int ratelimit_check(struct ratelimit *rl, const char *key, op_time now)
{
    int wait = 0;
    pthread_mutex_lock(&rl->mu);
    struct slot *s = find(rl, key, false);
    if (s && s->n >= rl->max_failures) {
        /* the oldest of the last max_failures failures */
        op_time oldest = s->fails[(s->head + FAILS_MAX - rl->max_failures) % FAILS_MAX];
        op_time until = oldest + rl->window_ms;
        if (until > now)
            wait = (int)((until - now + 999) / 1000);
    }
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

void ratelimit_fail(struct ratelimit *rl, const char *key, op_time now)
{
    pthread_mutex_lock(&rl->mu);
    struct slot *s = find(rl, key, true);
    s->fails[s->head] = now;
    s->head = (s->head + 1) % FAILS_MAX;
    if (s->n < FAILS_MAX)
        s->n++;
    s->last = now;
    pthread_mutex_unlock(&rl->mu);
}

void ratelimit_reset(struct ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->mu);
    struct slot *s = find(rl, key, false);
    if (s)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&rl->mu);
}
