/* auth.c - passwords, sessions, API tokens.
 *
 * Passwords are hashed with argon2id (libsodium). Session and API token
 * secrets are 32 random bytes shown to their owner once; the database keeps
 * only their BLAKE2b hash, so a copy of the database cannot be used to log in. */
#include "base/common.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>

#include "app/internal.h"
#include "app/team.h"
#include "core/validate.h"

#define SECRET_BYTES 32
#define TOKEN_PREFIX "opo_"
/* sessions and tokens are touched at most this often, to keep reads read-only */
#define TOUCH_EVERY_MS (60 * 1000)

op_rc app_password_hash(const struct app *app, const char *password, struct arena *a, char **out,
                        struct op_err *err)
{
    char hash[crypto_pwhash_STRBYTES];
    unsigned long long ops = app->cfg.pwhash_ops ? app->cfg.pwhash_ops
                                                 : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = app->cfg.pwhash_mem ? app->cfg.pwhash_mem : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str(hash, password, strlen(password), ops, mem) != 0)
        return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
    *out = arena_strdup(a, hash);
    return *out ? OP_OK : OP_ERR_NOMEM;
}

bool password_verify(const char *hash, const char *password)
{
    return hash && hash[0] && password &&
           crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

op_rc secret_new(const char *prefix, struct arena *a, char **text, uint8_t hash[32])
{
    uint8_t raw[SECRET_BYTES];
    char b64[sodium_base64_ENCODED_LEN(SECRET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    *text = arena_printf(a, "%s%s", prefix, b64);
    if (!*text)
        return OP_ERR_NOMEM;
    sodium_memzero(raw, sizeof(raw));
    secret_hash(*text, hash);
    return OP_OK;
}

void secret_hash(const char *text, uint8_t hash[32])
{
    crypto_generichash(hash, 32, (const uint8_t *)text, strlen(text), NULL, 0);
}

op_rc session_new(struct app *app, int64_t user_id, struct arena *a, char **token, char **csrf,
                  uint8_t hash[32], struct session *s)
{
    uint8_t unused[32];
    op_time now = app_now(app);
    op_rc rc = secret_new("", a, token, hash);
    if (!rc) rc = secret_new("", a, csrf, unused);
    if (rc) return rc;
    *s = (struct session){.user_id = user_id, .created_at = now,
                          .expires_at = now + app->cfg.session_ttl_ms, .last_seen_at = now};
    snprintf(s->csrf, sizeof(s->csrf), "%s", *csrf);
    return OP_OK;
}

/* Fills an actor for user u (groups, organization sharing) inside tx. */
static op_rc build_actor(struct store_tx *tx, const struct user *u, enum via via,
                         struct arena *a, struct actor *out)
{
    op_rc rc;
    memset(out, 0, sizeof(*out));
    out->id = u->id;
    out->role = u->role;
    out->level = u->level;
    out->organization_id = u->organization_id;
    out->via = via;
    int l = i18n_lang_parse(u->language);
    out->lang = l >= 0 ? (enum lang)l : LANG_EN;
    out->name = u->name;
    out->email = u->email ? u->email : "";
    if (u->role != ROLE_CUSTOMER && (rc = tx->ops->user_groups(tx, u->id, a, &out->groups)))
        return rc;
    if (u->role == ROLE_CUSTOMER && u->organization_id) {
        struct organization o;
        if ((rc = tx->ops->org_get(tx, u->organization_id, a, &o)) == OP_OK)
            out->org_shared = o.shared_tickets;
        else if (rc != OP_ERR_NOTFOUND)
            return rc;
    }
    return OP_OK;
}

void actor_system(struct actor *a, enum via via)
{
    memset(a, 0, sizeof(*a));
    a->role = ROLE_ADMIN;
    a->via = via;
    a->name = "opora";
    a->email = "";
}

/* ---- login ---- */

/* A real hash with the configured cost, verified when an email is unknown.
 * Made on the first login that needs it rather than at start-up (argon2id
 * takes a tenth of a second by design). */
static pthread_mutex_t dummy_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *dummy_hash(struct app *app)
{
    pthread_mutex_lock(&dummy_mu);
    if (!app->dummy_hash) {
        struct arena a = ARENA_INIT(0);
        uint8_t raw[16];
        char text[33], *h;
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(text, sizeof(text), raw, sizeof(raw));
        if (app_password_hash(app, text, &a, &h, NULL) == OP_OK)
            app->dummy_hash = strdup(h);
        arena_release(&a);
    }
    pthread_mutex_unlock(&dummy_mu);
    return app->dummy_hash;
}

struct login_job {
    struct app *app;
    const char *email;
    struct arena *a;
    struct user user;
    bool found;
    uint8_t hash[32];
    struct session s;
};

static op_rc login_lookup_fn(struct store_tx *tx, void *arg)
{
    struct login_job *j = arg;
    op_rc rc = tx->ops->user_get_by_email(tx, j->email, j->a, &j->user);
    if (rc == OP_ERR_NOTFOUND)
        return OP_OK;
    j->found = rc == OP_OK;
    return rc;
}

static op_rc session_create_fn(struct store_tx *tx, void *arg)
{
    struct login_job *j = arg;
    return tx->ops->session_insert(tx, j->hash, &j->s);
}

op_rc app_login(struct app *app, const char *email, const char *password, const char *client,
                struct arena *a, char **session_token, char **csrf, struct user *user,
                int *retry_after_s, struct op_err *err)
{
    char ekey[LIMIT_EMAIL + 8], ikey[80];
    op_time now = app_now(app);
    op_rc rc;
    *retry_after_s = 0;
    if (!email || !*email)
        return op_fail(err, OP_ERR_INVALID, "email", MSG_ERR_REQUIRED);
    if (!password || !*password)
        return op_fail(err, OP_ERR_INVALID, "password", MSG_ERR_REQUIRED);
    if (strlen(email) > LIMIT_EMAIL || strlen(password) > LIMIT_PASSWORD_MAX)
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_LOGIN);
    size_t n = 0;
    n += (size_t)snprintf(ekey, sizeof(ekey), "e:");
    for (const char *p = email; *p && n + 1 < sizeof(ekey); p++)
        ekey[n++] = (char)tolower((unsigned char)*p);
    ekey[n] = '\0';
    snprintf(ikey, sizeof(ikey), "ip:%s", client ? client : "");
    int wait = MAX(ratelimit_check(app->logins, ekey, now), ratelimit_check(app->logins, ikey, now));
    if (wait) {
        *retry_after_s = wait;
        char w[16];
        snprintf(w, sizeof(w), "%d", wait);
        return op_fail(err, OP_ERR_RATELIMIT, NULL, MSG_ERR_LOGIN_RATE, w);
    }

    struct login_job j = {.app = app, .email = email, .a = a};
    if ((rc = app_run(app, true, login_lookup_fn, &j)))
        return op_fail(err, rc, NULL, MSG_NONE);
    /* the same work whether or not the email is known, so timing says nothing */
    const char *hash = j.found && j.user.password_hash[0] ? j.user.password_hash
                                                         : dummy_hash(app);
    bool ok = hash && password_verify(hash, password);
    if (!ok || !j.found || !j.user.active) {
        ratelimit_fail(app->logins, ekey, now);
        ratelimit_fail(app->logins, ikey, now);
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_LOGIN);
    }
    ratelimit_reset(app->logins, ekey);

    if ((rc = session_new(app, j.user.id, a, session_token, csrf, j.hash, &j.s)))
        return rc;
    if ((rc = app_run(app, false, session_create_fn, &j)))
        return op_fail(err, rc, NULL, MSG_NONE);
    *user = j.user;
    user->password_hash = "";
    return OP_OK;
}

struct hash_job {
    struct app *app;
    uint8_t hash[32];
    int64_t id;
    op_time at, expires;
    enum via via;
    struct arena *a;
    struct actor *out;
    struct session s;
    struct api_token t;
    bool touch;
};

static op_rc logout_fn(struct store_tx *tx, void *arg)
{
    struct hash_job *j = arg;
    op_rc rc = presence_tx_logout(j->app, tx, j->hash); /* the agent goes offline */
    return rc ? rc : tx->ops->session_delete(tx, j->hash);
}

op_rc app_logout(struct app *app, const char *session_token, struct op_err *err)
{
    struct hash_job j = {.app = app};
    if (!session_token || !*session_token)
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_AUTH_REQUIRED);
    secret_hash(session_token, j.hash);
    op_rc rc = app_run(app, false, logout_fn, &j);
    auth_changed(app);
    return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
}

/* ---- resolving credentials ---- */

static op_rc auth_user(struct store_tx *tx, struct hash_job *j, int64_t user_id)
{
    struct user u;
    op_rc rc = tx->ops->user_get(tx, user_id, j->a, &u);
    if (rc == OP_ERR_NOTFOUND || (!rc && !u.active))
        return OP_ERR_AUTH;
    if (rc)
        return rc;
    return build_actor(tx, &u, j->via, j->a, j->out);
}

static op_rc session_auth_fn(struct store_tx *tx, void *arg)
{
    struct hash_job *j = arg;
    op_rc rc = tx->ops->session_get(tx, j->hash, &j->s);
    if (rc == OP_ERR_NOTFOUND || (!rc && j->s.expires_at <= j->at))
        return OP_ERR_AUTH;
    if (rc || (rc = auth_user(tx, j, j->s.user_id)))
        return rc;
    j->out->session_id = j->s.id;
    j->out->csrf = arena_strdup(j->a, j->s.csrf);
    j->touch = j->at - j->s.last_seen_at > TOUCH_EVERY_MS;
    return OP_OK;
}

static op_rc session_touch_fn(struct store_tx *tx, void *arg)
{
    struct hash_job *j = arg;
    return tx->ops->session_touch(tx, j->s.id, j->at, j->expires);
}

op_rc app_auth_session(struct app *app, const char *token, enum via via, struct arena *a,
                       struct actor *out, struct op_err *err)
{
    struct hash_job j = {.app = app, .at = app_now(app), .via = via, .a = a, .out = out};
    if (!token || !*token || strlen(token) > 128)
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_AUTH_REQUIRED);
    secret_hash(token, j.hash);
    uint64_t gen = atomic_load(&app->auth_gen);
    int64_t mono = time_mono_us() / 1000;
    if (authcache_get(app->auth_cache, AUTHCACHE_SESSION, j.hash, gen, mono, via, a, out))
        return OP_OK;
    op_rc rc = app_run(app, true, session_auth_fn, &j);
    if (rc == OP_ERR_AUTH)
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_SESSION_EXPIRED);
    if (rc)
        return op_fail(err, rc, NULL, MSG_NONE);
    if (j.touch) { /* sliding expiry, written at most once a minute */
        j.expires = j.at + app->cfg.session_ttl_ms;
        app_run(app, false, session_touch_fn, &j);
    }
    authcache_put(app->auth_cache, AUTHCACHE_SESSION, j.hash, gen,
                  mono + MIN((int64_t)AUTHCACHE_TTL_MS, j.s.expires_at - j.at), out);
    return OP_OK;
}

static op_rc token_auth_fn(struct store_tx *tx, void *arg)
{
    struct hash_job *j = arg;
    op_rc rc = tx->ops->token_get(tx, j->hash, j->a, &j->t);
    if (rc == OP_ERR_NOTFOUND || (!rc && j->t.revoked_at))
        return OP_ERR_AUTH;
    if (rc || (rc = auth_user(tx, j, j->t.user_id)))
        return rc;
    j->touch = j->at - j->t.last_used_at > TOUCH_EVERY_MS;
    return OP_OK;
}

static op_rc token_touch_fn(struct store_tx *tx, void *arg)
{
    struct hash_job *j = arg;
    return tx->ops->token_touch(tx, j->t.id, j->at);
}

op_rc app_auth_token(struct app *app, const char *token, enum via via, struct arena *a,
                     struct actor *out, struct op_err *err)
{
    struct hash_job j = {.app = app, .at = app_now(app), .via = via, .a = a, .out = out};
    if (!token || strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 || strlen(token) > 128)
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_TOKEN_INVALID);
    secret_hash(token, j.hash);
    uint64_t gen = atomic_load(&app->auth_gen);
    int64_t mono = time_mono_us() / 1000;
    if (authcache_get(app->auth_cache, AUTHCACHE_TOKEN, j.hash, gen, mono, via, a, out))
        return OP_OK;
    op_rc rc = app_run(app, true, token_auth_fn, &j);
    if (rc == OP_ERR_AUTH)
        return op_fail(err, OP_ERR_AUTH, NULL, MSG_ERR_TOKEN_INVALID);
    if (rc)
        return op_fail(err, rc, NULL, MSG_NONE);
    if (j.touch)
        app_run(app, false, token_touch_fn, &j);
    authcache_put(app->auth_cache, AUTHCACHE_TOKEN, j.hash, gen, mono + AUTHCACHE_TTL_MS, out);
    return OP_OK;
}

static op_rc actor_fn(struct store_tx *tx, void *arg)
{
    struct hash_job *j = arg;
    return auth_user(tx, j, j->id);
}

op_rc app_actor_for_user(struct app *app, int64_t user_id, enum via via, struct arena *a,
                         struct actor *out, struct op_err *err)
{
    struct hash_job j = {.app = app, .id = user_id, .via = via, .a = a, .out = out};
    op_rc rc = app_run(app, true, actor_fn, &j);
    if (rc == OP_ERR_AUTH) {
        char b[24];
        return op_fail(err, OP_ERR_NOTFOUND, "user", MSG_ERR_USER_NOT_FOUND, id_str(user_id, b));
    }
    return rc;
}

/* ---- personal API tokens ---- */

struct token_job {
    struct app *app;
    const struct actor *who;
    int64_t user_id, token_id;
    uint8_t hash[32];
    struct api_token *out;
    struct api_token **list;
    size_t *n;
    struct arena *a;
    struct op_err *err;
};

static op_rc token_create_fn(struct store_tx *tx, void *arg)
{
    struct token_job *j = arg;
    struct user u;
    op_rc rc = tx_check_user(tx, j->user_id, "user_id", j->a, &u, j->err);
    if (rc)
        return rc;
    if (!u.active)
        return op_fail(j->err, OP_ERR_CONFLICT, "user_id", MSG_ERR_USER_INACTIVE);
    return tx->ops->token_insert(tx, j->hash, j->out);
}

op_rc app_token_create(struct app *app, const struct actor *who, int64_t user_id,
                       const char *name, struct arena *a, struct api_token *out, char **secret,
                       struct op_err *err)
{
    op_rc rc;
    if (user_id != who->id && who->id != 0)
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_FORBIDDEN);
    if ((rc = check_text("name", name, LIMIT_TOKEN_NAME, TEXT_LINE, false, err)))
        return rc;
    struct token_job j = {.app = app, .who = who, .user_id = user_id, .out = out, .a = a,
                          .err = err};
    if ((rc = secret_new(TOKEN_PREFIX, a, secret, j.hash)))
        return rc;
    *out = (struct api_token){.user_id = user_id, .name = (char *)name, .created_at = app_now(app)};
    return app_run(app, false, token_create_fn, &j);
}

static op_rc token_list_fn(struct store_tx *tx, void *arg)
{
    struct token_job *j = arg;
    return tx->ops->token_list(tx, j->who->id, j->a, j->list, j->n);
}

op_rc app_token_list(struct app *app, const struct actor *who, struct arena *a,
                     struct api_token **out, size_t *n, struct op_err *err)
{
    UNUSED(err);
    struct token_job j = {.app = app, .who = who, .list = out, .n = n, .a = a};
    return app_run(app, true, token_list_fn, &j);
}

static op_rc token_revoke_fn(struct store_tx *tx, void *arg)
{
    struct token_job *j = arg;
    char b[24];
    op_rc rc = tx->ops->token_revoke(tx, j->token_id, j->who->id, app_now(j->app));
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_TOKEN_NOT_FOUND,
                       id_str(j->token_id, b));
    return rc;
}

op_rc app_token_revoke(struct app *app, const struct actor *who, int64_t token_id,
                       struct op_err *err)
{
    struct token_job j = {.app = app, .who = who, .token_id = token_id, .err = err};
    op_rc rc = app_run(app, false, token_revoke_fn, &j);
    if (rc == OP_OK)
        auth_changed(app);
    return rc;
}
