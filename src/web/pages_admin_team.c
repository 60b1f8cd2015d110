/* pages_admin_team.c - the admin's team pages: shift templates (create,
 * edit, delete after a confirmation), the team's settings (away after N
 * idle minutes, the grace of late starts), and each group's routing (mode,
 * cap, reassign after N minutes, language rule), shown on the group's page.
 * Shared form and table helpers: pages_admin.c. */
#include "base/common.h"

#include "app/team.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

static const char *lang_text(struct web_ctx *c, enum msg_id m)
{
    return i18n_text(c->r->lang, m);
}

/* ---- shifts and the team's settings ---- */

static op_rc shift_form(struct web_ctx *c, const struct shift_template *s, bool posted,
                        const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    char hm[6] = "09:00";
    op_rc rc;
    if (s) team_format_hhmm(s->start_min, hm);
    const char *action = s ? arena_printf(a, "/admin/shifts/%" PRId64, s->id) : "/admin/shifts";
    if ((rc = admin_form_begin(&f, c, action, s ? MSG_WEB_ADM_SAVE : MSG_WEB_ADM_CREATE, false,
                               posted)) ||
        (!s && (rc = tv_set_str(a, f.form, "heading", lang_text(c, MSG_WEB_ADM_SHIFT_NEW)))) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", s ? s->name : "")) ||
        (rc = admin_input(&f, "start", MSG_WEB_ADM_SHIFT_START, "text", hm)) ||
        (rc = admin_input(&f, "duration_min", MSG_WEB_ADM_SHIFT_DURATION, "number",
                          arena_printf(a, "%d", s ? s->duration_min : 480))) ||
        (rc = admin_input(&f, "time_zone", MSG_WEB_ADM_TIME_ZONE, "text", s ? s->time_zone : "")) ||
        (rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_SHIFT_TZ_HINT))))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

static op_rc settings_form(struct web_ctx *c, bool posted, const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct team_settings s;
    struct op_err err = {0};
    op_rc rc = app_team_settings_get(c->app, &c->who, &s, &err);
    if (rc ||
        (rc = admin_form_begin(&f, c, "/admin/team/settings", MSG_WEB_ADM_SAVE, false, posted)) ||
        (rc = tv_set_str(a, f.form, "heading", lang_text(c, MSG_WEB_ADM_TEAM_SETTINGS))) ||
        (rc = admin_input(&f, "away_after_min", MSG_WEB_ADM_AWAY_AFTER, "number",
                          arena_printf(a, "%d", s.away_after_min))) ||
        (rc = admin_input(&f, "grace_min", MSG_WEB_ADM_GRACE, "number",
                          arena_printf(a, "%d", s.grace_min))))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

/* The shifts page; one of its two forms may be a refused one (which). */
enum shifts_form { SF_NONE, SF_SHIFT, SF_SETTINGS };
static op_rc shifts_page(struct web_ctx *c, enum shifts_form which, const struct op_err *ferr)
{
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct shift_template *v = NULL;
    size_t n = 0;
    struct tv *rows;
    op_rc rc;
    static const enum msg_id cols[] = {MSG_WEB_ADM_NAME, MSG_WEB_ADM_SHIFT_START,
                                       MSG_WEB_ADM_SHIFT_LENGTH, MSG_WEB_ADM_TIME_ZONE};
    if ((rc = admin_page(c, MSG_WEB_ADM_SHIFTS)) ||
        (rc = app_shift_list(c->app, &c->who, a, &v, &n, &err)) ||
        (rc = admin_table(c, NULL, cols, ARRAY_SIZE(cols), &rows)))
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        char hm[6];
        team_format_hhmm(v[i].start_min, hm);
        const char *cells[] = {v[i].name, arena_strdup(a, hm),
                               web_duration(a, c->r->lang, (int64_t)v[i].duration_min * 60000),
                               *v[i].time_zone ? v[i].time_zone
                                               : lang_text(c, MSG_WEB_ADM_AGENT_ZONE)};
        rc = admin_row(c, rows, arena_printf(a, "/admin/shifts/%" PRId64, v[i].id), cells,
                       ARRAY_SIZE(cells), *v[i].time_zone ? 0x9 : 0x1);
    }
    if (!rc) rc = shift_form(c, NULL, which == SF_SHIFT, which == SF_SHIFT ? ferr : NULL);
    if (!rc) rc = settings_form(c, which == SF_SETTINGS, which == SF_SETTINGS ? ferr : NULL);
    return rc;
}

void w_admin_shifts(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(shifts_page(&c, SF_NONE, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* The form's shift into in (every field). */
static op_rc shift_input_read(struct web_ctx *c, struct shift_input *in, struct op_err *err)
{
    int64_t d;
    op_rc rc;
    memset(in, 0, sizeof(*in));
    in->set = SHF_NAME | SHF_START | SHF_DURATION | SHF_TIME_ZONE;
    in->name = admin_field(c, "name");
    in->time_zone = admin_field(c, "time_zone");
    if (team_parse_hhmm(admin_field(c, "start"), &in->start_min) != OP_OK)
        return op_fail(err, OP_ERR_INVALID, "start", MSG_ERR_TEAM_HHMM);
    if ((rc = admin_form_int(c, "duration_min", 0, &d, err))) return rc;
    if (d < 1 || d > TEAM_DAY_MIN)
        return op_fail(err, OP_ERR_INVALID, "duration_min", MSG_ERR_RANGE, "1", "1440");
    in->duration_min = (int)d;
    return OP_OK;
}

void w_admin_shift_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct shift_input in;
    struct shift_template s;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(frc = shift_input_read(&c, &in, &err)))
        frc = app_shift_create(c.app, &c.who, &in, r->arena, &s, &err);
    if (!frc) {
        web_redirect(r, "/admin/shifts?done=created");
        return;
    }
    CHECK(shifts_page(&c, SF_SHIFT, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_team_settings(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct team_settings out;
    struct team_settings_input in = {.set = TSF_AWAY | TSF_GRACE};
    int64_t away = 0, grace = 0;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(frc = admin_form_int(&c, "away_after_min", -1, &away, &err)) &&
        !(frc = admin_form_int(&c, "grace_min", -1, &grace, &err))) {
        /* out of int's range is out of the settings' range too */
        in.away_after_min = away < INT_MIN || away > INT_MAX ? -1 : (int)away;
        in.grace_min = grace < INT_MIN || grace > INT_MAX ? -1 : (int)grace;
        frc = app_team_settings_put(c.app, &c.who, &in, &out, &err);
    }
    if (!frc) {
        web_redirect(r, "/admin/shifts?done=saved");
        return;
    }
    CHECK(shifts_page(&c, SF_SETTINGS, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* The shift of the path's id into *s, with its page's frame. */
static op_rc shift_frame(struct web_ctx *c, int64_t id, enum msg_id title, struct shift_template *s)
{
    struct op_err err = {0};
    struct shift_template *v = NULL;
    size_t n = 0;
    op_rc rc = app_shift_list(c->app, &c->who, c->r->arena, &v, &n, &err);
    if (rc) return rc;
    rc = OP_ERR_NOTFOUND;
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id) *s = v[i], rc = OP_OK;
    if (!rc) rc = admin_page(c, title);
    if (!rc) rc = tv_set_str(c->r->arena, c->data, "subtitle", s->name);
    if (!rc) rc = admin_link(c, "/admin/shifts", lang_text(c, MSG_WEB_ADM_SHIFTS));
    return rc;
}

void w_admin_shift_edit(struct http_req *r)
{
    struct web_ctx c;
    struct shift_template s;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(shift_frame(&c, id, MSG_WEB_ADM_SHIFT_EDIT, &s));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/shifts/%" PRId64 "/delete", id),
                     lang_text(&c, MSG_WEB_ADM_DELETE)));
    CHECK(shift_form(&c, &s, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_shift_update(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct shift_input in;
    struct shift_template s, out;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(shift_frame(&c, id, MSG_WEB_ADM_SHIFT_EDIT, &s));
    if (!(frc = shift_input_read(&c, &in, &err)))
        frc = app_shift_update(c.app, &c.who, id, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/shifts?done=saved");
        return;
    }
    CHECK(shift_form(&c, &s, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_shift_confirm(struct http_req *r)
{
    struct web_ctx c;
    struct admin_form f;
    struct shift_template s;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(shift_frame(&c, id, MSG_WEB_ADM_SHIFT_DELETE, &s));
    CHECK(tv_set_str(r->arena, c.data, "intro", lang_text(&c, MSG_WEB_ADM_SHIFT_DELETE_Q)));
    CHECK(admin_form_begin(&f, &c, arena_printf(r->arena, "/admin/shifts/%" PRId64 "/delete", id),
                           MSG_WEB_ADM_DELETE, false, false));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_shift_delete(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct shift_template s;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc frc = app_shift_delete(c.app, &c.who, id, &err);
    if (!frc) {
        web_redirect(r, "/admin/shifts?done=deleted");
        return;
    }
    /* in use by the rota: the question again, with why not */
    CHECK(shift_frame(&c, id, MSG_WEB_ADM_SHIFT_DELETE, &s));
    CHECK(tv_set_str(r->arena, c.data, "intro", web_err_text(r->arena, r->lang, &err)));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* ---- a group's routing ---- */

op_rc admin_routing_form(struct web_ctx *c, int64_t group_id, bool posted,
                         const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct routing_settings s;
    struct op_err err = {0};
    static const enum msg_id mode_msgs[ROUTING__COUNT] = {
        MSG_WEB_ADM_ROUTING_OFF, MSG_WEB_ADM_ROUTING_RR, MSG_WEB_ADM_ROUTING_LEAST};
    static const enum msg_id lang_msgs[RLANG__COUNT] = {
        MSG_WEB_ADM_RLANG_IGNORE, MSG_WEB_ADM_RLANG_PREFER, MSG_WEB_ADM_RLANG_REQUIRE};
    struct admin_opt modes[ROUTING__COUNT], langs[RLANG__COUNT];
    for (int i = 0; i < ROUTING__COUNT; i++)
        modes[i] = (struct admin_opt){routing_mode_name((enum routing_mode)i),
                                      lang_text(c, mode_msgs[i]), false};
    for (int i = 0; i < RLANG__COUNT; i++)
        langs[i] = (struct admin_opt){routing_lang_name((enum routing_lang)i),
                                      lang_text(c, lang_msgs[i]), false};
    op_rc rc = app_routing_get(c->app, &c->who, group_id, &s, &err);
    if (rc ||
        (rc =
             admin_form_begin(&f, c, arena_printf(a, "/admin/groups/%" PRId64 "/routing", group_id),
                              MSG_WEB_ADM_SAVE, false, posted)) ||
        (rc = tv_set_str(a, f.form, "heading", lang_text(c, MSG_WEB_ADM_ROUTING))) ||
        (rc = admin_select(&f, "mode", MSG_WEB_ADM_ROUTING_MODE, modes, ROUTING__COUNT,
                           routing_mode_name(s.mode))) ||
        (rc = admin_input(&f, "cap", MSG_WEB_ADM_ROUTING_CAP, "number",
                          arena_printf(a, "%d", s.cap))) ||
        (rc = admin_input(&f, "reassign_after_min", MSG_WEB_ADM_REASSIGN_AFTER, "number",
                          arena_printf(a, "%d", s.reassign_after_min))) ||
        (rc = admin_select(&f, "language", MSG_WEB_ADM_ROUTING_LANG, langs, RLANG__COUNT,
                           routing_lang_name(s.lang_rule))))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

void w_admin_group_routing(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct routing_settings out;
    struct routing_input in = {.set = RTF_MODE | RTF_CAP | RTF_REASSIGN | RTF_LANG};
    int64_t cap = 0, after = 0;
    op_rc frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    int mode = routing_mode_parse(admin_field(&c, "mode"));
    int lang = routing_lang_parse(admin_field(&c, "language"));
    if (mode < 0)
        frc = op_fail(&err, OP_ERR_INVALID, "mode", MSG_ERR_ENUM, admin_field(&c, "mode"),
                      routing_mode_names_list());
    else if (lang < 0)
        frc = op_fail(&err, OP_ERR_INVALID, "language", MSG_ERR_ENUM, admin_field(&c, "language"),
                      routing_lang_names_list());
    else if (!(frc = admin_form_int(&c, "cap", 0, &cap, &err)) &&
             !(frc = admin_form_int(&c, "reassign_after_min", 0, &after, &err))) {
        in.mode = (enum routing_mode)mode;
        in.lang_rule = (enum routing_lang)lang;
        in.cap = cap < -1 || cap > INT_MAX ? -1 : (int)cap;
        in.reassign_after_min = after < -1 || after > INT_MAX ? -1 : (int)after;
        frc = app_routing_put(c.app, &c.who, id, &in, &out, &err);
    }
    if (!frc) {
        web_redirect(r, arena_printf(r->arena, "/admin/groups/%" PRId64 "?done=saved", id));
        return;
    }
    admin_group_page(&c, id, admin_status(frc), &err);
}
