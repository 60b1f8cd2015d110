/* h_me.c - /api/v1/me: the caller's own profile and personal API tokens. */
#include "base/common.h"

#include "http/apiInt.h"

/* Replies with the user and the groups the caller belongs to (as resolved
 * at sign-in of this request). */
static void reply_me(struct http_req *r, const struct user *u, const struct actor *who)
{
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_user_members(&w, u);
    json_out_ids(&w, "group_ids", &who->groups);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_me_get(struct http_req *r)
{
    struct op_err err = {0};
    const struct actor *who = api_actor(r);
    struct user u;
    op_rc rc = app_user_get(api_app(r), who, who->id, r->arena, &u, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        reply_me(r, &u, who);
}

void h_me_update(struct http_req *r)
{
    struct op_err err = {0};
    const struct actor *who = api_actor(r);
    struct user_input in;
    struct user u;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_user(body, JSON_USER_SELF, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_user_update(api_app(r), who, who->id, &in, r->arena, &u, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        reply_me(r, &u, who);
}

void h_token_list(struct http_req *r)
{
    struct op_err err = {0};
    struct api_token *v = NULL;
    size_t n = 0;
    op_rc rc = app_token_list(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_api_tokens(&w, "tokens", v, n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_token_create(struct http_req *r)
{
    struct op_err err = {0};
    const struct actor *who = api_actor(r);
    struct api_token t;
    const char *name = NULL;
    char *secret = NULL;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"name", JIN_STRING, 0, &name, JIN_REQUIRED},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc) rc = app_token_create(api_app(r), who, who->id, name, r->arena, &t, &secret, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_api_token(&w, NULL, &t, secret);
    http_reply_jsonw(r, 201, &w);
}

void h_token_revoke(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_token_revoke(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}
