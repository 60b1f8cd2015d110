/* routing.c - automatic assignment inside a group, and the reassignment of
 * tickets whose assignee has not replied in time (app/team.h). */
#include "base/common.h"

#include "app/internal.h"
#include "app/team.h"
#include "base/log.h"

#define ROUTING_CAP_MAX 1000
#define REASSIGN_MAX_MIN 10080 /* a week */
#define REASSIGN_BATCH 100
#define REASSIGN_LEASE_MS 60000

/* ---- settings ---- */

struct routing_job {
    struct app *app;
    const struct actor *who;
    int64_t group_id;
    const struct routing_input *in;
    struct routing_settings *out;
    struct op_err *err;
};

static op_rc routing_get_fn(struct store_tx *tx, void *arg)
{
    struct routing_job *j = arg;
    struct arena a = ARENA_INIT(0);
    op_rc rc = tx_check_group(tx, j->group_id, "group_id", &a, NULL, j->err);
    arena_release(&a);
    if (rc == OP_ERR_INVALID) /* in the path: not found */
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_GROUP_NOT_FOUND, j->err->arg[0]);
    return rc ? rc : tx->ops->team->routing_get(tx, j->group_id, j->out);
}

op_rc app_routing_get(struct app *app, const struct actor *who, int64_t group_id,
                      struct routing_settings *out, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct routing_job j = {app, who, group_id, NULL, out, err};
    return app_run(app, true, routing_get_fn, &j);
}

static op_rc routing_put_fn(struct store_tx *tx, void *arg)
{
    struct routing_job *j = arg;
    const struct routing_input *in = j->in;
    op_rc rc = routing_get_fn(tx, j);
    if (rc)
        return rc;
    struct routing_settings s = *j->out;
    if (in->set & RTF_MODE)
        s.mode = in->mode;
    if (in->set & RTF_CAP)
        s.cap = in->cap;
    if (in->set & RTF_REASSIGN)
        s.reassign_after_min = in->reassign_after_min;
    if (in->set & RTF_LANG)
        s.lang_rule = in->lang_rule;
    if (s.cap < 0 || s.cap > ROUTING_CAP_MAX)
        return op_fail(j->err, OP_ERR_INVALID, "cap", MSG_ERR_RANGE, "0", "1000");
    if (s.reassign_after_min < 0 || s.reassign_after_min > REASSIGN_MAX_MIN)
        return op_fail(j->err, OP_ERR_INVALID, "reassign_after_min", MSG_ERR_RANGE, "0", "10080");
    s.updated_at = app_now(j->app);
    if ((rc = tx->ops->team->routing_put(tx, &s)))
        return rc;
    /* on the group's record in the log, by who changed it */
    struct routing_settings was = *j->out;
    struct arena a = ARENA_INIT(0);
    struct event_list l;
    char x[24], y[24];
    int64_t action = 0;
    event_list_init(&l, &a, ENTITY_GROUP, j->group_id, s.updated_at, j->who->id, j->who->via);
    if (!(rc = event_add_if_changed(&l, "routing.mode", routing_mode_name(was.mode),
                                    routing_mode_name(s.mode))) &&
        !(rc = event_add_if_changed(&l, "routing.cap", id_str(was.cap, x), id_str(s.cap, y))) &&
        !(rc = event_add_if_changed(&l, "routing.reassign_after_min",
                                    id_str(was.reassign_after_min, x),
                                    id_str(s.reassign_after_min, y))) &&
        !(rc = event_add_if_changed(&l, "routing.language", routing_lang_name(was.lang_rule),
                                    routing_lang_name(s.lang_rule))) &&
        l.n)
        rc = tx_append_events(tx, &l, &action);
    arena_release(&a);
    if (rc)
        return rc;
    *j->out = s;
    return OP_OK;
}

op_rc app_routing_put(struct app *app, const struct actor *who, int64_t group_id,
                      const struct routing_input *in, struct routing_settings *out,
                      struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    struct routing_job j = {app, who, group_id, in, out, err};
    return app_run(app, false, routing_put_fn, &j);
}

/* ---- choosing ---- */

/* The agent routing must pass over while a reassign check re-routes a
 * ticket through ticket_after_write (which cannot carry it): set and
 * cleared around that call, on the thread that runs the transaction. */
static _Thread_local int64_t routing_except;

/* The customer's language for routing: the requester's (users.language);
 * "" when unknown. */
static const char *ticket_language(struct store_tx *tx, const struct ticket *t, struct arena *a)
{
    struct user u;
    if (!t->requester_id || tx->ops->user_get(tx, t->requester_id, a, &u) != OP_OK)
        return "";
    return u.language ? u.language : "";
}

/* Gives t (unassigned, open, in a routed group) to the agent the rules
 * choose, other than `except` (0: none), as the system in action *action_id
 * (0: a new action, set here); why goes into the event's data. Leaves t as
 * it is when nobody may take it. */
static op_rc route_ticket(struct app *app, struct store_tx *tx, struct ticket *t,
                          const struct routing_settings *rs, int64_t except, const char *why,
                          int64_t *action_id, struct arena *a)
{
    op_time now = app_now(app);
    struct route_candidate *c;
    size_t n;
    op_rc rc = tx->ops->team->routing_candidates(tx, t->group_id, now, a, &c, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (c[i].agent_id == except)
            c[i].online = false; /* it is their ticket that went unanswered */
    const char *lang = rs->lang_rule != RLANG_IGNORE ? ticket_language(tx, t, a) : "";
    int64_t pick = route_pick(rs->mode, rs->lang_rule, lang, rs->cap, rs->rr_last_agent_id, c, n);
    if (!pick)
        return OP_OK;

    struct ticket_input in = {.set = TF_ASSIGNEE, .assignee_id = pick};
    struct ticket nt;
    struct op_err err = {0};
    if ((rc = ticket_apply(t, &in, now, a, &nt, &err)))
        return rc == OP_ERR_INVALID ? OP_ERR_IO : rc; /* our own input: a bug, not the caller's */
    struct event_list l;
    event_list_init(&l, a, ENTITY_TICKET, t->id, now, 0, VIA_SYSTEM);
    if ((rc = ticket_diff(t, &nt, &l)))
        return rc;
    for (size_t i = 0; i < l.n; i++)
        if (!strcmp(l.v[i].field, "assignee_id"))
            l.v[i].data = (char *)why;
    if ((rc = tx->ops->ticket_update(tx, &nt)) || (rc = tx_append_events(tx, &l, action_id)) ||
        (rc = tx->ops->team->routing_picked(tx, t->group_id, pick, now)))
        return rc;
    *t = nt;
    return OP_OK;
}

op_rc routing_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                          const struct ticket *old, struct ticket *t, int64_t action_id,
                          struct arena *a)
{
    UNUSED(who);
    const struct store_team_ops *team = tx->ops->team;
    bool open = t->status < STATUS_SOLVED && !t->merged_into;
    bool had = old && old->assignee_id && old->status < STATUS_SOLVED;
    op_rc rc;
    if (!open || !t->group_id) {
        /* nothing to route; a check on a ticket that was assigned goes */
        return had ? team->reassign_cancel(tx, t->id) : OP_OK;
    }
    struct routing_settings rs;
    if ((rc = team->routing_get(tx, t->group_id, &rs)))
        return rc;
    if (!t->assignee_id && rs.mode != ROUTING_OFF) {
        /* the router's assignment is the system's own action (one actor
         * per action): it does not join the action that triggered it */
        const char *why = routing_mode_name(rs.mode);
        int64_t own = 0;
        (void)action_id;
        if ((rc = route_ticket(app, tx, t, &rs, routing_except, why, &own, a)))
            return rc;
    }
    bool newly = t->assignee_id && (!old || old->assignee_id != t->assignee_id ||
                                    old->group_id != t->group_id || old->status >= STATUS_SOLVED);
    if (newly && rs.reassign_after_min > 0) {
        op_time now = app_now(app);
        return team->reassign_add(tx, t->id, t->assignee_id, now,
                                  now + rs.reassign_after_min * TEAM_MIN_MS);
    }
    if ((newly || !t->assignee_id) && had)
        return team->reassign_cancel(tx, t->id);
    return OP_OK;
}

/* ---- reassigning ---- */

struct fire_job {
    struct app *app;
    const struct reassign_check *c;
    op_time now;
    bool reassigned;
};

static op_rc fire_fn(struct store_tx *tx, void *arg)
{
    struct fire_job *j = arg;
    const struct reassign_check *c = j->c;
    struct arena a = ARENA_INIT(0);
    struct ticket old, t;
    struct routing_settings rs;
    bool replied = true;
    op_rc rc = tx->ops->team->reassign_fire(tx, c->id, j->app->node_id, j->now);
    if (rc)
        goto end; /* NOTFOUND: another node fired it */
    rc = tx->ops->ticket_get(tx, c->ticket_id, &a, &old);
    if (rc == OP_ERR_NOTFOUND) {
        rc = OP_OK;
        goto end;
    }
    if (rc || old.assignee_id != c->assignee_id || old.status >= STATUS_SOLVED ||
        old.merged_into || !old.group_id)
        goto end;
    if ((rc = tx->ops->team->routing_get(tx, old.group_id, &rs)) || rs.reassign_after_min <= 0)
        goto end;
    if ((rc = tx->ops->team->public_reply_since(tx, old.id, c->assignee_id, c->assigned_at,
                                                &replied)) ||
        replied)
        goto end;

    /* unassign; routing then passes over the agent who did not answer */
    struct ticket_input in = {.set = TF_ASSIGNEE, .assignee_id = 0};
    struct op_err err = {0};
    if ((rc = ticket_apply(&old, &in, j->now, &a, &t, &err)))
        goto end;
    struct event_list l;
    event_list_init(&l, &a, ENTITY_TICKET, old.id, j->now, 0, VIA_SYSTEM);
    char *why = arena_printf(&a, "no reply in %d min", rs.reassign_after_min);
    if (!why) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    if ((rc = event_add_ids(&l, EV_CHANGED, "assignee_id", old.assignee_id, 0, why)))
        goto end;
    int64_t action = 0;
    if ((rc = tx->ops->ticket_update(tx, &t)) || (rc = tx_append_events(tx, &l, &action)))
        goto end;
    struct actor sys;
    actor_system(&sys, VIA_SYSTEM);
    /* the subsystems see the action: routing gives the ticket to someone
     * else (and records their check), the SLA clocks follow */
    routing_except = c->assignee_id;
    rc = ticket_after_write(j->app, tx, &sys, &old, &t, &l, action, &a);
    routing_except = 0;
    if (rc)
        goto end;
    j->reassigned = true;
end:
    arena_release(&a);
    return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
}

struct claim_job {
    struct app *app;
    op_time now;
    struct arena *a;
    struct reassign_check *v;
    size_t n;
};

static op_rc claim_fn(struct store_tx *tx, void *arg)
{
    struct claim_job *j = arg;
    return tx->ops->team->reassign_claim(tx, j->app->node_id, j->now, j->now + REASSIGN_LEASE_MS,
                                         REASSIGN_BATCH, j->a, &j->v, &j->n);
}

op_rc routing_reassign_due(struct app *app, op_time now)
{
    struct arena a = ARENA_INIT(0);
    struct claim_job cj = {app, now, &a, NULL, 0};
    op_rc rc = app_run(app, false, claim_fn, &cj);
    /* each check in its own transaction: one that fails is retried when its
     * lease runs out, and does not hold back the others */
    for (size_t i = 0; !rc && i < cj.n; i++) {
        struct fire_job fj = {app, &cj.v[i], now, false};
        op_rc frc = app_run(app, false, fire_fn, &fj);
        if (frc)
            log_error("msg=\"reassign check failed\" check=%" PRId64 " ticket=%" PRId64 " rc=%s",
                      cj.v[i].id, cj.v[i].ticket_id, op_rc_name(frc));
        else if (fj.reassigned)
            log_info("msg=\"ticket reassigned: no reply\" ticket=%" PRId64 " from=%" PRId64,
                     cj.v[i].ticket_id, cj.v[i].assignee_id);
    }
    arena_release(&a);
    return rc;
}

/* ---- the waiting queue ---- */

#define DRAIN_BATCH 50

struct drain_job {
    struct app *app;
    op_time now;
    size_t routed;
};

/* Routes the unassigned open tickets of every routed group, most urgent and
 * oldest first, to whoever may take them now: tickets that came in while
 * nobody was on shift, online and under the cap get an agent as soon as one
 * is. Stops at a group's first ticket nobody may take. */
static op_rc drain_fn(struct store_tx *tx, void *arg)
{
    struct drain_job *j = arg;
    struct arena a = ARENA_INIT(0);
    struct group *gs;
    size_t ng;
    op_rc rc = tx->ops->group_list(tx, &a, &gs, &ng);
    for (size_t g = 0; !rc && g < ng; g++) {
        struct routing_settings rs;
        if ((rc = tx->ops->team->routing_get(tx, gs[g].id, &rs)) || rs.mode == ROUTING_OFF)
            continue;
        struct ticket_filter f = {
            .status_mask = (1u << STATUS_NEW) | (1u << STATUS_OPEN) | (1u << STATUS_PENDING) |
                           (1u << STATUS_ON_HOLD),
            .group_id = gs[g].id, .assignee_id = ID_NONE, .sort = SORT_PRIORITY,
            .limit = DRAIN_BATCH};
        struct ticket_scope all = {.all = true};
        struct ticket_page page;
        if ((rc = tx->ops->ticket_list(tx, &f, &all, &a, &page)))
            break;
        for (size_t i = 0; !rc && i < page.n; i++) {
            struct ticket old = page.v[i], t = page.v[i];
            int64_t action = 0, passed = 0;
            if ((rc = tx->ops->team->reassign_passed_over(tx, t.id, &passed)) ||
                (rc = route_ticket(j->app, tx, &t, &rs, passed, "queue", &action, &a)))
                break;
            if (!t.assignee_id && !passed)
                break; /* nobody may take one now: the rest wait too */
            if (!t.assignee_id)
                continue; /* only the agent who let it wait could: the next one */
            /* the other subsystems see the assignment (notifications, the
             * reassign check); its events are already in the log */
            struct actor sys;
            struct event_list none;
            actor_system(&sys, VIA_SYSTEM);
            event_list_init(&none, &a, ENTITY_TICKET, t.id, j->now, 0, VIA_SYSTEM);
            if ((rc = ticket_after_write(j->app, tx, &sys, &old, &t, &none, action, &a)))
                break;
            j->routed++;
            /* the routing settings moved on (round-robin pointer) */
            if ((rc = tx->ops->team->routing_get(tx, gs[g].id, &rs)))
                break;
        }
    }
    arena_release(&a);
    return rc;
}

op_rc routing_drain(struct app *app, op_time now, size_t *routed)
{
    struct drain_job j = {app, now, 0};
    op_rc rc = app_run(app, false, drain_fn, &j);
    if (!rc && j.routed)
        log_info("msg=\"queue routed\" tickets=%zu", j.routed);
    if (routed)
        *routed = j.routed;
    return rc;
}
