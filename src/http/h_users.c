/* h_users.c - /api/v1/users: people, as staff see and manage them. */
#include "base/common.h"

#include "http/apiInt.h"

void h_user_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct user_filter f;
    struct user *v = NULL;
    size_t n = 0;
    op_rc rc = qs_user_filter(&q, &f, &err);
    if (!rc) rc = app_user_list(api_app(r), api_actor(r), &f, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_users(&w, "users", v, n);
    /* a full page says there may be more after its last user */
    jsonw_id(&w, "next_after_id", n == f.limit ? v[n - 1].id : 0);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_user_create(struct http_req *r)
{
    struct op_err err = {0};
    struct user_input in;
    struct user u;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_user(body, JSON_USER_CREATE, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_user_create(api_app(r), api_actor(r), &in, r->arena, &u, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_user(&w, NULL, &u);
    http_reply_jsonw(r, 201, &w);
}

void h_user_get(struct http_req *r)
{
    struct op_err err = {0};
    struct user u;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_user_get(api_app(r), api_actor(r), id, r->arena, &u, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_user(&w, NULL, &u);
    http_reply_jsonw(r, 200, &w);
}

void h_user_update(struct http_req *r)
{
    struct op_err err = {0};
    struct user_input in;
    struct user u;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_user(body, JSON_USER_UPDATE, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_user_update(api_app(r), api_actor(r), id, &in, r->arena, &u, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_user(&w, NULL, &u);
    http_reply_jsonw(r, 200, &w);
}
