/* presence.c - agents' presence: set by the agent, kept as intervals, swept
 * to away after idleness and to offline after the session TTL; the
 * in-memory activity table behind "idle"; the team's background job. */
#include "base/common.h"

#include <pthread.h>

#include "app/internal.h"
#include "app/team.h"
#include "base/log.h"

/* ---- activity: in memory, written at most once a minute per agent ----
 *
 * Every authenticated request of a staff member lands here, so it must be
 * cheap: a lock and a few slots of an open-addressed table. The job copies
 * what changed into the database (agent_activity), where every node's sweep
 * sees it. One table per process, keyed by app and agent. */

#define ACT_SLOTS 4096
#define ACT_PROBE 16
#define ACT_WRITE_EVERY_MS 60000

struct act_slot {
    const struct app *app;
    int64_t agent_id;
    op_time seen;        /* the latest request */
    op_time written;     /* what the database has from us */
};

static struct act_slot act[ACT_SLOTS];
static pthread_mutex_t act_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t act_hash(const struct app *app, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)app;
    return (size_t)(h >> 20) % ACT_SLOTS;
}

void team_note_activity(struct app *app, const struct actor *who)
{
    if (!who || who->id <= 0 || !actor_is_staff(who))
        return;
    op_time now = app_now(app);
    size_t h = act_hash(app, who->id), victim = h;
    pthread_mutex_lock(&act_mu);
    for (size_t i = 0; i < ACT_PROBE; i++) {
        struct act_slot *s = &act[(h + i) % ACT_SLOTS];
        if (s->app == app && s->agent_id == who->id) {
            if (now > s->seen)
                s->seen = now;
            pthread_mutex_unlock(&act_mu);
            return;
        }
        if (!s->app) {
            victim = (h + i) % ACT_SLOTS;
            break;
        }
        if (s->seen < act[victim].seen)
            victim = (h + i) % ACT_SLOTS;
    }
    /* a new agent, or the stalest of the probed slots makes room (its last
     * minute of activity may go unwritten: at worst it turns away early) */
    act[victim] = (struct act_slot){app, who->id, now, 0};
    pthread_mutex_unlock(&act_mu);
}

/* The latest activity this process saw of agent, 0 when none. */
static op_time act_seen(const struct app *app, int64_t agent_id)
{
    size_t h = act_hash(app, agent_id);
    op_time t = 0;
    pthread_mutex_lock(&act_mu);
    for (size_t i = 0; i < ACT_PROBE; i++) {
        struct act_slot *s = &act[(h + i) % ACT_SLOTS];
        if (s->app == app && s->agent_id == agent_id) {
            t = s->seen;
            break;
        }
    }
    pthread_mutex_unlock(&act_mu);
    return t;
}

/* Entries of app whose activity the database lacks by a minute or more. */
struct act_due {
    int64_t agent_id;
    op_time seen;
};

static size_t act_collect(const struct app *app, struct act_due *out, size_t cap)
{
    size_t n = 0;
    pthread_mutex_lock(&act_mu);
    for (size_t i = 0; i < ACT_SLOTS && n < cap; i++) {
        struct act_slot *s = &act[i];
        if (s->app == app && s->seen > s->written &&
            (!s->written || s->seen - s->written >= ACT_WRITE_EVERY_MS)) {
            out[n++] = (struct act_due){s->agent_id, s->seen};
            s->written = s->seen; /* retried after a minute if the write fails */
        }
    }
    pthread_mutex_unlock(&act_mu);
    return n;
}

/* ---- setting presence ---- */

/* Sets agent's status from source at `at` unless it is already that. */
static op_rc presence_change(struct store_tx *tx, int64_t agent_id, enum presence_status status,
                             enum presence_source source, op_time at,
                             struct presence_interval *out)
{
    struct presence_interval cur;
    op_rc rc = tx->ops->team->presence_current(tx, agent_id, &cur);
    if (rc == OP_ERR_NOTFOUND) {
        if (status == PRESENCE_OFFLINE) { /* offline since always: nothing to record */
            *out = (struct presence_interval){.agent_id = agent_id};
            return OP_OK;
        }
    } else if (rc) {
        return rc;
    } else if (cur.status == status) {
        *out = cur;
        return OP_OK;
    }
    return tx->ops->team->presence_set(tx, agent_id, status, source, at, out);
}

struct presence_job {
    struct app *app;
    const struct actor *who;
    enum presence_status status;
    struct presence_interval *out;
    struct arena *a;
    struct presence_now *list;
    size_t n;
};

static op_rc set_fn(struct store_tx *tx, void *arg)
{
    struct presence_job *j = arg;
    op_time now = app_now(j->app);
    op_rc rc = presence_change(tx, j->who->id, j->status, PSRC_AGENT, now, j->out);
    /* setting one's status is activity too, and the sweep must see it */
    return rc ? rc : tx->ops->team->activity_touch(tx, j->who->id, now);
}

op_rc app_presence_set(struct app *app, const struct actor *who, enum presence_status status,
                       struct presence_interval *out, struct op_err *err)
{
    if (!actor_is_staff(who) || who->id <= 0)
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if ((unsigned)status >= PRESENCE__COUNT)
        return op_fail(err, OP_ERR_INVALID, "status", MSG_ERR_ENUM, "?", presence_names_list());
    struct presence_job j = {.app = app, .who = who, .status = status, .out = out};
    return app_run(app, false, set_fn, &j);
}

static op_rc list_fn(struct store_tx *tx, void *arg)
{
    struct presence_job *j = arg;
    struct user *users;
    size_t nu;
    op_rc rc;
    if (j->who->role >= ROLE_LEAD || j->who->id == 0) {
        struct user_filter f = {.role_mask = (1u << ROLE_AGENT) | (1u << ROLE_LEAD) |
                                             (1u << ROLE_ADMIN)};
        if ((rc = tx->ops->user_list(tx, &f, j->a, &users, &nu)))
            return rc;
    } else {
        if (!(users = arena_alloc(j->a, sizeof(*users))))
            return OP_ERR_NOMEM;
        if ((rc = tx->ops->user_get(tx, j->who->id, j->a, users)))
            return rc;
        nu = 1;
    }
    if (nu && !(j->list = arena_alloc(j->a, nu * sizeof(*j->list))))
        return OP_ERR_NOMEM;
    j->n = 0;
    for (size_t i = 0; i < nu; i++) {
        if (!users[i].active)
            continue;
        struct presence_interval cur;
        struct presence_now *p = &j->list[j->n++];
        *p = (struct presence_now){.agent_id = users[i].id, .name = users[i].name};
        rc = tx->ops->team->presence_current(tx, users[i].id, &cur);
        if (rc == OP_ERR_NOTFOUND)
            continue;
        if (rc)
            return rc;
        p->status = cur.status;
        p->source = cur.source;
        p->since = cur.start_at;
    }
    return OP_OK;
}

op_rc app_presence_list(struct app *app, const struct actor *who, struct arena *a,
                        struct presence_now **out, size_t *n, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct presence_job j = {.app = app, .who = who, .a = a};
    op_rc rc = app_run(app, true, list_fn, &j);
    if (!rc) {
        *out = j.list;
        *n = j.n;
    }
    return rc;
}

op_rc presence_tx_logout(struct app *app, struct store_tx *tx, const uint8_t hash[32])
{
    struct session s;
    struct presence_interval p;
    op_rc rc = tx->ops->session_get(tx, hash, &s);
    if (rc == OP_ERR_NOTFOUND)
        return OP_OK;
    if (rc)
        return rc;
    return presence_change(tx, s.user_id, PRESENCE_OFFLINE, PSRC_LOGOUT, app_now(app), &p);
}

/* ---- the job ---- */

#define SWEEP_LEASE "team.presence"
#define SWEEP_LEASE_MS 30000
#define ACT_BATCH 512

struct sweep_job {
    struct app *app;
    op_time now;
    struct act_due *due;
    size_t n_due;
    int away, offline, back;
};

/* Writes the activity of this node; an agent who went away idle and is
 * active again comes back online. */
static op_rc flush_fn(struct store_tx *tx, void *arg)
{
    struct sweep_job *j = arg;
    for (size_t i = 0; i < j->n_due; i++) {
        const struct act_due *d = &j->due[i];
        struct presence_interval cur, p;
        op_rc rc = tx->ops->team->activity_touch(tx, d->agent_id, d->seen);
        if (rc)
            return rc;
        rc = tx->ops->team->presence_current(tx, d->agent_id, &cur);
        if (rc == OP_ERR_NOTFOUND)
            continue;
        if (rc)
            return rc;
        if (cur.status == PRESENCE_AWAY && cur.source == PSRC_IDLE && d->seen > cur.start_at) {
            if ((rc = tx->ops->team->presence_set(tx, d->agent_id, PRESENCE_ONLINE,
                                                  PSRC_ACTIVITY, d->seen, &p)))
                return rc;
            j->back++;
        }
    }
    return OP_OK;
}

static op_rc sweep_fn(struct store_tx *tx, void *arg)
{
    struct sweep_job *j = arg;
    bool got = false;
    op_rc rc = tx->ops->lease_take(tx, SWEEP_LEASE, j->app->node_id, j->now,
                                   j->now + SWEEP_LEASE_MS, &got);
    if (rc || !got)
        return rc;
    struct team_settings ts;
    if ((rc = tx->ops->team->settings_get(tx, &ts)))
        return rc;
    struct arena a = ARENA_INIT(0);
    struct presence_watch *w;
    size_t n;
    if ((rc = tx->ops->team->presence_open_all(tx, j->now, &a, &w, &n)))
        goto end;
    int64_t away_ms = ts.away_after_min * TEAM_MIN_MS;
    int64_t ttl = j->app->cfg.session_ttl_ms;
    for (size_t i = 0; i < n; i++) {
        const struct presence_interval *cur = &w[i].cur;
        op_time last = MAX(w[i].last_active_at, cur->start_at);
        last = MAX(last, act_seen(j->app, cur->agent_id));
        struct presence_interval p;
        if (ttl > 0 && j->now - last >= ttl && !w[i].live_session) {
            /* at the moment the session would have expired */
            if ((rc = tx->ops->team->presence_set(tx, cur->agent_id, PRESENCE_OFFLINE,
                                                  PSRC_EXPIRY, last + ttl, &p)))
                goto end;
            j->offline++;
        } else if (cur->status == PRESENCE_ONLINE && j->now - last >= away_ms) {
            if ((rc = tx->ops->team->presence_set(tx, cur->agent_id, PRESENCE_AWAY, PSRC_IDLE,
                                                  last + away_ms, &p)))
                goto end;
            j->away++;
        }
    }
end:
    arena_release(&a);
    return rc;
}

op_rc team_job(struct app *app, op_time now, op_time *next_at)
{
    struct act_due due[ACT_BATCH];
    struct sweep_job j = {.app = app, .now = now, .due = due};
    op_rc rc = OP_OK, rc2;
    if ((j.n_due = act_collect(app, due, ACT_BATCH)))
        rc = app_run(app, false, flush_fn, &j);
    if ((rc2 = app_run(app, false, sweep_fn, &j)) && !rc)
        rc = rc2;
    if (j.away || j.offline || j.back)
        log_info("msg=\"presence sweep\" away=%d offline=%d back_online=%d", j.away, j.offline,
                 j.back);
    if ((rc2 = routing_reassign_due(app, now)) && !rc)
        rc = rc2;
    if ((rc2 = routing_drain(app, now, NULL)) && !rc)
        rc = rc2;
    *next_at = 0;
    return rc;
}
