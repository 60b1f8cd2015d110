/* api_auth.c - who is calling: the authentication hook of the API.
 *
 * An API token (Authorization: Bearer) is checked first, then the session
 * cookie of the web UI. A cookie is sent by the browser on its own, so
 * requests that change something must also prove they come from our page:
 * the X-CSRF-Token header, which only our page can read (double submit). */
#include "base/common.h"

#include <sodium.h>
#include <strings.h>

#include "app/team.h"
#include "http/apiInt.h"

#define SESSION_COOKIE "opora_session"

static bool is_unsafe(enum http_method m)
{
    return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

/* Whether the header carries the session's CSRF token, compared in
 * constant time (the length is public: every token has the same). */
static bool csrf_ok(const char *sent, const char *want)
{
    if (!sent || !want || !*want) return false;
    size_t n = strlen(want);
    return strlen(sent) == n && sodium_memcmp(sent, want, n) == 0;
}

/* The token of "Bearer <token>" (scheme case-insensitive), or NULL. */
static const char *bearer_token(const char *h)
{
    static const char scheme[] = "Bearer ";
    if (strncasecmp(h, scheme, sizeof(scheme) - 1) != 0) return NULL;
    h += sizeof(scheme) - 1;
    while (*h == ' ')
        h++;
    return *h ? h : NULL;
}

bool api_before(struct http_req *r, const struct http_route *route)
{
    struct op_err err = {0};
    struct actor *who;
    const char *authz, *cookie;
    op_rc rc;

    if (route->flags & HTTP_ROUTE_PUBLIC) return true;
    if (!(who = arena_alloc(r->arena, sizeof(*who)))) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return false;
    }
    if ((authz = http_header(r, "Authorization"))) {
        const char *token = bearer_token(authz);
        if (!token) {
            http_fail(r, OP_ERR_AUTH, "Authorization", MSG_API_AUTH_SCHEME);
            return false;
        }
        rc = app_auth_token(api_app(r), token, VIA_API, r->arena, who, &err);
    } else if ((cookie = http_cookie(r, SESSION_COOKIE))) {
        rc = app_auth_session(api_app(r), cookie, VIA_WEB, r->arena, who, &err);
        if (rc == OP_OK && is_unsafe(r->method) &&
            !csrf_ok(http_header(r, "X-CSRF-Token"), who->csrf)) {
            r->lang = who->lang;
            http_fail(r, OP_ERR_FORBIDDEN, "X-CSRF-Token", MSG_ERR_CSRF);
            return false;
        }
    } else {
        http_fail(r, OP_ERR_AUTH, NULL, MSG_ERR_AUTH_REQUIRED);
        return false;
    }
    if (rc != OP_OK) {
        api_reply_error(r, rc, &err);
        return false;
    }
    r->auth = who;
    r->lang = who->lang;
    team_note_activity(api_app(r), who); /* presence: "away after N minutes idle" */
    return true;
}
