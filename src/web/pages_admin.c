/* pages_admin.c - the admin's pages: what they share (forms built from
 * field descriptions, tables, notices), the index, users and organizations.
 * Groups and macros are in pages_admin_groups.c, SLA policies and calendars
 * in pages_admin_sla.c, shifts and routing in pages_admin_team.c, mailboxes
 * and surveys in pages_admin_channels.c.
 *
 * Every change goes through the same app functions as the admin API, so
 * the rules (and their errors) are the API's. A refused form is shown again
 * with what was typed and the error at its field; a change redirects back
 * with a notice (POST, redirect, GET). */
#include "base/common.h"

#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

/* ---- what the pages share ---- */

bool admin_begin(struct http_req *r, struct web_ctx *c)
{
    if (!web_begin(r, c)) return false;
    if (c->who.role != ROLE_ADMIN) {
        web_error_page(r, 403, MSG_WEB_ADM_ONLY);
        return false;
    }
    return true;
}

static const char *lang_text(struct web_ctx *c, enum msg_id m)
{
    return i18n_text(c->r->lang, m);
}

const char *admin_field(struct web_ctx *c, const char *name)
{
    const char *v = web_form_get(&c->form, name);
    return v ? v : "";
}

/* Adds a block (a form or a table) to the page, in order: key is "forms"
 * or "tables", a list of the one value. */
static op_rc add_block(struct web_ctx *c, const char *key, struct tv *val)
{
    struct arena *a = c->r->arena;
    struct tv *blocks = (struct tv *)tv_get(c->data, "blocks"), *b = tv_map(a), *one = tv_list(a);
    op_rc rc = OP_OK;
    if (!blocks) {
        blocks = tv_list(a);
        rc = tv_set(a, c->data, "blocks", blocks);
    }
    if (!rc) rc = tv_push(a, one, val);
    if (!rc) rc = tv_set(a, b, key, one);
    if (!rc) rc = tv_push(a, blocks, b);
    return rc;
}

op_rc admin_form_begin(struct admin_form *f, struct web_ctx *c, const char *action,
                       enum msg_id submit, bool get, bool posted)
{
    struct arena *a = c->r->arena;
    op_rc rc = OP_OK;
    f->c = c;
    f->posted = posted;
    f->form = tv_map(a);
    f->fields = tv_list(a);
    if (!rc) rc = tv_set_str(a, f->form, "action", action);
    if (!rc) rc = tv_set_str(a, f->form, "submit", lang_text(c, submit));
    if (!rc) rc = tv_set_bool(a, f->form, "get", get);
    if (!rc) rc = tv_set(a, f->form, "fields", f->fields);
    if (!rc) rc = add_block(c, "forms", f->form);
    return rc;
}

/* A new field of kind (the template's flag) named name. */
static struct tv *field_new(struct admin_form *f, const char *name, enum msg_id label,
                            const char *kind, op_rc *rc)
{
    struct arena *a = f->c->r->arena;
    struct tv *m = tv_map(a);
    /* ids are "f-" and the name; names are field names as the app's errors
     * give them ("targets.resolution"), valid in an id */
    if (!(*rc = tv_set_str(a, m, "name", name)) &&
        !(*rc = tv_set_str(a, m, "id", arena_printf(a, "f-%s", name))) &&
        !(*rc = tv_set_str(a, m, "label", lang_text(f->c, label))) &&
        !(*rc = tv_set_bool(a, m, kind, true)))
        *rc = tv_push(a, f->fields, m);
    return *rc ? NULL : m;
}

op_rc admin_input(struct admin_form *f, const char *name, enum msg_id label, const char *type,
                  const char *value)
{
    op_rc rc;
    struct tv *m = field_new(f, name, label, "input", &rc);
    struct arena *a = f->c->r->arena;
    /* a password is never sent back to the browser */
    bool secret = strcmp(type, "password") == 0;
    if (!rc) rc = tv_set_str(a, m, "type", type);
    if (!rc && !secret) rc = tv_set_str(a, m, "value", f->posted ? admin_field(f->c, name) : value);
    return rc;
}

op_rc admin_textarea(struct admin_form *f, const char *name, enum msg_id label, const char *value)
{
    op_rc rc;
    struct tv *m = field_new(f, name, label, "textarea", &rc);
    if (!rc)
        rc = tv_set_str(f->c->r->arena, m, "value", f->posted ? admin_field(f->c, name) : value);
    return rc;
}

op_rc admin_check(struct admin_form *f, const char *name, enum msg_id label, bool checked)
{
    op_rc rc;
    struct tv *m = field_new(f, name, label, "check", &rc);
    /* an unchecked box sends nothing */
    if (!rc)
        rc = tv_set_bool(f->c->r->arena, m, "checked",
                         f->posted ? web_form_get(&f->c->form, name) != NULL : checked);
    return rc;
}

/* Whether the form sent value under name (any of a repeated field's). */
static bool posted_has(const struct web_form *form, const char *name, const char *value)
{
    for (size_t i = 0; i < form->n; i++)
        if (strcmp(form->names[i], name) == 0 && strcmp(form->values[i], value) == 0) return true;
    return false;
}

static op_rc select_field(struct admin_form *f, const char *name, enum msg_id label,
                          const struct admin_opt *opts, size_t n, const char *value,
                          const struct id_list *sel)
{
    struct arena *a = f->c->r->arena;
    op_rc rc;
    struct tv *m = field_new(f, name, label, "select", &rc), *list = tv_list(a);
    if (!rc && sel) rc = tv_set_bool(a, m, "multi", true);
    for (size_t i = 0; i < n && !rc; i++) {
        struct tv *o = tv_map(a);
        bool on;
        if (f->posted) {
            on = posted_has(&f->c->form, name, opts[i].value);
        } else if (sel) {
            char *e;
            long long id = strtoll(opts[i].value, &e, 10);
            on = *e == '\0' && id_list_has(sel, id);
        } else {
            on = value && strcmp(value, opts[i].value) == 0;
        }
        rc = tv_set_str(a, o, "value", opts[i].value);
        if (!rc) rc = tv_set_str(a, o, "label", opts[i].label);
        if (!rc) rc = tv_set_bool(a, o, "selected", on);
        if (!rc) rc = tv_set_bool(a, o, "data", opts[i].data);
        if (!rc) rc = tv_push(a, list, o);
    }
    if (!rc) rc = tv_set(a, m, "options", list);
    return rc;
}

op_rc admin_select(struct admin_form *f, const char *name, enum msg_id label,
                   const struct admin_opt *opts, size_t n, const char *value)
{
    return select_field(f, name, label, opts, n, value, NULL);
}

op_rc admin_multi(struct admin_form *f, const char *name, enum msg_id label,
                  const struct admin_opt *opts, size_t n, const struct id_list *sel)
{
    static const struct id_list none = {NULL, 0};
    return select_field(f, name, label, opts, n, NULL, sel ? sel : &none);
}

op_rc admin_group(struct admin_form *f, const char *title)
{
    struct arena *a = f->c->r->arena;
    struct tv *m = tv_map(a);
    op_rc rc = tv_set_str(a, m, "label", title);
    if (!rc) rc = tv_set_bool(a, m, "group", true);
    if (!rc) rc = tv_push(a, f->fields, m);
    return rc;
}

op_rc admin_hint(struct admin_form *f, const char *text)
{
    size_t n = f->fields->u.list.n;
    if (!n) return OP_ERR_INVALID;
    return tv_set_str(f->c->r->arena, f->fields->u.list.items[n - 1], "hint", text);
}

op_rc admin_example(struct admin_form *f, const char *text)
{
    size_t n = f->fields->u.list.n;
    if (!n) return OP_ERR_INVALID;
    return tv_set_str(f->c->r->arena, f->fields->u.list.items[n - 1], "example", text);
}

op_rc admin_form_error(struct admin_form *f, const struct op_err *err)
{
    struct arena *a = f->c->r->arena;
    const char *text = web_err_text(a, f->c->r->lang, err);
    for (size_t i = 0; i < f->fields->u.list.n && err->field[0]; i++) {
        struct tv *m = f->fields->u.list.items[i];
        const struct tv *name = tv_get(m, "name");
        if (name && strcmp(name->u.s, err->field) == 0) return tv_set_str(a, m, "error", text);
    }
    return tv_set_str(a, f->form, "error", text);
}

op_rc admin_page(struct web_ctx *c, enum msg_id title)
{
    static const struct {
        const char *done;
        enum msg_id msg;
    } notices[] = {{"created", MSG_WEB_ADM_CREATED},
                   {"saved", MSG_WEB_ADM_SAVED},
                   {"deleted", MSG_WEB_ADM_DELETED}};
    struct arena *a = c->r->arena;
    const char *done = c->r->method == HTTP_GET ? http_query(c->r, "done") : NULL;
    op_rc rc = tv_set_str(a, c->data, "title", lang_text(c, title));
    if (!rc) rc = tv_set_bool(a, c->data, "admin_area", true);
    for (size_t i = 0; i < ARRAY_SIZE(notices) && done && !rc; i++)
        if (strcmp(done, notices[i].done) == 0)
            rc = tv_set_str(a, c->data, "notice", lang_text(c, notices[i].msg));
    return rc;
}

op_rc admin_link(struct web_ctx *c, const char *href, const char *label)
{
    struct arena *a = c->r->arena;
    struct tv *links = (struct tv *)tv_get(c->data, "links"), *m = tv_map(a);
    op_rc rc = OP_OK;
    if (!links) {
        links = tv_list(a);
        rc = tv_set(a, c->data, "links", links);
    }
    if (!rc) rc = tv_set_str(a, m, "href", href);
    if (!rc) rc = tv_set_str(a, m, "label", label);
    if (!rc) rc = tv_push(a, links, m);
    return rc;
}

op_rc admin_table(struct web_ctx *c, const char *caption, const enum msg_id *cols, size_t n,
                  struct tv **rows)
{
    struct arena *a = c->r->arena;
    struct tv *t = tv_map(a), *heads = tv_list(a);
    op_rc rc = OP_OK;
    *rows = tv_list(a);
    for (size_t i = 0; i < n && !rc; i++)
        rc = tv_push(a, heads, tv_str(a, lang_text(c, cols[i])));
    if (!rc && caption) rc = tv_set_str(a, t, "caption", caption);
    if (!rc) rc = tv_set(a, t, "cols", heads);
    if (!rc) rc = tv_set(a, t, "rows", *rows);
    if (!rc) rc = add_block(c, "tables", t);
    return rc;
}

op_rc admin_row(struct web_ctx *c, struct tv *rows, const char *href, const char *const *cells,
                size_t n, unsigned data)
{
    struct arena *a = c->r->arena;
    struct tv *row = tv_map(a), *list = tv_list(a);
    op_rc rc = OP_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        struct tv *cell = tv_map(a);
        rc = tv_set_str(a, cell, "text", cells[i]);
        if (!rc && i == 0 && href) rc = tv_set_str(a, cell, "href", href);
        if (!rc) rc = tv_set_bool(a, cell, "data", (data >> i) & 1u);
        if (!rc) rc = tv_push(a, list, cell);
    }
    if (!rc) rc = tv_set(a, row, "cells", list);
    if (!rc) rc = tv_push(a, rows, row);
    return rc;
}

void admin_render(struct web_ctx *c, int status)
{
    web_render(c, status, "admin_page.html");
}

int admin_status(op_rc rc)
{
    switch (rc) {
    case OP_ERR_INVALID:
        return 422;
    case OP_ERR_CONFLICT:
        return 409;
    case OP_ERR_NOTFOUND:
        return 404;
    case OP_ERR_FORBIDDEN:
        return 403;
    default:
        return 500;
    }
}

/* Decimal digits only, at most 18 of them. */
static bool parse_id(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 18) return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int64_t admin_path_id(struct web_ctx *c, size_t i)
{
    int64_t id;
    if (!parse_id(c->r->params[i], &id) || id == 0) {
        web_error_page(c->r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return 0;
    }
    return id;
}

op_rc admin_form_int(struct web_ctx *c, const char *name, int64_t def, int64_t *out,
                     struct op_err *err)
{
    const char *v = admin_field(c, name);
    bool neg = v[0] == '-';
    int64_t x;
    if (!*v) {
        *out = def;
        return OP_OK;
    }
    if (!parse_id(v + neg, &x)) return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_TYPE_INTEGER);
    *out = neg ? -x : x;
    return OP_OK;
}

op_rc admin_form_ids(struct web_ctx *c, const char *name, struct id_list *out, struct op_err *err)
{
    const struct web_form *f = &c->form;
    out->n = 0;
    out->v = arena_alloc(c->r->arena, (f->n + 1) * sizeof(*out->v));
    if (!out->v) return OP_ERR_NOMEM;
    for (size_t i = 0; i < f->n; i++) {
        int64_t id;
        if (strcmp(f->names[i], name) != 0 || !*f->values[i]) continue;
        if (!parse_id(f->values[i], &id) || id == 0)
            return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_ID);
        if (!id_list_has(out, id)) out->v[out->n++] = id;
    }
    return OP_OK;
}

/* ---- the index ---- */

void w_admin_index(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc = OP_OK;
    static const struct {
        const char *href;
        enum msg_id label;
    } areas[] = {
        {"/admin/users", MSG_WEB_ADM_USERS},       {"/admin/organizations", MSG_WEB_ADM_ORGS},
        {"/admin/groups", MSG_WEB_ADM_GROUPS},     {"/admin/sla", MSG_WEB_ADM_SLA},
        {"/admin/macros", MSG_WEB_ADM_MACROS},     {"/admin/shifts", MSG_WEB_ADM_SHIFTS},
        {"/admin/channels", MSG_WEB_ADM_CHANNELS},
        /* ---- levels and pay (motivation): pages_admin_levels.c ---- */
        {"/admin/levels", MSG_WEB_ADM_LEVELS},
    };
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_TITLE));
    for (size_t i = 0; i < ARRAY_SIZE(areas); i++)
        CHECK(admin_link(&c, areas[i].href, lang_text(&c, areas[i].label)));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, 500, MSG_WEB_FAILED);
}

/* ---- users ---- */

#define USERS_PAGE 50

static const enum msg_id role_msgs[ROLE__COUNT] = {MSG_WEB_ADM_ROLE_CUSTOMER,
                                                   MSG_WEB_ADM_ROLE_AGENT, MSG_WEB_ADM_ROLE_LEAD,
                                                   MSG_WEB_ADM_ROLE_ADMIN};
static const enum msg_id level_msgs[LEVEL__COUNT] = {
    MSG_WEB_ADM_LEVEL_NONE, MSG_WEB_ADM_LEVEL_JUNIOR, MSG_WEB_ADM_LEVEL_MIDDLE,
    MSG_WEB_ADM_LEVEL_SENIOR};

/* "a%20b" for a query string value, in a. */
static const char *url_escape(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
    if (!out) return "";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

void w_admin_users(struct http_req *r)
{
    struct web_ctx c;
    struct admin_form f;
    struct op_err err = {0};
    struct user *v = NULL;
    size_t n = 0;
    struct tv *rows;
    op_rc rc = OP_OK;
    struct arena *a = r->arena;
    if (!admin_begin(r, &c)) return;
    const char *q = http_query(r, "q"), *role = http_query(r, "role"),
               *after = http_query(r, "after");
    struct user_filter uf = {.q = q && *q ? q : NULL, .limit = USERS_PAGE};
    int rv = role && *role ? role_parse(role) : -1;
    if (rv >= 0) uf.role_mask = 1u << rv;
    if (after && !parse_id(after, &uf.after_id)) uf.after_id = 0;
    CHECK(admin_page(&c, MSG_WEB_ADM_USERS));
    CHECK(admin_link(&c, "/admin/users/new", lang_text(&c, MSG_WEB_ADM_USER_NEW)));

    /* the search: a GET form, so the filter stays in the address */
    struct admin_opt roles[ROLE__COUNT + 1] = {{"", lang_text(&c, MSG_WEB_ADM_ANY_ROLE)}};
    for (int i = 0; i < ROLE__COUNT; i++)
        roles[i + 1] =
            (struct admin_opt){role_name((enum user_role)i), lang_text(&c, role_msgs[i])};
    CHECK(admin_form_begin(&f, &c, "/admin/users", MSG_WEB_ADM_SEARCH, true, false));
    CHECK(admin_input(&f, "q", MSG_WEB_ADM_SEARCH_TEXT, "search", q ? q : ""));
    CHECK(admin_select(&f, "role", MSG_WEB_ADM_ROLE, roles, ARRAY_SIZE(roles), role ? role : ""));

    CHECK(app_user_list(c.app, &c.who, &uf, a, &v, &n, &err));
    static const enum msg_id cols[] = {MSG_WEB_ADM_NAME, MSG_WEB_EMAIL, MSG_WEB_ADM_ROLE,
                                       MSG_WEB_ADM_LEVEL, MSG_WEB_ADM_STATE};
    CHECK(admin_table(&c, NULL, cols, ARRAY_SIZE(cols), &rows));
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {
            v[i].name, v[i].email,
            (unsigned)v[i].role < ROLE__COUNT ? lang_text(&c, role_msgs[v[i].role]) : "",
            (unsigned)v[i].level < LEVEL__COUNT ? lang_text(&c, level_msgs[v[i].level]) : "",
            lang_text(&c, v[i].active ? MSG_WEB_ADM_ACTIVE : MSG_WEB_ADM_SUSPENDED)};
        CHECK(admin_row(&c, rows, arena_printf(a, "/admin/users/%" PRId64, v[i].id), cells,
                        ARRAY_SIZE(cells), 0x3));
    }
    if (n == USERS_PAGE) {
        const char *next =
            arena_printf(a, "/admin/users?q=%s&role=%s&after=%" PRId64, url_escape(a, q ? q : ""),
                         url_escape(a, role ? role : ""), v[n - 1].id);
        CHECK(admin_link(&c, next, lang_text(&c, MSG_WEB_ADM_NEXT_PAGE)));
    }
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* The user form: u NULL for a new user; groups are the ids u is in. A
 * posted form shows what was sent, err (when not NULL) at its field. */
static op_rc user_form(struct web_ctx *c, const struct user *u, const struct id_list *in_groups,
                       bool posted, const struct op_err *err)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct group *g = NULL;
    size_t ng = 0;
    struct op_err gerr = {0};
    op_rc rc;
    struct admin_opt roles[ROLE__COUNT], levels[LEVEL__COUNT];
    struct admin_opt langs[] = {{"ru", lang_text(c, MSG_WEB_ADM_LANG_RU)},
                                {"en", lang_text(c, MSG_WEB_ADM_LANG_EN)}};
    for (int i = 0; i < ROLE__COUNT; i++)
        roles[i] = (struct admin_opt){role_name((enum user_role)i), lang_text(c, role_msgs[i])};
    for (int i = 0; i < LEVEL__COUNT; i++)
        levels[i] =
            (struct admin_opt){level_name((enum staff_level)i), lang_text(c, level_msgs[i])};
    if ((rc = app_group_list(c->app, &c->who, a, &g, &ng, &gerr))) return rc;
    struct admin_opt *gopts = arena_alloc(a, (ng + 1) * sizeof(*gopts));
    if (!gopts) return OP_ERR_NOMEM;
    for (size_t i = 0; i < ng; i++)
        gopts[i] = (struct admin_opt){arena_printf(a, "%" PRId64, g[i].id), g[i].name, true};

    const char *action = u ? arena_printf(a, "/admin/users/%" PRId64, u->id) : "/admin/users";
    if ((rc = admin_form_begin(&f, c, action, u ? MSG_WEB_ADM_SAVE : MSG_WEB_ADM_CREATE, false,
                               posted)) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", u ? u->name : "")) ||
        (rc = admin_input(&f, "email", MSG_WEB_EMAIL, "email", u ? u->email : "")) ||
        (rc = admin_select(&f, "role", MSG_WEB_ADM_ROLE, roles, ROLE__COUNT,
                           role_name(u ? u->role : ROLE_AGENT))) ||
        (rc = admin_select(&f, "level", MSG_WEB_ADM_LEVEL, levels, LEVEL__COUNT,
                           level_name(u ? u->level : LEVEL_JUNIOR))) ||
        (rc = admin_select(&f, "language", MSG_WEB_ADM_LANGUAGE, langs, ARRAY_SIZE(langs),
                           u ? u->language : "ru")) ||
        (rc = admin_input(&f, "time_zone", MSG_WEB_ADM_TIME_ZONE, "text",
                          u ? u->time_zone : "Europe/Moscow")) ||
        (rc = admin_multi(&f, "groups", MSG_WEB_ADM_GROUPS, gopts, ng, in_groups)) ||
        (rc = admin_input(&f, "password", MSG_WEB_PASSWORD, "password", "")) ||
        (rc = admin_hint(&f,
                         lang_text(c, u ? MSG_WEB_ADM_PASSWORD_KEEP : MSG_WEB_ADM_PASSWORD_NONE))))
        return rc;
    if (u && (rc = admin_check(&f, "active", MSG_WEB_ADM_ACTIVE, u->active))) return rc;
    if (err) rc = admin_form_error(&f, err);
    return rc;
}

/* The form's user fields into in (every field; the password when given). */
static op_rc user_input_read(struct web_ctx *c, bool create, struct user_input *in,
                             struct op_err *err)
{
    memset(in, 0, sizeof(*in));
    in->set = UF_NAME | UF_EMAIL | UF_ROLE | UF_LEVEL | UF_LANGUAGE | UF_TIME_ZONE;
    in->name = admin_field(c, "name");
    in->email = admin_field(c, "email");
    in->language = admin_field(c, "language");
    in->time_zone = admin_field(c, "time_zone");
    int role = role_parse(admin_field(c, "role")), level = level_parse(admin_field(c, "level"));
    if (role < 0)
        return op_fail(err, OP_ERR_INVALID, "role", MSG_ERR_ENUM, admin_field(c, "role"),
                       role_names_list());
    if (level < 0)
        return op_fail(err, OP_ERR_INVALID, "level", MSG_ERR_ENUM, admin_field(c, "level"),
                       level_names_list());
    in->role = (enum user_role)role;
    in->level = (enum staff_level)level;
    if (*admin_field(c, "password")) {
        in->set |= UF_PASSWORD;
        in->password = admin_field(c, "password");
    }
    if (!create) {
        in->set |= UF_ACTIVE;
        in->active = web_form_get(&c->form, "active") != NULL;
    }
    return OP_OK;
}

/* The ids of the groups user_id is a member of (members are read per group). */
static op_rc user_groups(struct web_ctx *c, int64_t user_id, struct group **g, size_t *ng,
                         struct id_list *out, struct op_err *err)
{
    struct arena *a = c->r->arena;
    op_rc rc = app_group_list(c->app, &c->who, a, g, ng, err);
    if (rc) return rc;
    out->n = 0;
    if (!(out->v = arena_alloc(a, (*ng + 1) * sizeof(*out->v)))) return OP_ERR_NOMEM;
    for (size_t i = 0; i < *ng; i++) {
        struct group full;
        if ((rc = app_group_get(c->app, &c->who, (*g)[i].id, a, &full, err))) return rc;
        (*g)[i].members = full.members;
        if (user_id && id_list_has(&full.members, user_id)) out->v[out->n++] = (*g)[i].id;
    }
    return OP_OK;
}

/* The groups of the form, each one of g; else an error at "groups". */
static op_rc form_groups(struct web_ctx *c, const struct group *g, size_t ng, struct id_list *out,
                         struct op_err *err)
{
    op_rc rc = admin_form_ids(c, "groups", out, err);
    for (size_t i = 0; i < out->n && !rc; i++) {
        bool known = false;
        for (size_t k = 0; k < ng; k++)
            known |= g[k].id == out->v[i];
        if (!known) rc = op_fail(err, OP_ERR_INVALID, "groups", MSG_ERR_ID);
    }
    return rc;
}

void w_admin_user_new(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(admin_page(&c, MSG_WEB_ADM_USER_NEW));
    CHECK(admin_link(&c, "/admin/users", lang_text(&c, MSG_WEB_ADM_USERS)));
    CHECK(user_form(&c, NULL, NULL, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_user_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct user_input in;
    struct user u;
    struct group *g = NULL;
    size_t ng = 0;
    struct id_list want, none = {0};
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    if (!(rc = user_groups(&c, 0, &g, &ng, &none, &err)) &&
        !(rc = form_groups(&c, g, ng, &want, &err)) &&
        !(rc = user_input_read(&c, true, &in, &err)) &&
        !(rc = app_user_create(c.app, &c.who, &in, r->arena, &u, &err)))
        rc = app_user_groups_set(c.app, &c.who, u.id, &want, r->arena, &err);
    if (!rc) {
        web_redirect(r, "/admin/users?done=created");
        return;
    }
    frc = rc;
    CHECK(admin_page(&c, MSG_WEB_ADM_USER_NEW));
    CHECK(admin_link(&c, "/admin/users", lang_text(&c, MSG_WEB_ADM_USERS)));
    CHECK(user_form(&c, NULL, NULL, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_user_edit(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct user u;
    struct group *g = NULL;
    size_t ng = 0;
    struct id_list in_groups;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_user_get(c.app, &c.who, id, r->arena, &u, &err));
    CHECK(user_groups(&c, id, &g, &ng, &in_groups, &err));
    CHECK(admin_page(&c, MSG_WEB_ADM_USER_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", u.name));
    CHECK(admin_link(&c, "/admin/users", lang_text(&c, MSG_WEB_ADM_USERS)));
    CHECK(user_form(&c, &u, &in_groups, false, NULL));
    CHECK(account_admin_form(&c, &u)); /* invitation / reset link: pages_account.c */
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_user_update(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct user_input in;
    struct user u, out;
    struct group *g = NULL;
    size_t ng = 0;
    struct id_list in_groups, want;
    op_rc rc, frc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_user_get(c.app, &c.who, id, r->arena, &u, &err));
    CHECK(user_groups(&c, id, &g, &ng, &in_groups, &err));
    if (!(rc = form_groups(&c, g, ng, &want, &err)) &&
        !(rc = user_input_read(&c, false, &in, &err)) &&
        !(rc = app_user_update(c.app, &c.who, id, &in, r->arena, &out, &err)))
        rc = app_user_groups_set(c.app, &c.who, id, &want, r->arena, &err);
    if (!rc) {
        web_redirect(r, "/admin/users?done=saved");
        return;
    }
    frc = rc;
    CHECK(admin_page(&c, MSG_WEB_ADM_USER_EDIT));
    CHECK(tv_set_str(r->arena, c.data, "subtitle", u.name));
    CHECK(admin_link(&c, "/admin/users", lang_text(&c, MSG_WEB_ADM_USERS)));
    CHECK(user_form(&c, &u, &in_groups, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

/* ---- organizations: a list and a form to add one ---- */

/* Makes the last cell of the last row of rows (just added by admin_row) a
 * link to href; href NULL is an arena out of memory. */
static op_rc admin_row_link_last(struct web_ctx *c, struct tv *rows, const char *href)
{
    struct tv *row = rows->u.list.items[rows->u.list.n - 1];
    const struct tv *cells = tv_get(row, "cells");
    assert(cells && cells->u.list.n > 0);
    if (!href) return OP_ERR_NOMEM;
    return tv_set_str(c->r->arena, cells->u.list.items[cells->u.list.n - 1], "href", href);
}

static op_rc orgs_page(struct web_ctx *c, bool posted, const struct op_err *ferr)
{
    struct admin_form f;
    struct op_err err = {0};
    struct organization *v = NULL;
    size_t n = 0;
    struct tv *rows;
    op_rc rc;
    static const enum msg_id cols[] = {MSG_WEB_ADM_NAME, MSG_WEB_ADM_DOMAINS, MSG_WEB_ADM_SHARED,
                                       MSG_WEB_ADM_ROW_ACTIONS};
    if ((rc = admin_page(c, MSG_WEB_ADM_ORGS)) ||
        (rc = app_org_list(c->app, &c->who, NULL, 0, 1000, c->r->arena, &v, &n, &err)) ||
        (rc = admin_table(c, NULL, cols, ARRAY_SIZE(cols), &rows)))
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *cells[] = {v[i].name, v[i].domains,
                               lang_text(c, v[i].shared_tickets ? MSG_WEB_ADM_YES : MSG_WEB_ADM_NO),
                               lang_text(c, MSG_WEB_ADM_DELETE)};
        rc = admin_row(c, rows, NULL, cells, ARRAY_SIZE(cells), 0x3);
        /* admin_row links only the first cell: the last one here is the link */
        if (!rc)
            rc = admin_row_link_last(
                c, rows,
                arena_printf(c->r->arena, "/admin/organizations/%" PRId64 "/delete", v[i].id));
    }
    if (!rc)
        rc = admin_form_begin(&f, c, "/admin/organizations", MSG_WEB_ADM_CREATE, false, posted);
    if (!rc) rc = tv_set_str(c->r->arena, f.form, "heading", lang_text(c, MSG_WEB_ADM_ORG_NEW));
    if (!rc) rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", "");
    if (!rc) rc = admin_input(&f, "domains", MSG_WEB_ADM_DOMAINS, "text", "");
    if (!rc) rc = admin_check(&f, "shared_tickets", MSG_WEB_ADM_SHARED, false);
    if (!rc && ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

void w_admin_orgs(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(orgs_page(&c, false, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_org_create(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct organization o;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    struct org_input in = {.set = OF_NAME | OF_DOMAINS | OF_SHARED,
                           .name = admin_field(&c, "name"),
                           .domains = admin_field(&c, "domains"),
                           .shared_tickets = web_form_get(&c.form, "shared_tickets") != NULL};
    op_rc frc = app_org_create(c.app, &c.who, &in, r->arena, &o, &err);
    if (!frc) {
        web_redirect(r, "/admin/organizations?done=created");
        return;
    }
    CHECK(orgs_page(&c, true, &err));
    admin_render(&c, admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

/* ---- admin: delete (an organization made by mistake; the shared question page) ---- */

op_rc admin_confirm(struct web_ctx *c, enum msg_id title, const char *subtitle,
                    enum msg_id question, const char *back, const char *action,
                    const struct op_err *err)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    op_rc rc = admin_page(c, title);
    if (!rc) rc = tv_set_str(a, c->data, "subtitle", subtitle);
    if (!rc) rc = tv_set_str(a, c->data, "intro", lang_text(c, question));
    if (!rc) rc = admin_link(c, back, lang_text(c, MSG_WEB_ADM_CANCEL));
    if (!rc) rc = admin_form_begin(&f, c, action, MSG_WEB_ADM_DELETE, false, false);
    if (!rc && err) rc = admin_form_error(&f, err);
    return rc;
}

/* The question about organization id, or why it was refused (err not NULL). */
static void org_confirm(struct web_ctx *c, int64_t id, int status, const struct op_err *ferr)
{
    struct op_err err = {0};
    struct organization o;
    struct arena *a = c->r->arena;
    op_rc rc;
    CHECK(app_org_get(c->app, &c->who, id, a, &o, &err));
    CHECK(admin_confirm(c, MSG_WEB_ADM_ORG_DELETE, o.name, MSG_WEB_ADM_ORG_DELETE_Q,
                        "/admin/organizations",
                        arena_printf(a, "/admin/organizations/%" PRId64 "/delete", id), ferr));
    admin_render(c, status);
    return;
end:
    web_error_page(c->r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_org_confirm(struct http_req *r)
{
    struct web_ctx c;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    org_confirm(&c, id, 200, NULL);
}

void w_admin_org_delete(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc rc = app_org_delete(c.app, &c.who, id, &err);
    if (!rc)
        web_redirect(r, "/admin/organizations?done=deleted");
    else if (rc == OP_ERR_CONFLICT) /* in use: the question again, with why not */
        org_confirm(&c, id, 409, &err);
    else
        web_error_page(r, admin_status(rc),
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}
