/* team.c - shift templates, the rota, on-call duty, adherence reports,
 * agents' languages and the team's settings (app/team.h). */
#include "base/common.h"

#include "app/internal.h"
#include "app/team.h"
#include "base/tz.h"
#include "core/calendar.h"
#include "core/validate.h"

/* ---- shared checks ---- */

static op_rc require_staff(const struct actor *who, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    return OP_OK;
}

/* "prefix" + "name" into buf, for the field of an error. */
static const char *fname(char buf[64], const char *prefix, const char *name)
{
    snprintf(buf, 64, "%s%s", prefix ? prefix : "", name);
    return buf;
}

/* Loads user id as an active staff member (agents, leads, admins work
 * shifts); a customer or an unknown id is OP_ERR_INVALID naming field. */
static op_rc check_agent(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                         struct user *out, struct op_err *err)
{
    char b[24];
    op_rc rc = tx_check_user(tx, id, field, a, out, err);
    if (rc)
        return rc;
    if (out->role == ROLE_CUSTOMER || !out->active)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TEAM_NOT_AGENT, id_str(id, b));
    return OP_OK;
}

/* The zone a user's local dates are in: theirs, or UTC when they have none. */
static op_rc user_zone(const struct user *u, const char *field, const struct tz **out,
                       struct op_err *err)
{
    char b[24];
    if (!u->time_zone || !*u->time_zone) {
        *out = tz_utc();
        return OP_OK;
    }
    op_rc rc = tz_load(u->time_zone, out);
    if (rc == OP_ERR_NOTFOUND || rc == OP_ERR_IO)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TEAM_AGENT_TZ, id_str(u->id, b),
                       u->time_zone);
    return rc;
}

static bool zone_known(const char *name)
{
    const struct tz *z;
    return !name || !*name || tz_load(name, &z) == OP_OK;
}

/* ---- the planning record ----
 *
 * Every planning change is in the event log like any other change, by the
 * person who made it: templates, rota entries and on-call periods as
 * objects of their own (created, each field, "deleted"), routing settings on
 * their group, the team settings on the one "team" object (id 1). */

struct plan {
    struct event_list l;
    op_rc rc;
};

static void plan_begin(struct plan *p, struct app *app, const struct actor *who, enum entity e,
                       int64_t id, bool created, struct arena *a)
{
    event_list_init(&p->l, a, e, id, app_now(app), who->id, who->via);
    p->rc = created ? event_add_ids(&p->l, EV_CREATED, "", 0, id, NULL) : OP_OK;
}

static void plan_field(struct plan *p, const char *field, const char *old, const char *new)
{
    if (!p->rc)
        p->rc = event_add_if_changed(&p->l, field, old, new);
}

static void plan_int(struct plan *p, const char *field, bool had, int64_t old, int64_t new)
{
    char a[24], b[24];
    plan_field(p, field, had ? id_str(old, a) : "", id_str(new, b));
}

static void plan_time(struct plan *p, const char *field, op_time old, op_time new)
{
    char a[32] = "", b[32] = "";
    if (old)
        time_format_iso(old, a);
    time_format_iso(new, b);
    plan_field(p, field, a, b);
}

static void plan_deleted(struct plan *p)
{
    if (!p->rc)
        p->rc = event_add(&p->l, EV_CHANGED, "deleted", "false", "true", NULL);
}

static op_rc plan_end(struct plan *p, struct store_tx *tx)
{
    int64_t action = 0;
    return p->rc ? p->rc : p->l.n ? tx_append_events(tx, &p->l, &action) : OP_OK;
}

static void plan_shift(struct plan *p, const struct shift_template *old,
                       const struct shift_template *s)
{
    char a[6] = "", b[6];
    if (old)
        cal_format_hhmm(old->start_min, a);
    cal_format_hhmm(s->start_min, b);
    plan_field(p, "name", old ? old->name : "", s->name);
    plan_field(p, "start", a, b);
    plan_int(p, "duration_min", old, old ? old->duration_min : 0, s->duration_min);
    plan_field(p, "time_zone", old ? old->time_zone : "", s->time_zone);
}

/* ---- shift templates ---- */

struct shift_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct shift_input *in;
    struct arena *a;
    struct shift_template *out;
    struct shift_template *list;
    size_t n;
    struct op_err *err;
};

static op_rc shift_write_fn(struct store_tx *tx, void *arg)
{
    struct shift_job *j = arg;
    const struct shift_input *in = j->in;
    struct shift_template s = {0}, old = {0};
    char b[24];
    op_rc rc;
    op_time now = app_now(j->app);
    if (j->id) {
        rc = tx->ops->team->shift_get(tx, j->id, j->a, &s);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(j->err, rc, NULL, MSG_ERR_TEAM_SHIFT_NOT_FOUND, id_str(j->id, b));
        if (rc)
            return rc;
        old = s;
    } else {
        if (!(in->set & SHF_NAME))
            return op_fail(j->err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
        if (!(in->set & SHF_START))
            return op_fail(j->err, OP_ERR_INVALID, "start", MSG_ERR_REQUIRED);
        if (!(in->set & SHF_DURATION))
            return op_fail(j->err, OP_ERR_INVALID, "duration_min", MSG_ERR_REQUIRED);
        s.time_zone = "";
        s.created_at = now;
    }
    if (in->set & SHF_NAME)
        s.name = (char *)in->name;
    if (in->set & SHF_START)
        s.start_min = in->start_min;
    if (in->set & SHF_DURATION)
        s.duration_min = in->duration_min;
    if (in->set & SHF_TIME_ZONE)
        s.time_zone = (char *)(in->time_zone ? in->time_zone : "");
    s.updated_at = now;
    if ((rc = shift_template_check(&s, zone_known(s.time_zone), j->err)))
        return rc;
    rc = j->id ? tx->ops->team->shift_update(tx, &s) : tx->ops->team->shift_insert(tx, &s);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_INVALID, "name", MSG_ERR_DUPLICATE, s.name);
    if (rc)
        return rc;
    struct plan p;
    plan_begin(&p, j->app, j->who, ENTITY_SHIFT, s.id, !j->id, j->a);
    plan_shift(&p, j->id ? &old : NULL, &s);
    if ((rc = plan_end(&p, tx)))
        return rc;
    *j->out = s;
    return OP_OK;
}

op_rc app_shift_create(struct app *app, const struct actor *who, const struct shift_input *in,
                       struct arena *a, struct shift_template *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct shift_job j = {app, who, 0, in, a, out, NULL, 0, err};
    return rc ? rc : app_run(app, false, shift_write_fn, &j);
}

op_rc app_shift_update(struct app *app, const struct actor *who, int64_t id,
                       const struct shift_input *in, struct arena *a, struct shift_template *out,
                       struct op_err *err)
{
    char b[24];
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (!rc && id <= 0)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_TEAM_SHIFT_NOT_FOUND, id_str(id, b));
    struct shift_job j = {app, who, id, in, a, out, NULL, 0, err};
    return rc ? rc : app_run(app, false, shift_write_fn, &j);
}

static op_rc shift_delete_fn(struct store_tx *tx, void *arg)
{
    struct shift_job *j = arg;
    struct shift_template s;
    char b[24];
    op_rc rc = tx->ops->team->shift_get(tx, j->id, j->a, &s);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, rc, NULL, MSG_ERR_TEAM_SHIFT_NOT_FOUND, id_str(j->id, b));
    if (!rc)
        rc = tx->ops->team->shift_delete(tx, j->id);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, rc, NULL, MSG_ERR_TEAM_SHIFT_IN_USE, s.name);
    if (rc)
        return rc;
    struct plan p;
    plan_begin(&p, j->app, j->who, ENTITY_SHIFT, j->id, false, j->a);
    plan_deleted(&p);
    return plan_end(&p, tx);
}

op_rc app_shift_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct arena a = ARENA_INIT(0);
    struct shift_job j = {app, who, id, NULL, &a, NULL, NULL, 0, err};
    if (!rc)
        rc = app_run(app, false, shift_delete_fn, &j);
    arena_release(&a);
    return rc;
}

static op_rc shift_list_fn(struct store_tx *tx, void *arg)
{
    struct shift_job *j = arg;
    return tx->ops->team->shift_list(tx, j->a, &j->list, &j->n);
}

op_rc app_shift_list(struct app *app, const struct actor *who, struct arena *a,
                     struct shift_template **out, size_t *n, struct op_err *err)
{
    op_rc rc = require_staff(who, err);
    struct shift_job j = {.app = app, .who = who, .a = a, .err = err};
    if (!rc && !(rc = app_run(app, true, shift_list_fn, &j))) {
        *out = j.list;
        *n = j.n;
    }
    return rc;
}

/* ---- the rota ---- */

/* Plans one entry; field names start with prefix. */
static op_rc rota_add_tx(struct store_tx *tx, struct app *app, const struct actor *who,
                         const struct rota_input *in, const char *prefix, struct arena *a,
                         struct rota_entry *out, struct op_err *err)
{
    char f[64], b[24];
    struct user u;
    struct shift_template s;
    const struct tz *z;
    op_rc rc = check_agent(tx, in->agent_id, fname(f, prefix, "agent_id"), a, &u, err);
    if (rc)
        return rc;
    if (in->shift_id > 0) {
        rc = tx->ops->team->shift_get(tx, in->shift_id, a, &s);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(err, OP_ERR_INVALID, fname(f, prefix, "shift_id"),
                           MSG_ERR_TEAM_SHIFT_NOT_FOUND, id_str(in->shift_id, b));
    } else if (in->shift_name && *in->shift_name) {
        rc = tx->ops->team->shift_get_by_name(tx, in->shift_name, a, &s);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(err, OP_ERR_INVALID, fname(f, prefix, "shift"),
                           MSG_ERR_TEAM_SHIFT_NOT_FOUND, in->shift_name);
    } else {
        return op_fail(err, OP_ERR_INVALID, fname(f, prefix, "shift_id"), MSG_ERR_REQUIRED);
    }
    if (rc)
        return rc;
    if (*s.time_zone) {
        if ((rc = tz_load(s.time_zone, &z)))
            return op_fail(err, OP_ERR_INVALID, fname(f, prefix, "shift_id"), MSG_ERR_TIME_ZONE,
                           s.time_zone);
    } else if ((rc = user_zone(&u, fname(f, prefix, "agent_id"), &z, err))) {
        return rc;
    }
    struct rota_entry e = {.agent_id = u.id, .date = in->date, .shift_id = s.id,
                           .created_by = who->id, .created_at = app_now(app),
                           .shift_name = s.name};
    shift_expand(&s, in->date, z, &e.start_at, &e.end_at);
    struct rota_entry other;
    rc = tx->ops->team->rota_overlap(tx, u.id, e.start_at, e.end_at, 0, a, &other);
    if (rc == OP_OK) {
        char d[11];
        team_format_date(other.date, d);
        return op_fail(err, OP_ERR_INVALID, fname(f, prefix, "date"), MSG_ERR_TEAM_ROTA_OVERLAP,
                       other.shift_name, d);
    }
    if (rc != OP_ERR_NOTFOUND)
        return rc;
    if ((rc = tx->ops->team->rota_insert(tx, &e)))
        return rc;
    struct plan p;
    char d[11];
    cal_format_date(e.date, d);
    plan_begin(&p, app, who, ENTITY_ROTA, e.id, true, a);
    plan_int(&p, "agent_id", false, 0, e.agent_id);
    plan_field(&p, "date", "", d);
    plan_int(&p, "shift_id", false, 0, e.shift_id);
    plan_time(&p, "start_at", 0, e.start_at);
    plan_time(&p, "end_at", 0, e.end_at);
    if ((rc = plan_end(&p, tx)))
        return rc;
    *out = e;
    return OP_OK;
}

static op_rc check_range(int32_t from, int32_t to, struct op_err *err)
{
    if (to < from)
        return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_TEAM_INTERVAL);
    if (to - from + 1 > TEAM_RANGE_DAYS_MAX) {
        char b[24];
        return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_TEAM_RANGE_DAYS,
                       id_str(TEAM_RANGE_DAYS_MAX, b));
    }
    return OP_OK;
}

struct rota_job {
    struct app *app;
    const struct actor *who;
    const struct rota_input *in;
    const struct rota_input *entries;
    size_t n_entries;
    struct rota_filter f;
    int64_t id;
    struct arena *a;
    struct rota_entry *out;
    struct rota_entry *list;
    size_t n;
    struct op_err *err;
};

static op_rc rota_add_fn(struct store_tx *tx, void *arg)
{
    struct rota_job *j = arg;
    return rota_add_tx(tx, j->app, j->who, j->in, NULL, j->a, j->out, j->err);
}

op_rc app_rota_add(struct app *app, const struct actor *who, const struct rota_input *in,
                   struct arena *a, struct rota_entry *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct rota_job j = {.app = app, .who = who, .in = in, .a = a, .out = out, .err = err};
    return rc ? rc : app_run(app, false, rota_add_fn, &j);
}

static op_rc rota_remove_fn(struct store_tx *tx, void *arg)
{
    struct rota_job *j = arg;
    char b[24];
    op_rc rc = tx->ops->team->rota_delete(tx, j->id);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, rc, NULL, MSG_ERR_TEAM_ROTA_NOT_FOUND, id_str(j->id, b));
    if (rc)
        return rc;
    struct plan p;
    struct arena a = ARENA_INIT(0);
    plan_begin(&p, j->app, j->who, ENTITY_ROTA, j->id, false, &a);
    plan_deleted(&p);
    rc = plan_end(&p, tx);
    arena_release(&a);
    return rc;
}

op_rc app_rota_remove(struct app *app, const struct actor *who, int64_t id, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct rota_job j = {.app = app, .who = who, .id = id, .err = err};
    return rc ? rc : app_run(app, false, rota_remove_fn, &j);
}

/* Checks the scope of f: an agent that is staff, a group that exists. */
static op_rc rota_scope_tx(struct store_tx *tx, const struct rota_filter *f, struct arena *a,
                           struct group *g, struct op_err *err)
{
    struct user u;
    op_rc rc;
    if (f->agent_id && (rc = check_agent(tx, f->agent_id, "agent_id", a, &u, err)))
        return rc;
    if (f->group_id && (rc = tx_check_group(tx, f->group_id, "group_id", a, g, err)))
        return rc;
    return OP_OK;
}

static op_rc rota_list_fn(struct store_tx *tx, void *arg)
{
    struct rota_job *j = arg;
    struct group g;
    op_rc rc = rota_scope_tx(tx, &j->f, j->a, &g, j->err);
    return rc ? rc : tx->ops->team->rota_list(tx, &j->f, j->a, &j->list, &j->n);
}

op_rc app_rota_list(struct app *app, const struct actor *who, const struct rota_filter *f,
                    struct arena *a, struct rota_entry **out, size_t *n, struct op_err *err)
{
    op_rc rc = require_staff(who, err);
    struct rota_job j = {.app = app, .who = who, .f = *f, .a = a, .err = err};
    if (!rc && who->role == ROLE_AGENT && who->id) {
        if (j.f.agent_id && j.f.agent_id != who->id)
            return op_fail(err, OP_ERR_FORBIDDEN, "agent_id", MSG_ERR_FORBIDDEN);
        j.f.agent_id = who->id; /* an agent's own rota, within the group if asked */
    }
    if (!rc)
        rc = check_range(f->from, f->to, err);
    if (!rc && !(rc = app_run(app, true, rota_list_fn, &j))) {
        *out = j.list;
        *n = j.n;
    }
    return rc;
}

static op_rc rota_put_fn(struct store_tx *tx, void *arg)
{
    struct rota_job *j = arg;
    struct group g = {0};
    struct rota_entry *old;
    size_t n_old;
    op_rc rc = rota_scope_tx(tx, &j->f, j->a, &g, j->err);
    if (rc)
        return rc;
    if (j->f.group_id && (rc = tx->ops->group_get(tx, j->f.group_id, j->a, &g)))
        return rc;
    if ((rc = tx->ops->team->rota_list(tx, &j->f, j->a, &old, &n_old)))
        return rc;
    for (size_t i = 0; i < n_old; i++) {
        struct plan p;
        if ((rc = tx->ops->team->rota_delete(tx, old[i].id)))
            return rc;
        plan_begin(&p, j->app, j->who, ENTITY_ROTA, old[i].id, false, j->a);
        plan_deleted(&p);
        if ((rc = plan_end(&p, tx)))
            return rc;
    }
    for (size_t i = 0; i < j->n_entries; i++) {
        const struct rota_input *e = &j->entries[i];
        char prefix[32], f[64], b[24];
        struct rota_entry out;
        snprintf(prefix, sizeof(prefix), "entries[%zu].", i);
        bool in_scope = j->f.agent_id ? e->agent_id == j->f.agent_id
                                      : id_list_has(&g.members, e->agent_id);
        if (!in_scope) {
            if (j->f.agent_id)
                return op_fail(j->err, OP_ERR_INVALID, fname(f, prefix, "agent_id"),
                               MSG_ERR_TEAM_NOT_AGENT, id_str(e->agent_id, b));
            char gb[24];
            return op_fail(j->err, OP_ERR_INVALID, fname(f, prefix, "agent_id"),
                           MSG_ERR_ASSIGNEE_NOT_MEMBER, id_str(e->agent_id, b),
                           id_str(j->f.group_id, gb));
        }
        if (e->date < j->f.from || e->date > j->f.to)
            return op_fail(j->err, OP_ERR_INVALID, fname(f, prefix, "date"), MSG_ERR_TEAM_DATE);
        if ((rc = rota_add_tx(tx, j->app, j->who, e, prefix, j->a, &out, j->err)))
            return rc;
    }
    return tx->ops->team->rota_list(tx, &j->f, j->a, &j->list, &j->n);
}

op_rc app_rota_put(struct app *app, const struct actor *who, const struct rota_filter *f,
                   const struct rota_input *entries, size_t n_entries, struct arena *a,
                   struct rota_entry **out, size_t *n, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    if (!f->agent_id == !f->group_id)
        return op_fail(err, OP_ERR_INVALID, "group_id", MSG_ERR_TEAM_GROUP_OR_AGENT);
    if ((rc = check_range(f->from, f->to, err)))
        return rc;
    struct rota_job j = {.app = app, .who = who, .entries = entries, .n_entries = n_entries,
                         .f = *f, .a = a, .err = err};
    if (!(rc = app_run(app, false, rota_put_fn, &j))) {
        *out = j.list;
        *n = j.n;
    }
    return rc;
}

/* ---- on-call ---- */

struct oncall_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct oncall_input *in;
    int64_t agent_id;
    op_time from, to;
    struct arena *a;
    struct oncall *out;
    struct oncall *list;
    size_t n;
    struct op_err *err;
};

static op_rc oncall_write_fn(struct store_tx *tx, void *arg)
{
    struct oncall_job *j = arg;
    const struct oncall_input *in = j->in;
    struct oncall o = {0}, old = {0};
    struct user u;
    char b[24];
    op_rc rc;
    if (j->id) {
        rc = tx->ops->team->oncall_get(tx, j->id, j->a, &o);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(j->err, rc, NULL, MSG_ERR_TEAM_ONCALL_NOT_FOUND, id_str(j->id, b));
        if (rc)
            return rc;
        old = o;
    } else {
        static const struct {
            unsigned bit;
            const char *name;
        } need[] = {{OCF_AGENT, "agent_id"}, {OCF_START, "start_at"}, {OCF_END, "end_at"}};
        for (size_t i = 0; i < ARRAY_SIZE(need); i++)
            if (!(in->set & need[i].bit))
                return op_fail(j->err, OP_ERR_INVALID, need[i].name, MSG_ERR_REQUIRED);
        o.note = "";
        o.created_by = j->who->id;
        o.created_at = app_now(j->app);
    }
    if (in->set & OCF_AGENT)
        o.agent_id = in->agent_id;
    if (in->set & OCF_START)
        o.start_at = in->start_at;
    if (in->set & OCF_END)
        o.end_at = in->end_at;
    if (in->set & OCF_NOTE)
        o.note = (char *)(in->note ? in->note : "");
    if ((rc = check_agent(tx, o.agent_id, "agent_id", j->a, &u, j->err)) ||
        (rc = team_interval_check(o.start_at, o.end_at, "end_at", j->err)) ||
        (rc = check_text("note", o.note, TEAM_NOTE_MAX, TEXT_MULTILINE, true, j->err)))
        return rc;
    struct oncall other;
    rc = tx->ops->team->oncall_overlap(tx, o.agent_id, o.start_at, o.end_at, o.id, &other);
    if (rc == OP_OK)
        return op_fail(j->err, OP_ERR_INVALID, "start_at", MSG_ERR_TEAM_ONCALL_OVERLAP,
                       id_str(other.id, b));
    if (rc != OP_ERR_NOTFOUND)
        return rc;
    if ((rc = j->id ? tx->ops->team->oncall_update(tx, &o) : tx->ops->team->oncall_insert(tx, &o)))
        return rc;
    struct plan p;
    plan_begin(&p, j->app, j->who, ENTITY_ONCALL, o.id, !j->id, j->a);
    plan_int(&p, "agent_id", j->id, old.agent_id, o.agent_id);
    plan_time(&p, "start_at", old.start_at, o.start_at);
    plan_time(&p, "end_at", old.end_at, o.end_at);
    plan_field(&p, "note", j->id ? old.note : "", o.note);
    if ((rc = plan_end(&p, tx)))
        return rc;
    *j->out = o;
    return OP_OK;
}

op_rc app_oncall_create(struct app *app, const struct actor *who, const struct oncall_input *in,
                        struct arena *a, struct oncall *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct oncall_job j = {.app = app, .who = who, .in = in, .a = a, .out = out, .err = err};
    return rc ? rc : app_run(app, false, oncall_write_fn, &j);
}

op_rc app_oncall_update(struct app *app, const struct actor *who, int64_t id,
                        const struct oncall_input *in, struct arena *a, struct oncall *out,
                        struct op_err *err)
{
    char b[24];
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (!rc && id <= 0)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_TEAM_ONCALL_NOT_FOUND, id_str(id, b));
    struct oncall_job j = {.app = app, .who = who, .id = id, .in = in, .a = a, .out = out,
                           .err = err};
    return rc ? rc : app_run(app, false, oncall_write_fn, &j);
}

static op_rc oncall_delete_fn(struct store_tx *tx, void *arg)
{
    struct oncall_job *j = arg;
    char b[24];
    op_rc rc = tx->ops->team->oncall_delete(tx, j->id);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, rc, NULL, MSG_ERR_TEAM_ONCALL_NOT_FOUND, id_str(j->id, b));
    if (rc)
        return rc;
    struct plan p;
    struct arena a = ARENA_INIT(0);
    plan_begin(&p, j->app, j->who, ENTITY_ONCALL, j->id, false, &a);
    plan_deleted(&p);
    rc = plan_end(&p, tx);
    arena_release(&a);
    return rc;
}

op_rc app_oncall_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct oncall_job j = {.app = app, .who = who, .id = id, .err = err};
    return rc ? rc : app_run(app, false, oncall_delete_fn, &j);
}

static op_rc oncall_list_fn(struct store_tx *tx, void *arg)
{
    struct oncall_job *j = arg;
    return tx->ops->team->oncall_list(tx, j->agent_id, j->from, j->to, j->a, &j->list, &j->n);
}

op_rc app_oncall_list(struct app *app, const struct actor *who, int64_t agent_id, op_time from,
                      op_time to, struct arena *a, struct oncall **out, size_t *n,
                      struct op_err *err)
{
    /* the whole team may see who is on call: that is whom they escalate to */
    op_rc rc = require_staff(who, err);
    if (!rc)
        rc = team_interval_check(from, to, "to", err);
    struct oncall_job j = {.app = app, .who = who, .agent_id = agent_id, .from = from, .to = to,
                           .a = a, .err = err};
    if (!rc && !(rc = app_run(app, true, oncall_list_fn, &j))) {
        *out = j.list;
        *n = j.n;
    }
    return rc;
}

/* ---- adherence ---- */

struct report_job {
    struct app *app;
    const struct actor *who;
    int32_t from, to;
    int64_t agent_id, group_id;
    struct arena *a;
    struct adherence_agent *list;
    size_t n;
    struct op_err *err;
};

static op_rc report_one(struct store_tx *tx, struct report_job *j, const struct user *u,
                        int64_t grace_ms, struct adherence_agent *out)
{
    const struct tz *z;
    op_rc rc = user_zone(u, "agent_id", &z, j->err);
    if (rc)
        return rc;
    struct rota_filter f = {.agent_id = u->id, .from = j->from, .to = j->to};
    struct rota_entry *e;
    size_t ne;
    if ((rc = tx->ops->team->rota_list(tx, &f, j->a, &e, &ne)))
        return rc;
    struct adh_plan *plans = ne ? arena_alloc(j->a, ne * sizeof(*plans)) : NULL;
    if (ne && !plans)
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < ne; i++)
        plans[i] = (struct adh_plan){e[i].id, e[i].date, e[i].shift_name, e[i].start_at,
                                     e[i].end_at};
    /* a shift of the last day may end the day after */
    struct presence_interval *p;
    size_t np;
    if ((rc = tx->ops->team->presence_list(tx, u->id, team_midnight(z, j->from),
                                           team_midnight(z, j->to + 2), j->a, &p, &np)))
        return rc;
    *out = (struct adherence_agent){.agent_id = u->id, .name = u->name,
                                    .time_zone = *u->time_zone ? u->time_zone : "UTC"};
    return team_adherence(plans, ne, p, np, j->from, j->to, z, app_now(j->app), grace_ms, j->a,
                          &out->r);
}

static op_rc report_fn(struct store_tx *tx, void *arg)
{
    struct report_job *j = arg;
    struct team_settings ts;
    struct user *users = NULL;
    size_t nu = 0;
    op_rc rc = tx->ops->team->settings_get(tx, &ts);
    if (rc)
        return rc;
    if (j->agent_id) {
        if (!(users = arena_alloc(j->a, sizeof(*users))))
            return OP_ERR_NOMEM;
        if ((rc = check_agent(tx, j->agent_id, "agent_id", j->a, users, j->err)))
            return rc;
        nu = 1;
    } else if (j->group_id) {
        struct group g;
        if ((rc = tx_check_group(tx, j->group_id, "group_id", j->a, &g, j->err)))
            return rc;
        if (g.members.n && !(users = arena_alloc(j->a, g.members.n * sizeof(*users))))
            return OP_ERR_NOMEM;
        for (size_t i = 0; i < g.members.n; i++) {
            rc = tx->ops->user_get(tx, g.members.v[i], j->a, &users[nu]);
            if (rc == OP_ERR_NOTFOUND)
                continue;
            if (rc)
                return rc;
            if (users[nu].active && users[nu].role != ROLE_CUSTOMER)
                nu++;
        }
    } else {
        struct user_filter f = {.role_mask = (1u << ROLE_AGENT) | (1u << ROLE_LEAD) |
                                             (1u << ROLE_ADMIN)};
        struct user *all;
        size_t na;
        if ((rc = tx->ops->user_list(tx, &f, j->a, &all, &na)))
            return rc;
        users = all;
        for (size_t i = 0; i < na; i++)
            if (all[i].active)
                users[nu++] = all[i];
    }
    if (nu && !(j->list = arena_alloc(j->a, nu * sizeof(*j->list))))
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < nu; i++)
        if ((rc = report_one(tx, j, &users[i], ts.grace_min * TEAM_MIN_MS, &j->list[i])))
            return rc;
    j->n = nu;
    return OP_OK;
}

op_rc app_adherence_report(struct app *app, const struct actor *who, int32_t from, int32_t to,
                           int64_t agent_id, int64_t group_id, struct arena *a,
                           struct adherence_agent **out, size_t *n, struct op_err *err)
{
    op_rc rc = require_staff(who, err);
    if (!rc && who->role == ROLE_AGENT && who->id) {
        if ((agent_id && agent_id != who->id) || group_id)
            return op_fail(err, OP_ERR_FORBIDDEN, agent_id ? "agent_id" : "group_id",
                           MSG_ERR_FORBIDDEN);
        agent_id = who->id;
    }
    if (!rc)
        rc = check_range(from, to, err);
    struct report_job j = {app, who, from, to, agent_id, group_id, a, NULL, 0, err};
    if (!rc && !(rc = app_run(app, true, report_fn, &j))) {
        *out = j.list;
        *n = j.n;
    }
    return rc;
}

/* ---- languages ---- */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

struct lang_job {
    struct app *app;
    const struct actor *who;
    int64_t user_id;
    struct str_list langs;
    struct arena *a;
    struct str_list *out;
    struct op_err *err;
};

static op_rc lang_get_fn(struct store_tx *tx, void *arg)
{
    struct lang_job *j = arg;
    struct user u;
    op_rc rc = check_agent(tx, j->user_id, "user_id", j->a, &u, j->err);
    return rc ? rc : tx->ops->team->languages_get(tx, j->user_id, j->a, j->out);
}

static op_rc lang_set_fn(struct store_tx *tx, void *arg)
{
    struct lang_job *j = arg;
    struct user u;
    struct str_list before;
    op_rc rc = check_agent(tx, j->user_id, "user_id", j->a, &u, j->err);
    if (rc || (rc = tx->ops->team->languages_get(tx, j->user_id, j->a, &before)) ||
        (rc = tx->ops->team->languages_set(tx, j->user_id, &j->langs)) ||
        (rc = tx->ops->team->languages_get(tx, j->user_id, j->a, j->out)))
        return rc;
    char *was = tags_join(&before, j->a), *now = tags_join(j->out, j->a);
    if (!was || !now)
        return OP_ERR_NOMEM;
    struct plan p;
    plan_begin(&p, j->app, j->who, ENTITY_USER, j->user_id, false, j->a);
    plan_field(&p, "languages", was, now);
    return plan_end(&p, tx);
}

op_rc app_languages_get(struct app *app, const struct actor *who, int64_t user_id,
                        struct arena *a, struct str_list *out, struct op_err *err)
{
    op_rc rc = require_staff(who, err);
    struct lang_job j = {app, who, user_id, {0}, a, out, err};
    return rc ? rc : app_run(app, true, lang_get_fn, &j);
}

op_rc app_languages_set(struct app *app, const struct actor *who, int64_t user_id,
                        const struct str_list *langs, struct arena *a, struct str_list *out,
                        struct op_err *err)
{
    op_rc rc = require_staff(who, err);
    if (!rc && who->id != user_id)
        rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    if (langs->n > TEAM_LANGS_MAX) {
        char b[24];
        return op_fail(err, OP_ERR_INVALID, "languages", MSG_ERR_TOO_MANY,
                       id_str(TEAM_LANGS_MAX, b));
    }
    struct str_list l = {langs->n ? arena_alloc(a, langs->n * sizeof(char *)) : NULL, 0};
    if (langs->n && !l.v)
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < langs->n; i++) {
        const char *s = langs->v[i];
        size_t k = strlen(s);
        bool ok = k == 2 || k == 3;
        for (size_t c = 0; ok && c < k; c++)
            ok = s[c] >= 'a' && s[c] <= 'z';
        if (!ok) {
            char f[32];
            snprintf(f, sizeof(f), "languages[%zu]", i);
            return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_TEAM_LANGUAGE, s);
        }
        if (!str_list_has(&l, s))
            l.v[l.n++] = (char *)s;
    }
    qsort(l.v, l.n, sizeof(char *), cmp_str);
    struct lang_job j = {app, who, user_id, l, a, out, err};
    return app_run(app, false, lang_set_fn, &j);
}

/* ---- settings ---- */

struct settings_job {
    struct app *app;
    const struct actor *who;
    const struct team_settings_input *in;
    struct team_settings *out;
    struct op_err *err;
};

static op_rc settings_get_fn(struct store_tx *tx, void *arg)
{
    struct settings_job *j = arg;
    return tx->ops->team->settings_get(tx, j->out);
}

static op_rc settings_put_fn(struct store_tx *tx, void *arg)
{
    struct settings_job *j = arg;
    struct team_settings s;
    op_rc rc = tx->ops->team->settings_get(tx, &s);
    if (rc)
        return rc;
    struct team_settings old = s;
    if (j->in->set & TSF_AWAY)
        s.away_after_min = j->in->away_after_min;
    if (j->in->set & TSF_GRACE)
        s.grace_min = j->in->grace_min;
    s.updated_at = app_now(j->app);
    if ((rc = team_settings_check(&s, j->err)) || (rc = tx->ops->team->settings_put(tx, &s)))
        return rc;
    struct plan p;
    struct arena a = ARENA_INIT(0);
    plan_begin(&p, j->app, j->who, ENTITY_TEAM, 1, false, &a);
    plan_int(&p, "away_after_min", true, old.away_after_min, s.away_after_min);
    plan_int(&p, "grace_min", true, old.grace_min, s.grace_min);
    rc = plan_end(&p, tx);
    arena_release(&a);
    if (rc)
        return rc;
    *j->out = s;
    return OP_OK;
}

op_rc app_team_settings_get(struct app *app, const struct actor *who, struct team_settings *out,
                            struct op_err *err)
{
    op_rc rc = require_staff(who, err);
    struct settings_job j = {app, who, NULL, out, err};
    return rc ? rc : app_run(app, true, settings_get_fn, &j);
}

op_rc app_team_settings_put(struct app *app, const struct actor *who,
                            const struct team_settings_input *in, struct team_settings *out,
                            struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    struct settings_job j = {app, who, in, out, err};
    return rc ? rc : app_run(app, false, settings_put_fn, &j);
}
