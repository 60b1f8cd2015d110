/* webInt.h - what the web UI's files share: the signed-in page context,
 * forms, rendering with the common layout, and the handlers for the route
 * table in web.c. Not for anything outside src/web. */
#ifndef OPORA_WEB_INT_H
#define OPORA_WEB_INT_H

#include "app/app.h"
#include "base/tz.h"
#include "http/http.h"
#include "web/tmpl.h"
#include "web/web.h"

/* The most bytes one page may have. */
#define WEB_PAGE_MAX ((size_t)4 << 20)

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
 * field against the session's token) and fills c. Returns false after
 * replying: a redirect to /login when there is no valid session, 403 for a
 * bad CSRF token or a customer (the portal is not here yet), 400/415 for a
 * body that is not a form. */
bool web_begin(struct http_req *r, struct web_ctx *c);

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
/* live.c */
void w_live(struct http_req *r);
/* pages_portal.c (customer portal) */
/* pages_lead.c (team lead) */
/* pages_admin.c (admin) */

/* live.c: the broadcaster's generation (bumped by every ticket write), and
 * the generation at which ticket_id was last written (0: not recently). */

#endif
