/* h_orgs.c - /api/v1/organizations. */
#include "base/common.h"

#include "http/apiInt.h"

void h_org_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct organization *v = NULL;
    size_t n = 0, limit = 100;
    int64_t after = 0;
    op_rc rc = qs_after_id(&q, "after_id", &after, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 1000, &limit, &err);
    if (!rc)
        rc = app_org_list(api_app(r), api_actor(r), http_query(r, "q"), after, limit, r->arena, &v,
                          &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_orgs(&w, "organizations", v, n);
    /* a full page says there may be more after its last organization */
    jsonw_id(&w, "next_after_id", n == limit ? v[n - 1].id : 0);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_org_create(struct http_req *r)
{
    struct op_err err = {0};
    struct org_input in;
    struct organization o;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_org(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_org_create(api_app(r), api_actor(r), &in, r->arena, &o, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_org(&w, NULL, &o);
    http_reply_jsonw(r, 201, &w);
}

void h_org_get(struct http_req *r)
{
    struct op_err err = {0};
    struct organization o;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_org_get(api_app(r), api_actor(r), id, r->arena, &o, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_org(&w, NULL, &o);
    http_reply_jsonw(r, 200, &w);
}

void h_org_update(struct http_req *r)
{
    struct op_err err = {0};
    struct org_input in;
    struct organization o;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_org(body, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_org_update(api_app(r), api_actor(r), id, &in, r->arena, &o, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_org(&w, NULL, &o);
    http_reply_jsonw(r, 200, &w);
}

/* 204, or 409 naming what still refers to it. */
void h_org_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_org_delete(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}
