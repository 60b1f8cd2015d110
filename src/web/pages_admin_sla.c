/* pages_admin_sla.c - the admin's SLA pages: policies (targets per metric,
 * pauses, warning, breach actions, the calendar) and business-hours
 * calendars (from a preset; hours per weekday as "09:00-13:00,14:00-18:00";
 * holidays and working days as lines of text, see docs/web.md).
 * Shared form and table helpers: pages_admin.c. */
#include "base/common.h"

#include "app/sla.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

static const char *lang_text(struct web_ctx *c, enum msg_id m)
{
    return i18n_text(c->r->lang, m);
}

static const enum msg_id metric_msgs[SLA__METRICS] = {
    MSG_WEB_METRIC_FIRST_RESPONSE, MSG_WEB_METRIC_NEXT_RESPONSE, MSG_WEB_METRIC_RESOLUTION};
static const enum msg_id business_msgs[SLA__METRICS] = {
    MSG_WEB_ADM_BUSINESS_FIRST, MSG_WEB_ADM_BUSINESS_NEXT, MSG_WEB_ADM_BUSINESS_RESOLUTION};
static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const enum msg_id day_msgs[7] = {MSG_WEB_ADM_MON, MSG_WEB_ADM_TUE, MSG_WEB_ADM_WED,
                                        MSG_WEB_ADM_THU, MSG_WEB_ADM_FRI, MSG_WEB_ADM_SAT,
                                        MSG_WEB_ADM_SUN};

/* ---- the overview: policies and calendars ---- */

void w_admin_sla(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct sla_policy *p = NULL;
    struct calendar_row *cal = NULL;
    size_t np = 0, ncal = 0;
    struct tv *rows;
    op_rc rc;
    struct arena *a = r->arena;
    static const enum msg_id pcols[] = {MSG_WEB_ADM_NAME,
                                        MSG_WEB_ADM_POSITION,
                                        MSG_WEB_METRIC_FIRST_RESPONSE,
                                        MSG_WEB_METRIC_NEXT_RESPONSE,
                                        MSG_WEB_METRIC_RESOLUTION,
                                        MSG_WEB_ADM_STATE};
    static const enum msg_id ccols[] = {MSG_WEB_ADM_NAME, MSG_WEB_ADM_TIME_ZONE,
                                        MSG_WEB_ADM_EXCEPTIONS_COUNT};
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_SLA));
    CHECK(admin_link(&c, "/admin/sla/policies/new", lang_text(&c, MSG_WEB_ADM_POLICY_NEW)));
    CHECK(admin_link(&c, "/admin/sla/calendars/new", lang_text(&c, MSG_WEB_ADM_CALENDAR_NEW)));
    CHECK(app_sla_policy_list(c.app, &c.who, a, &p, &np, &err));
    CHECK(app_calendar_list(c.app, &c.who, a, &cal, &ncal, &err));
    CHECK(admin_table(&c, lang_text(&c, MSG_WEB_ADM_POLICIES), pcols, ARRAY_SIZE(pcols), &rows));
    for (size_t i = 0; i < np; i++) {
        const char *cells[6] = {p[i].name, arena_printf(a, "%d", p[i].position)};
        for (int m = 0; m < SLA__METRICS; m++)
            cells[2 + m] = p[i].target[m].minutes
                               ? web_duration(a, r->lang, p[i].target[m].minutes * 60000)
                               : "";
        cells[5] = lang_text(&c, p[i].active ? MSG_WEB_ADM_ACTIVE : MSG_WEB_ADM_INACTIVE);
        CHECK(admin_row(&c, rows, arena_printf(a, "/admin/sla/policies/%" PRId64, p[i].id), cells,
                        ARRAY_SIZE(cells), 0x1));
    }
    CHECK(admin_table(&c, lang_text(&c, MSG_WEB_ADM_CALENDARS), ccols, ARRAY_SIZE(ccols), &rows));
    for (size_t i = 0; i < ncal; i++) {
        const char *cells[] = {cal[i].name, cal[i].time_zone, arena_printf(a, "%zu", cal[i].n_exc)};
        CHECK(admin_row(&c, rows, arena_printf(a, "/admin/sla/calendars/%" PRId64, cal[i].id),
                        cells, ARRAY_SIZE(cells), 0x3));
    }
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* ---- policies ---- */

static const char *const target_fields[SLA__METRICS] = {
    "targets.first_response", "targets.next_response", "targets.resolution"};
static const char *const business_fields[SLA__METRICS] = {
    "business.first_response", "business.next_response", "business.resolution"};

static op_rc policy_form(struct web_ctx *c, const struct sla_policy *p, bool posted,
                         const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct calendar_row *cal = NULL;
    struct group *g = NULL;
    size_t ncal = 0, ng = 0;
    op_rc rc;
    if ((rc = app_calendar_list(c->app, &c->who, a, &cal, &ncal, &err)) ||
        (rc = app_group_list(c->app, &c->who, a, &g, &ng, &err)))
        return rc;
    struct admin_opt *cals = arena_alloc(a, (ncal + 1) * sizeof(*cals));
    struct admin_opt *groups = arena_alloc(a, (ng + 1) * sizeof(*groups));
    struct admin_opt *egroups = arena_alloc(a, (ng + 1) * sizeof(*egroups));
    if (!cals || !groups || !egroups) return OP_ERR_NOMEM;
    cals[0] = (struct admin_opt){"0", lang_text(c, MSG_WEB_ADM_CALENDAR_NONE)};
    for (size_t i = 0; i < ncal; i++)
        cals[i + 1] = (struct admin_opt){arena_printf(a, "%" PRId64, cal[i].id), cal[i].name, true};
    egroups[0] = (struct admin_opt){"0", lang_text(c, MSG_WEB_NONE)};
    for (size_t i = 0; i < ng; i++) {
        groups[i] = (struct admin_opt){arena_printf(a, "%" PRId64, g[i].id), g[i].name, true};
        egroups[i + 1] = groups[i];
    }
    struct admin_opt prios[PRIO__COUNT];
    struct id_list prio_sel = {arena_alloc(a, PRIO__COUNT * sizeof(int64_t)), 0};
    if (!prio_sel.v) return OP_ERR_NOMEM;
    for (int i = 0; i < PRIO__COUNT; i++) {
        prios[i] =
            (struct admin_opt){arena_printf(a, "%d", i),
                               web_priority_text(c->r->lang, (enum ticket_priority)i), false};
        if (p && (p->priority_mask & (1u << i))) prio_sel.v[prio_sel.n++] = i;
    }
    static const struct {
        unsigned bit;
        enum msg_id label;
    } acts[] = {{SLA_ACT_ESCALATE, MSG_WEB_ADM_ACT_ESCALATE},
                {SLA_ACT_RAISE_PRIORITY, MSG_WEB_ADM_ACT_RAISE},
                {SLA_ACT_NOTIFY_ASSIGNEE, MSG_WEB_ADM_ACT_NOTIFY_ASSIGNEE},
                {SLA_ACT_NOTIFY_LEAD, MSG_WEB_ADM_ACT_NOTIFY_LEAD}};
    struct admin_opt act_opts[ARRAY_SIZE(acts)];
    struct id_list act_sel = {arena_alloc(a, ARRAY_SIZE(acts) * sizeof(int64_t)), 0};
    if (!act_sel.v) return OP_ERR_NOMEM;
    for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
        act_opts[i] = (struct admin_opt){arena_printf(a, "%u", acts[i].bit),
                                         lang_text(c, acts[i].label), false};
        if (p && (p->actions & acts[i].bit)) act_sel.v[act_sel.n++] = acts[i].bit;
    }
    struct admin_opt tiers[] = {{"-1", lang_text(c, MSG_WEB_NONE)},
                                {"0", lang_text(c, MSG_WEB_ADM_TIER_L1)},
                                {"1", lang_text(c, MSG_WEB_ADM_TIER_L2)},
                                {"2", lang_text(c, MSG_WEB_ADM_TIER_TECH)}};

    const char *action =
        p ? arena_printf(a, "/admin/sla/policies/%" PRId64, p->id) : "/admin/sla/policies";
    if ((rc = admin_form_begin(&f, c, action, p ? MSG_WEB_ADM_SAVE : MSG_WEB_ADM_CREATE, false,
                               posted)) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", p ? p->name : "")) ||
        (rc = admin_input(&f, "position", MSG_WEB_ADM_POSITION, "number",
                          arena_printf(a, "%d", p ? p->position : 0))) ||
        (rc = admin_check(&f, "active", MSG_WEB_ADM_ACTIVE, p ? p->active : true)) ||
        (rc = admin_multi(&f, "priorities", MSG_WEB_ADM_PRIORITIES, prios, PRIO__COUNT,
                          &prio_sel)) ||
        (rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_ANY_HINT))) ||
        (rc = admin_multi(&f, "group_ids", MSG_WEB_ADM_GROUPS, groups, ng,
                          p ? &p->group_ids : NULL)) ||
        (rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_ANY_HINT))) ||
        (rc = admin_select(&f, "calendar_id", MSG_WEB_ADM_CALENDAR, cals, ncal + 1,
                           arena_printf(a, "%" PRId64, p ? p->calendar_id : 0))))
        return rc;
    for (int m = 0; m < SLA__METRICS && !rc; m++) {
        int64_t min = p ? p->target[m].minutes : 0;
        rc = admin_input(&f, target_fields[m], metric_msgs[m], "number",
                         min ? arena_printf(a, "%" PRId64, min) : "");
        if (!rc) rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_MINUTES_HINT));
        if (!rc)
            rc = admin_check(&f, business_fields[m], business_msgs[m],
                             p ? p->target[m].business : true);
    }
    if (rc ||
        (rc = admin_check(&f, "pause_on_pending", MSG_WEB_ADM_PAUSE_PENDING,
                          p ? p->pause_on_pending : true)) ||
        (rc = admin_check(&f, "pause_on_hold", MSG_WEB_ADM_PAUSE_HOLD,
                          p ? p->pause_on_hold : true)) ||
        (rc = admin_input(&f, "warn_percent", MSG_WEB_ADM_WARN, "number",
                          arena_printf(a, "%d", p ? p->warn_percent : 80))) ||
        (rc = admin_multi(&f, "breach_actions", MSG_WEB_ADM_BREACH_ACTIONS, act_opts,
                          ARRAY_SIZE(acts), &act_sel)) ||
        (rc = admin_select(&f, "escalate_group_id", MSG_WEB_ADM_ESCALATE_GROUP, egroups, ng + 1,
                           arena_printf(a, "%" PRId64, p ? p->escalate_group_id : 0))) ||
        (rc = admin_select(&f, "escalate_tier", MSG_WEB_ADM_ESCALATE_TIER, tiers, ARRAY_SIZE(tiers),
                           arena_printf(a, "%d", p ? p->escalate_tier : -1))))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

/* The form's policy into in: every field the form has. */
static op_rc policy_input_read(struct web_ctx *c, struct sla_policy_input *in, struct op_err *err)
{
    struct sla_policy *p = &in->p;
    struct id_list acts;
    int64_t v;
    op_rc rc;
    memset(in, 0, sizeof(*in));
    in->set = PF_NAME | PF_POSITION | PF_ACTIVE | PF_PRIORITIES | PF_GROUPS | PF_TARGETS |
              PF_CALENDAR | PF_PAUSE_PENDING | PF_PAUSE_HOLD | PF_WARN | PF_ACTIONS |
              PF_ESCALATE_GROUP | PF_ESCALATE_TIER;
    in->target_set = (1u << SLA__METRICS) - 1;
    p->name = (char *)admin_field(c, "name");
    p->active = web_form_get(&c->form, "active") != NULL;
    p->pause_on_pending = web_form_get(&c->form, "pause_on_pending") != NULL;
    p->pause_on_hold = web_form_get(&c->form, "pause_on_hold") != NULL;
    if ((rc = admin_form_int(c, "position", 0, &v, err))) return rc;
    if (v < INT_MIN || v > INT_MAX)
        return op_fail(err, OP_ERR_INVALID, "position", MSG_ERR_RANGE, "0", "1000000");
    p->position = (int)v;
    if ((rc = admin_form_int(c, "warn_percent", 0, &v, err))) return rc;
    if (v < 0 || v > 99)
        return op_fail(err, OP_ERR_INVALID, "warn_percent", MSG_ERR_RANGE, "0", "99");
    p->warn_percent = (int)v;
    for (int m = 0; m < SLA__METRICS; m++) {
        if ((rc = admin_form_int(c, target_fields[m], 0, &p->target[m].minutes, err))) return rc;
        p->target[m].business = web_form_get(&c->form, business_fields[m]) != NULL;
    }
    if ((rc = admin_form_int(c, "calendar_id", 0, &p->calendar_id, err)) ||
        (rc = admin_form_int(c, "escalate_group_id", 0, &p->escalate_group_id, err)) ||
        (rc = admin_form_int(c, "escalate_tier", -1, &v, err)))
        return rc;
    if (v < -1 || v >= TIER__COUNT)
        return op_fail(err, OP_ERR_INVALID, "escalate_tier", MSG_ERR_ENUM,
                       admin_field(c, "escalate_tier"), tier_names_list());
    p->escalate_tier = (int)v;
    if ((rc = admin_form_ids(c, "group_ids", &p->group_ids, err))) return rc;
    /* priorities and actions are small numbers: 0 is a priority */
    for (int i = 0; i < PRIO__COUNT; i++) {
        char num[16];
        snprintf(num, sizeof(num), "%d", i);
        for (size_t k = 0; k < c->form.n; k++)
            if (!strcmp(c->form.names[k], "priorities") && !strcmp(c->form.values[k], num))
                p->priority_mask |= 1u << i;
    }
    if ((rc = admin_form_ids(c, "breach_actions", &acts, err))) return rc;
    for (size_t i = 0; i < acts.n; i++) {
        if (acts.v[i] & ~(int64_t)SLA_ACT__ALL)
            return op_fail(err, OP_ERR_INVALID, "breach_actions", MSG_ERR_SLA_ACTIONS);
        p->actions |= (unsigned)acts.v[i];
    }
    return OP_OK;
}

void w_admin_policy_new(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_POLICY_NEW));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(policy_form(&c, NULL, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_policy_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct sla_policy_input in;
    struct sla_policy out;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(frc = policy_input_read(&c, &in, &err)))
        frc = app_sla_policy_create(c.app, &c.who, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/sla?done=created");
        return;
    }
    CHECK(admin_page(&c, MSG_WEB_ADM_POLICY_NEW));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(policy_form(&c, NULL, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_policy_edit(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct sla_policy p;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_sla_policy_get(c.app, &c.who, id, r->arena, &p, &err));
    CHECK(admin_page(&c, MSG_WEB_ADM_POLICY_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", p.name));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/sla/policies/%" PRId64 "/delete", id),
                     lang_text(&c, MSG_WEB_ADM_DELETE)));
    CHECK(policy_form(&c, &p, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_policy_update(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct sla_policy_input in;
    struct sla_policy p, out;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_sla_policy_get(c.app, &c.who, id, r->arena, &p, &err));
    if (!(frc = policy_input_read(&c, &in, &err)))
        frc = app_sla_policy_update(c.app, &c.who, id, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/sla?done=saved");
        return;
    }
    CHECK(admin_page(&c, MSG_WEB_ADM_POLICY_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", p.name));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/sla/policies/%" PRId64 "/delete", id),
                     lang_text(&c, MSG_WEB_ADM_DELETE)));
    CHECK(policy_form(&c, &p, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* ---- calendars ---- */

/* The exceptions as lines: "2026-01-01 holiday New Year", "2026-02-21
 * workday 09:00-17:00 Transferred" (hours may be left out: a usual day). */
static const char *exceptions_text(struct arena *a, const struct calendar_row *cal)
{
    struct buf b = BUF_INIT(1 << 20);
    const char *out = "";
    for (size_t i = 0; i < cal->n_exc; i++) {
        const struct cal_exception *e = &cal->exc[i];
        char date[11], hours[CAL_DAY_TEXT_MAX];
        cal_format_date(e->date, date);
        cal_day_format(&e->hours, hours);
        if (buf_printf(&b, "%s %s%s%s%s%s\n", date, e->kind == CAL_HOLIDAY ? "holiday" : "workday",
                       e->kind == CAL_WORKDAY && *hours ? " " : "",
                       e->kind == CAL_WORKDAY ? hours : "", e->name && *e->name ? " " : "",
                       e->name ? e->name : ""))
            break;
    }
    if (b.len) out = arena_strdup(a, buf_str(&b));
    buf_release(&b);
    return out ? out : "";
}

/* Parses the exception lines of text into in (errors at "exceptions" with
 * the line number). */
static op_rc exceptions_parse(struct web_ctx *c, const char *text, struct calendar_input *in,
                              struct op_err *err)
{
    struct arena *a = c->r->arena;
    size_t lines = 1, line = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    if (!(in->exc = arena_alloc(a, lines * sizeof(*in->exc)))) return OP_ERR_NOMEM;
    in->n_exc = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *s = arena_strndup(a, p, len), *save = NULL;
        char num[24];
        line++;
        p += len + (nl ? 1 : 0);
        if (!s) return OP_ERR_NOMEM;
        s[strcspn(s, "\r")] = '\0';
        snprintf(num, sizeof(num), "%zu", line);
        char *date = strtok_r(s, " \t", &save);
        if (!date) continue; /* an empty line */
        char *kind = strtok_r(NULL, " \t", &save);
        char *rest = strtok_r(NULL, "", &save);
        struct cal_exception *e = &in->exc[in->n_exc];
        memset(e, 0, sizeof(*e));
        if (cal_parse_date(date, &e->date))
            return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_WEB_ADM_EXC_LINE, num);
        if (kind && !strcmp(kind, "holiday"))
            e->kind = CAL_HOLIDAY;
        else if (kind && !strcmp(kind, "workday"))
            e->kind = CAL_WORKDAY;
        else
            return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_WEB_ADM_EXC_LINE, num);
        while (rest && (*rest == ' ' || *rest == '\t'))
            rest++;
        if (e->kind == CAL_WORKDAY && rest && *rest >= '0' && *rest <= '9') {
            size_t n = strcspn(rest, " \t");
            char *hours = arena_strndup(a, rest, n);
            struct op_err herr = {0};
            if (!hours) return OP_ERR_NOMEM;
            if (cal_day_parse(hours, "exceptions", &e->hours, &herr))
                return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_WEB_ADM_EXC_LINE, num);
            rest += n;
            while (*rest == ' ' || *rest == '\t')
                rest++;
        }
        e->name = rest ? rest : "";
        in->n_exc++;
    }
    return OP_OK;
}

static op_rc calendar_form(struct web_ctx *c, const struct calendar_row *cal, bool posted,
                           const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    op_rc rc;
    const char *action =
        cal ? arena_printf(a, "/admin/sla/calendars/%" PRId64, cal->id) : "/admin/sla/calendars";
    struct admin_opt presets[] = {{"", lang_text(c, MSG_WEB_NONE)},
                                  {"ru-production", lang_text(c, MSG_WEB_ADM_PRESET_RU)},
                                  {"24x7", lang_text(c, MSG_WEB_ADM_PRESET_24X7)}};
    if ((rc = admin_form_begin(&f, c, action, cal ? MSG_WEB_ADM_SAVE : MSG_WEB_ADM_CREATE, false,
                               posted)) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", cal ? cal->name : "")))
        return rc;
    if (!cal && ((rc = admin_select(&f, "preset", MSG_WEB_ADM_PRESET, presets, ARRAY_SIZE(presets),
                                    "ru-production")) ||
                 (rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_PRESET_HINT)))))
        return rc;
    if ((rc = admin_input(&f, "time_zone", MSG_WEB_ADM_TIME_ZONE, "text",
                          cal ? cal->time_zone : "")) ||
        (rc = admin_check(&f, "always", MSG_WEB_ADM_ALWAYS, cal ? cal->always : false)))
        return rc;
    for (int d = 0; d < 7 && !rc; d++) {
        char hours[CAL_DAY_TEXT_MAX] = "";
        if (cal) cal_day_format(&cal->week[d], hours);
        rc = admin_input(&f, arena_printf(a, "hours.%s", day_keys[d]), day_msgs[d], "text", hours);
        if (!rc && d == 0) rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_HOURS_HINT));
    }
    if (!rc)
        rc = admin_textarea(&f, "exceptions", MSG_WEB_ADM_EXCEPTIONS,
                            cal ? exceptions_text(a, cal) : "");
    if (!rc) rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_EXCEPTIONS_HINT));
    if (!rc && ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

/* The form's calendar into in. On create with a preset, the hours and
 * exceptions left empty come from the preset. */
static op_rc calendar_input_read(struct web_ctx *c, bool create, struct calendar_input *in,
                                 struct op_err *err)
{
    op_rc rc;
    bool any_hours = false;
    memset(in, 0, sizeof(*in));
    in->set = CF_NAME;
    in->name = admin_field(c, "name");
    in->always = web_form_get(&c->form, "always") != NULL;
    const char *preset = create ? admin_field(c, "preset") : "";
    /* an unchecked box does not turn the 24x7 preset off */
    if (in->always || !*preset) in->set |= CF_ALWAYS;
    if (*preset) {
        in->set |= CF_PRESET;
        in->preset = preset;
    }
    if (*admin_field(c, "time_zone") || !*preset) {
        in->set |= CF_TIME_ZONE;
        in->time_zone = *admin_field(c, "time_zone") ? admin_field(c, "time_zone") : "UTC";
    }
    for (int d = 0; d < 7; d++) {
        char field[16];
        snprintf(field, sizeof(field), "hours.%s", day_keys[d]);
        any_hours |= *admin_field(c, field) != '\0';
        if ((rc = cal_day_parse(admin_field(c, field), field, &in->week[d], err))) return rc;
    }
    if (any_hours || !*preset) in->set |= CF_WEEK;
    const char *exc = admin_field(c, "exceptions");
    if (*exc || !*preset) {
        in->set |= CF_EXCEPTIONS;
        if ((rc = exceptions_parse(c, exc, in, err))) return rc;
    }
    return OP_OK;
}

void w_admin_calendar_new(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_CALENDAR_NEW));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(calendar_form(&c, NULL, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_calendar_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct calendar_input in;
    struct calendar_row out;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(frc = calendar_input_read(&c, true, &in, &err)))
        frc = app_calendar_create(c.app, &c.who, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/sla?done=created");
        return;
    }
    CHECK(admin_page(&c, MSG_WEB_ADM_CALENDAR_NEW));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(calendar_form(&c, NULL, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_calendar_edit(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct calendar_row cal;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_calendar_get(c.app, &c.who, id, r->arena, &cal, &err));
    CHECK(admin_page(&c, MSG_WEB_ADM_CALENDAR_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", cal.name));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/sla/calendars/%" PRId64 "/delete", id),
                     lang_text(&c, MSG_WEB_ADM_DELETE)));
    CHECK(calendar_form(&c, &cal, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_calendar_update(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct calendar_input in;
    struct calendar_row cal, out;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_calendar_get(c.app, &c.who, id, r->arena, &cal, &err));
    if (!(frc = calendar_input_read(&c, false, &in, &err)))
        frc = app_calendar_update(c.app, &c.who, id, &in, r->arena, &out, NULL, &err);
    if (!frc) {
        web_redirect(r, "/admin/sla?done=saved");
        return;
    }
    CHECK(admin_page(&c, MSG_WEB_ADM_CALENDAR_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", cal.name));
    CHECK(admin_link(&c, "/admin/sla", lang_text(&c, MSG_WEB_ADM_SLA)));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/sla/calendars/%" PRId64 "/delete", id),
                     lang_text(&c, MSG_WEB_ADM_DELETE)));
    CHECK(calendar_form(&c, &cal, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* ---- admin: delete (a policy or a calendar made by mistake) ---- */

/* The question about policy id, or why it was refused (err not NULL), with status. */
static void policy_confirm(struct web_ctx *c, int64_t id, int status, const struct op_err *ferr)
{
    struct op_err err = {0};
    struct sla_policy p;
    struct arena *a = c->r->arena;
    op_rc rc;
    CHECK(app_sla_policy_get(c->app, &c->who, id, a, &p, &err));
    CHECK(admin_confirm(c, MSG_WEB_ADM_POLICY_DELETE, p.name, MSG_WEB_ADM_POLICY_DELETE_Q,
                        arena_printf(a, "/admin/sla/policies/%" PRId64, id),
                        arena_printf(a, "/admin/sla/policies/%" PRId64 "/delete", id), ferr));
    admin_render(c, status);
    return;
end:
    web_error_page(c->r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_policy_confirm(struct http_req *r)
{
    struct web_ctx c;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    policy_confirm(&c, id, 200, NULL);
}

void w_admin_policy_delete(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc rc = app_sla_policy_delete(c.app, &c.who, id, &err);
    if (!rc)
        web_redirect(r, "/admin/sla?done=deleted");
    else if (rc == OP_ERR_CONFLICT) /* in use: the question again, with why not */
        policy_confirm(&c, id, 409, &err);
    else
        web_error_page(r, admin_status(rc),
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* The question about calendar id, or why it was refused (err not NULL), with status. */
static void calendar_confirm(struct web_ctx *c, int64_t id, int status, const struct op_err *ferr)
{
    struct op_err err = {0};
    struct calendar_row cal;
    struct arena *a = c->r->arena;
    op_rc rc;
    CHECK(app_calendar_get(c->app, &c->who, id, a, &cal, &err));
    CHECK(admin_confirm(c, MSG_WEB_ADM_CALENDAR_DELETE, cal.name, MSG_WEB_ADM_CALENDAR_DELETE_Q,
                        arena_printf(a, "/admin/sla/calendars/%" PRId64, id),
                        arena_printf(a, "/admin/sla/calendars/%" PRId64 "/delete", id), ferr));
    admin_render(c, status);
    return;
end:
    web_error_page(c->r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_calendar_confirm(struct http_req *r)
{
    struct web_ctx c;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    calendar_confirm(&c, id, 200, NULL);
}

void w_admin_calendar_delete(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc rc = app_calendar_delete(c.app, &c.who, id, &err);
    if (!rc)
        web_redirect(r, "/admin/sla?done=deleted");
    else if (rc == OP_ERR_CONFLICT) /* in use: the question again, with why not */
        calendar_confirm(&c, id, 409, &err);
    else
        web_error_page(r, admin_status(rc),
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}
