/* authcache.c - who a session cookie or an API token belongs to, remembered
 * for a second.
 *
 * Resolving a credential is three lookups (the secret's hash, the user, the
 * user's groups) - a fifth of the work of a small GET. The answer is kept
 * for AUTHCACHE_TTL_MS at most, and only while nothing that could change it
 * has happened in this process: every logout, token revocation, change of a
 * user, a group or an organization bumps app->auth_gen, and an entry made
 * before is not used. On PostgreSQL such writes also NOTIFY opora_auth and
 * the node's watcher (notify.c) bumps the generation, so another node's
 * change is honoured at once; on SQLite a change made by another process
 * (the CLI, another node) is seen within the TTL. The table has a fixed size; a full slot is
 * simply overwritten. */
#include "base/common.h"

#include <pthread.h>

#include "app/internal.h"

#define NAME_MAX_BYTES 256
#define GROUPS_MAX 32

struct slot {
    uint8_t key[32];
    uint8_t kind;               /* 0 empty, 1 session, 2 token */
    uint64_t gen;
    int64_t until_ms;           /* monotonic */
    struct actor actor;         /* pointers are fixed up on the way out */
    char name[NAME_MAX_BYTES], email[NAME_MAX_BYTES], csrf[48];
    int64_t groups[GROUPS_MAX];
};

struct authcache {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t n;
};

struct authcache *authcache_new(size_t slots)
{
    struct authcache *c = calloc(1, sizeof(*c));
    if (!c || !(c->slots = calloc(slots, sizeof(struct slot)))) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    c->n = slots;
    return c;
}

void authcache_free(struct authcache *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->mu);
    free(c->slots);
    free(c);
}

static struct slot *slot_of(struct authcache *c, const uint8_t key[32])
{
    uint64_t h;
    memcpy(&h, key, sizeof(h)); /* the key is a cryptographic hash already */
    return &c->slots[h % c->n];
}

bool authcache_get(struct authcache *c, int kind, const uint8_t key[32], uint64_t gen,
                   int64_t now_ms, enum via via, struct arena *a, struct actor *out)
{
    if (!c)
        return false;
    bool hit = false;
    pthread_mutex_lock(&c->mu);
    struct slot *s = slot_of(c, key);
    if (s->kind == kind && s->gen == gen && now_ms < s->until_ms &&
        memcmp(s->key, key, 32) == 0) {
        *out = s->actor;
        out->via = via;
        out->name = arena_strdup(a, s->name);
        out->email = arena_strdup(a, s->email);
        out->csrf = s->csrf[0] ? arena_strdup(a, s->csrf) : NULL;
        out->groups.v = s->actor.groups.n ? arena_alloc(a, s->actor.groups.n * sizeof(int64_t))
                                          : NULL;
        hit = out->name && out->email && (!s->csrf[0] || out->csrf) &&
              (!s->actor.groups.n || out->groups.v);
        if (hit && s->actor.groups.n)
            memcpy(out->groups.v, s->groups, s->actor.groups.n * sizeof(int64_t));
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

void authcache_put(struct authcache *c, int kind, const uint8_t key[32], uint64_t gen,
                   int64_t until_ms, const struct actor *who)
{
    if (!c || who->groups.n > GROUPS_MAX || strlen(who->name) >= NAME_MAX_BYTES ||
        strlen(who->email) >= NAME_MAX_BYTES || (who->csrf && strlen(who->csrf) >= 48))
        return; /* unusual; resolved from the database every time */
    pthread_mutex_lock(&c->mu);
    struct slot *s = slot_of(c, key);
    memcpy(s->key, key, 32);
    s->kind = (uint8_t)kind;
    s->gen = gen;
    s->until_ms = until_ms;
    s->actor = *who;
    snprintf(s->name, sizeof(s->name), "%s", who->name);
    snprintf(s->email, sizeof(s->email), "%s", who->email);
    snprintf(s->csrf, sizeof(s->csrf), "%s", who->csrf ? who->csrf : "");
    if (who->groups.n)
        memcpy(s->groups, who->groups.v, who->groups.n * sizeof(int64_t));
    s->actor.name = s->actor.email = s->actor.csrf = NULL;
    s->actor.groups.v = NULL;
    pthread_mutex_unlock(&c->mu);
}
