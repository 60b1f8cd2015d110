/* h_macros.c - /api/v1/macros: canned actions and replies. */
#include "base/common.h"

#include "http/apiInt.h"

void h_macro_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct macro *v = NULL;
    size_t n = 0;
    bool inactive = false;
    op_rc rc = qs_bool(&q, "include_inactive", &inactive, &err);
    if (!rc) rc = app_macro_list(api_app(r), api_actor(r), inactive, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_macros(&w, "macros", v, n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_macro_create(struct http_req *r)
{
    struct op_err err = {0};
    struct macro_input in;
    struct macro m;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_macro(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_macro_create(api_app(r), api_actor(r), &in, r->arena, &m, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_macro(&w, NULL, &m);
    http_reply_jsonw(r, 201, &w);
}

void h_macro_get(struct http_req *r)
{
    struct op_err err = {0};
    struct macro m;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_macro_get(api_app(r), api_actor(r), id, r->arena, &m, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_macro(&w, NULL, &m);
    http_reply_jsonw(r, 200, &w);
}

void h_macro_update(struct http_req *r)
{
    struct op_err err = {0};
    struct macro_input in;
    struct macro m;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_macro(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_macro_update(api_app(r), api_actor(r), id, &in, r->arena, &m, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_macro(&w, NULL, &m);
    http_reply_jsonw(r, 200, &w);
}

void h_macro_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_macro_delete(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}
