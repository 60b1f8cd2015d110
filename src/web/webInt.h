/* webInt.h - what the web UI's files share: the signed-in page context,
 * forms, rendering with the common layout, and the handlers for the route
 * table in web.c. Not for anything outside src/web. */
#ifndef OPORA_WEB_INT_H
#define OPORA_WEB_INT_H

#include "app/app.h"
#include "base/tz.h"
#include "http/http.h"
#include "http/multipart.h"
#include "web/tmpl.h"
#include "web/web.h"

/* The most bytes one page may have. */
#define WEB_PAGE_MAX ((size_t)4 << 20)

/* The most parts a multipart/form-data form may have (fields and files). */
#define WEB_PARTS_MAX 32

/* A parsed application/x-www-form-urlencoded body. */
struct web_form {
    const char **names, **values;
    size_t n;
};

/* A signed-in visitor of a page. */
struct web_ctx {
    struct http_req *r;
    struct app *app;
    struct actor who;
    struct web_form form; /* POST only */
    struct mp_part *files; /* the files of a multipart/form-data POST (portal forms) */
    size_t nfiles;
    struct tv *data;      /* the page's values; the layout's are added by web_render */
    int view;             /* the queue view shown (enum web_view), -1 none */
    const struct tz *tz;  /* the user's time zone (UTC when unset or unknown) */
    struct {              /* names already read in this request (web_user_name) */
        int64_t id;
        const char *name;
    } names[32];
    size_t nnames;
};

/* Authenticates r by its session cookie (and, for POST, the form's csrf
 * field against the session's token) and fills c. A POST body may be
 * url-encoded or multipart/form-data (files in c->files). Returns false
 * after replying: a redirect to /login when there is no valid session,
 * 403 for a bad CSRF token, 400 for a body that is not a form. web_begin
 * is for the staff's pages (a customer is sent to /portal, refused 403 on a
 * POST); web_begin_portal for the portal's (a visitor without a session
 * goes to /portal/login, staff to /queue/mine); web_begin_any lets both in
 * (sign-out, live updates: the page decides what each may have). */
bool web_begin(struct http_req *r, struct web_ctx *c);
bool web_begin_portal(struct http_req *r, struct web_ctx *c);
bool web_begin_any(struct http_req *r, struct web_ctx *c);
/* web_begin, then leads and admins only (a 403 page for agents). */
bool web_begin_lead(struct http_req *r, struct web_ctx *c);

/* Parses r's body as a form into f (strings in r->arena, percent- and
 * '+'-decoded). OP_ERR_INVALID for a bad escape, a NUL, invalid UTF-8 or
 * another content type. */
op_rc web_form_parse(struct http_req *r, struct web_form *f);

/* Decodes body (len bytes) as application/x-www-form-urlencoded into f,
 * everything in a. Returns OP_ERR_INVALID (f empty) for a bad %-escape, an
 * encoded NUL or invalid UTF-8 in a name or value; OP_ERR_NOMEM. */
op_rc web_form_decode(struct arena *a, const char *body, size_t len, struct web_form *f);

/* The value of a form field, NULL when absent. */
const char *web_form_get(const struct web_form *f, const char *name);

/* Renders template name with c->data (plus the layout's values: the user,
 * the CSRF token, the language, the queue views with counts) and replies
 * with status. Replies 500 itself when rendering fails. */
void web_render(struct web_ctx *c, int status, const char *name);

/* Renders a page for a visitor who is not signed in (the sign-in page). */
void web_render_public(struct http_req *r, int status, const char *name, struct tv *data);

/* Sets the session cookie for token (HttpOnly, SameSite=Strict, the
 * session's lifetime; Secure when configured). OP_ERR_NOMEM. */
op_rc web_session_cookie(struct http_req *r, const char *token);

/* Replies 303 See Other to location (a path of ours). */
void web_redirect(struct http_req *r, const char *location);

/* Replies with a small error page: status and a message. */
void web_error_page(struct http_req *r, int status, enum msg_id msg);

/* The text of err (its message with arguments, in lang) into a. */
const char *web_err_text(struct arena *a, enum lang lang, const struct op_err *err);

/* t in the user's time zone, as the user's language writes it:
 * "01.05.2026 17:03" (ru), "2026-05-01 17:03" (en); "" for 0. In c's arena. */
const char *web_time(struct web_ctx *c, op_time t);

/* A duration in words ("2 h 5 min" / "2 ч 5 мин"). */
const char *web_duration(struct arena *a, enum lang lang, int64_t ms);

/* Names of the enumerations in the user's language. */
const char *web_status_text(enum lang lang, enum ticket_status s);
const char *web_priority_text(enum lang lang, enum ticket_priority p);

/* The queue views: their count and a ticket filter for each. */
enum web_view { WV_MINE, WV_GROUP, WV_UNASSIGNED, WV_DUE_SOON, WV_BREACHED, WV_PENDING, WV__COUNT };
const char *web_view_name(enum web_view v);
int web_view_parse(const char *s);
const char *web_view_label(enum lang lang, enum web_view v);
void web_view_filter(const struct web_ctx *c, enum web_view v, struct ticket_filter *f);
/* The number of tickets in each view for c's agent (pages_agent.c): kept
 * for as long as the event log does not move, up to 15 s. */
op_rc web_view_counts(struct web_ctx *c, int64_t out[WV__COUNT]);

/* The name of a user for display (cached per request in c's arena): the
 * user's name, or "#id" when they cannot be read; the system for 0. */
const char *web_user_name(struct web_ctx *c, int64_t id);

/* ---- handlers ---- */
/* web.c */
void w_root(struct http_req *r);
void w_login_form(struct http_req *r);
void w_login(struct http_req *r);
void w_logout(struct http_req *r);
void w_asset(struct http_req *r);
/* pages_agent.c */
void w_queue(struct http_req *r);
void w_ticket(struct http_req *r);
void w_ticket_reply(struct http_req *r);
void w_ticket_take(struct http_req *r);
void w_ticket_back(struct http_req *r);
void w_ticket_escalate(struct http_req *r);
void w_presence(struct http_req *r);
void w_ticket_handback(struct http_req *r);
void w_ticket_merge(struct http_req *r);
void w_ticket_link(struct http_req *r);
void w_ticket_unlink(struct http_req *r);
void w_ticket_viewers(struct http_req *r);
void w_ticket_viewers_leave(struct http_req *r);
/* live.c */
void w_live(struct http_req *r);
/* pages_portal.c (customer portal) */
void w_portal_list(struct http_req *r);
void w_portal_login_form(struct http_req *r);
void w_portal_login(struct http_req *r);
void w_portal_magic(struct http_req *r);
void w_portal_magic_use(struct http_req *r);
void w_portal_new_form(struct http_req *r);
void w_portal_new(struct http_req *r);
void w_portal_request(struct http_req *r);
void w_portal_reply(struct http_req *r);
void w_portal_rate(struct http_req *r);
void w_portal_back(struct http_req *r);
/* pages_lead.c (team lead) */
void w_lead(struct http_req *r);
void w_lead_chart(struct http_req *r);
void w_lead_team(struct http_req *r);
/* pages_lead_bonus.c (team lead: the Bonus tab) */
void w_lead_bonus(struct http_req *r);
void w_lead_bonus_approve(struct http_req *r);
void w_me_bonus(struct http_req *r);
/* pages_admin.c (admin) */
/* ---- admin: pages_admin*.c ---- */
/* pages_admin.c, pages_admin_groups.c */
void w_admin_index(struct http_req *r);
void w_admin_users(struct http_req *r);
void w_admin_user_new(struct http_req *r);
void w_admin_user_create(struct http_req *r);
void w_admin_user_edit(struct http_req *r);
void w_admin_user_update(struct http_req *r);
void w_admin_orgs(struct http_req *r);
void w_admin_org_create(struct http_req *r);
void w_admin_groups(struct http_req *r);
void w_admin_group_new(struct http_req *r);
void w_admin_group_create(struct http_req *r);
void w_admin_group_edit(struct http_req *r);
void w_admin_group_update(struct http_req *r);
void w_admin_macros(struct http_req *r);
void w_admin_macro_new(struct http_req *r);
void w_admin_macro_create(struct http_req *r);
void w_admin_macro_edit(struct http_req *r);
void w_admin_macro_update(struct http_req *r);
void w_admin_macro_confirm(struct http_req *r);
void w_admin_macro_delete(struct http_req *r);
/* pages_admin_team.c */
void w_admin_group_routing(struct http_req *r);
void w_admin_shifts(struct http_req *r);
void w_admin_shift_create(struct http_req *r);
void w_admin_shift_edit(struct http_req *r);
void w_admin_shift_update(struct http_req *r);
void w_admin_shift_confirm(struct http_req *r);
void w_admin_shift_delete(struct http_req *r);
void w_admin_team_settings(struct http_req *r);
/* pages_admin_channels.c */
void w_admin_channels(struct http_req *r);
void w_admin_mailbox_add(struct http_req *r);
void w_admin_mailbox_confirm(struct http_req *r);
void w_admin_mailbox_remove(struct http_req *r);
void w_admin_survey_settings(struct http_req *r);
void w_admin_csi_questions(struct http_req *r);
/* pages_admin_sla.c */
void w_admin_sla(struct http_req *r);
void w_admin_policy_new(struct http_req *r);
void w_admin_policy_create(struct http_req *r);
void w_admin_policy_edit(struct http_req *r);
void w_admin_policy_update(struct http_req *r);
void w_admin_calendar_new(struct http_req *r);
void w_admin_calendar_create(struct http_req *r);
void w_admin_calendar_edit(struct http_req *r);
void w_admin_calendar_update(struct http_req *r);

/* pages_admin_levels.c (admin: levels and pay) */
void w_admin_levels(struct http_req *r);
void w_admin_levels_save(struct http_req *r);
void w_admin_pay_save(struct http_req *r);

/* What the admin pages share (pages_admin.c). Every admin page is the one
 * template admin_page.html: a title, a notice, tables, links and forms
 * built here from field descriptions, so that labels, kept input and
 * field-level errors work the same on every form. */

/* web_begin, then admins only: false after replying (403 page for others). */
bool admin_begin(struct http_req *r, struct web_ctx *c);

/* One form being added to the page (below what was added before it).
 * posted: the values shown are what c->form holds (a refused submit), not
 * the given ones. */
struct admin_form {
    struct web_ctx *c;
    struct tv *form, *fields;
    bool posted;
};

/* One choice of a select; data: the label is what people wrote (a name),
 * not a text of the catalogue. */
struct admin_opt {
    const char *value, *label;
    bool data;
};

/* Starts a form posting to action (method get when get) with a submit
 * button labelled submit. Errors of the tv calls (OP_ERR_NOMEM). */
op_rc admin_form_begin(struct admin_form *f, struct web_ctx *c, const char *action,
                       enum msg_id submit, bool get, bool posted);
/* An input (type "text", "email", "password", "number"...), a textarea, a
 * checkbox, a select (one value) and a multiple select (every value in sel,
 * or posted). value is shown unless the form was posted. */
op_rc admin_input(struct admin_form *f, const char *name, enum msg_id label, const char *type,
                  const char *value);
op_rc admin_textarea(struct admin_form *f, const char *name, enum msg_id label, const char *value);
op_rc admin_check(struct admin_form *f, const char *name, enum msg_id label, bool checked);
op_rc admin_select(struct admin_form *f, const char *name, enum msg_id label,
                   const struct admin_opt *opts, size_t n, const char *value);
op_rc admin_multi(struct admin_form *f, const char *name, enum msg_id label,
                  const struct admin_opt *opts, size_t n, const struct id_list *sel);
/* A heading before the fields that follow (a group of them). */
op_rc admin_group(struct admin_form *f, const char *title);
/* A hint under the last field added, and an example of what to type there
 * (shown as code: words such as current_user are not translated). */
op_rc admin_hint(struct admin_form *f, const char *text);
op_rc admin_example(struct admin_form *f, const char *text);
/* Shows err at the field it names (or at the top of the form when no field
 * of the form has that name), in the user's language. */
op_rc admin_form_error(struct admin_form *f, const struct op_err *err);

/* The page's title (also the h1), and the "saved"/"deleted" notice of a
 * redirect after a change (?done=...). */
op_rc admin_page(struct web_ctx *c, enum msg_id title);
/* A link in the page's link bar. */
op_rc admin_link(struct web_ctx *c, const char *href, const char *label);
/* A table (caption may be NULL): admin_table gives its column headers (n
 * messages) and *rows; admin_row adds a row of n cells (texts; the first
 * links to href when href; cell i is what people wrote when bit i of data
 * is set, marked class="data" so the language checks skip it). */
op_rc admin_table(struct web_ctx *c, const char *caption, const enum msg_id *cols, size_t n,
                  struct tv **rows);
op_rc admin_row(struct web_ctx *c, struct tv *rows, const char *href, const char *const *cells,
                size_t n, unsigned data);
/* Replies with the page (status 200, or the one of a refused form). */
void admin_render(struct web_ctx *c, int status);
/* The status of a refused form for rc: 422, 409, 404, 403 (else 500). */
int admin_status(op_rc rc);
/* An id from the path (params[i]); 0 after replying 404 when malformed. */
int64_t admin_path_id(struct web_ctx *c, size_t i);
/* Parses a form field as an integer (absent or "" gives def); OP_ERR_INVALID
 * naming the field otherwise. */
op_rc admin_form_int(struct web_ctx *c, const char *name, int64_t def, int64_t *out,
                     struct op_err *err);
/* Every value of a repeated form field as ids (a multiple select). */
op_rc admin_form_ids(struct web_ctx *c, const char *name, struct id_list *out,
                     struct op_err *err);
/* A form field, "" when absent. */
const char *admin_field(struct web_ctx *c, const char *name);
/* The group page (its form and its routing form, the routing form showing
 * what was posted and routing_err when that is not NULL) with status
 * (pages_admin_groups.c); replies with an error page itself. */
void admin_group_page(struct web_ctx *c, int64_t id, int status, const struct op_err *routing_err);
/* ---- admin: delete ---- */
/* GET .../{id}/delete asks (confirm), POST deletes and redirects with
 * ?done=deleted, or asks again with why not (409) while it is in use. */
void w_admin_policy_confirm(struct http_req *r);
void w_admin_policy_delete(struct http_req *r);
void w_admin_calendar_confirm(struct http_req *r);
void w_admin_calendar_delete(struct http_req *r);
void w_admin_group_confirm(struct http_req *r);
void w_admin_group_delete(struct http_req *r);
void w_admin_org_confirm(struct http_req *r);
void w_admin_org_delete(struct http_req *r);
/* Fills the page that asks before a delete: title, subtitle (the object's
 * name), the question, a Cancel link to back and a form posting to action;
 * with err (a refused delete) its text at the form. Errors of the tv calls
 * (pages_admin.c). */
op_rc admin_confirm(struct web_ctx *c, enum msg_id title, const char *subtitle,
                    enum msg_id question, const char *back, const char *action,
                    const struct op_err *err);
/* Adds the routing form of group_id to the page (pages_admin_team.c). */
op_rc admin_routing_form(struct web_ctx *c, int64_t group_id, bool posted,
                         const struct op_err *ferr);

/* ---- account: invitations and password resets by mail (pages_account.c) ---- */
void w_account_forgot_form(struct http_req *r);
void w_account_forgot(struct http_req *r);
void w_account_password_form(struct http_req *r);
void w_account_password(struct http_req *r);
void w_account_invite(struct http_req *r);
/* Adds to the admin's page of user u the "send invitation" (no password
 * yet) or "send a reset link" form, with the state of the last link, and
 * the notice of ?done=invited / reset_sent. Nothing for customers and
 * deactivated users. Errors of the app and tv calls. */
op_rc account_admin_form(struct web_ctx *c, const struct user *u);

/* live.c: the broadcaster's generation (bumped by every ticket write), and
 * the generation at which ticket_id was last written (0: not recently). */

#endif
