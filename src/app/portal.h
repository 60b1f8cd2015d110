/* portal.h - the customer portal's use cases: signing in by a single-use
 * link mailed to a customer ("magic link"), and the CSAT survey of a
 * request as the portal shows it. Pages: src/web/pages_portal.c. */
#ifndef OPORA_APP_PORTAL_H
#define OPORA_APP_PORTAL_H

#include "app/app.h"

/* How long a mailed sign-in link works. */
#define PORTAL_LINK_TTL_MS (15LL * 60 * 1000)
/* Links that may be asked for one address in PORTAL_LINK_WINDOW_S. */
#define PORTAL_LINK_MAX 5
#define PORTAL_LINK_WINDOW_S (15 * 60)

/* Asks for a sign-in link for email. When an active customer has that
 * address, a link valid PORTAL_LINK_TTL_MS is stored (its hash only) and
 * mailed through the outbox in the customer's language. The answer is the
 * same whether or not the address is known (no account enumeration):
 * OP_OK, or OP_ERR_RATELIMIT (*retry_after_s set) after PORTAL_LINK_MAX
 * asks for one address in the window, OP_ERR_INVALID (field "email") for
 * an empty or implausible address, or a store error. */
op_rc app_portal_link_request(struct app *app, const char *email, int *retry_after_s,
                              struct op_err *err);

/* Checks a mailed link without using it, for the page that asks "sign in
 * as ...?": mail scanners open every link in a message, so opening one
 * must change nothing. *user is filled from a (password hash blanked).
 * Changes nothing; the same errors as app_portal_link_login. */
op_rc app_portal_link_check(struct app *app, const char *token, struct arena *a, struct user *user,
                            struct op_err *err);

/* Signs in with a mailed link: marks it used and creates a session as
 * app_login does (session token and CSRF token from a; *user filled).
 * OP_ERR_NOTFOUND for an unknown or forged link, OP_ERR_CONFLICT for one
 * used already, OP_ERR_AUTH for an expired one or a user who is no longer
 * an active customer. */
op_rc app_portal_link_login(struct app *app, const char *token, struct arena *a,
                            char **session_token, char **csrf, struct user *user,
                            struct op_err *err);

/* The CSAT survey of a request, as the requester sees it on the portal. */
struct portal_csat {
    bool has; /* the ticket has a CSAT survey */
    bool answered;
    bool expired;
    int score;
    char *comment;
    char *token; /* the survey's signed token (for app_survey_answer), from a */
};

/* The CSAT survey of ticket_id when who may see the ticket: out->has false
 * when there is none. OP_ERR_NOTFOUND when who may not see the ticket. */
op_rc app_portal_csat(struct app *app, const struct actor *who, int64_t ticket_id, struct arena *a,
                      struct portal_csat *out, struct op_err *err);

#endif
