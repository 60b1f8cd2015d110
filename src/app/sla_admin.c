/* sla_admin.c - calendars and SLA policies (admins write, staff read), a
 * ticket's SLA as the API shows it, notifications, and moving due times when
 * a calendar changes. */
#include "base/common.h"

#include "app/internal.h"
#include "app/jobs.h"
#include "app/sla.h"
#include "app/sla_env.h"
#include "base/log.h"
#include "base/tz.h"
#include "core/validate.h"

#define RECOMPUTE_CHUNK 20000

/* ---- calendars ---- */

static int exc_cmp(const void *x, const void *y)
{
    const struct cal_exception *a = x, *b = y;
    return (a->date > b->date) - (a->date < b->date);
}

/* Applies in onto c (exceptions copied into a), and checks the result. */
static op_rc calendar_merge(const struct calendar_input *in, struct calendar_row *c,
                            struct arena *a, struct op_err *err)
{
    op_rc rc;
    if (in->set & CF_NAME)
        c->name = (char *)in->name;
    if (in->set & CF_TIME_ZONE)
        c->time_zone = (char *)in->time_zone;
    if (in->set & CF_ALWAYS)
        c->always = in->always;
    if (in->set & CF_WEEK)
        memcpy(c->week, in->week, sizeof(c->week));
    if (in->set & CF_EXCEPTIONS) {
        char max[16];
        snprintf(max, sizeof(max), "%d", CAL_EXCEPTIONS_MAX);
        if (in->n_exc > CAL_EXCEPTIONS_MAX)
            return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_TOO_MANY, max);
        struct cal_exception *v = arena_alloc(a, (in->n_exc + 1) * sizeof(*v));
        if (!v)
            return OP_ERR_NOMEM;
        if (in->n_exc)
            memcpy(v, in->exc, in->n_exc * sizeof(*v));
        qsort(v, in->n_exc, sizeof(*v), exc_cmp);
        for (size_t i = 1; i < in->n_exc; i++)
            if (v[i].date == v[i - 1].date)
                return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_CALENDAR_EXCEPTIONS);
        c->exc = v;
        c->n_exc = in->n_exc;
    }
    if ((rc = check_text("name", c->name, LIMIT_NAME, TEXT_LINE, false, err)))
        return rc;
    const struct tz *z;
    if ((rc = check_text("time_zone", c->time_zone, LIMIT_TIME_ZONE, TEXT_LINE, false, err)))
        return rc;
    if (tz_load(c->time_zone, &z))
        return op_fail(err, OP_ERR_INVALID, "time_zone", MSG_ERR_TIME_ZONE, c->time_zone);
    for (size_t i = 0; i < c->n_exc; i++)
        if ((rc = check_text("exceptions.name", c->exc[i].name, LIMIT_NAME, TEXT_LINE, true,
                             err)))
            return rc;
    struct calendar cal;
    sla_calendar_of_row(c, &cal);
    if ((rc = cal_validate(&cal, err)))
        return rc;
    return OP_OK;
}

static op_rc calendar_events(struct store_tx *tx, const struct actor *who,
                             const struct calendar_row *old, const struct calendar_row *c,
                             op_time now, struct arena *a)
{
    struct event_list l;
    int64_t action = 0;
    op_rc rc = OP_OK;
    event_list_init(&l, a, ENTITY_CALENDAR, c->id, now, who->id, who->via);
    if (!old)
        rc = event_add_ids(&l, EV_CREATED, "", 0, c->id, NULL);
    char ow[CAL_DAY_TEXT_MAX * 7 + 8] = "", nw[CAL_DAY_TEXT_MAX * 7 + 8] = "";
    for (int d = 0; d < 7; d++) {
        char x[CAL_DAY_TEXT_MAX];
        size_t lo = strlen(ow), ln = strlen(nw);
        if (old) {
            cal_day_format(&old->week[d], x);
            snprintf(ow + lo, sizeof(ow) - lo, "%s%s", d ? "|" : "", x);
        }
        cal_day_format(&c->week[d], x);
        snprintf(nw + ln, sizeof(nw) - ln, "%s%s", d ? "|" : "", x);
    }
    char oe[24], ne[24];
    if (!rc)
        rc = event_add_if_changed(&l, "name", old ? old->name : "", c->name);
    if (!rc)
        rc = event_add_if_changed(&l, "time_zone", old ? old->time_zone : "", c->time_zone);
    if (!rc)
        rc = event_add_flag_if_changed(&l, "always", old ? old->always : false, c->always);
    if (!rc)
        rc = event_add_if_changed(&l, "week", ow, nw);
    if (!rc)
        rc = event_add_if_changed(&l, "exceptions", old ? id_str((int64_t)old->n_exc, oe) : "",
                                  id_str((int64_t)c->n_exc, ne));
    if (!rc && l.n == 0)
        return OP_OK;
    return rc ? rc : tx_append_events(tx, &l, &action);
}

struct cal_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct calendar_input *in;
    struct arena *a;
    struct calendar_row *out;
    struct op_err *err;
};

static op_rc calendar_create_fn(struct store_tx *tx, void *arg)
{
    struct cal_job *j = arg;
    const struct calendar_input *in = j->in;
    op_time now = app_now(j->app);
    op_rc rc;
    struct calendar_row c = {.name = "", .time_zone = "UTC", .recompute_after = -1,
                             .created_at = now, .updated_at = now};
    if ((rc = access_require(j->who, ROLE_ADMIN, j->err)))
        return rc;
    if ((in->set & CF_PRESET) && in->preset) {
        struct calendar p;
        const struct tz *z = tz_utc();
        const char *zone = !strcmp(in->preset, "ru-production") ? "Europe/Moscow" : "UTC";
        if ((in->set & CF_TIME_ZONE) && in->time_zone)
            zone = in->time_zone;
        if (tz_load(zone, &z))
            return op_fail(j->err, OP_ERR_INVALID, "time_zone", MSG_ERR_TIME_ZONE, zone);
        if (cal_preset(in->preset, z, &p))
            return op_fail(j->err, OP_ERR_INVALID, "preset", MSG_ERR_CALENDAR_PRESET, in->preset,
                           cal_preset_names());
        c.time_zone = (char *)zone;
        c.always = p.always;
        memcpy(c.week, p.week, sizeof(c.week));
        c.exc = (struct cal_exception *)p.exc;
        c.n_exc = p.n_exc;
    }
    if ((rc = calendar_merge(in, &c, j->a, j->err)))
        return rc;
    rc = tx->ops->sla->calendar_insert(tx, &c);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, rc, "name", MSG_ERR_DUPLICATE, c.name);
    if (rc || (rc = calendar_events(tx, j->who, NULL, &c, now, j->a)))
        return rc;
    *j->out = c;
    return OP_OK;
}

op_rc app_calendar_create(struct app *app, const struct actor *who, const struct calendar_input *in,
                          struct arena *a, struct calendar_row *out, struct op_err *err)
{
    struct cal_job j = {app, who, 0, in, a, out, err};
    return app_run(app, false, calendar_create_fn, &j);
}

static op_rc calendar_missing(struct op_err *err, int64_t id)
{
    char b[24];
    return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_CALENDAR_NOT_FOUND, id_str(id, b));
}

static op_rc calendar_update_fn(struct store_tx *tx, void *arg)
{
    struct cal_job *j = arg;
    op_time now = app_now(j->app);
    op_rc rc;
    struct calendar_row old, c;
    if ((rc = access_require(j->who, ROLE_ADMIN, j->err)))
        return rc;
    if (j->in->set & CF_PRESET)
        return op_fail(j->err, OP_ERR_INVALID, "preset", MSG_ERR_READONLY_FIELD);
    rc = tx->ops->sla->calendar_get(tx, j->id, j->a, &old);
    if (rc == OP_ERR_NOTFOUND)
        return calendar_missing(j->err, j->id);
    if (rc)
        return rc;
    c = old;
    if ((rc = calendar_merge(j->in, &c, j->a, j->err)))
        return rc;
    c.updated_at = now;
    c.recompute_after = 0; /* every running clock on it moves (app_sla_recompute) */
    rc = tx->ops->sla->calendar_update(tx, &c);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, rc, "name", MSG_ERR_DUPLICATE, c.name);
    if (rc || (rc = calendar_events(tx, j->who, &old, &c, now, j->a)))
        return rc;
    *j->out = c;
    return OP_OK;
}

op_rc app_calendar_update(struct app *app, const struct actor *who, int64_t id,
                          const struct calendar_input *in, struct arena *a,
                          struct calendar_row *out, int64_t *moved, struct op_err *err)
{
    struct cal_job j = {app, who, id, in, a, out, err};
    op_rc rc = app_run(app, false, calendar_update_fn, &j);
    if (rc)
        return rc;
    /* the change is committed; moving the clocks can resume after a crash */
    if ((rc = app_sla_recompute(app, id, moved)))
        log_error("msg=\"SLA recompute failed; the timer job resumes it\" calendar=%" PRId64
                  " rc=%s", id, op_rc_name(rc));
    out->recompute_after = rc ? 0 : -1;
    return OP_OK;
}

static op_rc calendar_get_fn(struct store_tx *tx, void *arg)
{
    struct cal_job *j = arg;
    op_rc rc = access_require(j->who, ROLE_AGENT, j->err);
    if (rc)
        return rc;
    rc = tx->ops->sla->calendar_get(tx, j->id, j->a, j->out);
    return rc == OP_ERR_NOTFOUND ? calendar_missing(j->err, j->id) : rc;
}

op_rc app_calendar_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                       struct calendar_row *out, struct op_err *err)
{
    struct cal_job j = {app, who, id, NULL, a, out, err};
    return app_run(app, true, calendar_get_fn, &j);
}

struct cal_list_job {
    const struct actor *who;
    struct arena *a;
    struct calendar_row **out;
    size_t *n;
    struct op_err *err;
};

static op_rc calendar_list_fn(struct store_tx *tx, void *arg)
{
    struct cal_list_job *j = arg;
    op_rc rc = access_require(j->who, ROLE_AGENT, j->err);
    return rc ? rc : tx->ops->sla->calendar_list(tx, j->a, j->out, j->n);
}

op_rc app_calendar_list(struct app *app, const struct actor *who, struct arena *a,
                        struct calendar_row **out, size_t *n, struct op_err *err)
{
    struct cal_list_job j = {who, a, out, n, err};
    return app_run(app, true, calendar_list_fn, &j);
}

static op_rc calendar_delete_fn(struct store_tx *tx, void *arg)
{
    struct cal_job *j = arg;
    char b[24], p[24];
    int64_t policy = 0;
    op_rc rc = access_require(j->who, ROLE_ADMIN, j->err);
    if (rc || (rc = tx->ops->sla->policy_using_calendar(tx, j->id, &policy)))
        return rc;
    if (policy)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_CALENDAR_IN_USE, id_str(j->id, b),
                       id_str(policy, p));
    rc = tx->ops->sla->calendar_delete(tx, j->id);
    if (rc == OP_ERR_NOTFOUND)
        return calendar_missing(j->err, j->id);
    if (rc)
        return rc;
    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_CALENDAR, j->id, app_now(j->app), j->who->id, j->who->via);
    if ((rc = event_add(&l, EV_CHANGED, "deleted", "false", "true", NULL)))
        return rc;
    return tx_append_events(tx, &l, &action);
}

op_rc app_calendar_delete(struct app *app, const struct actor *who, int64_t id,
                          struct op_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct cal_job j = {app, who, id, NULL, &a, NULL, err};
    op_rc rc = app_run(app, false, calendar_delete_fn, &j);
    arena_release(&a);
    return rc;
}

/* ---- moving due times after a calendar change ---- */

struct recompute_job {
    struct app *app;
    int64_t calendar_id;
    int64_t moved;
    bool done;
    struct arena *a;
};

static op_rc recompute_fn(struct store_tx *tx, void *arg)
{
    struct recompute_job *j = arg;
    struct sla_ctx ctx;
    struct calendar_row r;
    const struct calendar *cal;
    struct sla_state *v;
    size_t n;
    op_rc rc;
    sla_ctx_init(&ctx, j->app, j->a);
    if ((rc = tx->ops->sla->calendar_get(tx, j->calendar_id, j->a, &r)))
        return rc;
    if (r.recompute_after < 0) {
        j->done = true;
        return OP_OK;
    }
    if ((rc = sla_ctx_calendar(tx, &ctx, j->calendar_id, &cal)) ||
        (rc = tx->ops->sla->state_scan(tx, j->calendar_id, r.recompute_after, RECOMPUTE_CHUNK,
                                       j->a, &v, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct sla_env env;
        if ((rc = sla_ctx_env(tx, &ctx, v[i].policy_id, &env)))
            return rc;
        env.cal = cal; /* the state says which calendar it is measured in */
        struct sla_state before = v[i];
        sla_schedule(&v[i], &env);
        if (before.next_at == v[i].next_at && before.due_at == v[i].due_at &&
            before.breached == v[i].breached)
            continue; /* this change does not move it (most tickets, for one holiday) */
        if ((rc = tx->ops->sla->state_reschedule(tx, &v[i])))
            return rc;
    }
    j->moved += (int64_t)n;
    j->done = n < RECOMPUTE_CHUNK;
    return tx->ops->sla->calendar_set_recompute(tx, j->calendar_id,
                                                j->done ? -1 : v[n - 1].ticket_id);
}

op_rc app_sla_recompute(struct app *app, int64_t calendar_id, int64_t *moved)
{
    struct arena a;
    arena_init(&a, 0);
    struct recompute_job j = {.app = app, .calendar_id = calendar_id, .a = &a};
    op_rc rc = OP_OK;
    while (!j.done && !(rc = app_run(app, false, recompute_fn, &j)))
        arena_release(&a);
    arena_release(&a);
    if (moved)
        *moved = j.moved;
    if (!rc)
        jobs_wake(app);
    return rc;
}

/* ---- policies ---- */

static op_rc policy_missing(struct op_err *err, int64_t id)
{
    char b[24];
    return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_SLA_POLICY_NOT_FOUND, id_str(id, b));
}

static void policy_merge(const struct sla_policy_input *in, struct sla_policy *p)
{
    const struct sla_policy *s = &in->p;
    unsigned set = in->set;
    if (set & PF_NAME) p->name = s->name;
    if (set & PF_POSITION) p->position = s->position;
    if (set & PF_ACTIVE) p->active = s->active;
    if (set & PF_PRIORITIES) p->priority_mask = s->priority_mask;
    if (set & PF_CHANNELS) p->channel_mask = s->channel_mask;
    if (set & PF_TYPES) p->type_mask = s->type_mask;
    if (set & PF_GROUPS) p->group_ids = s->group_ids;
    if (set & PF_ORGS) p->organization_ids = s->organization_ids;
    if (set & PF_TARGETS)
        for (int m = 0; m < SLA__METRICS; m++)
            if (in->target_set & (1u << m))
                p->target[m] = s->target[m];
    if (set & PF_CALENDAR) p->calendar_id = s->calendar_id;
    if (set & PF_PAUSE_PENDING) p->pause_on_pending = s->pause_on_pending;
    if (set & PF_PAUSE_HOLD) p->pause_on_hold = s->pause_on_hold;
    if (set & PF_WARN) p->warn_percent = s->warn_percent;
    if (set & PF_ACTIONS) p->actions = s->actions;
    if (set & PF_ESCALATE_GROUP) p->escalate_group_id = s->escalate_group_id;
    if (set & PF_ESCALATE_TIER) p->escalate_tier = s->escalate_tier;
}

static op_rc policy_refs(struct store_tx *tx, const struct sla_policy *p, struct arena *a,
                         struct op_err *err)
{
    op_rc rc;
    char b[24];
    for (size_t i = 0; i < p->group_ids.n; i++)
        if ((rc = tx_check_group(tx, p->group_ids.v[i], "group_ids", a, NULL, err)))
            return rc;
    for (size_t i = 0; i < p->organization_ids.n; i++)
        if ((rc = tx_check_org(tx, p->organization_ids.v[i], "organization_ids", a, NULL, err)))
            return rc;
    if (p->escalate_group_id &&
        (rc = tx_check_group(tx, p->escalate_group_id, "escalate_group_id", a, NULL, err)))
        return rc;
    if (p->calendar_id) {
        struct calendar_row c;
        rc = tx->ops->sla->calendar_get(tx, p->calendar_id, a, &c);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(err, OP_ERR_INVALID, "calendar_id", MSG_ERR_CALENDAR_NOT_FOUND,
                           id_str(p->calendar_id, b));
        if (rc)
            return rc;
    }
    return OP_OK;
}

static op_rc policy_events(struct store_tx *tx, const struct actor *who,
                           const struct sla_policy *old, const struct sla_policy *p, op_time now,
                           struct arena *a)
{
    struct event_list l;
    int64_t action = 0;
    char x[24], y[24];
    op_rc rc = OP_OK;
    event_list_init(&l, a, ENTITY_SLA_POLICY, p->id, now, who->id, who->via);
    if (!old)
        rc = event_add_ids(&l, EV_CREATED, "", 0, p->id, NULL);
    if (!rc)
        rc = event_add_if_changed(&l, "name", old ? old->name : "", p->name);
    if (!rc)
        rc = event_add_flag_if_changed(&l, "active", old ? old->active : false, p->active);
    if (!rc)
        rc = event_add_if_changed(&l, "position", old ? id_str(old->position, x) : "",
                                  id_str(p->position, y));
    for (int m = 0; !rc && m < SLA__METRICS; m++) {
        char field[48];
        snprintf(field, sizeof(field), "targets.%s", sla_metric_name((enum sla_metric)m));
        rc = event_add_if_changed(&l, field, old ? id_str(old->target[m].minutes, x) : "",
                                  id_str(p->target[m].minutes, y));
    }
    if (!rc)
        rc = event_add_if_changed(&l, "calendar_id", old ? id_str(old->calendar_id, x) : "",
                                  id_str(p->calendar_id, y));
    if (!rc && l.n == 0)
        return OP_OK;
    return rc ? rc : tx_append_events(tx, &l, &action);
}

struct policy_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct sla_policy_input *in;
    struct arena *a;
    struct sla_policy *out;
    struct op_err *err;
};

static op_rc policy_write_fn(struct store_tx *tx, void *arg)
{
    struct policy_job *j = arg;
    op_time now = app_now(j->app);
    struct sla_policy old, p;
    op_rc rc;
    if ((rc = access_require(j->who, ROLE_ADMIN, j->err)))
        return rc;
    if (j->id) {
        rc = tx->ops->sla->policy_get(tx, j->id, j->a, &old);
        if (rc == OP_ERR_NOTFOUND)
            return policy_missing(j->err, j->id);
        if (rc)
            return rc;
        p = old;
    } else {
        p = (struct sla_policy){.name = "", .active = true, .pause_on_pending = true,
                                .warn_percent = 80, .escalate_tier = -1, .created_at = now};
        for (int m = 0; m < SLA__METRICS; m++)
            p.target[m].business = true;
    }
    policy_merge(j->in, &p);
    p.updated_at = now;
    if ((rc = check_text("name", p.name, LIMIT_NAME, TEXT_LINE, false, j->err)) ||
        (rc = sla_policy_check(&p, j->err)) || (rc = policy_refs(tx, &p, j->a, j->err)))
        return rc;
    rc = j->id ? tx->ops->sla->policy_update(tx, &p) : tx->ops->sla->policy_insert(tx, &p);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, rc, "name", MSG_ERR_DUPLICATE, p.name);
    if (rc || (rc = policy_events(tx, j->who, j->id ? &old : NULL, &p, now, j->a)))
        return rc;
    *j->out = p;
    return OP_OK;
}

op_rc app_sla_policy_create(struct app *app, const struct actor *who,
                            const struct sla_policy_input *in, struct arena *a,
                            struct sla_policy *out, struct op_err *err)
{
    struct policy_job j = {app, who, 0, in, a, out, err};
    return app_run(app, false, policy_write_fn, &j);
}

op_rc app_sla_policy_update(struct app *app, const struct actor *who, int64_t id,
                            const struct sla_policy_input *in, struct arena *a,
                            struct sla_policy *out, struct op_err *err)
{
    if (id <= 0)
        return policy_missing(err, id);
    struct policy_job j = {app, who, id, in, a, out, err};
    return app_run(app, false, policy_write_fn, &j);
}

static op_rc policy_get_fn(struct store_tx *tx, void *arg)
{
    struct policy_job *j = arg;
    op_rc rc = access_require(j->who, ROLE_AGENT, j->err);
    if (rc)
        return rc;
    rc = tx->ops->sla->policy_get(tx, j->id, j->a, j->out);
    return rc == OP_ERR_NOTFOUND ? policy_missing(j->err, j->id) : rc;
}

op_rc app_sla_policy_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                         struct sla_policy *out, struct op_err *err)
{
    struct policy_job j = {app, who, id, NULL, a, out, err};
    return app_run(app, true, policy_get_fn, &j);
}

struct policy_list_job {
    const struct actor *who;
    struct arena *a;
    struct sla_policy **out;
    size_t *n;
    struct op_err *err;
};

static op_rc policy_list_fn(struct store_tx *tx, void *arg)
{
    struct policy_list_job *j = arg;
    op_rc rc = access_require(j->who, ROLE_AGENT, j->err);
    return rc ? rc : tx->ops->sla->policy_list(tx, j->a, j->out, j->n);
}

op_rc app_sla_policy_list(struct app *app, const struct actor *who, struct arena *a,
                          struct sla_policy **out, size_t *n, struct op_err *err)
{
    struct policy_list_job j = {who, a, out, n, err};
    return app_run(app, true, policy_list_fn, &j);
}

static op_rc policy_delete_fn(struct store_tx *tx, void *arg)
{
    struct policy_job *j = arg;
    op_rc rc = access_require(j->who, ROLE_ADMIN, j->err);
    if (rc)
        return rc;
    rc = tx->ops->sla->policy_delete(tx, j->id);
    if (rc == OP_ERR_NOTFOUND)
        return policy_missing(j->err, j->id);
    if (rc)
        return rc;
    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_SLA_POLICY, j->id, app_now(j->app), j->who->id,
                    j->who->via);
    if ((rc = event_add(&l, EV_CHANGED, "deleted", "false", "true", NULL)))
        return rc;
    return tx_append_events(tx, &l, &action);
}

op_rc app_sla_policy_delete(struct app *app, const struct actor *who, int64_t id,
                            struct op_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct policy_job j = {app, who, id, NULL, &a, NULL, err};
    op_rc rc = app_run(app, false, policy_delete_fn, &j);
    arena_release(&a);
    return rc;
}

/* ---- a ticket's SLA ---- */

struct view_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id;
    struct arena *a;
    struct ticket_sla_view *out;
    struct op_err *err;
};

static op_rc view_fn(struct store_tx *tx, void *arg)
{
    struct view_job *j = arg;
    struct ticket t;
    struct ticket_sla_view *v = j->out;
    op_rc rc;
    memset(v, 0, sizeof(*v));
    v->now = app_now(j->app);
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err)))
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    rc = tx->ops->sla->state_get(tx, t.id, &v->state);
    if (rc == OP_ERR_NOTFOUND)
        return OP_OK;
    if (rc)
        return rc;
    v->has = true;
    struct sla_ctx ctx;
    struct sla_env env;
    sla_ctx_init(&ctx, j->app, j->a);
    if ((rc = sla_ctx_env(tx, &ctx, v->state.policy_id, &env)))
        return rc;
    if (env.policy) {
        v->policy = *env.policy;
        v->has_policy = true;
    }
    sla_schedule(&v->state, &env); /* what is stored may predate a calendar change */
    for (int m = 0; m < SLA__METRICS; m++)
        v->elapsed_ms[m] = sla_elapsed(&v->state.c[m], &env, v->now);
    return OP_OK;
}

op_rc app_ticket_sla(struct app *app, const struct actor *who, int64_t ticket_id,
                     struct arena *a, struct ticket_sla_view *out, struct op_err *err)
{
    struct view_job j = {app, who, ticket_id, a, out, err};
    return app_run(app, true, view_fn, &j);
}

/* ---- notifications ---- */

struct notif_job {
    struct app *app;
    const struct actor *who;
    bool unread_only;
    int64_t after_id, id;
    size_t limit;
    struct arena *a;
    struct notification **out;
    size_t *n;
};

static op_rc notif_list_fn(struct store_tx *tx, void *arg)
{
    struct notif_job *j = arg;
    return tx->ops->sla->notification_list(tx, j->who->id, j->unread_only, j->after_id, j->limit,
                                           j->a, j->out, j->n);
}

op_rc app_notification_list(struct app *app, const struct actor *who, bool unread_only,
                            int64_t after_id, size_t limit, struct arena *a,
                            struct notification **out, size_t *n, struct op_err *err)
{
    if (limit < 1 || limit > 1000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "1000");
    struct notif_job j = {app, who, unread_only, after_id, 0, limit, a, out, n};
    return app_run(app, true, notif_list_fn, &j);
}

static op_rc notif_read_fn(struct store_tx *tx, void *arg)
{
    struct notif_job *j = arg;
    return tx->ops->sla->notification_read(tx, j->who->id, j->id, app_now(j->app));
}

op_rc app_notification_read(struct app *app, const struct actor *who, int64_t id,
                            struct op_err *err)
{
    struct notif_job j = {.app = app, .who = who, .id = id};
    op_rc rc = app_run(app, false, notif_read_fn, &j);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(err, rc, NULL, MSG_ERR_NOT_FOUND);
    return rc;
}
