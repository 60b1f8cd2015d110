/* json_out.c - opora's objects as JSON, exactly as docs/api.md shows them. */
#include "base/common.h"

#include "http/json_out.h"

/* ---- building an object without checking every call ---- */

/* The first failure (NULL value, or a set that fails) spoils the object;
 * jb_done then frees it and returns NULL. */
struct jb {
    json_t *o;
    bool bad;
};

static struct jb jb_new(void)
{
    struct jb b = {json_object(), false};
    b.bad = b.o == NULL;
    return b;
}

static void put(struct jb *b, const char *key, json_t *v)
{
    if (b->bad || !v) {
        json_decref(v);
        b->bad = true;
        return;
    }
    if (json_object_set_new(b->o, key, v) != 0) b->bad = true;
}

static json_t *jb_done(struct jb *b)
{
    if (b->bad) {
        json_decref(b->o);
        return NULL;
    }
    return b->o;
}

/* A string; NULL is null. */
static json_t *str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* A string where "" means "none": null. */
static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *json_out_id(int64_t id)
{
    return id ? json_integer((json_int_t)id) : json_null();
}

json_t *json_out_time(op_time t)
{
    char buf[32];
    if (!t) return json_null();
    time_format_iso(t, buf);
    return json_string(buf);
}

json_t *json_out_ids(const struct id_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++)
        if (json_array_append_new(a, json_integer((json_int_t)l->v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *strs(const struct str_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++)
        if (json_array_append_new(a, json_string(l->v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* ---- tickets and their conversation ---- */

/* The first requester, then the others (after merges), each once. */
static json_t *requester_ids(const struct ticket *t)
{
    json_t *a = json_array();
    if (a && t->requester_id && json_array_append_new(a, json_integer(t->requester_id)) != 0)
        goto fail;
    for (size_t i = 0; a && i < t->requesters.n; i++) {
        int64_t id = t->requesters.v[i];
        if (id == t->requester_id) continue;
        if (json_array_append_new(a, json_integer((json_int_t)id)) != 0) goto fail;
    }
    return a;
fail:
    json_decref(a);
    return NULL;
}

/* The stored text of custom fields as an object; {} if it is not one (the
 * domain keeps it canonical, so that would be a bug worth a log line). */
static json_t *custom_fields(const char *text)
{
    if (!text || !*text) return json_object();
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(o)) return o;
    json_decref(o);
    return json_object();
}

json_t *json_out_ticket(const struct ticket *t)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)t->id));
    put(&b, "subject", str(t->subject ? t->subject : ""));
    put(&b, "description", str(t->description ? t->description : ""));
    put(&b, "status", json_string(status_name(t->status)));
    put(&b, "priority", json_string(priority_name(t->priority)));
    put(&b, "type", json_string(type_name(t->type)));
    put(&b, "channel", json_string(channel_name(t->channel)));
    put(&b, "requester_id", json_out_id(t->requester_id));
    put(&b, "requester_ids", requester_ids(t));
    put(&b, "organization_id", json_out_id(t->organization_id));
    put(&b, "group_id", json_out_id(t->group_id));
    put(&b, "assignee_id", json_out_id(t->assignee_id));
    put(&b, "tags", strs(&t->tags));
    put(&b, "custom_fields", custom_fields(t->custom_fields));
    put(&b, "merged_into", json_out_id(t->merged_into));
    put(&b, "created_at", json_out_time(t->created_at));
    put(&b, "updated_at", json_out_time(t->updated_at));
    put(&b, "solved_at", json_out_time(t->solved_at));
    put(&b, "closed_at", json_out_time(t->closed_at));
    return jb_done(&b);
}

json_t *json_out_comment(const struct comment *c)
{
    struct jb b = jb_new();
    put(&b, "id", json_out_id(c->id)); /* null in a macro preview: not stored */
    put(&b, "ticket_id", json_out_id(c->ticket_id));
    put(&b, "author_id", json_out_id(c->author_id));
    put(&b, "public", json_boolean(c->public));
    put(&b, "body", str(c->body ? c->body : ""));
    put(&b, "via", json_string(via_name(c->via)));
    put(&b, "origin_ticket_id", json_out_id(c->origin_ticket_id));
    put(&b, "attachment_ids", json_out_ids(&c->attachment_ids));
    put(&b, "created_at", json_out_time(c->created_at));
    return jb_done(&b);
}

json_t *json_out_event(const struct event *e)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)e->id));
    put(&b, "action_id", json_out_id(e->action_id));
    put(&b, "entity", json_string(entity_name(e->entity)));
    put(&b, "entity_id", json_out_id(e->entity_id));
    put(&b, "at", json_out_time(e->at));
    put(&b, "actor_id", json_out_id(e->actor_id)); /* null: the system */
    put(&b, "via", json_string(via_name(e->via)));
    put(&b, "kind", json_string(event_kind_name(e->kind)));
    /* the log keeps "" for "none" */
    put(&b, "field", str_or_null(e->field));
    put(&b, "old", str_or_null(e->old_value));
    put(&b, "new", str_or_null(e->new_value));
    put(&b, "data", str_or_null(e->data));
    return jb_done(&b);
}

json_t *json_out_link(const struct link *l, int64_t ticket_id)
{
    struct jb b = jb_new();
    int64_t other = l->a_id == ticket_id ? l->b_id : l->a_id;
    put(&b, "id", json_integer((json_int_t)l->id));
    put(&b, "kind", json_string(link_view_name(link_view_of(l, ticket_id))));
    put(&b, "ticket_id", json_out_id(other));
    put(&b, "creator_id", json_out_id(l->creator_id));
    put(&b, "created_at", json_out_time(l->created_at));
    return jb_done(&b);
}

/* ---- people and structure ---- */

json_t *json_out_user(const struct user *u)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)u->id));
    put(&b, "name", str(u->name ? u->name : ""));
    put(&b, "email", str_or_null(u->email));
    put(&b, "phone", str_or_null(u->phone));
    put(&b, "telegram", str_or_null(u->telegram));
    put(&b, "organization_id", json_out_id(u->organization_id));
    put(&b, "language", str(u->language ? u->language : "en"));
    put(&b, "time_zone", str(u->time_zone ? u->time_zone : ""));
    put(&b, "role", json_string(role_name(u->role)));
    put(&b, "level", u->level == LEVEL_NONE ? json_null() : json_string(level_name(u->level)));
    put(&b, "active", json_boolean(u->active));
    put(&b, "created_at", json_out_time(u->created_at));
    put(&b, "updated_at", json_out_time(u->updated_at));
    /* password_hash never leaves the server */
    return jb_done(&b);
}

json_t *json_out_org(const struct organization *o)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)o->id));
    put(&b, "name", str(o->name ? o->name : ""));
    put(&b, "domains", str(o->domains ? o->domains : ""));
    put(&b, "notes", str(o->notes ? o->notes : ""));
    put(&b, "shared_tickets", json_boolean(o->shared_tickets));
    put(&b, "created_at", json_out_time(o->created_at));
    put(&b, "updated_at", json_out_time(o->updated_at));
    return jb_done(&b);
}

json_t *json_out_group(const struct group *g, bool with_members)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)g->id));
    put(&b, "name", str(g->name ? g->name : ""));
    put(&b, "tier", json_string(tier_name(g->tier)));
    put(&b, "description", str(g->description ? g->description : ""));
    if (with_members) put(&b, "member_ids", json_out_ids(&g->members));
    put(&b, "created_at", json_out_time(g->created_at));
    put(&b, "updated_at", json_out_time(g->updated_at));
    return jb_done(&b);
}

static json_t *macro_action(const struct macro_action *x)
{
    struct jb b = jb_new();
    put(&b, "action", json_string(macro_action_name(x->kind)));
    put(&b, "value", str(x->value ? x->value : ""));
    if (x->kind == MA_SET_CUSTOM_FIELD) put(&b, "field", str(x->field ? x->field : ""));
    return jb_done(&b);
}

json_t *json_out_macro(const struct macro *m)
{
    struct jb b = jb_new();
    json_t *actions = json_array();
    for (size_t i = 0; actions && i < m->n_actions; i++)
        if (json_array_append_new(actions, macro_action(&m->actions[i])) != 0) {
            json_decref(actions);
            actions = NULL;
        }
    put(&b, "id", json_integer((json_int_t)m->id));
    put(&b, "name", str(m->name ? m->name : ""));
    put(&b, "description", str(m->description ? m->description : ""));
    put(&b, "active", json_boolean(m->active));
    put(&b, "actions", actions);
    put(&b, "created_by", json_out_id(m->created_by));
    put(&b, "created_at", json_out_time(m->created_at));
    put(&b, "updated_at", json_out_time(m->updated_at));
    return jb_done(&b);
}

json_t *json_out_attachment(const struct attachment *at)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)at->id));
    put(&b, "filename", str(at->filename ? at->filename : ""));
    put(&b, "size", json_integer((json_int_t)at->size));
    put(&b, "content_type", str(at->content_type ? at->content_type : "application/octet-stream"));
    put(&b, "sha256", json_string(at->sha256));
    put(&b, "created_at", json_out_time(at->created_at));
    return jb_done(&b);
}

json_t *json_out_api_token(const struct api_token *t, const char *secret)
{
    struct jb b = jb_new();
    put(&b, "id", json_integer((json_int_t)t->id));
    put(&b, "name", str(t->name ? t->name : ""));
    if (secret) put(&b, "token", json_string(secret));
    put(&b, "created_at", json_out_time(t->created_at));
    put(&b, "last_used_at", json_out_time(t->last_used_at));
    put(&b, "revoked_at", json_out_time(t->revoked_at));
    return jb_done(&b);
}

/* ---- arrays ---- */

/* Defines json_out_<plural>(v, n) from json_out_<one>(&v[i]). */
#define ARRAY_OF(plural, type, one)                                                                \
    json_t *json_out_##plural(const type *v, size_t n)                                             \
    {                                                                                              \
        json_t *a = json_array();                                                                  \
        for (size_t i = 0; a && i < n; i++)                                                        \
            if (json_array_append_new(a, one) != 0) {                                              \
                json_decref(a);                                                                    \
                return NULL;                                                                       \
            }                                                                                      \
        return a;                                                                                  \
    }

ARRAY_OF(tickets, struct ticket, json_out_ticket(&v[i]))
ARRAY_OF(comments, struct comment, json_out_comment(&v[i]))
ARRAY_OF(events, struct event, json_out_event(&v[i]))
ARRAY_OF(users, struct user, json_out_user(&v[i]))
ARRAY_OF(orgs, struct organization, json_out_org(&v[i]))
ARRAY_OF(groups, struct group, json_out_group(&v[i], false))
ARRAY_OF(macros, struct macro, json_out_macro(&v[i]))
ARRAY_OF(api_tokens, struct api_token, json_out_api_token(&v[i], NULL))

json_t *json_out_links(const struct link *v, size_t n, int64_t ticket_id)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_out_link(&v[i], ticket_id)) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}
