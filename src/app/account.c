/* account.c - staff accounts by mail (app/account.h): invitations, "forgot
 * password", and setting a password with a mailed link.
 *
 * A link's secret is "pw_" and 32 random bytes (base64url), shown only in
 * the mail; the store keeps its SHA-256, so neither a copy of the database
 * nor a guessed string sets anyone's password. Opening a link reads it
 * only (mail scanners fetch links); the form it shows uses it, once:
 * marking it used, setting the password, ending the user's sessions and
 * starting the new one are one transaction. The mail goes through the
 * durable outbox like the portal's sign-in links (app/portal.c). */
#include "base/common.h"

#include <ctype.h>
#include <pthread.h>

#include "app/account.h"
#include "app/internal.h"
#include "app/mail_int.h"
#include "base/log.h"
#include "channels/mail/thread.h"
#include "core/validate.h"
#include "store/store_mail.h"

#define LINK_PREFIX "pw_"
#define LINK_TEXT_MAX 128

/* ---- what the use cases share ---- */

struct link_job {
    struct app *app;
    struct arena *a;
    int64_t actor_id; /* who asked: an admin, or 0 (a visitor of the sign-in page) */
    enum via via;
    int64_t user_id;   /* app_invite_send */
    const char *email; /* app_password_reset_request */
    char *secret;
    uint8_t hash[32];
    enum account_kind kind;
    struct user u;
    struct account_token t;
    bool queued;
    struct op_err *err;
};

/* Stores a new link for j->u of kind j->kind and queues its mail, with the
 * event of the action. j->u is an active staff member with an address. */
static op_rc queue_link(struct store_tx *tx, struct link_job *j)
{
    const struct mail_config *cfg = mail_config();
    op_time now = app_now(j->app);
    op_time ttl = j->kind == ACCOUNT_INVITE ? ACCOUNT_INVITE_TTL_MS : ACCOUNT_RESET_TTL_MS;
    /* links a day past their end tell nobody anything */
    op_rc rc = tx->ops->account->token_prune(tx, now - 24 * 3600 * 1000LL);
    if (rc) return rc;
    j->t = (struct account_token){
        .user_id = j->u.id, .kind = j->kind, .created_at = now, .expires_at = now + ttl};
    if ((rc = tx->ops->account->token_insert(tx, j->hash, &j->t))) return rc;

    const char *base = j->app->cfg.public_url ? j->app->cfg.public_url : "";
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    char *link = arena_printf(j->a, "%.*s/account/password?token=%s", (int)n, base, j->secret);
    char valid[24], subject[256], body[4096];
    snprintf(valid, sizeof(valid), "%lld",
             (long long)(j->kind == ACCOUNT_INVITE ? ttl / (24 * 3600 * 1000LL) : ttl / 60000));
    const char *args[3] = {j->u.name ? j->u.name : "", link ? link : "", valid};
    enum lang l = user_lang(&j->u);
    bool invite = j->kind == ACCOUNT_INVITE;
    i18n_format(l, invite ? MSG_MAIL_INVITE_SUBJECT : MSG_MAIL_RESET_SUBJECT, args, 3, subject,
                sizeof(subject));
    i18n_format(l, invite ? MSG_MAIL_INVITE_BODY : MSG_MAIL_RESET_BODY, args, 3, body,
                sizeof(body));
    struct outbox_msg m = {.kind = invite ? "staff_invite" : "password_reset",
                           .to_addr = j->u.email,
                           .subject = arena_strdup(j->a, subject),
                           .body = arena_strdup(j->a, body),
                           .message_id = mail_message_id(j->a, cfg->domain, 0, "account"),
                           .headers = "",
                           .next_attempt_at = now,
                           .created_at = now};
    if (!link || !m.subject || !m.body || !m.message_id) return OP_ERR_NOMEM;
    if ((rc = tx->ops->mail->outbox_insert(tx, &m))) return rc;

    /* one event on the user: a link was made (never the link itself) */
    struct event_list el;
    int64_t action = 0;
    event_list_init(&el, j->a, ENTITY_USER, j->u.id, now, j->actor_id, j->via);
    if ((rc = event_add(&el, EV_CHANGED, "password_link", "", account_kind_name(j->kind), NULL)) ||
        (rc = tx_append_events(tx, &el, &action)))
        return rc;
    j->queued = true;
    return OP_OK;
}

/* A new secret and its hash into j (from j->a). */
static op_rc job_secret(struct link_job *j)
{
    return secret_new(LINK_PREFIX, j->a, &j->secret, j->hash);
}

/* ---- an admin's invitation ---- */

static op_rc invite_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    char b[24];
    op_rc rc = tx->ops->user_get(tx, j->user_id, j->a, &j->u);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_USER_NOT_FOUND,
                       id_str(j->user_id, b));
    if (rc) return rc;
    if (j->u.role == ROLE_CUSTOMER)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ACCOUNT_NOT_STAFF);
    if (!j->u.active) return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_USER_INACTIVE);
    if (!j->u.email || !*j->u.email)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ACCOUNT_NO_EMAIL);
    /* no password yet: an invitation; else a reset the admin sends for them */
    j->kind = j->u.password_hash && *j->u.password_hash ? ACCOUNT_RESET : ACCOUNT_INVITE;
    return queue_link(tx, j);
}

op_rc app_invite_send(struct app *app, const struct actor *who, int64_t user_id,
                      enum account_kind *sent, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc) return rc;
    /* without SMTP the link could reach nobody: say so instead of storing it */
    if (!mail_config()->notify) return op_fail(err, OP_ERR_UNAVAILABLE, NULL, MSG_ACCOUNT_NO_MAIL);
    struct arena a = ARENA_INIT(1u << 20);
    struct link_job j = {
        .app = app, .a = &a, .actor_id = who->id, .via = who->via, .user_id = user_id, .err = err};
    if ((rc = job_secret(&j))) goto end;
    if ((rc = app_run(app, false, invite_fn, &j))) {
        if (err && err->rc == OP_OK) op_fail(err, rc, NULL, MSG_NONE);
        goto end;
    }
    *sent = j.kind;
    log_info("msg=\"account link queued\" kind=%s user=%" PRId64 " link=%" PRId64 " by=%" PRId64,
             account_kind_name(j.kind), j.u.id, j.t.id, who->id);
end:
    arena_release(&a);
    return rc;
}

/* ---- "forgot password" ---- */

/* Per address and per client, for every process: the app struct is not to
 * grow for it (as the portal's links). */
static struct ratelimit *reset_by_email, *reset_by_client;
static pthread_once_t reset_limits_once = PTHREAD_ONCE_INIT;

static void reset_limits_init(void)
{
    reset_by_email = ratelimit_new(4096, ACCOUNT_RESET_MAX, ACCOUNT_RESET_WINDOW_S);
    reset_by_client = ratelimit_new(4096, 4 * ACCOUNT_RESET_MAX, ACCOUNT_RESET_WINDOW_S);
}

static op_rc reset_request_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    op_rc rc = tx->ops->user_get_by_email(tx, j->email, j->a, &j->u);
    if (rc == OP_ERR_NOTFOUND) return OP_OK;
    if (rc) return rc;
    /* customers sign in on the portal (a mailed link); nothing for them here */
    if (j->u.role == ROLE_CUSTOMER || !j->u.active || !j->u.email || !*j->u.email) return OP_OK;
    j->kind = ACCOUNT_RESET;
    return queue_link(tx, j);
}

op_rc app_password_reset_request(struct app *app, const char *email, const char *client,
                                 int *retry_after_s, struct op_err *err)
{
    char ekey[LIMIT_EMAIL + 8], ckey[80];
    op_time now = app_now(app);
    *retry_after_s = 0;
    if (!email || !*email) return op_fail(err, OP_ERR_INVALID, "email", MSG_ERR_REQUIRED);
    if (strlen(email) > LIMIT_EMAIL || !strchr(email, '@'))
        return op_fail(err, OP_ERR_INVALID, "email", MSG_ACCOUNT_EMAIL_BAD);
    pthread_once(&reset_limits_once, reset_limits_init);
    if (!reset_by_email || !reset_by_client) return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
    size_t n = (size_t)snprintf(ekey, sizeof(ekey), "r:");
    for (const char *p = email; *p && n + 1 < sizeof(ekey); p++)
        ekey[n++] = (char)tolower((unsigned char)*p);
    ekey[n] = '\0';
    snprintf(ckey, sizeof(ckey), "ip:%s", client ? client : "");
    /* every ask counts, known address or not: the limit says nothing either */
    int wait = MAX(ratelimit_check(reset_by_email, ekey, now),
                   ratelimit_check(reset_by_client, ckey, now));
    if (wait) {
        *retry_after_s = wait;
        char w[16];
        snprintf(w, sizeof(w), "%d", (wait + 59) / 60);
        return op_fail(err, OP_ERR_RATELIMIT, NULL, MSG_ACCOUNT_RESET_LIMITED, w);
    }
    ratelimit_fail(reset_by_email, ekey, now);
    ratelimit_fail(reset_by_client, ckey, now);

    bool mail = mail_config()->notify;
    struct arena a = ARENA_INIT(1u << 20);
    /* asked by a visitor nobody knows: the system acts, through the web */
    struct link_job j = {.app = app, .a = &a, .actor_id = 0, .via = VIA_WEB, .email = email};
    op_rc rc = job_secret(&j);
    /* the same write transaction whether or not the address is known
     * (without SMTP nothing is made for anyone: that says nothing either) */
    if (!rc && mail) rc = app_run(app, false, reset_request_fn, &j);
    if (rc) {
        op_fail(err, rc, NULL, MSG_NONE);
        goto end;
    }
    if (j.queued)
        log_info("msg=\"account link queued\" kind=reset user=%" PRId64 " link=%" PRId64, j.u.id,
                 j.t.id);
    if (!mail) log_warn("msg=\"password reset asked, but SMTP is not configured: no link made\"");
end:
    arena_release(&a);
    return rc;
}

/* ---- using a link ---- */

struct use_job {
    struct app *app;
    struct arena *a;
    uint8_t hash[32];
    uint8_t session_hash[32];
    const char *password_hash; /* NULL: only check the link */
    struct account_token t;
    struct user u;
    struct session s;
};

/* The link and its user, as a use must find them: rc as app_account_link_check. */
static op_rc link_load(struct store_tx *tx, struct use_job *j)
{
    op_rc rc = tx->ops->account->token_get(tx, j->hash, &j->t);
    if (rc) return rc;
    if (j->t.used_at) return OP_ERR_CONFLICT;
    if (j->t.expires_at <= app_now(j->app)) return OP_ERR_AUTH;
    if ((rc = tx->ops->user_get(tx, j->t.user_id, j->a, &j->u)))
        return rc == OP_ERR_NOTFOUND ? OP_ERR_AUTH : rc;
    if (j->u.role == ROLE_CUSTOMER || !j->u.active) return OP_ERR_AUTH;
    return OP_OK;
}

static op_rc link_check_fn(struct store_tx *tx, void *arg)
{
    return link_load(tx, arg);
}

static op_rc password_set_fn(struct store_tx *tx, void *arg)
{
    struct use_job *j = arg;
    op_time now = app_now(j->app);
    op_rc rc = link_load(tx, j);
    if (rc) return rc;
    /* a second request with the same link loses here (NOTFOUND: used) */
    if ((rc = tx->ops->account->token_use(tx, j->t.id, now)))
        return rc == OP_ERR_NOTFOUND ? OP_ERR_CONFLICT : rc;
    if ((rc = tx->ops->account->token_use_all(tx, j->u.id, now))) return rc;
    struct user u = j->u;
    u.password_hash = (char *)j->password_hash;
    u.updated_at = now;
    if ((rc = tx->ops->user_update(tx, &u))) return rc;
    /* by the user, who proved they read the mail */
    struct event_list el;
    int64_t action = 0;
    event_list_init(&el, j->a, ENTITY_USER, u.id, now, u.id, VIA_WEB);
    if ((rc = event_add(&el, EV_CHANGED, "password", "", "", NULL)) ||
        (rc = tx_append_events(tx, &el, &action)))
        return rc;
    /* a new password ends every session (a stolen one too), as people.c does */
    if ((rc = tx->ops->session_delete_user(tx, u.id))) return rc;
    j->s.user_id = u.id;
    return tx->ops->session_insert(tx, j->session_hash, &j->s);
}

/* Fills err for a link refused with rc. */
static op_rc link_fail(struct op_err *err, op_rc rc)
{
    enum msg_id m = rc == OP_ERR_NOTFOUND   ? MSG_ACCOUNT_LINK_INVALID
                    : rc == OP_ERR_CONFLICT ? MSG_ACCOUNT_LINK_USED
                    : rc == OP_ERR_AUTH     ? MSG_ACCOUNT_LINK_EXPIRED
                                            : MSG_NONE;
    return op_fail(err, rc, NULL, m);
}

/* Checks the shape of token and hashes it into j; OP_ERR_NOTFOUND when it
 * cannot be one of ours. */
static op_rc use_job_init(struct use_job *j, struct app *app, const char *token, struct arena *a)
{
    memset(j, 0, sizeof(*j));
    j->app = app;
    j->a = a;
    if (!token || strncmp(token, LINK_PREFIX, sizeof(LINK_PREFIX) - 1) != 0 ||
        strlen(token) > LINK_TEXT_MAX)
        return OP_ERR_NOTFOUND;
    secret_hash(token, j->hash);
    return OP_OK;
}

op_rc app_account_link_check(struct app *app, const char *token, struct arena *a,
                             struct account_link *out, struct op_err *err)
{
    struct use_job j;
    op_rc rc = use_job_init(&j, app, token, a);
    if (!rc) rc = app_run(app, true, link_check_fn, &j);
    if (rc) return link_fail(err, rc);
    *out = (struct account_link){.kind = j.t.kind,
                                 .user_id = j.u.id,
                                 .name = j.u.name,
                                 .email = j.u.email,
                                 .language = j.u.language,
                                 .expires_at = j.t.expires_at};
    return OP_OK;
}

op_rc app_password_set_by_token(struct app *app, const char *token, const char *password,
                                const char *repeat, struct arena *a, char **session_token,
                                char **csrf, struct user *out, struct op_err *err)
{
    struct use_job j;
    /* the link first: a dead link's page says so rather than what was typed */
    op_rc rc = use_job_init(&j, app, token, a);
    if (!rc) rc = app_run(app, true, link_check_fn, &j);
    if (rc) return link_fail(err, rc);
    size_t n = password ? strlen(password) : 0;
    if (n < LIMIT_PASSWORD_MIN || n > LIMIT_PASSWORD_MAX) {
        char lo[8], hi[8];
        snprintf(lo, sizeof(lo), "%d", LIMIT_PASSWORD_MIN);
        snprintf(hi, sizeof(hi), "%d", LIMIT_PASSWORD_MAX);
        return op_fail(err, OP_ERR_INVALID, "password", MSG_ERR_PASSWORD_LENGTH, lo, hi);
    }
    if (!repeat || strcmp(password, repeat) != 0)
        return op_fail(err, OP_ERR_INVALID, "repeat", MSG_ACCOUNT_PASSWORD_MISMATCH);
    /* hashing is slow: outside the transaction, after the link was found good */
    char *hash = NULL;
    if ((rc = app_password_hash(app, password, a, &hash, err))) return rc;
    /* the user is set inside the transaction (password_set_fn) */
    if ((rc = session_new(app, 0, a, session_token, csrf, j.session_hash, &j.s)))
        return op_fail(err, rc, NULL, MSG_NONE);
    j.password_hash = hash;
    rc = app_run(app, false, password_set_fn, &j);
    auth_changed(app); /* the ended sessions are forgotten by every cache */
    if (rc) return link_fail(err, rc);
    *out = j.u;
    out->password_hash = "";
    log_info("msg=\"password set by link\" kind=%s user=%" PRId64 " link=%" PRId64,
             account_kind_name(j.t.kind), j.u.id, j.t.id);
    return OP_OK;
}

/* ---- the admin's view ---- */

struct state_job {
    struct app *app;
    int64_t user_id;
    struct account_state *out;
    struct op_err *err;
};

static op_rc state_fn(struct store_tx *tx, void *arg)
{
    struct state_job *j = arg;
    struct arena a = ARENA_INIT(0);
    struct user u;
    char b[24];
    op_rc rc = tx->ops->user_get(tx, j->user_id, &a, &u);
    if (rc == OP_ERR_NOTFOUND)
        rc = op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_USER_NOT_FOUND, id_str(j->user_id, b));
    if (rc) goto end;
    j->out->has_password = u.password_hash && *u.password_hash;
    rc = tx->ops->account->token_pending(tx, j->user_id, app_now(j->app), &j->out->last);
    j->out->pending = rc == OP_OK;
    if (rc == OP_ERR_NOTFOUND) rc = OP_OK;
end:
    arena_release(&a);
    return rc;
}

op_rc app_account_state(struct app *app, const struct actor *who, int64_t user_id,
                        struct account_state *out, struct op_err *err)
{
    struct state_job j = {app, user_id, out, err};
    memset(out, 0, sizeof(*out));
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    out->can_mail = mail_config()->notify;
    return rc ? rc : app_run(app, true, state_fn, &j);
}
