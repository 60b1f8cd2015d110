/* ticket_actions.c - what agents do to tickets beyond editing them:
 * links, merges, escalation and hand-back. */
#include "base/common.h"

#include "app/internal.h"
#include "core/escalation.h"

/* A referenced ticket that is missing (or hidden) is a fault of that input
 * field, not a missing resource: 422 naming the field, same message. */
static op_rc as_field_error(struct op_err *err, const char *field)
{
    err->rc = OP_ERR_INVALID;
    snprintf(err->field, sizeof(err->field), "%s", field);
    return OP_ERR_INVALID;
}

/* ---- links ---- */

static const char *const link_view_names[LV__COUNT] = {"related", "parent_of", "child_of",
                                                        "duplicate_of", "duplicated_by"};

const char *link_view_name(enum link_view v)
{
    return (unsigned)v < LV__COUNT ? link_view_names[v] : "unknown";
}

int link_view_parse(const char *s)
{
    for (int i = 0; s && i < LV__COUNT; i++)
        if (strcmp(s, link_view_names[i]) == 0)
            return i;
    return -1;
}

const char *link_view_names_list(void)
{
    return "related, parent_of, child_of, duplicate_of, duplicated_by";
}

enum link_view link_view_of(const struct link *l, int64_t ticket_id)
{
    bool a = l->a_id == ticket_id;
    switch (l->kind) {
    case LINK_PARENT: return a ? LV_PARENT_OF : LV_CHILD_OF;
    case LINK_DUPLICATE: return a ? LV_DUPLICATE_OF : LV_DUPLICATED_BY;
    default: return LV_RELATED;
    }
}

/* Whether `ancestor` is reachable from `t` by walking up parent links. */
static op_rc is_ancestor(struct store_tx *tx, int64_t t, int64_t ancestor, struct arena *a,
                         bool *out)
{
    *out = false;
    int64_t cur = t;
    for (int depth = 0; depth < 256 && cur; depth++) {
        struct link *ls;
        size_t n;
        op_rc rc = tx->ops->link_list(tx, cur, a, &ls, &n);
        if (rc)
            return rc;
        int64_t parent = 0;
        for (size_t i = 0; i < n; i++)
            if (ls[i].kind == LINK_PARENT && ls[i].b_id == cur)
                parent = ls[i].a_id;
        if (parent == ancestor) {
            *out = true;
            return OP_OK;
        }
        cur = parent;
    }
    return OP_OK;
}

struct link_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id, other_id, link_id;
    enum link_view kind;
    struct arena *a;
    struct link *out;
    struct link **list;
    size_t *n;
    struct op_err *err;
};

static op_rc link_events(struct store_tx *tx, struct link_job *j, const struct link *l,
                         enum event_kind kind)
{
    op_time now = app_now(j->app);
    int64_t action = 0;
    op_rc rc;
    int64_t ids[2] = {l->a_id, l->b_id};
    for (int i = 0; i < 2; i++) {
        int64_t self = ids[i], other = ids[1 - i];
        struct event_list ev;
        event_list_init(&ev, j->a, ENTITY_TICKET, self, now, j->who->id, j->who->via);
        const char *view = link_view_name(link_view_of(l, self));
        if (kind == EV_LINKED)
            rc = event_add_ids(&ev, kind, view, 0, other, NULL);
        else
            rc = event_add_ids(&ev, kind, view, other, 0, NULL);
        if (rc || (rc = tx_append_events(tx, &ev, &action)))
            return rc;
    }
    return OP_OK;
}

static op_rc link_add_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    struct ticket t, o;
    op_rc rc;
    /* visibility first: a ticket the caller may not see does not exist for them */
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err)))
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if (j->other_id == j->ticket_id)
        return op_fail(j->err, OP_ERR_INVALID, "ticket_id", MSG_ERR_LINK_SELF);
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->other_id, j->a, &o, j->err)))
        return rc == OP_ERR_NOTFOUND ? as_field_error(j->err, "ticket_id") : rc;
    struct link l = {.creator_id = j->who->id, .created_at = app_now(j->app)};
    switch (j->kind) {
    case LV_PARENT_OF: l.kind = LINK_PARENT, l.a_id = t.id, l.b_id = o.id; break;
    case LV_CHILD_OF: l.kind = LINK_PARENT, l.a_id = o.id, l.b_id = t.id; break;
    case LV_DUPLICATE_OF: l.kind = LINK_DUPLICATE, l.a_id = t.id, l.b_id = o.id; break;
    case LV_DUPLICATED_BY: l.kind = LINK_DUPLICATE, l.a_id = o.id, l.b_id = t.id; break;
    default: /* related is symmetric: stored with the smaller id first */
        l.kind = LINK_RELATED, l.a_id = MIN(t.id, o.id), l.b_id = MAX(t.id, o.id);
    }
    if (l.kind == LINK_PARENT) {
        bool cycle;
        if ((rc = is_ancestor(tx, l.a_id, l.b_id, j->a, &cycle)))
            return rc;
        if (cycle)
            return op_fail(j->err, OP_ERR_CONFLICT, "kind", MSG_ERR_LINK_CYCLE);
        /* a child has one parent */
        struct link *ls;
        size_t n;
        if ((rc = tx->ops->link_list(tx, l.b_id, j->a, &ls, &n)))
            return rc;
        for (size_t i = 0; i < n; i++)
            if (ls[i].kind == LINK_PARENT && ls[i].b_id == l.b_id)
                return op_fail(j->err, OP_ERR_CONFLICT, "kind", MSG_ERR_LINK_ONE_PARENT);
    }
    rc = tx->ops->link_insert(tx, &l);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_LINK_EXISTS);
    if (rc || (rc = link_events(tx, j, &l, EV_LINKED)))
        return rc;
    *j->out = l;
    return OP_OK;
}

op_rc app_link_add(struct app *app, const struct actor *who, int64_t ticket_id,
                   enum link_view kind, int64_t other_id, struct arena *a, struct link *out,
                   struct op_err *err)
{
    if ((unsigned)kind >= LV__COUNT)
        return op_fail(err, OP_ERR_INVALID, "kind", MSG_ERR_ENUM, "?", link_view_names_list());
    struct link_job j = {app, who, ticket_id, other_id, 0, kind, a, out, NULL, NULL, err};
    return app_run(app, false, link_add_fn, &j);
}

static op_rc link_remove_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    struct ticket t;
    struct link l;
    char b[24];
    op_rc rc;
    /* visibility first: a ticket the caller may not see does not exist for them */
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err)))
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    rc = tx->ops->link_get(tx, j->link_id, &l);
    if (rc == OP_ERR_NOTFOUND || (!rc && l.a_id != t.id && l.b_id != t.id))
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_LINK_NOT_FOUND,
                       id_str(j->link_id, b));
    if (rc || (rc = tx->ops->link_delete(tx, l.id)))
        return rc;
    return link_events(tx, j, &l, EV_UNLINKED);
}

op_rc app_link_remove(struct app *app, const struct actor *who, int64_t ticket_id,
                      int64_t link_id, struct op_err *err)
{
    struct link_job j = {app, who, ticket_id, 0, link_id, LV_RELATED, NULL, NULL, NULL, NULL, err};
    struct arena a = ARENA_INIT(1 << 20);
    j.a = &a;
    op_rc rc = app_run(app, false, link_remove_fn, &j);
    arena_release(&a);
    return rc;
}

static op_rc link_list_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    struct ticket t;
    op_rc rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err);
    if (rc)
        return rc;
    return tx->ops->link_list(tx, j->ticket_id, j->a, j->list, j->n);
}

op_rc app_link_list(struct app *app, const struct actor *who, int64_t ticket_id,
                    struct arena *a, struct link **out, size_t *n, struct op_err *err)
{
    struct link_job j = {app, who, ticket_id, 0, 0, LV_RELATED, a, NULL, out, n, err};
    return app_run(app, true, link_list_fn, &j);
}

/* ---- merge ---- */

struct merge_job {
    struct app *app;
    const struct actor *who;
    int64_t target_id;
    const struct id_list *sources;
    struct arena *a;
    struct ticket *out;
    struct op_err *err;
};

/* Moves one source into the target (both loaded and checked). */
static op_rc merge_one(struct store_tx *tx, struct merge_job *j, struct ticket *target,
                       const struct ticket *src, int64_t *action)
{
    struct arena *a = j->a;
    const struct actor *who = j->who;
    op_time now = app_now(j->app);
    char b[24], cnt[24];
    op_rc rc;
    int64_t moved = 0;

    /* the conversation: the source's opening message, then its comments */
    if (src->description[0]) {
        struct comment c = {.ticket_id = target->id, .author_id = src->requester_id,
                            .public = true, .body = src->description,
                            .via = via_of_channel(src->channel), .origin_ticket_id = src->id,
                            .created_at = src->created_at};
        if ((rc = tx->ops->comment_insert(tx, &c)))
            return rc;
        moved++;
    }
    int64_t n;
    if ((rc = tx->ops->comment_move(tx, src->id, target->id, &n)))
        return rc;
    moved += n;

    struct event_list tl, sl;
    event_list_init(&tl, a, ENTITY_TICKET, target->id, now, who->id, who->via);
    event_list_init(&sl, a, ENTITY_TICKET, src->id, now, who->id, who->via);
    snprintf(cnt, sizeof(cnt), "%" PRId64, moved);
    if ((rc = event_add(&tl, EV_MERGED_FROM, "", "", id_str(src->id, b), cnt)))
        return rc;

    /* the requesters */
    size_t nreq = src->requesters.n + 1;
    for (size_t i = 0; i < nreq; i++) {
        int64_t u = i == 0 ? src->requester_id : src->requesters.v[i - 1];
        if (u == target->requester_id || id_list_has(&target->requesters, u))
            continue;
        if ((rc = tx->ops->ticket_add_requester(tx, target->id, u)) ||
            (rc = event_add_ids(&tl, EV_REQUESTER_ADDED, "", 0, u, NULL)))
            return rc;
        int64_t *v = arena_alloc(a, (target->requesters.n + 1) * sizeof(int64_t));
        if (!v)
            return OP_ERR_NOMEM;
        if (target->requesters.n)
            memcpy(v, target->requesters.v, target->requesters.n * sizeof(int64_t));
        v[target->requesters.n++] = u;
        target->requesters.v = v;
    }

    /* the source closes, pointing at the target */
    struct ticket closed = *src;
    closed.merged_into = target->id;
    ticket_set_status(&closed, STATUS_CLOSED, now);
    closed.updated_at = now;
    if ((rc = event_add(&sl, EV_MERGED_INTO, "", "", id_str(target->id, b), cnt)) ||
        (rc = ticket_diff(src, &closed, &sl)) || (rc = tx->ops->ticket_update(tx, &closed)))
        return rc;
    if ((rc = tx_append_events(tx, &tl, action)) || (rc = tx_append_events(tx, &sl, action)) ||
        (rc = ticket_after_write(j->app, tx, who, src, &closed, &sl, *action, a)))
        return rc;
    return OP_OK;
}

static op_rc merge_fn(struct store_tx *tx, void *arg)
{
    struct merge_job *j = arg;
    struct ticket target;
    char b[24];
    op_rc rc;
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->target_id, j->a, &target, j->err)))
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if (j->sources->n == 0)
        return op_fail(j->err, OP_ERR_INVALID, "source_ids", MSG_ERR_EMPTY);
    if (j->sources->n > 100)
        return op_fail(j->err, OP_ERR_INVALID, "source_ids", MSG_ERR_TOO_MANY, "100");
    if (target.status == STATUS_CLOSED)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_MERGE_CLOSED,
                       id_str(target.id, b));
    int64_t action = 0;
    for (size_t i = 0; i < j->sources->n; i++) {
        int64_t sid = j->sources->v[i];
        struct ticket src;
        if (sid == target.id)
            return op_fail(j->err, OP_ERR_INVALID, "source_ids", MSG_ERR_MERGE_SELF);
        if ((rc = tx_visible_ticket(tx, j->app, j->who, sid, j->a, &src, j->err)))
            return rc == OP_ERR_NOTFOUND ? as_field_error(j->err, "source_ids") : rc;
        if (src.status == STATUS_CLOSED) /* also catches a source listed twice */
            return op_fail(j->err, OP_ERR_CONFLICT, "source_ids", MSG_ERR_MERGE_CLOSED,
                           id_str(sid, b));
        if ((rc = merge_one(tx, j, &target, &src, &action)))
            return rc;
    }
    struct ticket before = target;
    target.updated_at = app_now(j->app);
    struct event_list none;
    event_list_init(&none, j->a, ENTITY_TICKET, target.id, target.updated_at, j->who->id,
                    j->who->via);
    if ((rc = tx->ops->ticket_update(tx, &target)) ||
        (rc = ticket_after_write(j->app, tx, j->who, &before, &target, &none, action, j->a)))
        return rc;
    *j->out = target;
    return OP_OK;
}

op_rc app_ticket_merge(struct app *app, const struct actor *who, int64_t target_id,
                       const struct id_list *source_ids, struct arena *a, struct ticket *out,
                       struct op_err *err)
{
    struct merge_job j = {app, who, target_id, source_ids, a, out, err};
    return app_run(app, false, merge_fn, &j);
}

/* ---- escalation and hand-back ---- */

struct tier_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id, group_id, assignee_id;
    const char *reason;
    bool back;
    struct arena *a;
    struct ticket *out;
    struct op_err *err;
};

static op_rc tier_fn(struct store_tx *tx, void *arg)
{
    struct tier_job *j = arg;
    struct arena *a = j->a;
    struct ticket old, t;
    struct group from = {0}, to;
    op_time now = app_now(j->app);
    char step[16];
    op_rc rc;

    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, a, &old, j->err)))
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if (old.status == STATUS_CLOSED)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_TICKET_CLOSED);
    if (old.group_id && (rc = tx->ops->group_get(tx, old.group_id, a, &from)))
        return rc;

    int64_t group_id = j->group_id, assignee_id = j->assignee_id;
    if (j->back && !group_id) {
        struct event *ev;
        size_t n;
        if ((rc = tx->ops->event_list(tx, ENTITY_TICKET, old.id, 0, 100000, a, &ev, &n)))
            return rc;
        if (!handback_target(ev, n, &group_id, &assignee_id) || !group_id)
            return op_fail(j->err, OP_ERR_CONFLICT, "group_id", MSG_ERR_NOT_ESCALATED);
        /* the agent who had it takes it back if they still can */
        if (assignee_id && tx_check_assignee(tx, assignee_id, group_id, "assignee_id", a, NULL))
            assignee_id = 0;
    }
    if ((rc = tx_check_group(tx, group_id, "group_id", a, &to, j->err)))
        return rc;
    if (j->back) {
        if (!old.group_id)
            return op_fail(j->err, OP_ERR_CONFLICT, "group_id", MSG_ERR_NOT_ESCALATED);
        rc = handback_check(from.tier, to.tier, j->reason, j->err);
    } else {
        rc = escalation_check(old.group_id != 0, from.tier, to.tier, j->reason, j->err);
    }
    if (rc)
        return rc;

    struct ticket_input in = {.set = TF_GROUP | TF_ASSIGNEE, .group_id = to.id,
                              .assignee_id = assignee_id};
    if ((rc = ticket_apply(&old, &in, now, a, &t, j->err)))
        return rc;
    if (assignee_id && (rc = tx_check_assignee(tx, assignee_id, to.id, "assignee_id", a, j->err)))
        return rc;

    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, a, ENTITY_TICKET, old.id, now, j->who->id, j->who->via);
    tier_step_name(old.group_id ? from.tier : TIER_L1, to.tier, step);
    if ((rc = event_add_ids(&l, j->back ? EV_HANDED_BACK : EV_ESCALATED, step, old.group_id,
                            to.id, j->reason)) ||
        (rc = ticket_diff(&old, &t, &l)) || (rc = tx->ops->ticket_update(tx, &t)) ||
        (rc = tx_append_events(tx, &l, &action)) ||
        (rc = ticket_after_write(j->app, tx, j->who, &old, &t, &l, action, a)))
        return rc;
    *j->out = t;
    return OP_OK;
}

op_rc app_ticket_escalate(struct app *app, const struct actor *who, int64_t ticket_id,
                          int64_t group_id, int64_t assignee_id, const char *reason,
                          struct arena *a, struct ticket *out, struct op_err *err)
{
    if (group_id <= 0)
        return op_fail(err, OP_ERR_INVALID, "group_id", MSG_ERR_REQUIRED);
    struct tier_job j = {app, who, ticket_id, group_id, assignee_id, reason, false, a, out, err};
    return app_run(app, false, tier_fn, &j);
}

op_rc app_ticket_handback(struct app *app, const struct actor *who, int64_t ticket_id,
                          int64_t group_id, const char *reason, struct arena *a,
                          struct ticket *out, struct op_err *err)
{
    struct tier_job j = {app, who, ticket_id, group_id, 0, reason, true, a, out, err};
    return app_run(app, false, tier_fn, &j);
}
