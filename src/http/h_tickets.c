/* h_tickets.c - /api/v1/tickets: create, list, count, get, change. */
#include "base/common.h"

#include "http/apiInt.h"

void h_ticket_create(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket_create c;
    struct ticket t;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_ticket_create(body, r->arena, &c, &err);
    json_decref(body);
    if (!rc) rc = app_ticket_create(api_app(r), api_actor(r), &c, r->arena, &t, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_ticket(&w, NULL, &t);
    http_reply_jsonw(r, 201, &w);
}

void h_ticket_list(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket_filter f;
    struct ticket_page page;
    struct qs q = api_qs(r);
    op_rc rc = qs_ticket_list(&q, &f, &err);
    if (!rc) rc = app_ticket_list(api_app(r), api_actor(r), &f, r->arena, &page, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    char *next = page.more ? cursor_encode(f.sort, &page.next, r->arena) : NULL;
    if (page.more && !next) {
        api_reply_error(r, OP_ERR_NOMEM, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_tickets(&w, "tickets", page.v, page.n);
    jsonw_str(&w, "next_cursor", next);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_ticket_count(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket_filter f = {.limit = 1};
    struct qs q = api_qs(r);
    int64_t n = 0;
    op_rc rc = qs_ticket_filter(&q, &f, &err);
    if (!rc) rc = app_ticket_count(api_app(r), api_actor(r), &f, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, "count", n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_ticket_get(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket t;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_ticket_get(api_app(r), api_actor(r), id, r->arena, &t, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_ticket(&w, NULL, &t);
    http_reply_jsonw(r, 200, &w);
}

void h_ticket_update(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket_input in;
    struct comment_input *comment;
    struct comment c;
    struct ticket t;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    op_rc rc = json_in_ticket_update(body, r->arena, &in, &comment, &err);
    json_decref(body);
    if (!rc)
        rc = app_ticket_update(api_app(r), api_actor(r), id, &in, comment, r->arena, &t, &c, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_ticket(&w, NULL, &t);
    http_reply_jsonw(r, 200, &w);
}
