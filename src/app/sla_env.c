/* sla_env.c - policies and calendars for one transaction. */
#include "base/common.h"

#include <pthread.h>

#include "app/internal.h"
#include "app/sla_env.h"
#include "base/log.h"
#include "base/tz.h"

void sla_ctx_init(struct sla_ctx *c, struct app *app, struct arena *a)
{
    memset(c, 0, sizeof(*c));
    c->app = app;
    c->a = a;
}

/* One version of a calendar, never changed once made; a newer version is
 * added in front, older ones stay until the process ends (calendars change
 * a few times a year), so a pointer handed out stays valid. */
struct cached_calendar {
    int64_t id, version;
    struct calendar cal;
    struct arena a;
    struct cached_calendar *next;
};

struct sla_cache {
    pthread_mutex_t mu;
    struct cached_calendar *head;
};

struct sla_cache *sla_cache_new(void)
{
    struct sla_cache *c = calloc(1, sizeof(*c));
    if (c)
        pthread_mutex_init(&c->mu, NULL);
    return c;
}

void sla_cache_free(struct sla_cache *c)
{
    if (!c)
        return;
    for (struct cached_calendar *k = c->head, *next; k; k = next) {
        next = k->next;
        arena_release(&k->a);
        free(k);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static const struct calendar *cache_find(struct sla_cache *c, int64_t id, int64_t version)
{
    const struct calendar *out = NULL;
    pthread_mutex_lock(&c->mu);
    for (struct cached_calendar *k = c->head; k && !out; k = k->next)
        if (k->id == id && k->version == version)
            out = &k->cal;
    pthread_mutex_unlock(&c->mu);
    return out;
}

/* A copy of r that owns its strings and exceptions. */
static const struct calendar *cache_add(struct sla_cache *c, const struct calendar_row *r,
                                        int64_t version)
{
    struct cached_calendar *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    arena_init(&k->a, 0);
    struct calendar_row copy = *r;
    copy.name = arena_strdup(&k->a, r->name);
    copy.time_zone = arena_strdup(&k->a, r->time_zone);
    copy.exc = arena_alloc(&k->a, (r->n_exc + 1) * sizeof(*copy.exc));
    bool ok = copy.name && copy.time_zone && copy.exc;
    for (size_t i = 0; ok && i < r->n_exc; i++) {
        copy.exc[i] = r->exc[i];
        ok = (copy.exc[i].name = arena_strdup(&k->a, r->exc[i].name ? r->exc[i].name : ""));
    }
    if (!ok) {
        arena_release(&k->a);
        free(k);
        return NULL;
    }
    k->id = r->id;
    k->version = version;
    sla_calendar_of_row(&copy, &k->cal);
    pthread_mutex_lock(&c->mu);
    k->next = c->head;
    c->head = k;
    pthread_mutex_unlock(&c->mu);
    return &k->cal;
}

static op_rc load(struct store_tx *tx, struct sla_ctx *c)
{
    if (c->loaded)
        return OP_OK;
    op_rc rc = tx->ops->sla->policy_list(tx, c->a, &c->pol, &c->npol);
    c->loaded = !rc;
    return rc;
}

op_rc sla_ctx_match(struct store_tx *tx, struct sla_ctx *c, const struct ticket *t,
                    const struct sla_policy **out)
{
    op_rc rc = load(tx, c);
    *out = rc ? NULL : sla_match(c->pol, c->npol, t);
    return rc;
}

void sla_calendar_of_row(const struct calendar_row *r, struct calendar *out)
{
    memset(out, 0, sizeof(*out));
    out->id = r->id;
    out->name = r->name;
    if (tz_load(r->time_zone, &out->tz)) {
        log_warn("msg=\"calendar zone unknown, using UTC\" calendar=%" PRId64 " zone=\"%s\"",
                 r->id, r->time_zone);
        out->tz = tz_utc();
    }
    out->always = r->always;
    memcpy(out->week, r->week, sizeof(out->week));
    out->exc = r->exc;
    out->n_exc = r->n_exc;
}

op_rc sla_ctx_calendar(struct store_tx *tx, struct sla_ctx *c, int64_t id,
                       const struct calendar **out)
{
    for (struct sla_ctx_calendar *k = c->cals; k; k = k->next)
        if (k->id == id) {
            *out = &k->cal;
            return OP_OK;
        }
    struct sla_cache *cache = c->app ? c->app->sla_cache : NULL;
    int64_t version = 0;
    const struct calendar *hit = NULL;
    op_rc rc;
    if (cache) {
        if ((rc = tx->ops->sla->calendar_version(tx, id, &version)))
            return rc;
        hit = cache_find(cache, id, version);
    }
    struct sla_ctx_calendar *k = arena_alloc(c->a, sizeof(*k));
    if (!k)
        return OP_ERR_NOMEM;
    if (hit) {
        k->cal = *hit;
    } else {
        struct calendar_row r;
        if ((rc = tx->ops->sla->calendar_get(tx, id, c->a, &r)))
            return rc;
        if (cache && (hit = cache_add(cache, &r, version)))
            k->cal = *hit;
        else
            sla_calendar_of_row(&r, &k->cal);
    }
    k->id = id;
    k->next = c->cals;
    c->cals = k;
    *out = &k->cal;
    return OP_OK;
}

op_rc sla_ctx_env(struct store_tx *tx, struct sla_ctx *c, int64_t policy_id,
                  struct sla_env *out)
{
    *out = (struct sla_env){0};
    op_rc rc;
    if (!policy_id || (rc = load(tx, c)))
        return policy_id ? rc : OP_OK;
    for (size_t i = 0; i < c->npol; i++)
        if (c->pol[i].id == policy_id)
            out->policy = &c->pol[i];
    if (!out->policy || !out->policy->calendar_id)
        return OP_OK;
    rc = sla_ctx_calendar(tx, c, out->policy->calendar_id, &out->cal);
    return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
}
