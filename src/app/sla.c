/* sla.c - a ticket's SLA clocks through its actions, and the timer job that
 * fires warnings and breaches (rules: core/sla.h, docs/sla.md).
 *
 * Each ticket has one row of clocks (store_sla.h) written in the same
 * transaction as the action that moved them. The row's next_at is its
 * timer: the job claims due rows with a lease, fires them in a transaction
 * that records the verdict events and clears the lease, so each warning and
 * breach is recorded once even with several nodes or a crash in between. */
#include "base/common.h"

#include "app/internal.h"
#include "app/jobs.h"
#include "app/mail.h"
#include "app/sla.h"
#include "app/sla_env.h"
#include "base/log.h"
#include "core/escalation.h"

#define SLA_LEASE_MS 30000
#define SLA_CLAIM_BATCH 200

/* ---- feeding actions to the clocks ---- */

static op_rc verdict_events(struct store_tx *tx, const struct sla_state *s,
                            const struct sla_verdict *v, size_t n, op_time now, struct arena *a)
{
    if (!n)
        return OP_OK;
    struct event_list l;
    char t[24], e[24], p[24];
    event_list_init(&l, a, ENTITY_TICKET, s->ticket_id, now, 0, VIA_SYSTEM);
    for (size_t i = 0; i < n; i++) {
        op_rc rc = event_add(&l, v[i].kind, sla_metric_name(v[i].metric), id_str(v[i].target_ms, t),
                             id_str(v[i].elapsed_ms, e), s->policy_id ? id_str(s->policy_id, p) : "");
        if (rc)
            return rc;
    }
    /* the system's verdict is an action of its own: one actor per action */
    int64_t action = 0;
    return tx_append_events(tx, &l, &action);
}

op_rc sla_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                      const struct ticket *old, struct ticket *t, const struct event_list *l,
                      int64_t action_id, struct arena *a)
{
    op_time now = l && l->n ? l->at : app_now(app);
    UNUSED(action_id); /* verdicts are the system's own action */
    struct sla_ctx ctx;
    struct sla_state s;
    op_rc rc;
    bool fresh = false;

    sla_ctx_init(&ctx, app, a);
    if ((rc = tx->ops->sla->state_get(tx, t->id, &s)) == OP_ERR_NOTFOUND) {
        sla_init(&s, t->id);
        fresh = true;
    } else if (rc) {
        return rc;
    }
    op_time next_before = s.next_at;

    struct sla_env from, to;
    const struct sla_policy *p;
    if ((rc = sla_ctx_env(tx, &ctx, s.policy_id, &from)) || (rc = sla_ctx_match(tx, &ctx, t, &p)) ||
        (rc = sla_ctx_env(tx, &ctx, p ? p->id : 0, &to)))
        return rc;
    if (fresh || (p ? p->id : 0) != s.policy_id)
        sla_set_policy(&s, &from, &to, old ? old->status : t->status, now);

    struct sla_fact facts[SLA_FACTS_MAX];
    size_t nf;
    if (fresh && old) {
        /* a ticket from before SLA was measured: its clocks start now */
        facts[0] = (struct sla_fact){.kind = SF_CREATED, .at = now};
        facts[1] = (struct sla_fact){.kind = SF_STATUS, .at = now, .status = t->status};
        nf = 2;
    } else {
        nf = sla_facts(old, t, l, actor_is_staff(who), who->id == 0, facts);
    }
    struct sla_verdict v[SLA_VERDICTS_MAX];
    size_t nv = 0;
    for (size_t i = 0; i < nf; i++)
        sla_apply(&s, &to, &facts[i], v, &nv);
    sla_schedule(&s, &to);
    t->sla_due_at = s.due_at;
    t->sla_breached = s.breached;
    if ((rc = verdict_events(tx, &s, v, nv, now, a)) ||
        (rc = tx->ops->sla->state_put(tx, &s)))
        return rc;
    if (s.next_at && (!next_before || s.next_at < next_before))
        jobs_wake(app);
    return OP_OK;
}

/* ---- breach actions ---- */

static op_rc notify(struct app *app, struct store_tx *tx, int64_t user_id, const struct ticket *t,
                    const struct sla_verdict *v, op_time now, struct arena *a)
{
    static const enum msg_id metric_msg[SLA__METRICS] = {
        MSG_SLA_METRIC_FIRST_RESPONSE, MSG_SLA_METRIC_NEXT_RESPONSE, MSG_SLA_METRIC_RESOLUTION};
    struct user u;
    op_rc rc = tx->ops->user_get(tx, user_id, a, &u);
    if (rc == OP_ERR_NOTFOUND)
        return OP_OK;
    if (rc)
        return rc;
    if (!u.active || u.role == ROLE_CUSTOMER)
        return OP_OK;
    int lang = i18n_lang_parse(u.language);
    enum lang l = lang < 0 ? LANG_EN : (enum lang)lang;
    char id[24], text[512];
    const char *args[] = {id_str(t->id, id), i18n_text(l, metric_msg[v->metric])};
    i18n_format(l, v->kind == EV_SLA_BREACHED ? MSG_SLA_NOTIFY_BREACH : MSG_SLA_NOTIFY_WARNING,
                args, 2, text, sizeof(text));
    struct notification n = {.user_id = user_id, .ticket_id = t->id,
                             .kind = (char *)event_kind_name(v->kind), .text = text,
                             .created_at = now};
    op_rc rc2 = tx->ops->sla->notification_insert(tx, &n);
    /* and by mail, when mail is set up */
    return rc2 ? rc2 : mail_notify_staff(app, tx, t, user_id, text, a);
}

/* The leads of t's group; every active lead when the group has none. */
static op_rc leads_of(struct store_tx *tx, const struct ticket *t, struct arena *a,
                      struct id_list *out)
{
    op_rc rc;
    out->n = 0;
    out->v = NULL;
    if (t->group_id) {
        struct group g;
        if ((rc = tx->ops->group_get(tx, t->group_id, a, &g)))
            return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
        if (!(out->v = arena_alloc(a, (g.members.n + 1) * sizeof(int64_t))))
            return OP_ERR_NOMEM;
        for (size_t i = 0; i < g.members.n; i++) {
            struct user u;
            if ((rc = tx->ops->user_get(tx, g.members.v[i], a, &u)))
                return rc;
            if (u.role == ROLE_LEAD && u.active)
                out->v[out->n++] = u.id;
        }
        if (out->n)
            return OP_OK;
    }
    struct user_filter f = {.role_mask = 1u << ROLE_LEAD, .limit = 100};
    struct user *v;
    size_t n;
    if ((rc = tx->ops->user_list(tx, &f, a, &v, &n)))
        return rc;
    if (!(out->v = arena_alloc(a, (n + 1) * sizeof(int64_t))))
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (v[i].active)
            out->v[out->n++] = v[i].id;
    return OP_OK;
}

/* The group a breach escalates t to: the policy's group, or the first group
 * of its tier; 0 when t is there already or it would not go up a tier. */
static op_rc escalation_target(struct store_tx *tx, const struct sla_policy *p,
                               const struct ticket *t, struct arena *a, struct group *to,
                               bool *found)
{
    op_rc rc;
    *found = false;
    struct group from = {.tier = TIER_L1};
    if (t->group_id && (rc = tx->ops->group_get(tx, t->group_id, a, &from)))
        return rc;
    if (p->escalate_group_id) {
        rc = tx->ops->group_get(tx, p->escalate_group_id, a, to);
        if (rc == OP_ERR_NOTFOUND)
            return OP_OK;
        if (rc)
            return rc;
    } else {
        struct group *gs;
        size_t n;
        if ((rc = tx->ops->group_list(tx, a, &gs, &n)))
            return rc;
        size_t i;
        for (i = 0; i < n && (int)gs[i].tier != p->escalate_tier; i++)
            ;
        if (i == n)
            return OP_OK;
        *to = gs[i];
    }
    *found = to->id != t->group_id && (!t->group_id || to->tier > from.tier);
    return OP_OK;
}

static op_rc breach_actions(struct app *app, struct store_tx *tx, const struct sla_policy *p,
                            struct ticket *t, const struct sla_verdict *v, op_time now,
                            struct arena *a)
{
    static const enum msg_id metric_msg[SLA__METRICS] = {
        MSG_SLA_METRIC_FIRST_RESPONSE, MSG_SLA_METRIC_NEXT_RESPONSE, MSG_SLA_METRIC_RESOLUTION};
    op_rc rc;
    if ((p->actions & SLA_ACT_NOTIFY_ASSIGNEE) && t->assignee_id &&
        (rc = notify(app, tx, t->assignee_id, t, v, now, a)))
        return rc;
    if (p->actions & SLA_ACT_NOTIFY_LEAD) {
        struct id_list leads;
        if ((rc = leads_of(tx, t, a, &leads)))
            return rc;
        for (size_t i = 0; i < leads.n; i++)
            if (leads.v[i] != t->assignee_id || !(p->actions & SLA_ACT_NOTIFY_ASSIGNEE))
                if ((rc = notify(app, tx, leads.v[i], t, v, now, a)))
                    return rc;
    }
    if (!(p->actions & (SLA_ACT_ESCALATE | SLA_ACT_RAISE_PRIORITY)) ||
        t->status == STATUS_SOLVED || t->status == STATUS_CLOSED)
        return OP_OK;

    struct ticket_input in = {0};
    struct group to = {0}, from = {.tier = TIER_L1};
    bool escalate = false;
    if (p->actions & SLA_ACT_ESCALATE) {
        if ((rc = escalation_target(tx, p, t, a, &to, &escalate)))
            return rc;
        if (escalate && t->group_id && (rc = tx->ops->group_get(tx, t->group_id, a, &from)))
            return rc;
    }
    if (escalate) {
        in.set |= TF_GROUP | TF_ASSIGNEE;
        in.group_id = to.id;
        in.assignee_id = 0;
    }
    if ((p->actions & SLA_ACT_RAISE_PRIORITY) && t->priority < PRIO_URGENT) {
        in.set |= TF_PRIORITY;
        in.priority = t->priority + 1;
    }
    if (!in.set)
        return OP_OK;

    struct ticket old = *t, nt;
    struct op_err err = {0};
    if ((rc = ticket_apply(&old, &in, now, a, &nt, &err)))
        return rc;
    struct event_list l;
    int64_t action = 0;
    char step[16], reason[256];
    const char *args[] = {i18n_text(LANG_EN, metric_msg[v->metric])};
    i18n_format(LANG_EN, MSG_SLA_REASON_BREACH, args, 1, reason, sizeof(reason));
    event_list_init(&l, a, ENTITY_TICKET, t->id, now, 0, VIA_SYSTEM);
    if (escalate) {
        tier_step_name(old.group_id ? from.tier : TIER_L1, to.tier, step);
        if ((rc = event_add_ids(&l, EV_ESCALATED, step, old.group_id, to.id, reason)))
            return rc;
    }
    if ((rc = ticket_diff(&old, &nt, &l)) || (rc = tx->ops->ticket_update(tx, &nt)) ||
        (rc = tx_append_events(tx, &l, &action)))
        return rc;
    struct actor sys;
    actor_system(&sys, VIA_SYSTEM);
    if ((rc = ticket_after_write(app, tx, &sys, &old, &nt, &l, action, a)))
        return rc;
    *t = nt;
    return OP_OK;
}

/* ---- the timer job ---- */

/* Fires ticket_id's due timers if this node still holds its lease. */
static op_rc fire_one(struct app *app, struct store_tx *tx, struct sla_ctx *ctx, int64_t id,
                      op_time now, size_t *fired, struct arena *a)
{
    bool held;
    struct sla_state s;
    struct ticket t;
    op_rc rc;
    if ((rc = tx->ops->sla->state_lease_held(tx, id, app->node_id, now, &held)) || !held)
        return rc;
    if ((rc = tx->ops->sla->state_get(tx, id, &s)) || (rc = tx->ops->ticket_get(tx, id, a, &t)))
        return rc;
    struct sla_env env;
    if ((rc = sla_ctx_env(tx, ctx, s.policy_id, &env)))
        return rc;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    sla_schedule(&s, &env); /* the stored schedule may predate a calendar change */
    size_t n = sla_fire(&s, &env, now, v);
    if ((rc = verdict_events(tx, &s, v, n, now, a)) || (rc = tx->ops->sla->state_put(tx, &s)))
        return rc;
    *fired += n;
    if (!env.policy)
        return OP_OK;
    for (size_t i = 0; i < n; i++) {
        if (v[i].kind == EV_SLA_BREACHED) {
            rc = breach_actions(app, tx, env.policy, &t, &v[i], now, a);
        } else if (env.policy->actions & SLA_ACT_NOTIFY_ASSIGNEE && t.assignee_id) {
            rc = notify(app, tx, t.assignee_id, &t, &v[i], now, a); /* a warning goes to the assignee */
        }
        if (rc)
            return rc;
    }
    return OP_OK;
}

struct fire_job {
    struct app *app;
    op_time now;
    struct id_list ids;
    size_t fired;
    struct arena *a;
};

static op_rc claim_fn(struct store_tx *tx, void *arg)
{
    struct fire_job *j = arg;
    return tx->ops->sla->state_claim(tx, j->now, j->app->node_id, j->now + SLA_LEASE_MS,
                                     SLA_CLAIM_BATCH, j->a, &j->ids);
}

static op_rc fire_fn(struct store_tx *tx, void *arg)
{
    struct fire_job *j = arg;
    struct sla_ctx ctx;
    sla_ctx_init(&ctx, j->app, j->a);
    j->fired = 0;
    for (size_t i = 0; i < j->ids.n; i++) {
        op_rc rc = fire_one(j->app, tx, &ctx, j->ids.v[i], j->now, &j->fired, j->a);
        if (rc)
            return rc;
    }
    return OP_OK;
}

op_rc sla_fire_due(struct app *app, op_time now, size_t *fired)
{
    struct arena a;
    arena_init(&a, 0);
    op_rc rc = OP_OK;
    size_t total = 0;
    for (;;) {
        struct fire_job j = {.app = app, .now = now, .a = &a};
        if ((rc = app_run(app, false, claim_fn, &j)) || j.ids.n == 0)
            break;
        rc = app_run(app, false, fire_fn, &j);
        if (rc) {
            /* one bad ticket must not hold up the rest: one by one; a
             * failing one keeps its lease until it expires, and is retried */
            log_warn("msg=\"SLA timer batch failed, firing one by one\" rc=%s", op_rc_name(rc));
            struct id_list all = j.ids;
            for (size_t i = 0; i < all.n; i++) {
                struct fire_job one = {.app = app, .now = now, .a = &a,
                                       .ids = {.v = &all.v[i], .n = 1}};
                if ((rc = app_run(app, false, fire_fn, &one)))
                    log_error("msg=\"SLA timer failed\" ticket=%" PRId64 " rc=%s", all.v[i],
                              op_rc_name(rc));
                total += one.fired;
            }
            rc = OP_OK;
        } else {
            total += j.fired;
        }
        bool more = j.ids.n == SLA_CLAIM_BATCH;
        arena_release(&a);
        if (!more)
            break;
    }
    arena_release(&a);
    if (fired)
        *fired = total;
    return rc;
}

struct next_job {
    op_time next;
    struct id_list pending; /* calendars with an interrupted recompute */
    struct arena *a;
};

static op_rc next_fn(struct store_tx *tx, void *arg)
{
    struct next_job *j = arg;
    struct calendar_row *cals;
    size_t n;
    op_rc rc;
    if ((rc = tx->ops->sla->state_next_at(tx, &j->next)) ||
        (rc = tx->ops->sla->calendar_list(tx, j->a, &cals, &n)))
        return rc;
    if (!(j->pending.v = arena_alloc(j->a, (n + 1) * sizeof(int64_t))))
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (cals[i].recompute_after >= 0)
            j->pending.v[j->pending.n++] = cals[i].id;
    return OP_OK;
}

op_rc sla_job(struct app *app, op_time now, op_time *next_at)
{
    op_rc rc = sla_fire_due(app, now, NULL);
    if (rc)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct next_job j = {.a = &a};
    rc = app_run(app, true, next_fn, &j);
    for (size_t i = 0; !rc && i < j.pending.n; i++) {
        /* a recompute that another node or a crash left half done */
        bool got = false;
        rc = app_lease(app, "sla-recompute", SLA_LEASE_MS * 10, &got);
        if (!rc && got)
            rc = app_sla_recompute(app, j.pending.v[i], NULL);
    }
    arena_release(&a);
    /* wake at the next timer; a node that adds an earlier one wakes us */
    *next_at = j.next && j.next > now ? j.next : 0;
    return rc;
}
