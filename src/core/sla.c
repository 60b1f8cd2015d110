/* sla.c - policy matching and the clocks of a ticket (rules in sla.h). */
#include "base/common.h"

#include "core/sla.h"
#include "i18n/i18n.h"

static const char *const metric_names[SLA__METRICS] = {"first_response", "next_response",
                                                        "resolution"};

const char *sla_metric_name(enum sla_metric m)
{
    return (unsigned)m < SLA__METRICS ? metric_names[m] : "?";
}

int sla_metric_parse(const char *s)
{
    for (int i = 0; i < SLA__METRICS; i++)
        if (s && !strcmp(s, metric_names[i]))
            return i;
    return -1;
}

static const char *const action_names[] = {"escalate", "raise_priority", "notify_assignee",
                                           "notify_lead"};

const char *sla_action_name(unsigned bit)
{
    for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
        if (bit == 1u << i)
            return action_names[i];
    return "?";
}

unsigned sla_action_parse(const char *s)
{
    for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
        if (s && !strcmp(s, action_names[i]))
            return 1u << i;
    return 0;
}

op_rc sla_policy_check(const struct sla_policy *p, struct op_err *err)
{
    static const char *const fields[SLA__METRICS] = {"targets.first_response",
                                                     "targets.next_response",
                                                     "targets.resolution"};
    char max[24];
    snprintf(max, sizeof(max), "%lld", SLA_TARGET_MAX_MIN);
    if (!p->name || !*p->name)
        return op_fail(err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
    bool any = false;
    for (int m = 0; m < SLA__METRICS; m++) {
        int64_t v = p->target[m].minutes;
        if (v < 0 || v > SLA_TARGET_MAX_MIN)
            return op_fail(err, OP_ERR_INVALID, fields[m], MSG_ERR_SLA_TARGET_RANGE, max);
        any |= v > 0;
    }
    if (!any)
        return op_fail(err, OP_ERR_INVALID, "targets", MSG_ERR_SLA_NO_TARGET);
    if (p->warn_percent < 0 || p->warn_percent > 99)
        return op_fail(err, OP_ERR_INVALID, "warn_percent", MSG_ERR_RANGE, "0", "99");
    if (p->position < 0 || p->position > 1000000)
        return op_fail(err, OP_ERR_INVALID, "position", MSG_ERR_RANGE, "0", "1000000");
    if (p->actions & ~(unsigned)SLA_ACT__ALL)
        return op_fail(err, OP_ERR_INVALID, "breach_actions", MSG_ERR_SLA_ACTIONS);
    if ((p->actions & SLA_ACT_ESCALATE) && !p->escalate_group_id && p->escalate_tier < 0)
        return op_fail(err, OP_ERR_INVALID, "escalate_group_id", MSG_ERR_SLA_ESCALATE_TARGET);
    if (p->escalate_tier >= TIER__COUNT)
        return op_fail(err, OP_ERR_INVALID, "escalate_tier", MSG_ERR_ENUM, "?", tier_names_list());
    return OP_OK;
}

static bool in_mask(unsigned mask, int v)
{
    return !mask || (mask & (1u << v));
}

static bool in_ids(const struct id_list *l, int64_t id)
{
    return l->n == 0 || (id && id_list_has(l, id));
}

const struct sla_policy *sla_match(const struct sla_policy *v, size_t n, const struct ticket *t)
{
    const struct sla_policy *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct sla_policy *p = &v[i];
        if (!p->active || !in_mask(p->priority_mask, (int)t->priority) ||
            !in_mask(p->channel_mask, (int)t->channel) || !in_mask(p->type_mask, (int)t->type) ||
            !in_ids(&p->group_ids, t->group_id) ||
            !in_ids(&p->organization_ids, t->organization_id))
            continue;
        if (!best || p->position < best->position ||
            (p->position == best->position && p->id < best->id))
            best = p;
    }
    return best;
}

/* ---- facts ---- */

size_t sla_facts(const struct ticket *old, const struct ticket *t, const struct event_list *l,
                 bool staff, bool automatic, struct sla_fact out[SLA_FACTS_MAX])
{
    size_t n = 0;
    op_time at = l ? l->at : t->updated_at;
    bool agent = staff && !automatic;
    bool opening = false;
    if (!old) {
        bool public_message = t->description && t->description[0];
        for (size_t i = 0; l && i < l->n; i++)
            if (l->v[i].kind == EV_COMMENT && !strcmp(l->v[i].field, "public"))
                public_message = true;
        opening = agent && public_message;
        out[n++] = (struct sla_fact){.kind = SF_CREATED, .at = t->created_at, .opening = opening};
    }
    for (size_t i = 0; l && i < l->n && n < SLA_FACTS_MAX - 2; i++) {
        const struct event *e = &l->v[i];
        if (e->kind != EV_COMMENT || strcmp(e->field, "public") != 0 || opening)
            continue;
        if (agent)
            out[n++] = (struct sla_fact){.kind = SF_AGENT_REPLY, .at = at};
        else if (!staff)
            out[n++] = (struct sla_fact){.kind = SF_CUSTOMER_MESSAGE, .at = at};
    }
    if (old && t->merged_into && !old->merged_into)
        out[n++] = (struct sla_fact){.kind = SF_MERGED, .at = at};
    else if (!old || old->status != t->status)
        out[n++] = (struct sla_fact){.kind = SF_STATUS, .at = at, .status = t->status};
    return n;
}

/* ---- clocks ---- */

static bool business(const struct sla_clock *c, const struct sla_env *env)
{
    return c->business && env->cal && !env->cal->always;
}

static int64_t span(const struct sla_clock *c, const struct sla_env *env, op_time a, op_time b)
{
    if (b <= a)
        return 0;
    return business(c, env) ? cal_between(env->cal, a, b) : b - a;
}

static op_time after(const struct sla_clock *c, const struct sla_env *env, op_time a, int64_t ms)
{
    if (ms <= 0)
        return a;
    return business(c, env) ? cal_add(env->cal, a, ms) : a + ms;
}

int64_t sla_elapsed(const struct sla_clock *c, const struct sla_env *env, op_time now)
{
    return c->elapsed_ms + (c->running_since ? span(c, env, c->running_since, now) : 0);
}

void sla_init(struct sla_state *s, int64_t ticket_id)
{
    memset(s, 0, sizeof(*s));
    s->ticket_id = ticket_id;
}

static bool pausing(const struct sla_state *s, const struct sla_env *env, enum ticket_status st)
{
    (void)s;
    const struct sla_policy *p = env->policy;
    if (!p)
        return st == STATUS_PENDING || st == STATUS_ON_HOLD; /* nothing to measure against */
    return (st == STATUS_PENDING && p->pause_on_pending) ||
           (st == STATUS_ON_HOLD && p->pause_on_hold);
}

static void clock_start(struct sla_clock *c, op_time at, bool paused)
{
    c->started_at = at;
    c->running_since = paused ? 0 : at;
    c->stopped_at = 0;
    c->elapsed_ms = 0;
    c->warned_at = c->breached_at = 0;
}

static void clock_pause(struct sla_clock *c, const struct sla_env *env, op_time at)
{
    if (!c->running_since)
        return;
    c->elapsed_ms += span(c, env, c->running_since, at);
    c->running_since = 0;
}

static bool clock_open(const struct sla_clock *c)
{
    return c->started_at && !c->stopped_at;
}

static void clock_resume(struct sla_clock *c, op_time at)
{
    if (clock_open(c) && !c->running_since)
        c->running_since = at;
}

/* Stops c at `at` and gives its verdict: met within target; breached when
 * it passed its target and the timer has not said so yet. */
static void clock_stop(struct sla_clock *c, const struct sla_env *env, enum sla_metric m,
                       op_time at, bool verdict, struct sla_verdict *v, size_t *n)
{
    if (!clock_open(c))
        return;
    clock_pause(c, env, at);
    c->stopped_at = at;
    if (!verdict || !c->target_ms || *n >= SLA_VERDICTS_MAX)
        return;
    if (c->elapsed_ms <= c->target_ms && !c->breached_at) {
        v[(*n)++] = (struct sla_verdict){EV_SLA_MET, m, c->target_ms, c->elapsed_ms};
    } else if (!c->breached_at) {
        c->breached_at = at;
        v[(*n)++] = (struct sla_verdict){EV_SLA_BREACHED, m, c->target_ms, c->elapsed_ms};
    }
}

void sla_set_policy(struct sla_state *s, const struct sla_env *from, const struct sla_env *env,
                    enum ticket_status status, op_time now)
{
    const struct sla_policy *p = env->policy;
    /* measure up to now under the old rules, go on under the new */
    bool was_paused = s->paused;
    s->policy_id = p ? p->id : 0;
    s->calendar_id = p ? p->calendar_id : 0;
    s->warn_percent = p ? p->warn_percent : 0;
    for (int m = 0; m < SLA__METRICS; m++) {
        struct sla_clock *c = &s->c[m];
        bool running = c->running_since != 0;
        if (running)
            clock_pause(c, from, now);
        c->target_ms = p ? p->target[m].minutes * 60000 : 0;
        c->business = p ? p->target[m].business : false;
        if (running)
            c->running_since = now;
    }
    if (s->cancelled || status == STATUS_SOLVED || status == STATUS_CLOSED)
        return;
    bool pause = pausing(s, env, status);
    if (pause && !was_paused) {
        for (int m = 0; m < SLA__METRICS; m++)
            clock_pause(&s->c[m], env, now);
    } else if (!pause && was_paused) {
        for (int m = 0; m < SLA__METRICS; m++)
            clock_resume(&s->c[m], now);
    }
    s->paused = pause;
}

void sla_apply(struct sla_state *s, const struct sla_env *env, const struct sla_fact *f,
               struct sla_verdict v[SLA_VERDICTS_MAX], size_t *n)
{
    struct sla_clock *fr = &s->c[SLA_FIRST_RESPONSE], *nr = &s->c[SLA_NEXT_RESPONSE],
                     *rs = &s->c[SLA_RESOLUTION];
    if (s->cancelled)
        return;
    switch (f->kind) {
    case SF_CREATED:
        clock_start(fr, f->at, s->paused);
        clock_start(rs, f->at, s->paused);
        break;
    case SF_AGENT_REPLY:
        if (clock_open(fr))
            clock_stop(fr, env, SLA_FIRST_RESPONSE, f->at, true, v, n);
        else if (clock_open(nr))
            clock_stop(nr, env, SLA_NEXT_RESPONSE, f->at, true, v, n);
        break;
    case SF_CUSTOMER_MESSAGE:
        /* the next response is owed once the first one was given; a second
         * message while it runs keeps the oldest unanswered one */
        if (fr->started_at && fr->stopped_at && !clock_open(nr) && !rs->stopped_at)
            clock_start(nr, f->at, s->paused);
        break;
    case SF_STATUS:
        if (f->status == STATUS_SOLVED || f->status == STATUS_CLOSED) {
            for (int m = 0; m < SLA__METRICS; m++)
                clock_stop(&s->c[m], env, (enum sla_metric)m, f->at, true, v, n);
            s->paused = false;
        } else {
            if (rs->started_at && rs->stopped_at) { /* reopened */
                rs->stopped_at = 0;
                rs->running_since = 0;
            }
            bool pause = pausing(s, env, f->status);
            for (int m = 0; m < SLA__METRICS; m++) {
                if (pause)
                    clock_pause(&s->c[m], env, f->at);
                else
                    clock_resume(&s->c[m], f->at);
            }
            s->paused = pause;
        }
        break;
    case SF_MERGED:
        for (int m = 0; m < SLA__METRICS; m++)
            clock_stop(&s->c[m], env, (enum sla_metric)m, f->at, false, v, n);
        s->cancelled = true;
        s->paused = false;
        break;
    }
}

static void earliest(op_time *acc, op_time t)
{
    if (t && (!*acc || t < *acc))
        *acc = t;
}

void sla_schedule(struct sla_state *s, const struct sla_env *env)
{
    s->next_at = 0;
    s->due_at = 0;
    s->breached = false;
    for (int m = 0; m < SLA__METRICS; m++) {
        struct sla_clock *c = &s->c[m];
        c->warn_at = c->due_at = 0;
        if (clock_open(c) && c->breached_at)
            s->breached = true;
        if (!c->running_since || !c->target_ms || s->cancelled)
            continue;
        c->due_at = after(c, env, c->running_since, c->target_ms - c->elapsed_ms);
        if (s->warn_percent > 0 && !c->warned_at && !c->breached_at) {
            int64_t w = c->target_ms * s->warn_percent / 100;
            c->warn_at = after(c, env, c->running_since, w - c->elapsed_ms);
            earliest(&s->next_at, c->warn_at);
        }
        if (!c->breached_at)
            earliest(&s->next_at, c->due_at);
        earliest(&s->due_at, c->due_at);
    }
}

size_t sla_fire(struct sla_state *s, const struct sla_env *env, op_time now,
                struct sla_verdict v[SLA_VERDICTS_MAX])
{
    size_t n = 0;
    for (int m = 0; m < SLA__METRICS && !s->cancelled; m++) {
        struct sla_clock *c = &s->c[m];
        if (!c->running_since || !c->target_ms)
            continue;
        if (c->due_at && c->due_at <= now && !c->breached_at) {
            /* a breach says more than a warning: one event, both marked */
            c->breached_at = now;
            if (!c->warned_at)
                c->warned_at = now;
            v[n++] = (struct sla_verdict){EV_SLA_BREACHED, (enum sla_metric)m, c->target_ms,
                                          sla_elapsed(c, env, now)};
        } else if (c->warn_at && c->warn_at <= now && !c->warned_at && !c->breached_at) {
            c->warned_at = now;
            v[n++] = (struct sla_verdict){EV_SLA_WARNING, (enum sla_metric)m, c->target_ms,
                                          sla_elapsed(c, env, now)};
        }
    }
    sla_schedule(s, env);
    return n;
}

const char *sla_clock_status(const struct sla_clock *c)
{
    if (!c->started_at || !c->target_ms)
        return c->started_at && c->stopped_at ? "stopped" : "none";
    if (c->breached_at)
        return "breached";
    if (c->stopped_at)
        return "met";
    return c->running_since ? "running" : "paused";
}

/* ---- encoding ---- */

#define SLA_STATE_VERSION 1

static void put64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

static int64_t get64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)p[i] << (8 * i);
    return (int64_t)u;
}

void sla_state_encode(const struct sla_state *s, uint8_t out[SLA_STATE_BYTES])
{
    memset(out, 0, SLA_STATE_BYTES);
    out[0] = SLA_STATE_VERSION;
    out[1] = (uint8_t)((s->paused ? 1 : 0) | (s->cancelled ? 2 : 0));
    out[2] = (uint8_t)s->warn_percent;
    uint8_t *p = out + 8;
    for (int m = 0; m < SLA__METRICS; m++) {
        const struct sla_clock *c = &s->c[m];
        int64_t f[10] = {c->target_ms,  c->business,  c->started_at, c->running_since,
                         c->stopped_at, c->elapsed_ms, c->warned_at, c->breached_at,
                         c->warn_at,    c->due_at};
        for (int i = 0; i < 10; i++, p += 8)
            put64(p, f[i]);
    }
}

op_rc sla_state_decode(const void *b, size_t n, struct sla_state *s)
{
    const uint8_t *in = b;
    if (n != SLA_STATE_BYTES || in[0] != SLA_STATE_VERSION)
        return OP_ERR_IO;
    s->paused = in[1] & 1;
    s->cancelled = (in[1] & 2) != 0;
    s->warn_percent = in[2];
    const uint8_t *p = in + 8;
    for (int m = 0; m < SLA__METRICS; m++) {
        struct sla_clock *c = &s->c[m];
        int64_t f[10];
        for (int i = 0; i < 10; i++, p += 8)
            f[i] = get64(p);
        *c = (struct sla_clock){.target_ms = f[0], .business = f[1] != 0, .started_at = f[2],
                                .running_since = f[3], .stopped_at = f[4], .elapsed_ms = f[5],
                                .warned_at = f[6], .breached_at = f[7], .warn_at = f[8],
                                .due_at = f[9]};
    }
    return OP_OK;
}
