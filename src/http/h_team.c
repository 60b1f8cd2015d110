/* h_team.c - the team's endpoints: /shifts, /rota, /oncall, /me/presence,
 * /presence, /reports/adherence, /groups/{id}/routing,
 * /users/{id}/languages, /team/settings (docs/api.md, "Team"). */
#include "base/common.h"

#include "app/team.h"
#include "http/apiInt.h"

/* ---- reading ---- */

/* An integer member of o in [min, max] into *out (absent: untouched, false
 * in *present). JSON strings are refused: "10" is not 10. */
static op_rc int_member(const json_t *o, const char *key, int64_t min, int64_t max, int *out,
                        bool *present, struct op_err *err)
{
    const json_t *v = json_object_get(o, key);
    if (present)
        *present = v != NULL;
    if (!v)
        return OP_OK;
    if (!json_is_integer(v))
        return op_fail(err, OP_ERR_INVALID, key, MSG_ERR_TYPE_INTEGER);
    json_int_t x = json_integer_value(v);
    if (x < min || x > max) {
        char lo[24], hi[24];
        snprintf(lo, sizeof(lo), "%" PRId64, min);
        snprintf(hi, sizeof(hi), "%" PRId64, max);
        return op_fail(err, OP_ERR_INVALID, key, MSG_ERR_RANGE, lo, hi);
    }
    *out = (int)x;
    return OP_OK;
}

static op_rc parse_time(const char *field, const char *s, op_time *out, struct op_err *err)
{
    if (!s || time_parse_iso(s, out) != OP_OK)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TIME);
    return OP_OK;
}

static op_rc parse_date(const char *field, const char *s, int32_t *out, struct op_err *err)
{
    if (!s || team_parse_date(s, out) != OP_OK)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TEAM_DATE);
    return OP_OK;
}

/* Replies with err and returns true when rc failed. */
static bool failed(struct http_req *r, op_rc rc, struct op_err *err)
{
    if (rc)
        api_reply_error(r, rc, err);
    return rc != OP_OK;
}

/* ---- writing ---- */

static void out_shift(struct jsonw *w, const char *key, const struct shift_template *s)
{
    char hm[6];
    team_format_hhmm(s->start_min, hm);
    jsonw_object_begin(w, key);
    jsonw_id(w, "id", s->id);
    jsonw_str(w, "name", s->name);
    jsonw_str(w, "start", hm);
    jsonw_int(w, "duration_min", s->duration_min);
    if (s->time_zone && *s->time_zone)
        jsonw_str(w, "time_zone", s->time_zone);
    else
        jsonw_null(w, "time_zone");
    jsonw_time(w, "created_at", s->created_at);
    jsonw_time(w, "updated_at", s->updated_at);
    jsonw_object_end(w);
}

static void out_rota_entry(struct jsonw *w, const char *key, const struct rota_entry *e)
{
    char d[11];
    team_format_date(e->date, d);
    jsonw_object_begin(w, key);
    jsonw_id(w, "id", e->id);
    jsonw_id(w, "agent_id", e->agent_id);
    jsonw_str(w, "date", d);
    jsonw_id(w, "shift_id", e->shift_id);
    jsonw_str(w, "shift", e->shift_name);
    jsonw_time(w, "start_at", e->start_at);
    jsonw_time(w, "end_at", e->end_at);
    jsonw_object_end(w);
}

static void out_rota(struct jsonw *w, int32_t from, int32_t to, const struct rota_entry *v,
                     size_t n)
{
    char a[11], b[11];
    team_format_date(from, a);
    team_format_date(to, b);
    jsonw_object_begin(w, NULL);
    jsonw_str(w, "from", a);
    jsonw_str(w, "to", b);
    jsonw_array_begin(w, "entries");
    for (size_t i = 0; i < n; i++)
        out_rota_entry(w, NULL, &v[i]);
    jsonw_array_end(w);
    jsonw_object_end(w);
}

static void out_oncall(struct jsonw *w, const char *key, const struct oncall *o)
{
    jsonw_object_begin(w, key);
    jsonw_id(w, "id", o->id);
    jsonw_id(w, "agent_id", o->agent_id);
    jsonw_time(w, "start_at", o->start_at);
    jsonw_time(w, "end_at", o->end_at);
    jsonw_str(w, "note", o->note);
    jsonw_id(w, "created_by", o->created_by);
    jsonw_time(w, "created_at", o->created_at);
    jsonw_object_end(w);
}

static void out_presence(struct jsonw *w, const char *key, const struct presence_interval *p)
{
    jsonw_object_begin(w, key);
    jsonw_id(w, "agent_id", p->agent_id);
    jsonw_str(w, "status", presence_name(p->status));
    jsonw_time(w, "since", p->start_at);
    jsonw_str(w, "source", presence_source_name(p->source));
    jsonw_object_end(w);
}

static void out_routing(struct jsonw *w, const struct routing_settings *s)
{
    jsonw_object_begin(w, NULL);
    jsonw_id(w, "group_id", s->group_id);
    jsonw_str(w, "mode", routing_mode_name(s->mode));
    jsonw_int(w, "cap", s->cap);
    jsonw_int(w, "reassign_after_min", s->reassign_after_min);
    jsonw_str(w, "language", routing_lang_name(s->lang_rule));
    jsonw_id(w, "last_agent_id", s->rr_last_agent_id);
    jsonw_time(w, "updated_at", s->updated_at);
    jsonw_object_end(w);
}

static void out_settings(struct jsonw *w, const struct team_settings *s)
{
    jsonw_object_begin(w, NULL);
    jsonw_int(w, "away_after_min", s->away_after_min);
    jsonw_int(w, "grace_min", s->grace_min);
    jsonw_time(w, "updated_at", s->updated_at);
    jsonw_object_end(w);
}

static void out_langs(struct jsonw *w, int64_t user_id, const struct str_list *l)
{
    jsonw_object_begin(w, NULL);
    jsonw_id(w, "user_id", user_id);
    jsonw_array_begin(w, "languages");
    for (size_t i = 0; i < l->n; i++)
        jsonw_str(w, NULL, l->v[i]);
    jsonw_array_end(w);
    jsonw_object_end(w);
}

/* minutes, rounded to the nearest */
static int64_t mins(int64_t ms)
{
    return (ms + TEAM_MIN_MS / 2) / TEAM_MIN_MS;
}

static void out_adherence(struct jsonw *w, const char *key, int64_t online, int64_t planned)
{
    int pm = adherence_permille(online, planned);
    if (pm < 0)
        jsonw_null(w, key);
    else
        jsonw_double(w, key, pm / 10.0);
}

static void out_statuses(struct jsonw *w, const char *key, const int64_t ms[PRESENCE__COUNT])
{
    jsonw_object_begin(w, key);
    for (int k = 0; k < PRESENCE__COUNT; k++)
        jsonw_int(w, presence_name((enum presence_status)k), mins(ms[k]));
    jsonw_object_end(w);
}

static void out_agent_report(struct jsonw *w, const struct adherence_agent *ag)
{
    const struct adh_report *r = &ag->r;
    char d[11];
    jsonw_object_begin(w, NULL);
    jsonw_id(w, "agent_id", ag->agent_id);
    jsonw_str(w, "name", ag->name);
    jsonw_str(w, "time_zone", ag->time_zone);
    jsonw_int(w, "planned_min", mins(r->planned_ms));
    jsonw_int(w, "online_in_shift_min", mins(r->online_in_shift_ms));
    out_adherence(w, "adherence", r->online_in_shift_ms, r->planned_ms);
    jsonw_array_begin(w, "days");
    for (size_t i = 0; i < r->n_days; i++) {
        const struct adh_day *x = &r->days[i];
        team_format_date(x->date, d);
        jsonw_object_begin(w, NULL);
        jsonw_str(w, "date", d);
        jsonw_int(w, "shifts", x->n_shifts);
        jsonw_int(w, "planned_min", mins(x->planned_ms));
        jsonw_int(w, "online_in_shift_min", mins(x->in_shift_ms[PRESENCE_ONLINE]));
        out_adherence(w, "adherence", x->in_shift_ms[PRESENCE_ONLINE], x->planned_ms);
        out_statuses(w, "in_shift_min", x->in_shift_ms);
        out_statuses(w, "total_min", x->total_ms);
        jsonw_int(w, "late_start_min", mins(x->late_ms));
        jsonw_int(w, "early_leave_min", mins(x->early_ms));
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_array_begin(w, "shifts");
    for (size_t i = 0; i < r->n_shifts; i++) {
        const struct adh_shift *s = &r->shifts[i];
        team_format_date(s->plan.date, d);
        jsonw_object_begin(w, NULL);
        jsonw_id(w, "rota_id", s->plan.rota_id);
        jsonw_str(w, "date", d);
        jsonw_str(w, "shift", s->plan.shift_name);
        jsonw_time(w, "start_at", s->plan.start_at);
        jsonw_time(w, "end_at", s->plan.end_at);
        jsonw_int(w, "planned_min", mins(s->planned_ms));
        jsonw_int(w, "online_in_shift_min", mins(s->status_ms[PRESENCE_ONLINE]));
        out_adherence(w, "adherence", s->status_ms[PRESENCE_ONLINE], s->planned_ms);
        out_statuses(w, "status_min", s->status_ms);
        jsonw_int(w, "late_start_min", mins(s->late_ms));
        jsonw_int(w, "early_leave_min", mins(s->early_ms));
        jsonw_bool(w, "absent", s->absent);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_object_end(w);
}

/* ---- shift templates ---- */

static op_rc read_shift(const json_t *o, struct arena *a, struct shift_input *in,
                        struct op_err *err)
{
    const char *start = NULL, *duration = NULL;
    memset(in, 0, sizeof(*in));
    const struct jin_field f[] = {
        {"name", JIN_STRING, SHF_NAME, &in->name},
        {"start", JIN_STRING, SHF_START, &start},
        {"duration_min", JIN_SCALAR_TEXT, 0, &duration},
        {"time_zone", JIN_STRING, SHF_TIME_ZONE, &in->time_zone},
    };
    op_rc rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &in->set, a, err);
    if (rc)
        return rc;
    if ((in->set & SHF_START) && team_parse_hhmm(start, &in->start_min) != OP_OK)
        return op_fail(err, OP_ERR_INVALID, "start", MSG_ERR_TEAM_HHMM);
    bool has = false;
    if ((rc = int_member(o, "duration_min", 1, TEAM_DAY_MIN, &in->duration_min, &has, err)))
        return rc;
    if (has)
        in->set |= SHF_DURATION;
    return OP_OK;
}

void h_shift_list(struct http_req *r)
{
    struct op_err err = {0};
    struct shift_template *v = NULL;
    size_t n = 0;
    if (failed(r, app_shift_list(api_app(r), api_actor(r), r->arena, &v, &n, &err), &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "shifts");
    for (size_t i = 0; i < n; i++)
        out_shift(&w, NULL, &v[i]);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

static void shift_write(struct http_req *r, int64_t id)
{
    struct op_err err = {0};
    struct shift_input in;
    struct shift_template s;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = read_shift(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc)
        rc = id ? app_shift_update(api_app(r), api_actor(r), id, &in, r->arena, &s, &err)
                : app_shift_create(api_app(r), api_actor(r), &in, r->arena, &s, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_shift(&w, NULL, &s);
    http_reply_jsonw(r, id ? 200 : 201, &w);
}

void h_shift_create(struct http_req *r)
{
    shift_write(r, 0);
}

void h_shift_update(struct http_req *r)
{
    int64_t id = api_path_id(r, 0);
    if (id) shift_write(r, id);
}

void h_shift_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    if (!failed(r, app_shift_delete(api_app(r), api_actor(r), id, &err), &err))
        http_reply_status(r, 204);
}

/* ---- the rota ---- */

/* month=YYYY-MM, or from= and to= (dates); group_id, agent_id. */
static op_rc rota_query(struct http_req *r, struct rota_filter *f, struct op_err *err)
{
    struct qs q = api_qs(r);
    const char *month = http_query(r, "month");
    op_rc rc;
    memset(f, 0, sizeof(*f));
    if (month) {
        if (team_parse_month(month, &f->from, &f->to) != OP_OK)
            return op_fail(err, OP_ERR_INVALID, "month", MSG_ERR_TEAM_MONTH);
    } else {
        const char *from = http_query(r, "from"), *to = http_query(r, "to");
        if (!from)
            return op_fail(err, OP_ERR_INVALID, "month", MSG_ERR_REQUIRED);
        if ((rc = parse_date("from", from, &f->from, err)))
            return rc;
        f->to = f->from;
        if (to && (rc = parse_date("to", to, &f->to, err)))
            return rc;
    }
    if ((rc = qs_id(&q, "group_id", false, &f->group_id, err)) ||
        (rc = qs_id(&q, "agent_id", false, &f->agent_id, err)))
        return rc;
    return OP_OK;
}

void h_rota_get(struct http_req *r)
{
    struct op_err err = {0};
    struct rota_filter f;
    struct rota_entry *v = NULL;
    size_t n = 0;
    op_rc rc = rota_query(r, &f, &err);
    if (!rc) rc = app_rota_list(api_app(r), api_actor(r), &f, r->arena, &v, &n, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_rota(&w, f.from, f.to, v, n);
    http_reply_jsonw(r, 200, &w);
}

/* {agent_id, date, shift_id | shift}; prefix for the fields of errors. */
static op_rc read_rota_input(const json_t *o, const char *prefix, struct arena *a,
                             struct rota_input *out, struct op_err *err)
{
    const char *date = NULL;
    memset(out, 0, sizeof(*out));
    const struct jin_field f[] = {
        {"agent_id", JIN_ID, 0, &out->agent_id, JIN_REQUIRED},
        {"date", JIN_STRING, 0, &date, JIN_REQUIRED},
        {"shift_id", JIN_ID, 0, &out->shift_id},
        {"shift", JIN_STRING, 0, &out->shift_name},
    };
    op_rc rc = jin_read(o, prefix, f, ARRAY_SIZE(f), NULL, a, err);
    if (rc)
        return rc;
    char field[64];
    snprintf(field, sizeof(field), "%s%sdate", prefix ? prefix : "", prefix ? "." : "");
    return parse_date(field, date, &out->date, err);
}

void h_rota_put(struct http_req *r)
{
    struct op_err err = {0};
    struct rota_filter f = {0};
    const char *month = NULL;
    const json_t *entries = NULL;
    struct rota_entry *v = NULL;
    size_t n = 0;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field fields[] = {
        {"month", JIN_STRING, 0, &month, JIN_REQUIRED},
        {"group_id", JIN_ID, 0, &f.group_id},
        {"agent_id", JIN_ID, 0, &f.agent_id},
        {"entries", JIN_ARRAY, 0, &entries, JIN_REQUIRED},
    };
    op_rc rc = jin_read(body, NULL, fields, ARRAY_SIZE(fields), NULL, r->arena, &err);
    if (!rc && team_parse_month(month, &f.from, &f.to) != OP_OK)
        rc = op_fail(&err, OP_ERR_INVALID, "month", MSG_ERR_TEAM_MONTH);
    size_t ne = entries ? json_array_size(entries) : 0;
    struct rota_input *in = NULL;
    if (!rc && ne > 31 * 100)
        rc = op_fail(&err, OP_ERR_INVALID, "entries", MSG_ERR_TOO_MANY, "3100");
    if (!rc && ne && !(in = arena_alloc(r->arena, ne * sizeof(*in))))
        rc = OP_ERR_NOMEM;
    for (size_t i = 0; !rc && i < ne; i++) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "entries[%zu]", i);
        const json_t *e = json_array_get(entries, i);
        if (!json_is_object(e))
            rc = op_fail(&err, OP_ERR_INVALID, prefix, MSG_ERR_TYPE_OBJECT);
        else
            rc = read_rota_input(e, prefix, r->arena, &in[i], &err);
    }
    if (!rc)
        rc = app_rota_put(api_app(r), api_actor(r), &f, in, ne, r->arena, &v, &n, &err);
    json_decref(body);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_rota(&w, f.from, f.to, v, n);
    http_reply_jsonw(r, 200, &w);
}

void h_rota_add(struct http_req *r)
{
    struct op_err err = {0};
    struct rota_input in;
    struct rota_entry e;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = read_rota_input(body, NULL, r->arena, &in, &err);
    if (!rc) rc = app_rota_add(api_app(r), api_actor(r), &in, r->arena, &e, &err);
    json_decref(body);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_rota_entry(&w, NULL, &e);
    http_reply_jsonw(r, 201, &w);
}

void h_rota_remove(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    if (!failed(r, app_rota_remove(api_app(r), api_actor(r), id, &err), &err))
        http_reply_status(r, 204);
}

/* ---- on-call ---- */

static op_rc read_oncall(const json_t *o, struct arena *a, struct oncall_input *in,
                         struct op_err *err)
{
    const char *start = NULL, *end = NULL;
    unsigned set = 0;
    memset(in, 0, sizeof(*in));
    const struct jin_field f[] = {
        {"agent_id", JIN_ID, OCF_AGENT, &in->agent_id},
        {"start_at", JIN_STRING, OCF_START, &start},
        {"end_at", JIN_STRING, OCF_END, &end},
        {"note", JIN_STRING, OCF_NOTE, &in->note},
    };
    op_rc rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &set, a, err);
    if (rc)
        return rc;
    if ((set & OCF_START) && (rc = parse_time("start_at", start, &in->start_at, err)))
        return rc;
    if ((set & OCF_END) && (rc = parse_time("end_at", end, &in->end_at, err)))
        return rc;
    in->set = set;
    return OP_OK;
}

void h_oncall_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    int64_t agent = 0;
    op_time from = 0, to = 0;
    struct oncall *v = NULL;
    size_t n = 0;
    op_rc rc = parse_time("from", http_query(r, "from"), &from, &err);
    if (!rc) rc = parse_time("to", http_query(r, "to"), &to, &err);
    if (!rc) rc = qs_id(&q, "agent_id", false, &agent, &err);
    if (!rc) rc = app_oncall_list(api_app(r), api_actor(r), agent, from, to, r->arena, &v, &n, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "oncall");
    for (size_t i = 0; i < n; i++)
        out_oncall(&w, NULL, &v[i]);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

static void oncall_write(struct http_req *r, int64_t id)
{
    struct op_err err = {0};
    struct oncall_input in;
    struct oncall o;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = read_oncall(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc)
        rc = id ? app_oncall_update(api_app(r), api_actor(r), id, &in, r->arena, &o, &err)
                : app_oncall_create(api_app(r), api_actor(r), &in, r->arena, &o, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_oncall(&w, NULL, &o);
    http_reply_jsonw(r, id ? 200 : 201, &w);
}

void h_oncall_create(struct http_req *r)
{
    oncall_write(r, 0);
}

void h_oncall_update(struct http_req *r)
{
    int64_t id = api_path_id(r, 0);
    if (id) oncall_write(r, id);
}

void h_oncall_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    if (!failed(r, app_oncall_delete(api_app(r), api_actor(r), id, &err), &err))
        http_reply_status(r, 204);
}

/* ---- presence ---- */

void h_presence_set(struct http_req *r)
{
    struct op_err err = {0};
    int status = 0;
    struct presence_interval p;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"status", JIN_ENUM, 0, &status, JIN_REQUIRED, presence_parse, presence_names_list},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc)
        rc = app_presence_set(api_app(r), api_actor(r), (enum presence_status)status, &p, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_presence(&w, NULL, &p);
    http_reply_jsonw(r, 200, &w);
}

void h_presence_list(struct http_req *r)
{
    struct op_err err = {0};
    struct presence_now *v = NULL;
    size_t n = 0;
    if (failed(r, app_presence_list(api_app(r), api_actor(r), r->arena, &v, &n, &err), &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "agents");
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_id(&w, "agent_id", v[i].agent_id);
        jsonw_str(&w, "name", v[i].name);
        jsonw_str(&w, "status", presence_name(v[i].status));
        jsonw_time(&w, "since", v[i].since);
        if (v[i].since)
            jsonw_str(&w, "source", presence_source_name(v[i].source));
        else
            jsonw_null(&w, "source");
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

/* ---- reports ---- */

void h_adherence_report(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    int32_t from = 0, to = 0;
    int64_t agent = 0, group = 0;
    struct adherence_agent *v = NULL;
    size_t n = 0;
    op_rc rc = parse_date("from", http_query(r, "from"), &from, &err);
    if (!rc) rc = parse_date("to", http_query(r, "to"), &to, &err);
    if (!rc) rc = qs_id(&q, "agent_id", false, &agent, &err);
    if (!rc) rc = qs_id(&q, "group_id", false, &group, &err);
    if (!rc)
        rc = app_adherence_report(api_app(r), api_actor(r), from, to, agent, group, r->arena, &v,
                                  &n, &err);
    if (failed(r, rc, &err))
        return;
    char a[11], b[11];
    team_format_date(from, a);
    team_format_date(to, b);
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_str(&w, "from", a);
    jsonw_str(&w, "to", b);
    jsonw_array_begin(&w, "agents");
    for (size_t i = 0; i < n; i++)
        out_agent_report(&w, &v[i]);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

/* ---- routing ---- */

void h_routing_get(struct http_req *r)
{
    struct op_err err = {0};
    struct routing_settings s;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    if (failed(r, app_routing_get(api_app(r), api_actor(r), id, &s, &err), &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_routing(&w, &s);
    http_reply_jsonw(r, 200, &w);
}

void h_routing_put(struct http_req *r)
{
    struct op_err err = {0};
    struct routing_input in = {0};
    struct routing_settings s;
    int mode = 0, lang = 0;
    const char *cap = NULL, *after = NULL;
    bool has;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"mode", JIN_ENUM, RTF_MODE, &mode, 0, routing_mode_parse, routing_mode_names_list},
        {"cap", JIN_SCALAR_TEXT, 0, &cap},
        {"reassign_after_min", JIN_SCALAR_TEXT, 0, &after},
        {"language", JIN_ENUM, RTF_LANG, &lang, 0, routing_lang_parse, routing_lang_names_list},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), &in.set, r->arena, &err);
    if (!rc && !(rc = int_member(body, "cap", 0, 1000, &in.cap, &has, &err)) && has)
        in.set |= RTF_CAP;
    if (!rc && !(rc = int_member(body, "reassign_after_min", 0, 10080, &in.reassign_after_min,
                                 &has, &err)) &&
        has)
        in.set |= RTF_REASSIGN;
    json_decref(body);
    in.mode = (enum routing_mode)mode;
    in.lang_rule = (enum routing_lang)lang;
    if (!rc) rc = app_routing_put(api_app(r), api_actor(r), id, &in, &s, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_routing(&w, &s);
    http_reply_jsonw(r, 200, &w);
}

/* ---- languages ---- */

void h_languages_get(struct http_req *r)
{
    struct op_err err = {0};
    struct str_list l = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    if (failed(r, app_languages_get(api_app(r), api_actor(r), id, r->arena, &l, &err), &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_langs(&w, id, &l);
    http_reply_jsonw(r, 200, &w);
}

void h_languages_put(struct http_req *r)
{
    struct op_err err = {0};
    struct str_list in = {0}, l = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"languages", JIN_STR_LIST, 0, &in, JIN_REQUIRED},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc) rc = app_languages_set(api_app(r), api_actor(r), id, &in, r->arena, &l, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_langs(&w, id, &l);
    http_reply_jsonw(r, 200, &w);
}

/* ---- settings ---- */

void h_team_settings_get(struct http_req *r)
{
    struct op_err err = {0};
    struct team_settings s;
    if (failed(r, app_team_settings_get(api_app(r), api_actor(r), &s, &err), &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_settings(&w, &s);
    http_reply_jsonw(r, 200, &w);
}

void h_team_settings_put(struct http_req *r)
{
    struct op_err err = {0};
    struct team_settings_input in = {0};
    struct team_settings s;
    const char *x = NULL, *y = NULL;
    bool has;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"away_after_min", JIN_SCALAR_TEXT, 0, &x},
        {"grace_min", JIN_SCALAR_TEXT, 0, &y},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    if (!rc && !(rc = int_member(body, "away_after_min", 1, 1440, &in.away_after_min, &has,
                                 &err)) &&
        has)
        in.set |= TSF_AWAY;
    if (!rc && !(rc = int_member(body, "grace_min", 0, 240, &in.grace_min, &has, &err)) && has)
        in.set |= TSF_GRACE;
    json_decref(body);
    if (!rc) rc = app_team_settings_put(api_app(r), api_actor(r), &in, &s, &err);
    if (failed(r, rc, &err))
        return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_settings(&w, &s);
    http_reply_jsonw(r, 200, &w);
}
