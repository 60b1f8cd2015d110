/* web.c - the web UI's common part: templates loaded once, the route
 * table, authentication of pages by the session cookie, forms, rendering
 * with the layout, the sign-in page and the assets. */
#include "base/common.h"

#include <pthread.h>
#include <sodium.h>
#include <strings.h>

#include "app/team.h"
#include "base/log.h"
#include "base/utf8.h"
#include "http/api.h"
#include "http/multipart.h"
#include "web/embedded.h"
#include "web/webInt.h"

#define SESSION_COOKIE "opora_session"

/* ---- templates ---- */

static struct tmpl_set *templates;
static pthread_once_t templates_once = PTHREAD_ONCE_INIT;
static op_rc templates_rc = OP_OK;

static void templates_load(void)
{
    char why[256];
    templates_rc = tmpl_set_load(web_templates, web_templates_count, &templates, why, sizeof(why));
    if (templates_rc) log_error("msg=\"template error\" detail=\"%s\"", why);
}

op_rc web_init(struct op_err *err)
{
    pthread_once(&templates_once, templates_load);
    if (templates_rc) return op_fail(err, templates_rc, "templates", MSG_NONE);
    return OP_OK;
}

void web_release(void)
{
    tmpl_set_free(templates);
    templates = NULL;
}

/* ---- routes ---- */

#define PUB HTTP_ROUTE_PUBLIC

const struct http_route web_routes[] = {
    {HTTP_GET, "/", w_root, PUB},
    {HTTP_GET, "/login", w_login_form, PUB},
    {HTTP_POST, "/login", w_login, PUB},
    {HTTP_POST, "/logout", w_logout, PUB},
    {HTTP_GET, "/assets/{name}", w_asset, PUB},
    {HTTP_GET, "/queue/{view}", w_queue, PUB},
    {HTTP_GET, "/tickets/{id}", w_ticket, PUB},
    {HTTP_POST, "/tickets/{id}/reply", w_ticket_reply, PUB},
    /* a refused form leaves its address in the browser: a reload goes back */
    {HTTP_GET, "/tickets/{id}/reply", w_ticket_back, PUB},
    {HTTP_GET, "/tickets/{id}/take", w_ticket_back, PUB},
    {HTTP_GET, "/tickets/{id}/escalate", w_ticket_back, PUB},
    {HTTP_POST, "/tickets/{id}/take", w_ticket_take, PUB},
    {HTTP_POST, "/tickets/{id}/escalate", w_ticket_escalate, PUB},
    {HTTP_POST, "/presence", w_presence, PUB},
    {HTTP_GET, "/live", w_live, PUB},
    /* agent workspace: hand back, merge, links, who else has the ticket open */
    {HTTP_POST, "/tickets/{id}/handback", w_ticket_handback, PUB},
    {HTTP_POST, "/tickets/{id}/merge", w_ticket_merge, PUB},
    {HTTP_POST, "/tickets/{id}/links", w_ticket_link, PUB},
    {HTTP_POST, "/tickets/{id}/links/{link_id}/remove", w_ticket_unlink, PUB},
    {HTTP_GET, "/tickets/{id}/handback", w_ticket_back, PUB},
    {HTTP_GET, "/tickets/{id}/merge", w_ticket_back, PUB},
    {HTTP_GET, "/tickets/{id}/links", w_ticket_back, PUB},
    {HTTP_GET, "/tickets/{id}/links/{link_id}/remove", w_ticket_back, PUB},
    {HTTP_POST, "/tickets/{id}/viewers", w_ticket_viewers, PUB},
    {HTTP_POST, "/tickets/{id}/viewers/leave", w_ticket_viewers_leave, PUB},
    /* ---- customer portal (pages_portal.c) ---- */
    {HTTP_GET, "/portal", w_portal_list, PUB},
    {HTTP_GET, "/portal/login", w_portal_login_form, PUB},
    {HTTP_POST, "/portal/login", w_portal_login, PUB},
    {HTTP_GET, "/portal/magic/{token}", w_portal_magic, PUB},
    {HTTP_GET, "/portal/magic", w_portal_magic, PUB},
    {HTTP_POST, "/portal/magic", w_portal_magic_use, PUB},
    {HTTP_GET, "/portal/new", w_portal_new_form, PUB},
    {HTTP_POST, "/portal/new", w_portal_new, PUB | HTTP_ROUTE_UPLOAD},
    {HTTP_GET, "/portal/requests/{id}", w_portal_request, PUB},
    {HTTP_POST, "/portal/requests/{id}/reply", w_portal_reply, PUB | HTTP_ROUTE_UPLOAD},
    {HTTP_POST, "/portal/requests/{id}/rate", w_portal_rate, PUB},
    /* a refused form leaves its address in the browser: a reload goes back */
    {HTTP_GET, "/portal/requests/{id}/reply", w_portal_back, PUB},
    {HTTP_GET, "/portal/requests/{id}/rate", w_portal_back, PUB},
    /* ---- team lead (pages_lead.c) ---- */
    {HTTP_GET, "/lead", w_lead, PUB},
    {HTTP_GET, "/lead/team", w_lead_team, PUB},
    {HTTP_GET, "/lead/charts/{name}", w_lead_chart, PUB},
    /* the Bonus tab (pages_lead_bonus.c) */
    {HTTP_GET, "/lead/bonus", w_lead_bonus, PUB},
    {HTTP_POST, "/lead/bonus/approve", w_lead_bonus_approve, PUB},
    {HTTP_GET, "/me/bonus", w_me_bonus, PUB}, /* anyone's own statement */
    /* ---- admin (pages_admin.c) ---- */
    {HTTP_GET, "/admin", w_admin_index, PUB},
    {HTTP_GET, "/admin/users", w_admin_users, PUB},
    {HTTP_POST, "/admin/users", w_admin_user_create, PUB},
    {HTTP_GET, "/admin/users/new", w_admin_user_new, PUB},
    {HTTP_GET, "/admin/users/{id}", w_admin_user_edit, PUB},
    {HTTP_POST, "/admin/users/{id}", w_admin_user_update, PUB},
    {HTTP_GET, "/admin/organizations", w_admin_orgs, PUB},
    {HTTP_POST, "/admin/organizations", w_admin_org_create, PUB},
    {HTTP_GET, "/admin/groups", w_admin_groups, PUB},
    {HTTP_POST, "/admin/groups", w_admin_group_create, PUB},
    {HTTP_GET, "/admin/groups/new", w_admin_group_new, PUB},
    {HTTP_GET, "/admin/groups/{id}", w_admin_group_edit, PUB},
    {HTTP_POST, "/admin/groups/{id}", w_admin_group_update, PUB},
    {HTTP_POST, "/admin/groups/{id}/routing", w_admin_group_routing, PUB},
    {HTTP_GET, "/admin/shifts", w_admin_shifts, PUB},
    {HTTP_POST, "/admin/shifts", w_admin_shift_create, PUB},
    {HTTP_GET, "/admin/shifts/{id}", w_admin_shift_edit, PUB},
    {HTTP_POST, "/admin/shifts/{id}", w_admin_shift_update, PUB},
    {HTTP_GET, "/admin/shifts/{id}/delete", w_admin_shift_confirm, PUB},
    {HTTP_POST, "/admin/shifts/{id}/delete", w_admin_shift_delete, PUB},
    {HTTP_POST, "/admin/team/settings", w_admin_team_settings, PUB},
    {HTTP_GET, "/admin/channels", w_admin_channels, PUB},
    {HTTP_POST, "/admin/mailboxes", w_admin_mailbox_add, PUB},
    {HTTP_GET, "/admin/mailboxes/{id}/delete", w_admin_mailbox_confirm, PUB},
    {HTTP_POST, "/admin/mailboxes/{id}/delete", w_admin_mailbox_remove, PUB},
    {HTTP_POST, "/admin/surveys/settings", w_admin_survey_settings, PUB},
    {HTTP_POST, "/admin/surveys/questions", w_admin_csi_questions, PUB},
    {HTTP_GET, "/admin/macros", w_admin_macros, PUB},
    {HTTP_POST, "/admin/macros", w_admin_macro_create, PUB},
    {HTTP_GET, "/admin/macros/new", w_admin_macro_new, PUB},
    {HTTP_GET, "/admin/macros/{id}", w_admin_macro_edit, PUB},
    {HTTP_POST, "/admin/macros/{id}", w_admin_macro_update, PUB},
    {HTTP_GET, "/admin/macros/{id}/delete", w_admin_macro_confirm, PUB},
    {HTTP_POST, "/admin/macros/{id}/delete", w_admin_macro_delete, PUB},
    {HTTP_GET, "/admin/sla", w_admin_sla, PUB},
    /* levels and pay (pages_admin_levels.c) */
    {HTTP_GET, "/admin/levels", w_admin_levels, PUB},
    {HTTP_POST, "/admin/levels", w_admin_levels_save, PUB},
    {HTTP_POST, "/admin/levels/pay", w_admin_pay_save, PUB},
    {HTTP_POST, "/admin/sla/policies", w_admin_policy_create, PUB},
    {HTTP_GET, "/admin/sla/policies/new", w_admin_policy_new, PUB},
    {HTTP_GET, "/admin/sla/policies/{id}", w_admin_policy_edit, PUB},
    {HTTP_POST, "/admin/sla/policies/{id}", w_admin_policy_update, PUB},
    {HTTP_POST, "/admin/sla/calendars", w_admin_calendar_create, PUB},
    {HTTP_GET, "/admin/sla/calendars/new", w_admin_calendar_new, PUB},
    {HTTP_GET, "/admin/sla/calendars/{id}", w_admin_calendar_edit, PUB},
    {HTTP_POST, "/admin/sla/calendars/{id}", w_admin_calendar_update, PUB},
    /* ---- admin: delete ---- */
    {HTTP_GET, "/admin/sla/policies/{id}/delete", w_admin_policy_confirm, PUB},
    {HTTP_POST, "/admin/sla/policies/{id}/delete", w_admin_policy_delete, PUB},
    {HTTP_GET, "/admin/sla/calendars/{id}/delete", w_admin_calendar_confirm, PUB},
    {HTTP_POST, "/admin/sla/calendars/{id}/delete", w_admin_calendar_delete, PUB},
    {HTTP_GET, "/admin/groups/{id}/delete", w_admin_group_confirm, PUB},
    {HTTP_POST, "/admin/groups/{id}/delete", w_admin_group_delete, PUB},
    {HTTP_GET, "/admin/organizations/{id}/delete", w_admin_org_confirm, PUB},
    {HTTP_POST, "/admin/organizations/{id}/delete", w_admin_org_delete, PUB},
    /* ---- account: invitations and password resets by mail (pages_account.c) ---- */
    {HTTP_GET, "/login/forgot", w_account_forgot_form, PUB},
    {HTTP_POST, "/login/forgot", w_account_forgot, PUB},
    /* the secret travels in the query and the form, which the access log leaves out */
    {HTTP_GET, "/account/password", w_account_password_form, PUB},
    {HTTP_POST, "/account/password", w_account_password, PUB},
    {HTTP_POST, "/admin/users/{id}/invite", w_account_invite, PUB},
};

const size_t web_routes_count = ARRAY_SIZE(web_routes);

/* ---- replies ---- */

static void security_headers(struct http_req *r)
{
    /* no inline script or style anywhere: everything comes from /assets */
    http_set_header(
        r, "Content-Security-Policy",
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    /* nosniff, the referrer policy and framing are set by the server for all */
}

void web_redirect(struct http_req *r, const char *location)
{
    security_headers(r);
    http_set_header(r, "Location", location);
    http_reply_status(r, 303);
}

static void reply_html(struct http_req *r, int status, struct buf *b)
{
    security_headers(r);
    http_set_header(r, "Cache-Control", "no-store");
    http_reply(r, status, "text/html; charset=utf-8", buf_str(b), b->len);
}

/* Adds the values every page's layout reads. */
static op_rc layout_values(struct http_req *r, struct tv *d, const char *csrf)
{
    struct arena *a = r->arena;
    op_rc rc = tv_set_str(a, d, "lang", i18n_lang_code(r->lang));
    if (!rc && csrf) rc = tv_set_str(a, d, "csrf", csrf);
    if (!rc) rc = tv_set_str(a, d, "path", r->path);
    return rc;
}

static void render(struct http_req *r, int status, const char *name, struct tv *d)
{
    struct buf b = BUF_INIT(WEB_PAGE_MAX);
    op_rc rc = web_init(NULL);
    if (!rc) rc = tmpl_render(templates, name, r->lang, d, &b);
    if (rc) {
        log_error("msg=\"page failed\" template=%s rc=%s", name, op_rc_name(rc));
        buf_release(&b);
        http_fail(r, rc == OP_ERR_TOOBIG ? OP_ERR_TOOBIG : OP_ERR_IO, NULL, MSG_NONE);
        return;
    }
    reply_html(r, status, &b);
    buf_release(&b);
}

void web_render_public(struct http_req *r, int status, const char *name, struct tv *data)
{
    if (!data || layout_values(r, data, NULL)) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    render(r, status, name, data);
}

void web_error_page(struct http_req *r, int status, enum msg_id msg)
{
    struct tv *d = tv_map(r->arena);
    if (tv_set_str(r->arena, d, "message", i18n_text(r->lang, msg))) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "error.html", d);
}

/* The queue views with their counts, for the navigation. */
static op_rc nav_values(struct web_ctx *c)
{
    struct arena *a = c->r->arena;
    struct tv *views = tv_list(a);
    int64_t counts[WV__COUNT];
    op_rc rc = web_view_counts(c, counts);
    for (int v = 0; v < WV__COUNT && !rc; v++) {
        int64_t n = counts[v];
        struct tv *m = tv_map(a);
        rc = tv_set_str(a, m, "name", web_view_name((enum web_view)v));
        if (!rc) rc = tv_set_str(a, m, "label", web_view_label(c->r->lang, (enum web_view)v));
        if (!rc) rc = tv_set_bool(a, m, "current", c->view == v);
        if (!rc) rc = tv_set_int(a, m, "count", n);
        if (!rc) rc = tv_push(a, views, m);
    }
    if (!rc) rc = tv_set(a, c->data, "views", views);
    return rc;
}

void web_render(struct web_ctx *c, int status, const char *name)
{
    struct arena *a = c->r->arena;
    struct tv *me = tv_map(a);
    op_rc rc = layout_values(c->r, c->data, c->who.csrf);
    if (!rc) rc = tv_set_str(a, me, "name", c->who.name);
    if (!rc) rc = tv_set_int(a, me, "id", c->who.id);
    /* the navigation shows the lead's and the admin's areas to those who may use them */
    if (!rc) rc = tv_set_bool(a, me, "is_lead", c->who.role >= ROLE_LEAD);
    if (!rc) rc = tv_set_bool(a, me, "is_admin", c->who.role == ROLE_ADMIN);
    if (!rc) rc = tv_set(a, c->data, "me", me);
    /* the portal's pages have their own header: no views, no presence */
    bool staff = actor_is_staff(&c->who);
    if (!rc && staff) rc = nav_values(c);
    if (!rc && staff) {
        struct presence_now *p = NULL;
        size_t n = 0;
        struct op_err err = {0};
        const char *cur = "offline";
        if (app_presence_list(c->app, &c->who, a, &p, &n, &err) == OP_OK) {
            for (size_t i = 0; i < n; i++)
                if (p[i].agent_id == c->who.id) cur = presence_name(p[i].status);
        }
        struct tv *opts = tv_list(a);
        static const struct {
            const char *name;
            enum msg_id msg;
        } st[] = {{"online", MSG_WEB_PRESENCE_ONLINE},
                  {"away", MSG_WEB_PRESENCE_AWAY},
                  {"break", MSG_WEB_PRESENCE_BREAK},
                  {"offline", MSG_WEB_PRESENCE_OFFLINE}};
        for (size_t i = 0; i < ARRAY_SIZE(st) && !rc; i++) {
            struct tv *o = tv_map(a);
            rc = tv_set_str(a, o, "name", st[i].name);
            if (!rc) rc = tv_set_str(a, o, "label", i18n_text(c->r->lang, st[i].msg));
            if (!rc) rc = tv_set_bool(a, o, "current", strcmp(cur, st[i].name) == 0);
            if (!rc) rc = tv_push(a, opts, o);
        }
        if (!rc) rc = tv_set(a, c->data, "presence", opts);
    }
    if (rc) {
        log_error("msg=\"page failed\" template=%s rc=%s", name, op_rc_name(rc));
        http_fail(c->r, OP_ERR_IO, NULL, MSG_NONE);
        return;
    }
    render(c->r, status, name, c->data);
}

/* ---- who is asking ---- */

static bool csrf_ok(const char *sent, const char *want)
{
    if (!sent || !want || !*want) return false;
    size_t n = strlen(want);
    return strlen(sent) == n && sodium_memcmp(sent, want, n) == 0;
}

static op_rc form_parse_any(struct http_req *r, struct web_ctx *c);

/* Who a page is for. */
enum web_for { FOR_STAFF, FOR_CUSTOMERS, FOR_ANYONE };

static bool begin(struct http_req *r, struct web_ctx *c, enum web_for who_for)
{
    struct op_err err = {0};
    const char *cookie = http_cookie(r, SESSION_COOKIE);
    memset(c, 0, sizeof(*c));
    c->r = r;
    c->app = r->ctx;
    c->view = -1;
    if (!cookie || app_auth_session(c->app, cookie, VIA_WEB, r->arena, &c->who, &err) != OP_OK) {
        if (r->method == HTTP_GET && strcmp(r->path, "/live") != 0) {
            /* customers sign in on the portal's page (a password or a link) */
            const char *next = who_for == FOR_CUSTOMERS
                                   ? "/portal/login"
                                   : arena_printf(r->arena, "/login?next=%s", r->path);
            web_redirect(r, next ? next : "/login");
        } else {
            web_error_page(r, 401, MSG_WEB_SIGNED_OUT);
        }
        return false;
    }
    r->lang = c->who.lang;
    r->auth = &c->who;
    /* each to their own pages: a customer on an agent's page goes to the
     * portal, an agent on the portal to their queue; forms are refused */
    bool staff = actor_is_staff(&c->who);
    if ((who_for == FOR_STAFF && !staff) || (who_for == FOR_CUSTOMERS && staff)) {
        if (r->method == HTTP_GET && strcmp(r->path, "/live") != 0)
            web_redirect(r, staff ? "/queue/mine" : "/portal");
        else
            web_error_page(r, 403, staff ? MSG_WEB_FAILED : MSG_WEB_STAFF_ONLY);
        return false;
    }
    if (r->method == HTTP_POST) {
        if (form_parse_any(r, c)) {
            web_error_page(r, 400, MSG_WEB_BAD_FORM);
            return false;
        }
        if (!csrf_ok(web_form_get(&c->form, "csrf"), c->who.csrf)) {
            web_error_page(r, 403, MSG_ERR_CSRF);
            return false;
        }
    }
    if (!(c->data = tv_map(r->arena))) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return false;
    }
    /* times are shown in the user's zone (one read per page) */
    struct user self;
    c->tz = tz_utc();
    if (app_user_get(c->app, &c->who, c->who.id, r->arena, &self, &err) == OP_OK &&
        self.time_zone && *self.time_zone && tz_load(self.time_zone, &c->tz) != OP_OK)
        c->tz = tz_utc();
    if (staff) team_note_activity(c->app, &c->who);
    return true;
}

bool web_begin(struct http_req *r, struct web_ctx *c)
{
    return begin(r, c, FOR_STAFF);
}

bool web_begin_portal(struct http_req *r, struct web_ctx *c)
{
    return begin(r, c, FOR_CUSTOMERS);
}

bool web_begin_any(struct http_req *r, struct web_ctx *c)
{
    return begin(r, c, FOR_ANYONE);
}

bool web_begin_lead(struct http_req *r, struct web_ctx *c)
{
    if (!begin(r, c, FOR_STAFF)) return false;
    if (c->who.role < ROLE_LEAD) {
        web_error_page(r, 403, MSG_WEB_LEAD_ONLY);
        return false;
    }
    return true;
}

/* ---- forms ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) ('+' is a space) into a; NULL for a bad escape or NUL. */
static char *form_decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            int h, l;
            if (i + 2 >= n) return NULL;
            h = hexval(s[i + 1]);
            l = hexval(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) return NULL;
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else if (s[i] == '\0') {
            return NULL; /* it would cut the value short */
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return utf8_valid(out, (size_t)(o - out)) ? out : NULL;
}

op_rc web_form_decode(struct arena *a, const char *body, size_t len, struct web_form *f)
{
    memset(f, 0, sizeof(*f));
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        if (body[i] == '&') cap++;
    f->names = arena_alloc(a, cap * sizeof(*f->names));
    f->values = arena_alloc(a, cap * sizeof(*f->values));
    if (!f->names || !f->values) return OP_ERR_NOMEM;
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp) amp = end;
        const char *eq = memchr(p, '=', (size_t)(amp - p));
        if (amp > p) {
            const char *name_end = eq ? eq : amp;
            char *name = form_decode(a, p, (size_t)(name_end - p));
            char *value = eq ? form_decode(a, eq + 1, (size_t)(amp - eq - 1)) : arena_strdup(a, "");
            if (!name || !value) {
                memset(f, 0, sizeof(*f));
                return OP_ERR_INVALID;
            }
            f->names[f->n] = name;
            f->values[f->n++] = value;
        }
        p = amp + 1;
    }
    return OP_OK;
}

op_rc web_form_parse(struct http_req *r, struct web_form *f)
{
    const char *ct = http_header(r, "Content-Type");
    static const char want[] = "application/x-www-form-urlencoded";
    memset(f, 0, sizeof(*f));
    if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0) return OP_ERR_INVALID;
    return web_form_decode(r->arena, r->body, r->body_len, f);
}

/* A POST body as a form: url-encoded, or multipart/form-data (forms with
 * files: their fields go to f like any other, the files to c->files). */
static op_rc form_parse_any(struct http_req *r, struct web_ctx *c)
{
    const char *ct = http_header(r, "Content-Type");
    static const char mp[] = "multipart/form-data";
    struct mp_part *parts;
    size_t n;
    if (!ct || strncasecmp(ct, mp, sizeof(mp) - 1) != 0) return web_form_parse(r, &c->form);
    op_rc rc = multipart_parse(r->arena, ct, r->body, r->body_len, WEB_PARTS_MAX, &parts, &n);
    if (rc) return rc;
    struct web_form *f = &c->form;
    f->names = arena_alloc(r->arena, (n + 1) * sizeof(*f->names));
    f->values = arena_alloc(r->arena, (n + 1) * sizeof(*f->values));
    c->files = arena_alloc(r->arena, (n + 1) * sizeof(*c->files));
    if (!f->names || !f->values || !c->files) return OP_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].filename) {
            /* an empty file input sends a part with no name and no bytes */
            if (*parts[i].filename || parts[i].len) c->files[c->nfiles++] = parts[i];
            continue;
        }
        if (memchr(parts[i].data, '\0', parts[i].len) || !utf8_valid(parts[i].data, parts[i].len))
            return OP_ERR_INVALID;
        char *v = arena_alloc(r->arena, parts[i].len + 1);
        if (!v) return OP_ERR_NOMEM;
        memcpy(v, parts[i].data, parts[i].len);
        v[parts[i].len] = '\0';
        f->names[f->n] = parts[i].name;
        f->values[f->n++] = v;
    }
    return OP_OK;
}

const char *web_form_get(const struct web_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0) return f->values[i];
    return NULL;
}

/* ---- text ---- */

const char *web_err_text(struct arena *a, enum lang lang, const struct op_err *err)
{
    const char *args[OP_ERR_NARGS];
    char text[1024];
    enum msg_id msg = err->msg;
    if (msg == MSG_NONE) msg = MSG_WEB_FAILED;
    for (size_t i = 0; i < OP_ERR_NARGS; i++)
        args[i] = err->arg[i];
    i18n_format(lang, msg, args, OP_ERR_NARGS, text, sizeof(text));
    return arena_strdup(a, text);
}

const char *web_time(struct web_ctx *c, op_time t)
{
    if (!t) return "";
    int64_t s = t / 1000;
    time_t local = (time_t)(s + tz_offset(c->tz ? c->tz : tz_utc(), s));
    struct tm tm;
    if (!gmtime_r(&local, &tm)) return "";
    if (c->r->lang == LANG_RU)
        return arena_printf(c->r->arena, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
                            tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    return arena_printf(c->r->arena, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min);
}

const char *web_duration(struct arena *a, enum lang lang, int64_t ms)
{
    char h[24], m[24], text[128];
    if (ms < 0) ms = -ms;
    int64_t min = ms / 60000;
    snprintf(h, sizeof(h), "%" PRId64, min / 60);
    snprintf(m, sizeof(m), "%" PRId64, min % 60);
    const char *args[2] = {h, m};
    if (min >= 60)
        i18n_format(lang, MSG_WEB_HOURS_MINUTES, args, 2, text, sizeof(text));
    else
        i18n_format(lang, MSG_WEB_MINUTES, args + 1, 1, text, sizeof(text));
    return arena_strdup(a, text);
}

const char *web_status_text(enum lang lang, enum ticket_status s)
{
    static const enum msg_id m[STATUS__COUNT] = {MSG_WEB_STATUS_NEW,     MSG_WEB_STATUS_OPEN,
                                                 MSG_WEB_STATUS_PENDING, MSG_WEB_STATUS_ON_HOLD,
                                                 MSG_WEB_STATUS_SOLVED,  MSG_WEB_STATUS_CLOSED};
    return (unsigned)s < STATUS__COUNT ? i18n_text(lang, m[s]) : "";
}

const char *web_priority_text(enum lang lang, enum ticket_priority p)
{
    static const enum msg_id m[PRIO__COUNT] = {MSG_WEB_PRIO_LOW, MSG_WEB_PRIO_NORMAL,
                                               MSG_WEB_PRIO_HIGH, MSG_WEB_PRIO_URGENT};
    return (unsigned)p < PRIO__COUNT ? i18n_text(lang, m[p]) : "";
}

/* ---- views ---- */

static const char *const view_names[WV__COUNT] = {"mine",     "group",    "unassigned",
                                                  "due_soon", "breached", "pending"};

const char *web_view_name(enum web_view v)
{
    return (unsigned)v < WV__COUNT ? view_names[v] : "";
}

int web_view_parse(const char *s)
{
    for (int i = 0; i < WV__COUNT; i++)
        if (strcmp(s, view_names[i]) == 0) return i;
    return -1;
}

void web_view_filter(const struct web_ctx *c, enum web_view v, struct ticket_filter *f)
{
    const unsigned unsolved =
        1u << STATUS_NEW | 1u << STATUS_OPEN | 1u << STATUS_PENDING | 1u << STATUS_ON_HOLD;
    memset(f, 0, sizeof(*f));
    f->status_mask = unsolved;
    f->sort = SORT_DUE; /* soonest first, then oldest; no deadline last */
    f->asc = false;
    f->limit = 50;
    switch (v) {
    case WV_MINE:
        f->assignee_id = c->who.id;
        break;
    case WV_GROUP:
        /* the first of one's groups; an agent in none sees the unrouted */
        f->group_id = c->who.groups.n ? c->who.groups.v[0] : ID_NONE;
        break;
    case WV_UNASSIGNED:
        f->assignee_id = ID_NONE;
        break;
    case WV_DUE_SOON:
        f->sla_due_before = app_now(c->app) + 3600 * 1000;
        break;
    case WV_BREACHED:
        f->sla_breached = true;
        break;
    case WV_PENDING:
        f->status_mask = 1u << STATUS_PENDING;
        break;
    case WV__COUNT:
        break;
    }
}

const char *web_user_name(struct web_ctx *c, int64_t id)
{
    struct user u;
    struct op_err err = {0};
    if (id == 0) return i18n_text(c->r->lang, MSG_WEB_SYSTEM);
    if (id == c->who.id) return c->who.name;
    for (size_t i = 0; i < c->nnames; i++)
        if (c->names[i].id == id) return c->names[i].name;
    const char *name = app_user_get(c->app, &c->who, id, c->r->arena, &u, &err) == OP_OK
                           ? u.name
                           : arena_printf(c->r->arena, "#%" PRId64, id);
    if (name && c->nnames < ARRAY_SIZE(c->names)) {
        c->names[c->nnames].id = id;
        c->names[c->nnames++].name = name;
    }
    return name ? name : "";
}

/* ---- signing in ---- */

/* Only our own paths are followed after signing in (no "//host"). */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strpbrk(next, "\r\n"))
        return "/queue/mine";
    return next;
}

void w_root(struct http_req *r)
{
    /* each to their home: agents to their queue, customers to the portal */
    struct actor who;
    struct op_err err = {0};
    const char *cookie = http_cookie(r, SESSION_COOKIE);
    if (!cookie || app_auth_session(r->ctx, cookie, VIA_WEB, r->arena, &who, &err) != OP_OK)
        web_redirect(r, "/login");
    else
        web_redirect(r, actor_is_staff(&who) ? "/queue/mine" : "/portal");
}

static void login_page(struct http_req *r, int status, const char *email, const char *next,
                       const char *error)
{
    struct tv *d = tv_map(r->arena);
    op_rc rc = tv_set_str(r->arena, d, "email", email);
    if (!rc) rc = tv_set_str(r->arena, d, "next", safe_next(next));
    if (!rc && error) rc = tv_set_str(r->arena, d, "error", error);
    if (rc) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "login.html", d);
}

op_rc web_session_cookie(struct http_req *r, const char *token)
{
    struct app *app = r->ctx;
    int64_t ttl = api_settings.session_ttl_s ? (int64_t)api_settings.session_ttl_s
                                             : app->cfg.session_ttl_ms / 1000;
    char *cookie = arena_printf(
        r->arena, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%" PRId64 "%s",
        token, ttl, api_settings.cookie_secure ? "; Secure" : "");
    if (!cookie) return OP_ERR_NOMEM;
    http_set_header(r, "Set-Cookie", cookie);
    return OP_OK;
}

void w_login_form(struct http_req *r)
{
    login_page(r, 200, "", http_query(r, "next"), NULL);
}

void w_login(struct http_req *r)
{
    struct app *app = r->ctx;
    struct web_form f;
    struct op_err err = {0};
    struct user u;
    char *token = NULL, *csrf = NULL;
    int retry_after = 0;
    if (web_form_parse(r, &f)) {
        web_error_page(r, 400, MSG_WEB_BAD_FORM);
        return;
    }
    const char *email = web_form_get(&f, "email"), *password = web_form_get(&f, "password");
    const char *next = web_form_get(&f, "next");
    if (!email || !*email || !password || !*password) {
        login_page(r, 422, email ? email : "", next, i18n_text(r->lang, MSG_WEB_LOGIN_MISSING));
        return;
    }
    op_rc rc = app_login(app, email, password, r->client_ip, r->arena, &token, &csrf, &u,
                         &retry_after, &err);
    if (rc) {
        login_page(r,
                   rc == OP_ERR_RATELIMIT ? 429
                   : rc == OP_ERR_AUTH    ? 401
                                          : 503,
                   email, next,
                   i18n_text(r->lang, rc == OP_ERR_RATELIMIT ? MSG_WEB_LOGIN_LIMITED
                                      : rc == OP_ERR_AUTH    ? MSG_WEB_LOGIN_WRONG
                                                             : MSG_WEB_FAILED));
        return;
    }
    if (web_session_cookie(r, token)) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    /* a customer lands on the portal unless sent to a page of it */
    if (u.role == ROLE_CUSTOMER && (!next || strncmp(safe_next(next), "/portal", 7) != 0))
        next = "/portal";
    web_redirect(r, safe_next(next));
}

void w_logout(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!web_begin_any(r, &c)) return;
    app_logout(c.app, http_cookie(r, SESSION_COOKIE), &err);
    http_set_header(r, "Set-Cookie",
                    SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    web_redirect(r, actor_is_staff(&c.who) ? "/login" : "/portal/login");
}

/* ---- assets ---- */

void w_asset(struct http_req *r)
{
    const char *name = r->params[0];
    for (size_t i = 0; i < web_assets_count; i++) {
        if (strcmp(web_assets[i].name, name) != 0) continue;
        const char *dot = strrchr(name, '.');
        const char *type = dot && strcmp(dot, ".css") == 0  ? "text/css; charset=utf-8"
                           : dot && strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8"
                                                            : "application/octet-stream";
        security_headers(r);
        /* the binary's version is in no name; an hour keeps pages quick
         * and an upgrade visible soon */
        http_set_header(r, "Cache-Control", "public, max-age=3600");
        http_reply(r, 200, type, web_assets[i].data, web_assets[i].len);
        return;
    }
    http_reply(r, 404, "text/plain; charset=utf-8", "not found\n", 10);
}
