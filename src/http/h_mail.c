/* h_mail.c - /api/v1/mail/...: the IMAP mailboxes opora polls, the outbox of
 * notifications and the log of refused messages. Admins only (the app
 * checks). The JSON shapes are in docs/api.md ("Mail"). */
#include "base/common.h"

#include "app/mail.h"
#include "http/apiInt.h"

/* A mailbox as JSON; the password never leaves the server. */
static void out_mailbox(struct jsonw *w, const char *key, const struct mailbox *m)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", m->id);
    jsonw_str(w, "name", m->name);
    jsonw_str(w, "url", m->url);
    jsonw_str(w, "username", m->username);
    jsonw_bool(w, "password_set", m->password && *m->password);
    jsonw_bool(w, "starttls", m->starttls);
    jsonw_str(w, "move_to", m->move_to);
    jsonw_bool(w, "active", m->active);
    jsonw_int(w, "uidvalidity", m->uidvalidity);
    jsonw_int(w, "last_uid", m->last_uid);
    jsonw_time(w, "polled_at", m->polled_at);
    jsonw_str(w, "last_error", m->last_error);
    jsonw_time(w, "created_at", m->created_at);
    jsonw_object_end(w);
}

void h_mailbox_list(struct http_req *r)
{
    struct op_err err = {0};
    struct mailbox *v = NULL;
    size_t n = 0;
    op_rc rc = app_mailbox_list(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "mailboxes");
    for (size_t i = 0; i < n; i++)
        out_mailbox(&w, NULL, &v[i]);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_mailbox_create(struct http_req *r)
{
    struct op_err err = {0};
    struct mailbox_input in = {.username = "", .password = "", .move_to = ""};
    struct mailbox mb;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"name", JIN_STRING, 0, &in.name, JIN_REQUIRED},
        {"url", JIN_STRING, 0, &in.url, JIN_REQUIRED},
        {"username", JIN_STRING, 0, &in.username},
        {"password", JIN_STRING, 0, &in.password},
        {"starttls", JIN_BOOL, 0, &in.starttls},
        {"move_to", JIN_STRING, 0, &in.move_to},
        {"id", JIN_READONLY},
        {"created_at", JIN_READONLY},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    if (!rc) rc = app_mailbox_add(api_app(r), api_actor(r), &in, r->arena, &mb, &err);
    json_decref(body);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_mailbox(&w, NULL, &mb);
    http_reply_jsonw(r, 201, &w);
}

void h_mailbox_delete(struct http_req *r)
{
    struct op_err err = {0};
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_mailbox_remove(api_app(r), api_actor(r), id, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        http_reply_status(r, 204);
}

static const char *outbox_state(const struct outbox_msg *m)
{
    return m->sent_at ? "sent" : m->failed_at ? "failed" : "pending";
}

void h_outbox_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct outbox_msg *v = NULL;
    struct outbox_counts counts = {0};
    size_t n = 0, limit = 100;
    int64_t before = 0;
    const char *state = q.get(q.ctx, "state");
    op_rc rc = OP_OK;
    if (state && strcmp(state, "pending") && strcmp(state, "sent") && strcmp(state, "failed"))
        rc = op_fail(&err, OP_ERR_INVALID, "state", MSG_ERR_ENUM, state, "pending, sent, failed");
    if (!rc) rc = qs_after_id(&q, "before_id", &before, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 500, &limit, &err);
    if (!rc)
        rc = app_outbox_list(api_app(r), api_actor(r), state, before, limit, r->arena, &v, &n,
                             &counts, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_object_begin(&w, "counts");
    jsonw_int(&w, "pending", counts.pending);
    jsonw_int(&w, "sent", counts.sent);
    jsonw_int(&w, "failed", counts.failed);
    jsonw_object_end(&w);
    jsonw_array_begin(&w, "messages");
    for (size_t i = 0; i < n; i++) {
        const struct outbox_msg *m = &v[i];
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "id", m->id);
        jsonw_id(&w, "ticket_id", m->ticket_id);
        jsonw_str(&w, "kind", m->kind);
        jsonw_str(&w, "state", outbox_state(m));
        jsonw_str(&w, "to", m->to_addr);
        jsonw_str(&w, "subject", m->subject);
        jsonw_str(&w, "message_id", m->message_id);
        jsonw_int(&w, "attempts", m->attempts);
        jsonw_time(&w, "next_attempt_at", m->sent_at || m->failed_at ? 0 : m->next_attempt_at);
        jsonw_time(&w, "sent_at", m->sent_at);
        jsonw_time(&w, "failed_at", m->failed_at);
        jsonw_str(&w, "last_error", m->last_error);
        jsonw_time(&w, "created_at", m->created_at);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    /* the next page: ids below the last one shown */
    if (n == limit)
        jsonw_int(&w, "next_before_id", v[n - 1].id);
    else
        jsonw_null(&w, "next_before_id");
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_mail_rejection_list(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct mail_rejection *v = NULL;
    size_t n = 0, limit = 100;
    int64_t before = 0;
    op_rc rc = qs_after_id(&q, "before_id", &before, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 500, &limit, &err);
    if (!rc)
        rc = app_mail_rejections(api_app(r), api_actor(r), before, limit, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "rejections");
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "id", v[i].id);
        jsonw_str(&w, "source", v[i].source);
        jsonw_str(&w, "message_id", v[i].message_id);
        jsonw_str(&w, "sender", v[i].sender);
        jsonw_str(&w, "reason", v[i].reason);
        jsonw_int(&w, "size", v[i].size);
        jsonw_time(&w, "created_at", v[i].created_at);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    if (n == limit)
        jsonw_int(&w, "next_before_id", v[n - 1].id);
    else
        jsonw_null(&w, "next_before_id");
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
