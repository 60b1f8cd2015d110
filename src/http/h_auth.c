/* h_auth.c - /api/v1/auth: signing in and out of the web UI (a session
 * cookie plus a CSRF token); API clients use tokens instead. */
#include "base/common.h"

#include "http/apiInt.h"

struct api_settings api_settings = {.cookie_secure = false, .session_ttl_s = 0};

/* The Set-Cookie value for token with max_age seconds (0: delete it). */
static char *session_cookie(const char *token, int64_t max_age, struct arena *a)
{
    return arena_printf(
        a, "opora_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%" PRId64 "%s", token,
        max_age, api_settings.cookie_secure ? "; Secure" : "");
}

void h_login(struct http_req *r)
{
    struct op_err err = {0};
    struct app *app = api_app(r);
    const char *email = NULL, *password = NULL;
    char *token = NULL, *csrf = NULL, *cookie;
    struct user u;
    int retry_after = 0;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"email", JIN_STRING, 0, &email},
        {"password", JIN_STRING, 0, &password},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc)
        rc = app_login(app, email, password, r->client_ip, r->arena, &token, &csrf, &u,
                       &retry_after, &err);
    if (rc) {
        if (rc == OP_ERR_RATELIMIT && retry_after > 0) {
            char s[16];
            snprintf(s, sizeof(s), "%d", retry_after);
            http_set_header(r, "Retry-After", s);
        }
        api_reply_error(r, rc, &err);
        return;
    }
    int64_t ttl = api_settings.session_ttl_s ? (int64_t)api_settings.session_ttl_s
                                             : app->cfg.session_ttl_ms / 1000;
    if (!(cookie = session_cookie(token, ttl, r->arena))) {
        api_reply_error(r, OP_ERR_NOMEM, &err);
        return;
    }
    int l = i18n_lang_parse(u.language);
    if (l >= 0) r->lang = (enum lang)l;
    http_set_header(r, "Set-Cookie", cookie);
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_user(&w, "user", &u);
    jsonw_str(&w, "csrf_token", csrf);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_logout(struct http_req *r)
{
    struct op_err err = {0};
    const char *token = http_cookie(r, "opora_session");
    char *cookie = session_cookie("", 0, r->arena);
    /* public, so that an expired session can still be cleared; without a
     * valid cookie there is nothing to end, and the answer is the same */
    if (token) {
        op_rc rc = app_logout(api_app(r), token, &err);
        if (rc && rc != OP_ERR_AUTH) {
            api_reply_error(r, rc, &err);
            return;
        }
    }
    if (cookie) http_set_header(r, "Set-Cookie", cookie);
    http_reply_status(r, 204);
}
