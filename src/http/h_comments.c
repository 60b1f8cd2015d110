/* h_comments.c - /api/v1/tickets/{id}/comments: the conversation of a ticket. */
#include "base/common.h"

#include "http/apiInt.h"

void h_comment_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct comment *v = NULL;
    size_t n = 0, limit = 100;
    int64_t after = 0;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = qs_after_id(&q, "after_id", &after, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 1000, &limit, &err);
    if (!rc)
        rc = app_comment_list(api_app(r), api_actor(r), id, after, limit, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_comments(&w, "comments", v, n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_comment_add(struct http_req *r)
{
    struct op_err err = {0};
    struct comment_input in;
    struct comment c;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_comment(body, NULL, r->arena, &in, &err);
    json_decref(body);
    if (!rc) rc = app_comment_add(api_app(r), api_actor(r), id, &in, r->arena, &c, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_comment(&w, NULL, &c);
    http_reply_jsonw(r, 201, &w);
}
