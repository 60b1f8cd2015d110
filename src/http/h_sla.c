/* h_sla.c - /api/v1/calendars, /api/v1/sla/policies, a ticket's SLA
 * (/api/v1/tickets/{id}/sla) and /api/v1/me/notifications. The JSON shapes
 * are in docs/api.md. */
#include "base/common.h"

#include "app/sla.h"
#include "http/apiInt.h"

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ==== reading ==== */

static op_rc read_week(const json_t *o, struct cal_day week[7], struct arena *a,
                       struct op_err *err)
{
    const char *text[7] = {NULL};
    unsigned set = 0;
    struct jin_field f[7];
    for (int d = 0; d < 7; d++)
        f[d] = (struct jin_field){day_keys[d], JIN_STRING, 1u << d, &text[d]};
    op_rc rc = jin_read(o, "hours", f, 7, &set, a, err);
    for (int d = 0; !rc && d < 7; d++) {
        char field[16];
        snprintf(field, sizeof(field), "hours.%s", day_keys[d]);
        /* a day left out is not worked */
        rc = cal_day_parse((set & (1u << d)) ? text[d] : "", field, &week[d], err);
    }
    return rc;
}

static int exc_kind_parse(const char *s)
{
    return !strcmp(s, "holiday") ? CAL_HOLIDAY : !strcmp(s, "workday") ? CAL_WORKDAY : -1;
}

static const char *exc_kind_names(void)
{
    return "holiday, workday";
}

static op_rc read_exceptions(const json_t *arr, struct arena *a, struct calendar_input *in,
                             struct op_err *err)
{
    size_t n = json_array_size(arr);
    char max[16];
    snprintf(max, sizeof(max), "%d", CAL_EXCEPTIONS_MAX);
    if (n > CAL_EXCEPTIONS_MAX)
        return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_TOO_MANY, max);
    if (!(in->exc = arena_alloc(a, (n + 1) * sizeof(*in->exc))))
        return OP_ERR_NOMEM;
    in->n_exc = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        const char *date = NULL, *name = "", *hours = "";
        int kind = CAL_HOLIDAY;
        if (!json_is_object(o))
            return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_TYPE_OBJECT);
        const struct jin_field f[] = {
            {"date", JIN_STRING, 0, &date, JIN_REQUIRED},
            {"kind", JIN_ENUM, 0, &kind, JIN_REQUIRED, exc_kind_parse, exc_kind_names},
            {"name", JIN_STRING, 0, &name},
            {"hours", JIN_STRING, 0, &hours},
        };
        op_rc rc = jin_read(o, "exceptions", f, ARRAY_SIZE(f), NULL, a, err);
        if (rc)
            return rc;
        struct cal_exception *e = &in->exc[i];
        if (cal_parse_date(date, &e->date))
            return op_fail(err, OP_ERR_INVALID, "exceptions.date", MSG_ERR_DATE);
        e->kind = (enum cal_exception_kind)kind;
        e->name = name;
        if ((rc = cal_day_parse(hours, "exceptions.hours", &e->hours, err)))
            return rc;
    }
    return OP_OK;
}

static op_rc read_calendar(const json_t *o, struct arena *a, struct calendar_input *in,
                           struct op_err *err)
{
    const json_t *hours = NULL, *exceptions = NULL;
    memset(in, 0, sizeof(*in));
    const struct jin_field f[] = {
        {"name", JIN_STRING, CF_NAME, &in->name},
        {"time_zone", JIN_STRING, CF_TIME_ZONE, &in->time_zone},
        {"always", JIN_BOOL, CF_ALWAYS, &in->always},
        {"hours", JIN_OBJECT, CF_WEEK, &hours},
        {"exceptions", JIN_ARRAY, CF_EXCEPTIONS, &exceptions},
        {"preset", JIN_STRING, CF_PRESET, &in->preset},
        {"id", JIN_READONLY},
        {"exceptions_count", JIN_READONLY},
        {"created_at", JIN_READONLY},
        {"updated_at", JIN_READONLY},
    };
    op_rc rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &in->set, a, err);
    if (!rc && (in->set & CF_WEEK)) {
        if (!hours)
            return op_fail(err, OP_ERR_INVALID, "hours", MSG_ERR_TYPE_OBJECT);
        rc = read_week(hours, in->week, a, err);
    }
    if (!rc && exceptions)
        rc = read_exceptions(exceptions, a, in, err);
    return rc;
}

/* An array of enum names into a bit mask. */
static op_rc read_mask(const json_t *o, const char *field, int (*parse)(const char *),
                       const char *(*names)(void), unsigned *mask, struct op_err *err)
{
    *mask = 0;
    if (json_is_null(o))
        return OP_OK;
    if (!json_is_array(o))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_ARRAY);
    size_t i;
    const json_t *v;
    json_array_foreach(o, i, v) {
        int x = json_is_string(v) ? parse(json_string_value(v)) : -1;
        if (x < 0)
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ENUM,
                           json_is_string(v) ? json_string_value(v) : "?", names());
        *mask |= 1u << x;
    }
    return OP_OK;
}

static op_rc read_conditions(const json_t *o, struct arena *a, struct sla_policy_input *in,
                             struct op_err *err)
{
    const json_t *prio = NULL, *chan = NULL, *type = NULL;
    unsigned set = 0;
    const struct jin_field f[] = {
        {"priorities", JIN_ARRAY, PF_PRIORITIES, &prio},
        {"channels", JIN_ARRAY, PF_CHANNELS, &chan},
        {"types", JIN_ARRAY, PF_TYPES, &type},
        {"group_ids", JIN_ID_LIST, PF_GROUPS, &in->p.group_ids},
        {"organization_ids", JIN_ID_LIST, PF_ORGS, &in->p.organization_ids},
    };
    op_rc rc = jin_read(o, "conditions", f, ARRAY_SIZE(f), &set, a, err);
    in->set |= set;
    if (!rc && (set & PF_PRIORITIES))
        rc = read_mask(prio ? prio : json_null(), "conditions.priorities", priority_parse,
                       priority_names_list, &in->p.priority_mask, err);
    if (!rc && (set & PF_CHANNELS))
        rc = read_mask(chan ? chan : json_null(), "conditions.channels", channel_parse,
                       channel_names_list, &in->p.channel_mask, err);
    if (!rc && (set & PF_TYPES))
        rc = read_mask(type ? type : json_null(), "conditions.types", type_parse,
                       type_names_list, &in->p.type_mask, err);
    return rc;
}

static op_rc read_targets(const json_t *o, struct arena *a, struct sla_policy_input *in,
                          struct op_err *err)
{
    const json_t *t[SLA__METRICS] = {NULL};
    unsigned set = 0;
    const struct jin_field f[] = {
        {"first_response", JIN_OBJECT, 1u << SLA_FIRST_RESPONSE, &t[SLA_FIRST_RESPONSE]},
        {"next_response", JIN_OBJECT, 1u << SLA_NEXT_RESPONSE, &t[SLA_NEXT_RESPONSE]},
        {"resolution", JIN_OBJECT, 1u << SLA_RESOLUTION, &t[SLA_RESOLUTION]},
    };
    op_rc rc = jin_read(o, "targets", f, ARRAY_SIZE(f), &set, a, err);
    in->set |= PF_TARGETS;
    in->target_set = set;
    for (int m = 0; !rc && m < SLA__METRICS; m++) {
        struct sla_target *x = &in->p.target[m];
        x->minutes = 0;
        x->business = true;
        if (!t[m]) /* null: no target */
            continue;
        char prefix[48];
        snprintf(prefix, sizeof(prefix), "targets.%s", sla_metric_name((enum sla_metric)m));
        const struct jin_field g[] = {
            {"minutes", JIN_INT, 0, &x->minutes, JIN_REQUIRED},
            {"business", JIN_BOOL, 0, &x->business},
        };
        rc = jin_read(t[m], prefix, g, ARRAY_SIZE(g), NULL, a, err);
    }
    return rc;
}

static op_rc read_actions(const json_t *o, unsigned *out, struct op_err *err)
{
    *out = 0;
    if (json_is_null(o))
        return OP_OK;
    if (!json_is_array(o))
        return op_fail(err, OP_ERR_INVALID, "breach_actions", MSG_ERR_TYPE_ARRAY);
    size_t i;
    const json_t *v;
    json_array_foreach(o, i, v) {
        unsigned bit = json_is_string(v) ? sla_action_parse(json_string_value(v)) : 0;
        if (!bit)
            return op_fail(err, OP_ERR_INVALID, "breach_actions", MSG_ERR_SLA_ACTIONS);
        *out |= bit;
    }
    return OP_OK;
}

static int tier_or_none_parse(const char *s)
{
    return tier_parse(s);
}

static op_rc read_policy(const json_t *o, struct arena *a, struct sla_policy_input *in,
                         struct op_err *err)
{
    const json_t *cond = NULL, *targets = NULL, *actions = NULL;
    int64_t position = 0, warn = 0;
    int tier = -1;
    memset(in, 0, sizeof(*in));
    const struct jin_field f[] = {
        {"name", JIN_STRING, PF_NAME, &in->p.name},
        {"position", JIN_INT, PF_POSITION, &position},
        {"active", JIN_BOOL, PF_ACTIVE, &in->p.active},
        {"conditions", JIN_OBJECT, 0, &cond},
        {"targets", JIN_OBJECT, 0, &targets},
        {"calendar_id", JIN_ID, PF_CALENDAR, &in->p.calendar_id},
        {"pause_on_pending", JIN_BOOL, PF_PAUSE_PENDING, &in->p.pause_on_pending},
        {"pause_on_hold", JIN_BOOL, PF_PAUSE_HOLD, &in->p.pause_on_hold},
        {"warn_percent", JIN_INT, PF_WARN, &warn},
        {"breach_actions", JIN_ARRAY, PF_ACTIONS, &actions},
        {"escalate_group_id", JIN_ID, PF_ESCALATE_GROUP, &in->p.escalate_group_id},
        {"escalate_tier", JIN_ENUM, PF_ESCALATE_TIER, &tier, 0, tier_or_none_parse,
         tier_names_list},
        {"id", JIN_READONLY},
        {"created_at", JIN_READONLY},
        {"updated_at", JIN_READONLY},
    };
    op_rc rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &in->set, a, err);
    if (rc)
        return rc;
    if (position < 0 || position > 1000000)
        return op_fail(err, OP_ERR_INVALID, "position", MSG_ERR_RANGE, "0", "1000000");
    if (warn < 0 || warn > 99)
        return op_fail(err, OP_ERR_INVALID, "warn_percent", MSG_ERR_RANGE, "0", "99");
    in->p.position = (int)position;
    in->p.warn_percent = (int)warn;
    in->p.escalate_tier = tier;
    if (cond && (rc = read_conditions(cond, a, in, err)))
        return rc;
    if (targets && (rc = read_targets(targets, a, in, err)))
        return rc;
    if (actions || (in->set & PF_ACTIONS))
        rc = read_actions(actions ? actions : json_null(), &in->p.actions, err);
    return rc;
}

/* ==== writing ==== */

static void out_calendar(struct jsonw *w, const char *key, const struct calendar_row *c,
                         bool with_exceptions)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", c->id);
    jsonw_str(w, "name", c->name);
    jsonw_str(w, "time_zone", c->time_zone);
    jsonw_bool(w, "always", c->always);
    jsonw_object_begin(w, "hours");
    for (int d = 0; d < 7; d++) {
        char day[CAL_DAY_TEXT_MAX];
        cal_day_format(&c->week[d], day);
        jsonw_str(w, day_keys[d], day);
    }
    jsonw_object_end(w);
    jsonw_int(w, "exceptions_count", (int64_t)c->n_exc);
    if (with_exceptions) {
        jsonw_array_begin(w, "exceptions");
        for (size_t i = 0; i < c->n_exc; i++) {
            const struct cal_exception *e = &c->exc[i];
            char date[11], hours[CAL_DAY_TEXT_MAX];
            cal_format_date(e->date, date);
            cal_day_format(&e->hours, hours);
            jsonw_object_begin(w, NULL);
            jsonw_str(w, "date", date);
            jsonw_str(w, "kind", e->kind == CAL_WORKDAY ? "workday" : "holiday");
            jsonw_str(w, "name", e->name ? e->name : "");
            if (e->kind == CAL_WORKDAY)
                jsonw_str(w, "hours", hours);
            jsonw_object_end(w);
        }
        jsonw_array_end(w);
    }
    jsonw_bool(w, "recompute_pending", c->recompute_after >= 0);
    jsonw_time(w, "created_at", c->created_at);
    jsonw_time(w, "updated_at", c->updated_at);
    jsonw_object_end(w);
}

static void out_mask(struct jsonw *w, const char *key, unsigned mask, int count,
                     const char *(*name)(int))
{
    jsonw_array_begin(w, key);
    for (int i = 0; i < count; i++)
        if (mask & (1u << i))
            jsonw_str(w, NULL, name(i));
    jsonw_array_end(w);
}

static const char *prio_name_i(int v) { return priority_name((enum ticket_priority)v); }
static const char *chan_name_i(int v) { return channel_name((enum channel)v); }
static const char *type_name_i(int v) { return type_name((enum ticket_type)v); }

static void out_policy(struct jsonw *w, const char *key, const struct sla_policy *p)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", p->id);
    jsonw_str(w, "name", p->name);
    jsonw_int(w, "position", p->position);
    jsonw_bool(w, "active", p->active);
    jsonw_object_begin(w, "conditions");
    out_mask(w, "priorities", p->priority_mask, PRIO__COUNT, prio_name_i);
    out_mask(w, "channels", p->channel_mask, CH__COUNT, chan_name_i);
    out_mask(w, "types", p->type_mask, TYPE__COUNT, type_name_i);
    json_out_ids(w, "group_ids", &p->group_ids);
    json_out_ids(w, "organization_ids", &p->organization_ids);
    jsonw_object_end(w);
    jsonw_object_begin(w, "targets");
    for (int m = 0; m < SLA__METRICS; m++) {
        const char *name = sla_metric_name((enum sla_metric)m);
        if (!p->target[m].minutes) {
            jsonw_null(w, name);
            continue;
        }
        jsonw_object_begin(w, name);
        jsonw_int(w, "minutes", p->target[m].minutes);
        jsonw_bool(w, "business", p->target[m].business);
        jsonw_object_end(w);
    }
    jsonw_object_end(w);
    jsonw_id(w, "calendar_id", p->calendar_id);
    jsonw_bool(w, "pause_on_pending", p->pause_on_pending);
    jsonw_bool(w, "pause_on_hold", p->pause_on_hold);
    jsonw_int(w, "warn_percent", p->warn_percent);
    jsonw_array_begin(w, "breach_actions");
    for (unsigned bit = 1; bit <= SLA_ACT__ALL; bit <<= 1)
        if (p->actions & bit)
            jsonw_str(w, NULL, sla_action_name(bit));
    jsonw_array_end(w);
    jsonw_id(w, "escalate_group_id", p->escalate_group_id);
    if (p->escalate_tier >= 0)
        jsonw_str(w, "escalate_tier", tier_name((enum group_tier)p->escalate_tier));
    else
        jsonw_null(w, "escalate_tier");
    jsonw_time(w, "created_at", p->created_at);
    jsonw_time(w, "updated_at", p->updated_at);
    jsonw_object_end(w);
}

static void out_ticket_sla(struct jsonw *w, int64_t ticket_id, const struct ticket_sla_view *v)
{
    const struct sla_state *s = &v->state;
    jsonw_object_begin(w, NULL);
    jsonw_int(w, "ticket_id", ticket_id);
    if (v->has_policy) {
        jsonw_object_begin(w, "policy");
        jsonw_int(w, "id", v->policy.id);
        jsonw_str(w, "name", v->policy.name);
        jsonw_id(w, "calendar_id", v->policy.calendar_id);
        jsonw_object_end(w);
    } else {
        jsonw_null(w, "policy");
    }
    jsonw_bool(w, "paused", v->has && s->paused);
    jsonw_bool(w, "breached", v->has && s->breached);
    jsonw_time(w, "due_at", v->has ? s->due_at : 0);
    jsonw_object_begin(w, "metrics");
    for (int m = 0; m < SLA__METRICS; m++) {
        const struct sla_clock *c = &s->c[m];
        jsonw_object_begin(w, sla_metric_name((enum sla_metric)m));
        jsonw_str(w, "status", v->has ? sla_clock_status(c) : "none");
        if (c->target_ms) {
            jsonw_int(w, "target_minutes", c->target_ms / 60000);
            jsonw_bool(w, "business", c->business);
        } else {
            jsonw_null(w, "target_minutes");
        }
        jsonw_time(w, "started_at", c->started_at);
        jsonw_time(w, "due_at", c->due_at);
        jsonw_time(w, "warn_at", c->warn_at);
        jsonw_time(w, "stopped_at", c->stopped_at);
        jsonw_time(w, "warned_at", c->warned_at);
        jsonw_time(w, "breached_at", c->breached_at);
        jsonw_int(w, "elapsed_minutes", v->elapsed_ms[m] / 60000);
        jsonw_int(w, "elapsed_seconds", v->elapsed_ms[m] / 1000);
        if (c->target_ms)
            jsonw_int(w, "remaining_seconds", (c->target_ms - v->elapsed_ms[m]) / 1000);
        jsonw_object_end(w);
    }
    jsonw_object_end(w);
    jsonw_time(w, "now", v->now);
    jsonw_object_end(w);
}

/* ==== handlers ==== */

void h_calendar_list(struct http_req *r)
{
    struct op_err err = {0};
    struct calendar_row *v = NULL;
    size_t n = 0;
    op_rc rc = app_calendar_list(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "calendars");
    for (size_t i = 0; i < n; i++)
        out_calendar(&w, NULL, &v[i], false);
    jsonw_array_end(&w);
    jsonw_str(&w, "presets", cal_preset_names());
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_calendar_create(struct http_req *r)
{
    struct op_err err = {0};
    struct calendar_input in;
    struct calendar_row c;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = read_calendar(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_calendar_create(api_app(r), api_actor(r), &in, r->arena, &c, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_calendar(&w, NULL, &c, true);
    http_reply_jsonw(r, 201, &w);
}

void h_calendar_get(struct http_req *r)
{
    struct op_err err = {0};
    struct calendar_row c;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_calendar_get(api_app(r), api_actor(r), id, r->arena, &c, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_calendar(&w, NULL, &c, true);
    http_reply_jsonw(r, 200, &w);
}

void h_calendar_update(struct http_req *r)
{
    struct op_err err = {0};
    struct calendar_input in;
    struct calendar_row c;
    int64_t moved = 0;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = read_calendar(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc)
        rc = app_calendar_update(api_app(r), api_actor(r), id, &in, r->arena, &c, &moved, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    out_calendar(&w, "calendar", &c, true);
    jsonw_int(&w, "clocks_moved", moved);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_calendar_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_calendar_delete(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}

void h_sla_policy_list(struct http_req *r)
{
    struct op_err err = {0};
    struct sla_policy *v = NULL;
    size_t n = 0;
    op_rc rc = app_sla_policy_list(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "policies");
    for (size_t i = 0; i < n; i++)
        out_policy(&w, NULL, &v[i]);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

static void policy_write(struct http_req *r, int64_t id)
{
    struct op_err err = {0};
    struct sla_policy_input in;
    struct sla_policy p;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = read_policy(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc)
        rc = id ? app_sla_policy_update(api_app(r), api_actor(r), id, &in, r->arena, &p, &err)
                : app_sla_policy_create(api_app(r), api_actor(r), &in, r->arena, &p, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_policy(&w, NULL, &p);
    http_reply_jsonw(r, id ? 200 : 201, &w);
}

void h_sla_policy_create(struct http_req *r)
{
    policy_write(r, 0);
}

void h_sla_policy_update(struct http_req *r)
{
    int64_t id = api_path_id(r, 0);
    if (id)
        policy_write(r, id);
}

void h_sla_policy_get(struct http_req *r)
{
    struct op_err err = {0};
    struct sla_policy p;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_sla_policy_get(api_app(r), api_actor(r), id, r->arena, &p, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_policy(&w, NULL, &p);
    http_reply_jsonw(r, 200, &w);
}

void h_sla_policy_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_sla_policy_delete(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}

void h_ticket_sla(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket_sla_view v;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_ticket_sla(api_app(r), api_actor(r), id, r->arena, &v, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_ticket_sla(&w, id, &v);
    http_reply_jsonw(r, 200, &w);
}

void h_notification_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct notification *v = NULL;
    size_t n = 0, limit = 100;
    int64_t after = 0;
    bool unread = false;
    op_rc rc = qs_bool(&q, "unread", &unread, &err);
    if (!rc) rc = qs_after_id(&q, "after_id", &after, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 1000, &limit, &err);
    if (!rc)
        rc = app_notification_list(api_app(r), api_actor(r), unread, after, limit, r->arena, &v,
                                   &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "notifications");
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "id", v[i].id);
        jsonw_id(&w, "ticket_id", v[i].ticket_id);
        jsonw_str(&w, "kind", v[i].kind);
        jsonw_str(&w, "text", v[i].text);
        jsonw_time(&w, "created_at", v[i].created_at);
        jsonw_time(&w, "read_at", v[i].read_at);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_notification_read(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = 0;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {{"id", JIN_ID, 0, &id}};
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc) rc = app_notification_read(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}
