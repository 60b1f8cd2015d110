/* portal.c - the customer portal's use cases (app/portal.h): magic sign-in
 * links and the request's CSAT survey.
 *
 * A link's secret is 32 random bytes (base64url) shown only in the mail;
 * the store keeps its BLAKE2b hash, so neither a copy of the database nor a
 * guessed string signs anyone in. Opening a link only asks "sign in as
 * ...?" (mail scanners open every link they see); the answer uses it.
 * Used once: marking it used and creating the session are one transaction. */
#include "base/common.h"

#include <ctype.h>
#include <pthread.h>

#include "app/internal.h"
#include "app/mail_int.h"
#include "app/portal.h"
#include "base/log.h"
#include "channels/mail/thread.h"
#include "core/survey.h"
#include "core/validate.h"
#include "store/store_mail.h"
#include "store/store_portal.h"
#include "store/store_survey.h"

#define LINK_PREFIX "pm_"

/* ---- asking for a link ---- */

/* Per address, for every process: the app struct is not to grow for it. */
static struct ratelimit *link_limits;
static pthread_once_t link_limits_once = PTHREAD_ONCE_INIT;

static void link_limits_init(void)
{
    link_limits = ratelimit_new(4096, PORTAL_LINK_MAX, PORTAL_LINK_WINDOW_S);
}

struct link_job {
    struct app *app;
    const char *email;
    struct arena *a;
    uint8_t hash[32];         /* the link's */
    uint8_t session_hash[32]; /* the new session's (signing in) */
    char *secret;
    bool no_mail; /* a customer asked, but mail is not configured */
    struct user u;
    struct session s;
    struct magic_link l;
};

static op_rc link_request_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    const struct mail_config *cfg = mail_config();
    op_time now = app_now(j->app);
    op_rc rc = tx->ops->user_get_by_email(tx, j->email, j->a, &j->u);
    if (rc == OP_ERR_NOTFOUND) return OP_OK;
    if (rc) return rc;
    if (j->u.role != ROLE_CUSTOMER || !j->u.active || !j->u.email || !*j->u.email) return OP_OK;
    /* without SMTP nothing could reach the customer: no link either */
    if (!cfg->notify) {
        j->no_mail = true;
        return OP_OK;
    }
    if ((rc = tx->ops->portal->magic_prune(tx, now - 24 * 3600 * 1000LL))) return rc;
    j->l = (struct magic_link){
        .user_id = j->u.id, .created_at = now, .expires_at = now + PORTAL_LINK_TTL_MS};
    if ((rc = tx->ops->portal->magic_insert(tx, j->hash, &j->l))) return rc;

    const char *base = j->app->cfg.public_url ? j->app->cfg.public_url : "";
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    /* the secret in the query, not the path: the access log writes paths,
     * and a link is no longer used up by opening it */
    char *link = arena_printf(j->a, "%.*s/portal/magic?token=%s", (int)n, base, j->secret);
    char minutes[16], subject[256], body[2048];
    snprintf(minutes, sizeof(minutes), "%lld", (long long)(PORTAL_LINK_TTL_MS / 60000));
    const char *args[3] = {j->u.name ? j->u.name : "", link ? link : "", minutes};
    enum lang l = user_lang(&j->u);
    i18n_format(l, MSG_PORTAL_MAIL_SUBJECT, args, 3, subject, sizeof(subject));
    i18n_format(l, MSG_PORTAL_MAIL_BODY, args, 3, body, sizeof(body));
    struct outbox_msg m = {.kind = "portal_link",
                           .to_addr = j->u.email,
                           .subject = arena_strdup(j->a, subject),
                           .body = arena_strdup(j->a, body),
                           .message_id = mail_message_id(j->a, cfg->domain, 0, "portal"),
                           .headers = "",
                           .next_attempt_at = now,
                           .created_at = now};
    if (!link || !m.subject || !m.body || !m.message_id) return OP_ERR_NOMEM;
    return tx->ops->mail->outbox_insert(tx, &m);
}

op_rc app_portal_link_request(struct app *app, const char *email, int *retry_after_s,
                              struct op_err *err)
{
    char key[LIMIT_EMAIL + 8];
    op_time now = app_now(app);
    *retry_after_s = 0;
    if (!email || !*email) return op_fail(err, OP_ERR_INVALID, "email", MSG_ERR_REQUIRED);
    if (strlen(email) > LIMIT_EMAIL || !strchr(email, '@'))
        return op_fail(err, OP_ERR_INVALID, "email", MSG_PORTAL_EMAIL_BAD);
    pthread_once(&link_limits_once, link_limits_init);
    if (!link_limits) return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
    size_t n = (size_t)snprintf(key, sizeof(key), "m:");
    for (const char *p = email; *p && n + 1 < sizeof(key); p++)
        key[n++] = (char)tolower((unsigned char)*p);
    key[n] = '\0';
    /* every ask counts, known address or not: the limit says nothing either */
    int wait = ratelimit_check(link_limits, key, now);
    if (wait) {
        *retry_after_s = wait;
        char w[16];
        snprintf(w, sizeof(w), "%d", (wait + 59) / 60);
        return op_fail(err, OP_ERR_RATELIMIT, NULL, MSG_PORTAL_LINK_LIMITED, w);
    }
    ratelimit_fail(link_limits, key, now);

    struct arena a = ARENA_INIT(1u << 20);
    struct link_job j = {.app = app, .email = email, .a = &a};
    op_rc rc = secret_new(LINK_PREFIX, &a, &j.secret, j.hash);
    if (rc) goto end;
    if ((rc = app_run(app, false, link_request_fn, &j))) {
        op_fail(err, rc, NULL, MSG_NONE);
        goto end;
    }
    if (j.l.id)
        log_info("msg=\"portal sign-in link queued\" user=%" PRId64 " link=%" PRId64, j.u.id,
                 j.l.id);
    if (j.no_mail)
        log_warn("msg=\"portal sign-in link not made: SMTP is not configured\" user=%" PRId64,
                 j.u.id);
end:
    arena_release(&a);
    return rc;
}

/* ---- signing in with a link ---- */

/* The store's key of a link: the hash of its secret. OP_ERR_NOTFOUND for
 * a string that cannot be one of ours (no store read for it). */
static op_rc link_hash(const char *token, uint8_t hash[32], struct op_err *err)
{
    if (!token || strncmp(token, LINK_PREFIX, sizeof(LINK_PREFIX) - 1) != 0 || strlen(token) > 128)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_PORTAL_LINK_INVALID);
    secret_hash(token, hash);
    return OP_OK;
}

static op_rc link_fail(op_rc rc, struct op_err *err)
{
    enum msg_id m = rc == OP_ERR_NOTFOUND   ? MSG_PORTAL_LINK_INVALID
                    : rc == OP_ERR_CONFLICT ? MSG_PORTAL_LINK_USED
                    : rc == OP_ERR_AUTH     ? MSG_PORTAL_LINK_EXPIRED
                                            : MSG_NONE;
    return op_fail(err, rc, NULL, m);
}

/* Reads the link of j->hash and its user into j: OP_OK when it may sign
 * in now. Shared by the check and the sign-in, so the two never disagree. */
static op_rc link_valid(struct store_tx *tx, struct link_job *j)
{
    op_rc rc = tx->ops->portal->magic_get(tx, j->hash, &j->l);
    if (rc) return rc;
    if (j->l.used_at) return OP_ERR_CONFLICT;
    if (j->l.expires_at <= app_now(j->app)) return OP_ERR_AUTH;
    if ((rc = tx->ops->user_get(tx, j->l.user_id, j->a, &j->u)))
        return rc == OP_ERR_NOTFOUND ? OP_ERR_AUTH : rc;
    if (j->u.role != ROLE_CUSTOMER || !j->u.active) return OP_ERR_AUTH;
    return OP_OK;
}

static op_rc link_check_fn(struct store_tx *tx, void *arg)
{
    return link_valid(tx, arg);
}

op_rc app_portal_link_check(struct app *app, const char *token, struct arena *a, struct user *user,
                            struct op_err *err)
{
    struct link_job j = {.app = app, .a = a};
    op_rc rc = link_hash(token, j.hash, err);
    if (rc) return rc;
    if ((rc = app_run(app, true, link_check_fn, &j))) return link_fail(rc, err);
    *user = j.u;
    user->password_hash = "";
    return OP_OK;
}

static op_rc link_login_fn(struct store_tx *tx, void *arg)
{
    struct link_job *j = arg;
    op_rc rc = link_valid(tx, j);
    if (rc) return rc;
    /* a second request with the same link loses here (NOTFOUND: used) */
    if ((rc = tx->ops->portal->magic_use(tx, j->l.id, app_now(j->app))))
        return rc == OP_ERR_NOTFOUND ? OP_ERR_CONFLICT : rc;
    j->s.user_id = j->u.id;
    return tx->ops->session_insert(tx, j->session_hash, &j->s);
}

op_rc app_portal_link_login(struct app *app, const char *token, struct arena *a,
                            char **session_token, char **csrf, struct user *user,
                            struct op_err *err)
{
    struct link_job j = {.app = app, .a = a};
    op_rc rc = link_hash(token, j.hash, err);
    if (rc) return rc;
    /* the user is known inside the transaction (link_login_fn sets it) */
    if ((rc = session_new(app, 0, a, session_token, csrf, j.session_hash, &j.s)))
        return op_fail(err, rc, NULL, MSG_NONE);
    if ((rc = app_run(app, false, link_login_fn, &j))) return link_fail(rc, err);
    *user = j.u;
    user->password_hash = "";
    log_info("msg=\"portal sign-in\" user=%" PRId64 " by=link link=%" PRId64, j.u.id, j.l.id);
    return OP_OK;
}

/* ---- the request's CSAT survey ---- */

struct csat_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id;
    struct arena *a;
    struct portal_csat *out;
    struct op_err *err;
};

static op_rc csat_fn(struct store_tx *tx, void *arg)
{
    struct csat_job *j = arg;
    struct ticket t;
    struct survey s;
    uint8_t key[SURVEY_KEY_BYTES];
    char token[SURVEY_TOKEN_MAX];
    op_rc rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err);
    if (rc) return rc;
    rc = tx->ops->survey->of_ticket(tx, t.id, SURVEY_CSAT, j->a, &s);
    if (rc == OP_ERR_NOTFOUND) return OP_OK;
    if (rc) return rc;
    /* the requester rates, not a colleague who shares the ticket */
    if (s.customer_id != j->who->id) return OP_OK;
    if ((rc = tx->ops->survey->key_get(tx, key))) return rc;
    survey_token(key, s.id, token);
    j->out->has = true;
    j->out->answered = s.answered_at != 0;
    j->out->expired = s.expires_at <= app_now(j->app);
    j->out->score = s.score;
    j->out->comment = s.comment ? s.comment : "";
    j->out->token = arena_strdup(j->a, token);
    return j->out->token ? OP_OK : OP_ERR_NOMEM;
}

op_rc app_portal_csat(struct app *app, const struct actor *who, int64_t ticket_id, struct arena *a,
                      struct portal_csat *out, struct op_err *err)
{
    struct csat_job j = {app, who, ticket_id, a, out, err};
    memset(out, 0, sizeof(*out));
    return app_run(app, true, csat_fn, &j);
}
