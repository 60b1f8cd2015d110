/* pages_admin_groups.c - the admin's pages for groups (tiers, members) and
 * macros (their actions as one field each; delete after a confirmation).
 * Shared form and table helpers: pages_admin.c. */
#include "base/common.h"

#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

static const char *lang_text(struct web_ctx *c, enum msg_id m)
{
    return i18n_text(c->r->lang, m);
}

/* ---- groups ---- */

static const enum msg_id tier_msgs[TIER__COUNT] = {MSG_WEB_ADM_TIER_L1, MSG_WEB_ADM_TIER_L2,
                                                   MSG_WEB_ADM_TIER_TECH};

void w_admin_groups(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct group *g = NULL;
    size_t n = 0;
    struct tv *rows;
    op_rc rc;
    static const enum msg_id cols[] = {MSG_WEB_ADM_NAME, MSG_WEB_ADM_TIER, MSG_WEB_ADM_DESCRIPTION};
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_GROUPS));
    CHECK(admin_link(&c, "/admin/groups/new", lang_text(&c, MSG_WEB_ADM_GROUP_NEW)));
    CHECK(app_group_list(c.app, &c.who, r->arena, &g, &n, &err));
    CHECK(admin_table(&c, NULL, cols, ARRAY_SIZE(cols), &rows));
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {
            g[i].name, (unsigned)g[i].tier < TIER__COUNT ? lang_text(&c, tier_msgs[g[i].tier]) : "",
            g[i].description};
        CHECK(admin_row(&c, rows, arena_printf(r->arena, "/admin/groups/%" PRId64, g[i].id), cells,
                        ARRAY_SIZE(cells), 0x5));
    }
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* The group form: g NULL for a new group. Members are chosen among staff. */
static op_rc group_form(struct web_ctx *c, const struct group *g, bool posted,
                        const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct user *u = NULL;
    size_t nu = 0;
    struct admin_opt tiers[TIER__COUNT];
    op_rc rc;
    struct user_filter uf = {.role_mask = 1u << ROLE_AGENT | 1u << ROLE_LEAD | 1u << ROLE_ADMIN,
                             .limit = 1000};
    for (int i = 0; i < TIER__COUNT; i++)
        tiers[i] = (struct admin_opt){tier_name((enum group_tier)i), lang_text(c, tier_msgs[i])};
    if ((rc = app_user_list(c->app, &c->who, &uf, a, &u, &nu, &err))) return rc;
    struct admin_opt *people = arena_alloc(a, (nu + 1) * sizeof(*people));
    if (!people) return OP_ERR_NOMEM;
    for (size_t i = 0; i < nu; i++)
        people[i] = (struct admin_opt){arena_printf(a, "%" PRId64, u[i].id), u[i].name, true};
    const char *action = g ? arena_printf(a, "/admin/groups/%" PRId64, g->id) : "/admin/groups";
    if ((rc = admin_form_begin(&f, c, action, g ? MSG_WEB_ADM_SAVE : MSG_WEB_ADM_CREATE, false,
                               posted)) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", g ? g->name : "")) ||
        (rc = admin_select(&f, "tier", MSG_WEB_ADM_TIER, tiers, TIER__COUNT,
                           tier_name(g ? g->tier : TIER_L1))) ||
        (rc =
             admin_textarea(&f, "description", MSG_WEB_ADM_DESCRIPTION, g ? g->description : "")) ||
        (rc = admin_multi(&f, "member_ids", MSG_WEB_ADM_MEMBERS, people, nu,
                          g ? &g->members : NULL)))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

static op_rc group_input_read(struct web_ctx *c, struct group_input *in, struct op_err *err)
{
    memset(in, 0, sizeof(*in));
    int tier = tier_parse(admin_field(c, "tier"));
    if (tier < 0)
        return op_fail(err, OP_ERR_INVALID, "tier", MSG_ERR_ENUM, admin_field(c, "tier"),
                       tier_names_list());
    in->set = GF_NAME | GF_TIER | GF_DESCRIPTION | GF_MEMBERS;
    in->name = admin_field(c, "name");
    in->description = admin_field(c, "description");
    in->tier = (enum group_tier)tier;
    return admin_form_ids(c, "member_ids", &in->members, err);
}

void w_admin_group_new(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_GROUP_NEW));
    CHECK(admin_link(&c, "/admin/groups", lang_text(&c, MSG_WEB_ADM_GROUPS)));
    CHECK(group_form(&c, NULL, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_group_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct group_input in;
    struct group g;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(frc = group_input_read(&c, &in, &err)))
        frc = app_group_create(c.app, &c.who, &in, r->arena, &g, &err);
    if (!frc) {
        web_redirect(r, "/admin/groups?done=created");
        return;
    }
    CHECK(admin_page(&c, MSG_WEB_ADM_GROUP_NEW));
    CHECK(admin_link(&c, "/admin/groups", lang_text(&c, MSG_WEB_ADM_GROUPS)));
    CHECK(group_form(&c, NULL, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void admin_group_page(struct web_ctx *c, int64_t id, int status, const struct op_err *routing_err)
{
    struct op_err err = {0};
    struct group g;
    struct arena *a = c->r->arena;
    op_rc rc;
    CHECK(app_group_get(c->app, &c->who, id, a, &g, &err));
    CHECK(admin_page(c, MSG_WEB_ADM_GROUP_EDIT));
    CHECK(tv_set_str(a, c->data, "subtitle", g.name));
    CHECK(admin_link(c, "/admin/groups", lang_text(c, MSG_WEB_ADM_GROUPS)));
    CHECK(admin_link(c, arena_printf(a, "/admin/groups/%" PRId64 "/delete", id),
                     lang_text(c, MSG_WEB_ADM_DELETE)));
    CHECK(group_form(c, &g, false, NULL));
    CHECK(admin_routing_form(c, id, routing_err != NULL, routing_err));
    admin_render(c, status);
    return;
end:
    web_error_page(c->r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_group_edit(struct http_req *r)
{
    struct web_ctx c;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    admin_group_page(&c, id, 200, NULL);
}

void w_admin_group_update(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct group_input in;
    struct group g, out;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_group_get(c.app, &c.who, id, r->arena, &g, &err));
    if (!(frc = group_input_read(&c, &in, &err)))
        frc = app_group_update(c.app, &c.who, id, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/groups?done=saved");
        return;
    }
    CHECK(admin_page(&c, MSG_WEB_ADM_GROUP_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", g.name));
    CHECK(admin_link(&c, "/admin/groups", lang_text(&c, MSG_WEB_ADM_GROUPS)));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/groups/%" PRId64 "/delete", id),
                     lang_text(&c, MSG_WEB_ADM_DELETE)));
    CHECK(group_form(&c, &g, true, &err));
    CHECK(admin_routing_form(&c, id, false, NULL));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* ---- macros ---- */

/* The actions the form offers, one field each, in the order they are
 * applied; a custom-field action (no field here) is kept as it was. */
enum act_input { AI_TEXT, AI_TEXTAREA, AI_STATUS, AI_PRIORITY, AI_TYPE, AI_GROUP };
static const struct {
    enum macro_action_kind kind;
    enum msg_id label;
    enum act_input input;
} act_fields[] = {
    {MA_SET_STATUS, MSG_WEB_ADM_ACT_STATUS, AI_STATUS},
    {MA_SET_PRIORITY, MSG_WEB_ADM_ACT_PRIORITY, AI_PRIORITY},
    {MA_SET_TYPE, MSG_WEB_ADM_ACT_TYPE, AI_TYPE},
    {MA_SET_GROUP, MSG_WEB_ADM_ACT_GROUP, AI_GROUP},
    {MA_SET_ASSIGNEE, MSG_WEB_ADM_ACT_ASSIGNEE, AI_TEXT},
    {MA_ADD_TAGS, MSG_WEB_ADM_ACT_ADD_TAGS, AI_TEXT},
    {MA_REMOVE_TAGS, MSG_WEB_ADM_ACT_REMOVE_TAGS, AI_TEXT},
    {MA_SET_TAGS, MSG_WEB_ADM_ACT_SET_TAGS, AI_TEXT},
    {MA_PUBLIC_REPLY, MSG_WEB_ADM_ACT_REPLY, AI_TEXTAREA},
    {MA_NOTE, MSG_WEB_ADM_ACT_NOTE, AI_TEXTAREA},
};

static const enum msg_id type_msgs[TYPE__COUNT] = {MSG_WEB_ADM_TYPE_QUESTION,
                                                   MSG_WEB_ADM_TYPE_INCIDENT,
                                                   MSG_WEB_ADM_TYPE_PROBLEM, MSG_WEB_ADM_TYPE_TASK};

void w_admin_macros(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct macro *m = NULL;
    size_t n = 0;
    struct tv *rows;
    op_rc rc;
    static const enum msg_id cols[] = {MSG_WEB_ADM_NAME, MSG_WEB_ADM_STATE,
                                       MSG_WEB_ADM_DESCRIPTION};
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_MACROS));
    CHECK(admin_link(&c, "/admin/macros/new", lang_text(&c, MSG_WEB_ADM_MACRO_NEW)));
    CHECK(app_macro_list(c.app, &c.who, true, r->arena, &m, &n, &err));
    CHECK(admin_table(&c, NULL, cols, ARRAY_SIZE(cols), &rows));
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {
            m[i].name, lang_text(&c, m[i].active ? MSG_WEB_ADM_ACTIVE : MSG_WEB_ADM_INACTIVE),
            m[i].description};
        CHECK(admin_row(&c, rows, arena_printf(r->arena, "/admin/macros/%" PRId64, m[i].id), cells,
                        ARRAY_SIZE(cells), 0x5));
    }
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* The value of m's first action of kind, "" when none. */
static const char *action_value(const struct macro *m, enum macro_action_kind kind)
{
    for (size_t i = 0; m && i < m->n_actions; i++)
        if (m->actions[i].kind == kind) return m->actions[i].value ? m->actions[i].value : "";
    return "";
}

static op_rc macro_form(struct web_ctx *c, const struct macro *m, bool posted,
                        const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct group *g = NULL;
    size_t ng = 0;
    op_rc rc;
    struct admin_opt st[STATUS__COUNT], pr[PRIO__COUNT + 1], ty[TYPE__COUNT + 1];
    size_t nst = 0;
    const char *none = lang_text(c, MSG_WEB_ADM_NO_CHANGE);
    st[nst++] = (struct admin_opt){"", none};
    for (int s = STATUS_OPEN; s < STATUS__COUNT; s++) /* a macro never sets "new" */
        st[nst++] = (struct admin_opt){status_name((enum ticket_status)s),
                                       web_status_text(c->r->lang, (enum ticket_status)s)};
    pr[0] = (struct admin_opt){"", none};
    for (int p = 0; p < PRIO__COUNT; p++)
        pr[p + 1] = (struct admin_opt){priority_name((enum ticket_priority)p),
                                       web_priority_text(c->r->lang, (enum ticket_priority)p)};
    ty[0] = (struct admin_opt){"", none};
    for (int t = 0; t < TYPE__COUNT; t++)
        ty[t + 1] = (struct admin_opt){type_name((enum ticket_type)t), lang_text(c, type_msgs[t])};
    if ((rc = app_group_list(c->app, &c->who, a, &g, &ng, &err))) return rc;
    struct admin_opt *gr = arena_alloc(a, (ng + 1) * sizeof(*gr));
    if (!gr) return OP_ERR_NOMEM;
    gr[0] = (struct admin_opt){"", none};
    for (size_t i = 0; i < ng; i++)
        gr[i + 1] = (struct admin_opt){arena_printf(a, "%" PRId64, g[i].id), g[i].name, true};

    const char *action = m ? arena_printf(a, "/admin/macros/%" PRId64, m->id) : "/admin/macros";
    if ((rc = admin_form_begin(&f, c, action, m ? MSG_WEB_ADM_SAVE : MSG_WEB_ADM_CREATE, false,
                               posted)) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", m ? m->name : "")) ||
        (rc =
             admin_textarea(&f, "description", MSG_WEB_ADM_DESCRIPTION, m ? m->description : "")) ||
        (rc = admin_check(&f, "active", MSG_WEB_ADM_ACTIVE, m ? m->active : true)))
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(act_fields) && !rc; i++) {
        const char *name = macro_action_name(act_fields[i].kind);
        const char *v = action_value(m, act_fields[i].kind);
        enum msg_id l = act_fields[i].label;
        switch (act_fields[i].input) {
        case AI_TEXT:
            rc = admin_input(&f, name, l, "text", v);
            if (!rc && act_fields[i].kind == MA_SET_ASSIGNEE)
                rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_ASSIGNEE_HINT));
            if (!rc && act_fields[i].kind == MA_SET_ASSIGNEE)
                rc = admin_example(&f, "current_user");
            break;
        case AI_TEXTAREA:
            rc = admin_textarea(&f, name, l, v);
            if (!rc) rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_PLACEHOLDER_HINT));
            if (!rc) rc = admin_example(&f, "{{ticket.id}} {{ticket.requester.first_name}}");
            break;
        case AI_STATUS:
            rc = admin_select(&f, name, l, st, nst, v);
            break;
        case AI_PRIORITY:
            rc = admin_select(&f, name, l, pr, ARRAY_SIZE(pr), v);
            break;
        case AI_TYPE:
            rc = admin_select(&f, name, l, ty, ARRAY_SIZE(ty), v);
            break;
        case AI_GROUP:
            rc = admin_select(&f, name, l, gr, ng + 1, v);
            break;
        }
    }
    if (!rc && ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

/* The form's macro into in; old's custom-field actions are kept. *names
 * gets the form field of each action, so that an error about
 * "actions[i].value" is shown at its field (fixed in *err). */
static op_rc macro_input_read(struct web_ctx *c, const struct macro *old, struct macro_input *in,
                              const char ***names)
{
    struct arena *a = c->r->arena;
    size_t cap = ARRAY_SIZE(act_fields) + (old ? old->n_actions : 0) + 1;
    memset(in, 0, sizeof(*in));
    in->set = MF_NAME | MF_DESCRIPTION | MF_ACTIVE | MF_ACTIONS;
    in->name = admin_field(c, "name");
    in->description = admin_field(c, "description");
    in->active = web_form_get(&c->form, "active") != NULL;
    in->actions = arena_alloc(a, cap * sizeof(*in->actions));
    *names = arena_alloc(a, cap * sizeof(**names));
    if (!in->actions || !*names) return OP_ERR_NOMEM;
    for (size_t i = 0; i < ARRAY_SIZE(act_fields); i++) {
        const char *name = macro_action_name(act_fields[i].kind);
        const char *v = admin_field(c, name);
        if (!*v) continue;
        (*names)[in->n_actions] = name;
        in->actions[in->n_actions++] =
            (struct macro_action){act_fields[i].kind, arena_strdup(a, v), NULL};
    }
    for (size_t i = 0; old && i < old->n_actions; i++) {
        if (old->actions[i].kind != MA_SET_CUSTOM_FIELD) continue;
        (*names)[in->n_actions] = "actions";
        in->actions[in->n_actions++] = old->actions[i];
    }
    return OP_OK;
}

/* "actions[3].value" -> the field of action 3. */
static void macro_err_field(struct op_err *err, const char *const *names, size_t n)
{
    size_t i;
    if (strncmp(err->field, "actions[", 8) != 0) return;
    if (sscanf(err->field + 8, "%zu]", &i) == 1 && i < n)
        snprintf(err->field, sizeof(err->field), "%s", names[i]);
}

void w_admin_macro_new(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_MACRO_NEW));
    CHECK(admin_link(&c, "/admin/macros", lang_text(&c, MSG_WEB_ADM_MACROS)));
    CHECK(macro_form(&c, NULL, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_macro_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct macro_input in;
    struct macro m;
    const char **names = NULL;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(frc = macro_input_read(&c, NULL, &in, &names)))
        frc = app_macro_create(c.app, &c.who, &in, r->arena, &m, &err);
    if (!frc) {
        web_redirect(r, "/admin/macros?done=created");
        return;
    }
    macro_err_field(&err, names, in.n_actions);
    CHECK(admin_page(&c, MSG_WEB_ADM_MACRO_NEW));
    CHECK(admin_link(&c, "/admin/macros", lang_text(&c, MSG_WEB_ADM_MACROS)));
    CHECK(macro_form(&c, NULL, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* The macro page's frame: title, its name, the links. */
static op_rc macro_frame(struct web_ctx *c, const struct macro *m)
{
    op_rc rc = admin_page(c, MSG_WEB_ADM_MACRO_EDIT);
    if (!rc) rc = tv_set_str(c->r->arena, c->data, "subtitle", m->name);
    if (!rc) rc = admin_link(c, "/admin/macros", lang_text(c, MSG_WEB_ADM_MACROS));
    if (!rc)
        rc = admin_link(c, arena_printf(c->r->arena, "/admin/macros/%" PRId64 "/delete", m->id),
                        lang_text(c, MSG_WEB_ADM_DELETE));
    return rc;
}

void w_admin_macro_edit(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct macro m;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_macro_get(c.app, &c.who, id, r->arena, &m, &err));
    CHECK(macro_frame(&c, &m));
    CHECK(macro_form(&c, &m, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_macro_update(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct macro_input in;
    struct macro m, out;
    const char **names = NULL;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_macro_get(c.app, &c.who, id, r->arena, &m, &err));
    if (!(frc = macro_input_read(&c, &m, &in, &names)))
        frc = app_macro_update(c.app, &c.who, id, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/macros?done=saved");
        return;
    }
    macro_err_field(&err, names, in.n_actions);
    CHECK(macro_frame(&c, &m));
    CHECK(macro_form(&c, &m, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* GET: the question, with a form that deletes. */
void w_admin_macro_confirm(struct http_req *r)
{
    struct web_ctx c;
    struct admin_form f;
    struct op_err err = {0};
    struct macro m;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_macro_get(c.app, &c.who, id, r->arena, &m, &err));
    CHECK(admin_page(&c, MSG_WEB_ADM_MACRO_DELETE));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", m.name));
    CHECK(tv_set_str(r->arena, c.data, "intro", lang_text(&c, MSG_WEB_ADM_MACRO_DELETE_Q)));
    CHECK(admin_link(&c, arena_printf(r->arena, "/admin/macros/%" PRId64, id),
                     lang_text(&c, MSG_WEB_ADM_CANCEL)));
    CHECK(admin_form_begin(&f, &c, arena_printf(r->arena, "/admin/macros/%" PRId64 "/delete", id),
                           MSG_WEB_ADM_DELETE, false, false));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_macro_delete(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc rc = app_macro_delete(c.app, &c.who, id, &err);
    if (rc) {
        web_error_page(r, admin_status(rc),
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
        return;
    }
    web_redirect(r, "/admin/macros?done=deleted");
}

/* ---- admin: delete (a group made by mistake) ---- */

/* The question about group id, or why it was refused (err not NULL), with status. */
static void group_confirm(struct web_ctx *c, int64_t id, int status, const struct op_err *ferr)
{
    struct op_err err = {0};
    struct group g;
    struct arena *a = c->r->arena;
    op_rc rc;
    CHECK(app_group_get(c->app, &c->who, id, a, &g, &err));
    CHECK(admin_confirm(c, MSG_WEB_ADM_GROUP_DELETE, g.name, MSG_WEB_ADM_GROUP_DELETE_Q,
                        arena_printf(a, "/admin/groups/%" PRId64, id),
                        arena_printf(a, "/admin/groups/%" PRId64 "/delete", id), ferr));
    admin_render(c, status);
    return;
end:
    web_error_page(c->r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_group_confirm(struct http_req *r)
{
    struct web_ctx c;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    group_confirm(&c, id, 200, NULL);
}

void w_admin_group_delete(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc rc = app_group_delete(c.app, &c.who, id, &err);
    if (!rc)
        web_redirect(r, "/admin/groups?done=deleted");
    else if (rc == OP_ERR_CONFLICT) /* in use: the question again, with why not */
        group_confirm(&c, id, 409, &err);
    else
        web_error_page(r, admin_status(rc),
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}
