/* account.h - staff accounts by mail: an admin's invitation (a link to
 * choose a first password), "forgot password" from the sign-in page, and
 * setting the password with such a link. Pages: src/web/pages_account.c;
 * storage: store_account.h; docs/account.md. */
#ifndef OPORA_APP_ACCOUNT_H
#define OPORA_APP_ACCOUNT_H

#include "app/app.h"
#include "store/store_account.h"

/* How long a mailed link works. */
#define ACCOUNT_INVITE_TTL_MS (7LL * 24 * 3600 * 1000)
#define ACCOUNT_RESET_TTL_MS (3600LL * 1000)
/* Reset links that may be asked for one address (and, times four, from one
 * client address) in ACCOUNT_RESET_WINDOW_S. */
#define ACCOUNT_RESET_MAX 5
#define ACCOUNT_RESET_WINDOW_S (15 * 60)

/* Mails user_id a link to choose a password, through the outbox in the
 * user's language: an invitation (valid ACCOUNT_INVITE_TTL_MS) when the
 * user has no password yet, else a reset link (ACCOUNT_RESET_TTL_MS).
 * *sent says which. Admins only (OP_ERR_FORBIDDEN); OP_ERR_NOTFOUND for an
 * unknown user, OP_ERR_CONFLICT for a customer or a deactivated user,
 * OP_ERR_UNAVAILABLE when mail (SMTP) is not configured; a store error.
 * Writes one event on the user (changed "password_link": "" -> the kind). */
op_rc app_invite_send(struct app *app, const struct actor *who, int64_t user_id,
                      enum account_kind *sent, struct op_err *err);

/* Asks for a reset link for email (the "forgot password" form). When an
 * active staff member has that address and mail is configured, a link
 * valid ACCOUNT_RESET_TTL_MS is stored (its hash only), mailed through the
 * outbox and an event written on the user (by the system, via web). The
 * answer is the same whether or not the address is known (no account
 * enumeration): OP_OK, or OP_ERR_RATELIMIT (*retry_after_s set) after
 * ACCOUNT_RESET_MAX asks for one address in the window (unknown addresses
 * count too) or four times that from client, OP_ERR_INVALID (field
 * "email") for an empty or implausible address, or a store error. */
op_rc app_password_reset_request(struct app *app, const char *email, const char *client,
                                 int *retry_after_s, struct op_err *err);

/* What a link is for, as its page shows it (strings from a). */
struct account_link {
    enum account_kind kind;
    int64_t user_id;
    char *name, *email;
    char *language; /* the user's: the page speaks it */
    op_time expires_at;
};

/* Checks token without using it: a GET of the link (mail scanners open
 * links) changes nothing. OP_ERR_NOTFOUND for an unknown or forged link,
 * OP_ERR_CONFLICT for one used already, OP_ERR_AUTH for an expired one or
 * a user who is no longer an active staff member; err carries the text. */
op_rc app_account_link_check(struct app *app, const char *token, struct arena *a,
                             struct account_link *out, struct op_err *err);

/* Sets the password of the link's user to password (repeat must be the
 * same; argon2id as app_user_update), marks the link and every other link
 * of the user used, ends every session of the user and creates a new one
 * as app_login does (its token and CSRF token from a; *out filled,
 * password hash blanked). Writes one event on the user, by the user, via
 * web (changed "password"). Errors of the link as app_account_link_check;
 * OP_ERR_INVALID with field "password" (length) or "repeat" (differs). */
op_rc app_password_set_by_token(struct app *app, const char *token, const char *password,
                                const char *repeat, struct arena *a, char **session_token,
                                char **csrf, struct user *out, struct op_err *err);

/* What the admin's user page shows about a user's password. */
struct account_state {
    bool can_mail; /* SMTP is configured: a link can be sent */
    bool has_password;
    bool pending;              /* a link not used and not expired */
    struct account_token last; /* that link, when pending */
};

/* The password state of user_id. Admins only (OP_ERR_FORBIDDEN);
 * OP_ERR_NOTFOUND for an unknown user. */
op_rc app_account_state(struct app *app, const struct actor *who, int64_t user_id,
                        struct account_state *out, struct op_err *err);

#endif
