/* json_out.c - opora's objects as JSON, exactly as docs/api.md shows them.
 *
 * Written straight into a jsonw: the field order here is the order clients
 * see. */
#include "base/common.h"

#include "base/log.h"
#include "http/json_out.h"

/* A string where NULL means "": the API never shows null for these. */
static void str_or_empty(struct jsonw *w, const char *key, const char *s)
{
    jsonw_str(w, key, s ? s : "");
}

/* A string where "" means "none": null. */
static void str_or_null(struct jsonw *w, const char *key, const char *s)
{
    jsonw_str(w, key, s && *s ? s : NULL);
}

void json_out_ids(struct jsonw *w, const char *key, const struct id_list *l)
{
    jsonw_array_begin(w, key);
    for (size_t i = 0; i < l->n; i++)
        jsonw_int(w, NULL, l->v[i]);
    jsonw_array_end(w);
}

static void strs(struct jsonw *w, const char *key, const struct str_list *l)
{
    jsonw_array_begin(w, key);
    for (size_t i = 0; i < l->n; i++)
        jsonw_str(w, NULL, l->v[i]);
    jsonw_array_end(w);
}

/* ---- tickets and their conversation ---- */

/* The first requester, then the others (after merges), each once. */
static void requester_ids(struct jsonw *w, const struct ticket *t)
{
    jsonw_array_begin(w, "requester_ids");
    if (t->requester_id) jsonw_int(w, NULL, t->requester_id);
    for (size_t i = 0; i < t->requesters.n; i++)
        if (t->requesters.v[i] != t->requester_id) jsonw_int(w, NULL, t->requesters.v[i]);
    jsonw_array_end(w);
}

/* The stored text of custom fields, copied in: the domain keeps it as
 * canonical JSON (jansson, compact, sorted keys), which is what parsing and
 * dumping it again would give. Anything that is not an object becomes {}. */
static void custom_fields(struct jsonw *w, const struct ticket *t)
{
    const char *s = t->custom_fields ? t->custom_fields : "";
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    while (n && strchr(" \t\r\n", s[0]))
        s++, n--;
    if (n && s[0] == '{' && jsonw_valid(s, n)) {
        jsonw_raw(w, "custom_fields", s, n);
        return;
    }
    if (n) log_warn("component=api msg=\"custom_fields not a JSON object\" ticket=%" PRId64, t->id);
    jsonw_raw(w, "custom_fields", "{}", 2);
}

void json_out_ticket(struct jsonw *w, const char *key, const struct ticket *t)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", t->id);
    str_or_empty(w, "subject", t->subject);
    str_or_empty(w, "description", t->description);
    jsonw_str(w, "status", status_name(t->status));
    jsonw_str(w, "priority", priority_name(t->priority));
    jsonw_str(w, "type", type_name(t->type));
    jsonw_str(w, "channel", channel_name(t->channel));
    jsonw_id(w, "requester_id", t->requester_id);
    requester_ids(w, t);
    jsonw_id(w, "organization_id", t->organization_id);
    jsonw_id(w, "group_id", t->group_id);
    jsonw_id(w, "assignee_id", t->assignee_id);
    strs(w, "tags", &t->tags);
    custom_fields(w, t);
    jsonw_id(w, "merged_into", t->merged_into);
    jsonw_time(w, "created_at", t->created_at);
    jsonw_time(w, "updated_at", t->updated_at);
    jsonw_time(w, "solved_at", t->solved_at);
    jsonw_time(w, "closed_at", t->closed_at);
    jsonw_time(w, "sla_due_at", t->sla_due_at);
    jsonw_bool(w, "sla_breached", t->sla_breached);
    jsonw_object_end(w);
}

void json_out_comment(struct jsonw *w, const char *key, const struct comment *c)
{
    jsonw_object_begin(w, key);
    jsonw_id(w, "id", c->id); /* null in a macro preview: not stored */
    jsonw_id(w, "ticket_id", c->ticket_id);
    jsonw_id(w, "author_id", c->author_id);
    jsonw_bool(w, "public", c->public);
    str_or_empty(w, "body", c->body);
    jsonw_str(w, "via", via_name(c->via));
    jsonw_id(w, "origin_ticket_id", c->origin_ticket_id);
    json_out_ids(w, "attachment_ids", &c->attachment_ids);
    jsonw_time(w, "created_at", c->created_at);
    jsonw_object_end(w);
}

void json_out_event(struct jsonw *w, const char *key, const struct event *e)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", e->id);
    jsonw_id(w, "action_id", e->action_id);
    jsonw_str(w, "entity", entity_name(e->entity));
    jsonw_id(w, "entity_id", e->entity_id);
    jsonw_time(w, "at", e->at);
    jsonw_id(w, "actor_id", e->actor_id); /* null: the system */
    jsonw_str(w, "via", via_name(e->via));
    jsonw_str(w, "kind", event_kind_name(e->kind));
    /* the log keeps "" for "none" */
    str_or_null(w, "field", e->field);
    str_or_null(w, "old", e->old_value);
    str_or_null(w, "new", e->new_value);
    str_or_null(w, "data", e->data);
    jsonw_object_end(w);
}

void json_out_link(struct jsonw *w, const char *key, const struct link *l, int64_t ticket_id)
{
    int64_t other = l->a_id == ticket_id ? l->b_id : l->a_id;
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", l->id);
    jsonw_str(w, "kind", link_view_name(link_view_of(l, ticket_id)));
    jsonw_id(w, "ticket_id", other);
    jsonw_id(w, "creator_id", l->creator_id);
    jsonw_time(w, "created_at", l->created_at);
    jsonw_object_end(w);
}

/* ---- people and structure ---- */

void json_out_user_members(struct jsonw *w, const struct user *u)
{
    jsonw_int(w, "id", u->id);
    str_or_empty(w, "name", u->name);
    str_or_null(w, "email", u->email);
    str_or_null(w, "phone", u->phone);
    str_or_null(w, "telegram", u->telegram);
    jsonw_id(w, "organization_id", u->organization_id);
    jsonw_str(w, "language", u->language ? u->language : "en");
    str_or_empty(w, "time_zone", u->time_zone);
    jsonw_str(w, "role", role_name(u->role));
    jsonw_str(w, "level", u->level == LEVEL_NONE ? NULL : level_name(u->level));
    jsonw_bool(w, "active", u->active);
    jsonw_time(w, "created_at", u->created_at);
    jsonw_time(w, "updated_at", u->updated_at);
    /* password_hash never leaves the server */
}

void json_out_user(struct jsonw *w, const char *key, const struct user *u)
{
    jsonw_object_begin(w, key);
    json_out_user_members(w, u);
    jsonw_object_end(w);
}

void json_out_org(struct jsonw *w, const char *key, const struct organization *o)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", o->id);
    str_or_empty(w, "name", o->name);
    str_or_empty(w, "domains", o->domains);
    str_or_empty(w, "notes", o->notes);
    jsonw_bool(w, "shared_tickets", o->shared_tickets);
    jsonw_time(w, "created_at", o->created_at);
    jsonw_time(w, "updated_at", o->updated_at);
    jsonw_object_end(w);
}

void json_out_group(struct jsonw *w, const char *key, const struct group *g, bool with_members)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", g->id);
    str_or_empty(w, "name", g->name);
    jsonw_str(w, "tier", tier_name(g->tier));
    str_or_empty(w, "description", g->description);
    if (with_members) json_out_ids(w, "member_ids", &g->members);
    jsonw_time(w, "created_at", g->created_at);
    jsonw_time(w, "updated_at", g->updated_at);
    jsonw_object_end(w);
}

static void macro_action(struct jsonw *w, const struct macro_action *x)
{
    jsonw_object_begin(w, NULL);
    jsonw_str(w, "action", macro_action_name(x->kind));
    str_or_empty(w, "value", x->value);
    if (x->kind == MA_SET_CUSTOM_FIELD) str_or_empty(w, "field", x->field);
    jsonw_object_end(w);
}

void json_out_macro(struct jsonw *w, const char *key, const struct macro *m)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", m->id);
    str_or_empty(w, "name", m->name);
    str_or_empty(w, "description", m->description);
    jsonw_bool(w, "active", m->active);
    jsonw_array_begin(w, "actions");
    for (size_t i = 0; i < m->n_actions; i++)
        macro_action(w, &m->actions[i]);
    jsonw_array_end(w);
    jsonw_id(w, "created_by", m->created_by);
    jsonw_time(w, "created_at", m->created_at);
    jsonw_time(w, "updated_at", m->updated_at);
    jsonw_object_end(w);
}

void json_out_attachment(struct jsonw *w, const char *key, const struct attachment *at)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", at->id);
    str_or_empty(w, "filename", at->filename);
    jsonw_int(w, "size", at->size);
    jsonw_str(w, "content_type", at->content_type ? at->content_type : "application/octet-stream");
    jsonw_str(w, "sha256", at->sha256);
    jsonw_time(w, "created_at", at->created_at);
    jsonw_object_end(w);
}

void json_out_api_token(struct jsonw *w, const char *key, const struct api_token *t,
                        const char *secret)
{
    jsonw_object_begin(w, key);
    jsonw_int(w, "id", t->id);
    str_or_empty(w, "name", t->name);
    if (secret) jsonw_str(w, "token", secret);
    jsonw_time(w, "created_at", t->created_at);
    jsonw_time(w, "last_used_at", t->last_used_at);
    jsonw_time(w, "revoked_at", t->revoked_at);
    jsonw_object_end(w);
}

/* ---- arrays ---- */

/* Defines json_out_<plural>(w, key, v, n) from the statement one, which
 * writes v[i]. */
#define ARRAY_OF(plural, type, one)                                                                \
    void json_out_##plural(struct jsonw *w, const char *key, const type *v, size_t n)              \
    {                                                                                              \
        jsonw_array_begin(w, key);                                                                 \
        for (size_t i = 0; i < n; i++)                                                             \
            one;                                                                                   \
        jsonw_array_end(w);                                                                        \
    }

ARRAY_OF(tickets, struct ticket, json_out_ticket(w, NULL, &v[i]))
ARRAY_OF(comments, struct comment, json_out_comment(w, NULL, &v[i]))
ARRAY_OF(events, struct event, json_out_event(w, NULL, &v[i]))
ARRAY_OF(users, struct user, json_out_user(w, NULL, &v[i]))
ARRAY_OF(orgs, struct organization, json_out_org(w, NULL, &v[i]))
ARRAY_OF(groups, struct group, json_out_group(w, NULL, &v[i], false))
ARRAY_OF(macros, struct macro, json_out_macro(w, NULL, &v[i]))
ARRAY_OF(api_tokens, struct api_token, json_out_api_token(w, NULL, &v[i], NULL))

void json_out_links(struct jsonw *w, const char *key, const struct link *v, size_t n,
                    int64_t ticket_id)
{
    jsonw_array_begin(w, key);
    for (size_t i = 0; i < n; i++)
        json_out_link(w, NULL, &v[i], ticket_id);
    jsonw_array_end(w);
}
