/* h_ticket_actions.c - what is done to a ticket beyond editing it: its
 * history, links, merges, escalation and hand-back, macros. */
#include "base/common.h"

#include "http/apiInt.h"

void h_ticket_events(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct event *v = NULL;
    size_t n = 0, limit = 100;
    int64_t after = 0;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = qs_after_id(&q, "after_id", &after, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 1000, &limit, &err);
    if (!rc)
        rc = app_event_list(api_app(r), api_actor(r), id, after, limit, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_events(&w, "events", v, n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

/* ---- links ---- */

void h_link_list(struct http_req *r)
{
    struct op_err err = {0};
    struct link *v = NULL;
    size_t n = 0;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_link_list(api_app(r), api_actor(r), id, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_links(&w, "links", v, n, id);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_link_add(struct http_req *r)
{
    struct op_err err = {0};
    struct link l;
    int kind = 0;
    int64_t other = 0;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"kind", JIN_ENUM, 0, &kind, JIN_REQUIRED, link_view_parse, link_view_names_list},
        {"ticket_id", JIN_ID, 0, &other, JIN_REQUIRED},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc && !other) /* null */
        rc = op_fail(&err, OP_ERR_INVALID, "ticket_id", MSG_ERR_REQUIRED);
    if (!rc)
        rc = app_link_add(api_app(r), api_actor(r), id, (enum link_view)kind, other, r->arena, &l,
                          &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_link(&w, NULL, &l, id);
    http_reply_jsonw(r, 201, &w);
}

void h_link_remove(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0), link_id;
    if (!id || !(link_id = api_path_id(r, 1))) return;
    op_rc rc = app_link_remove(api_app(r), api_actor(r), id, link_id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}

/* ---- merge, escalation, hand-back ---- */

void h_ticket_merge(struct http_req *r)
{
    struct op_err err = {0};
    struct id_list sources = {0};
    struct ticket t;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"source_ids", JIN_ID_LIST, 0, &sources, JIN_REQUIRED},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc && sources.n == 0) rc = op_fail(&err, OP_ERR_INVALID, "source_ids", MSG_ERR_EMPTY);
    if (!rc) rc = app_ticket_merge(api_app(r), api_actor(r), id, &sources, r->arena, &t, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_ticket(&w, NULL, &t);
    http_reply_jsonw(r, 200, &w);
}

void h_ticket_escalate(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket t;
    int64_t group_id = 0, assignee_id = 0;
    const char *reason = NULL;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"group_id", JIN_ID, 0, &group_id},
        {"reason", JIN_STRING, 0, &reason},
        {"assignee_id", JIN_ID, 0, &assignee_id},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc)
        rc = app_ticket_escalate(api_app(r), api_actor(r), id, group_id, assignee_id, reason,
                                 r->arena, &t, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_ticket(&w, NULL, &t);
    http_reply_jsonw(r, 200, &w);
}

void h_ticket_handback(struct http_req *r)
{
    struct op_err err = {0};
    struct ticket t;
    int64_t group_id = 0;
    const char *reason = NULL;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"reason", JIN_STRING, 0, &reason},
        {"group_id", JIN_ID, 0, &group_id},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    json_decref(body);
    if (!rc)
        rc =
            app_ticket_handback(api_app(r), api_actor(r), id, group_id, reason, r->arena, &t, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    json_out_ticket(&w, NULL, &t);
    http_reply_jsonw(r, 200, &w);
}

/* ---- macros ---- */

void h_macro_apply(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct ticket t;
    struct comment *cs = NULL;
    size_t n = 0;
    bool preview = false;
    int64_t id = api_path_id(r, 0), macro_id;
    if (!id || !(macro_id = api_path_id(r, 1))) return;
    op_rc rc = qs_bool(&q, "preview", &preview, &err);
    if (!rc)
        rc = app_macro_apply(api_app(r), api_actor(r), id, macro_id, preview, r->arena, &t, &cs, &n,
                             &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_ticket(&w, "ticket", &t);
    json_out_comments(&w, "comments", cs, n);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
