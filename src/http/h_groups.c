/* h_groups.c - /api/v1/groups: teams and tiers (L1, L2, technical departments). */
#include "base/common.h"

#include "http/apiInt.h"

void h_group_list(struct http_req *r)
{
    struct op_err err = {0};
    struct group *v = NULL;
    size_t n = 0;
    op_rc rc = app_group_list(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_groups(&w, "groups", v, n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_group_create(struct http_req *r)
{
    struct op_err err = {0};
    struct group_input in;
    struct group g;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_group(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_group_create(api_app(r), api_actor(r), &in, r->arena, &g, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_group(&w, NULL, &g, true);
    http_reply_jsonw(r, 201, &w);
}

void h_group_get(struct http_req *r)
{
    struct op_err err = {0};
    struct group g;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_group_get(api_app(r), api_actor(r), id, r->arena, &g, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_group(&w, NULL, &g, true);
    http_reply_jsonw(r, 200, &w);
}

void h_group_update(struct http_req *r)
{
    struct op_err err = {0};
    struct group_input in;
    struct group g;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_group(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_group_update(api_app(r), api_actor(r), id, &in, r->arena, &g, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_group(&w, NULL, &g, true);
    http_reply_jsonw(r, 200, &w);
}

/* 204, or 409 naming what still refers to it. */
void h_group_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_group_delete(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}
