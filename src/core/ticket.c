/* ticket.c - the ticket's state machine, field rules and change events. */
#include "base/common.h"

#include <jansson.h>

#include "core/ticket.h"
#include "core/validate.h"

static const struct {
    unsigned bit;
    const char *name;
} field_names[] = {
    {TF_SUBJECT, "subject"},       {TF_DESCRIPTION, "description"},
    {TF_STATUS, "status"},         {TF_PRIORITY, "priority"},
    {TF_TYPE, "type"},             {TF_CHANNEL, "channel"},
    {TF_REQUESTER, "requester_id"}, {TF_ORGANIZATION, "organization_id"},
    {TF_GROUP, "group_id"},        {TF_ASSIGNEE, "assignee_id"},
    {TF_TAGS, "tags"},             {TF_ADD_TAGS, "add_tags"},
    {TF_REMOVE_TAGS, "remove_tags"}, {TF_CUSTOM_FIELDS, "custom_fields"},
};

const char *ticket_field_name(unsigned bit)
{
    for (size_t i = 0; i < ARRAY_SIZE(field_names); i++)
        if (field_names[i].bit == bit)
            return field_names[i].name;
    return "";
}

op_rc ticket_fields_allowed(unsigned set, bool create, enum user_role role, struct op_err *err)
{
    if (role != ROLE_CUSTOMER)
        return create ? OP_OK
                      : (set & TF_CHANNEL ? op_fail(err, OP_ERR_INVALID, "channel",
                                                    MSG_ERR_READONLY_FIELD)
                                          : OP_OK);
    unsigned allowed = create ? (TF_SUBJECT | TF_DESCRIPTION | TF_TYPE | TF_CUSTOM_FIELDS)
                              : TF_STATUS;
    unsigned bad = set & ~allowed;
    if (bad) {
        unsigned bit = bad & -bad;
        return op_fail(err, OP_ERR_FORBIDDEN, ticket_field_name(bit), MSG_ERR_FIELD_FORBIDDEN);
    }
    return OP_OK;
}

bool status_change_allowed(enum ticket_status from, enum ticket_status to)
{
    if (from == to)
        return from != STATUS_CLOSED;
    if (from == STATUS_CLOSED || to == STATUS_NEW)
        return false;
    if (to == STATUS_CLOSED)
        return from == STATUS_SOLVED;
    return true;
}

void ticket_set_status(struct ticket *t, enum ticket_status s, op_time now)
{
    if (t->status == s)
        return;
    if (s == STATUS_SOLVED)
        t->solved_at = now;
    else if (s == STATUS_CLOSED)
        t->closed_at = now;
    else
        t->solved_at = 0; /* reopened: the next solve is a new one */
    t->status = s;
}

enum ticket_status status_after_comment(const struct ticket *t, bool by_staff, bool public)
{
    if (!public)
        return t->status;
    if (by_staff)
        return t->status == STATUS_NEW ? STATUS_OPEN : t->status;
    if (t->status == STATUS_PENDING || t->status == STATUS_SOLVED)
        return STATUS_OPEN;
    return t->status;
}

static op_rc copy_tags(const struct str_list *from, struct arena *a, struct str_list *to,
                       size_t extra)
{
    to->n = 0;
    to->v = arena_alloc(a, (from->n + extra + 1) * sizeof(char *));
    if (!to->v)
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < from->n; i++)
        if (!(to->v[to->n++] = arena_strdup(a, from->v[i])))
            return OP_ERR_NOMEM;
    return OP_OK;
}

static op_rc apply_tags(const struct ticket_input *in, struct arena *a, struct ticket *out,
                        struct op_err *err)
{
    op_rc rc;
    struct str_list cur = out->tags, next;
    if (in->set & TF_TAGS) {
        if ((rc = copy_tags(&in->tags, a, &next, 0)))
            return rc;
        if ((rc = tags_normalize("tags", &next, err)))
            return rc;
        cur = next;
    }
    if (in->set & TF_ADD_TAGS) {
        struct str_list add;
        if ((rc = copy_tags(&in->add_tags, a, &add, 0)) || (rc = tags_normalize("add_tags", &add, err)))
            return rc;
        if ((rc = copy_tags(&cur, a, &next, add.n)))
            return rc;
        for (size_t i = 0; i < add.n; i++)
            next.v[next.n++] = add.v[i];
        if ((rc = tags_normalize("tags", &next, err)))
            return rc;
        cur = next;
    }
    if (in->set & TF_REMOVE_TAGS) {
        struct str_list rm;
        if ((rc = copy_tags(&in->remove_tags, a, &rm, 0)) ||
            (rc = tags_normalize("remove_tags", &rm, err)))
            return rc;
        if ((rc = copy_tags(&cur, a, &next, 0)))
            return rc;
        size_t w = 0;
        for (size_t i = 0; i < next.n; i++)
            if (!str_list_has(&rm, next.v[i]))
                next.v[w++] = next.v[i];
        next.n = w;
        cur = next;
    }
    out->tags = cur;
    return OP_OK;
}

static op_rc check_id(const char *field, int64_t id, bool required, struct op_err *err)
{
    if (id < 0 || (required && id == 0))
        return op_fail(err, OP_ERR_INVALID, field, required ? MSG_ERR_REQUIRED : MSG_ERR_ID);
    return OP_OK;
}

op_rc ticket_apply(const struct ticket *old, const struct ticket_input *in, op_time now,
                   struct arena *a, struct ticket *out, struct op_err *err)
{
    op_rc rc;
    unsigned set = in->set;
    if (old) {
        *out = *old;
        if (old->status == STATUS_CLOSED)
            return op_fail(err, OP_ERR_CONFLICT, "status", MSG_ERR_TICKET_CLOSED);
        if (set & TF_CHANNEL)
            return op_fail(err, OP_ERR_INVALID, "channel", MSG_ERR_READONLY_FIELD);
    } else {
        memset(out, 0, sizeof(*out));
        out->status = STATUS_NEW;
        out->priority = PRIO_NORMAL;
        out->type = TYPE_QUESTION;
        out->channel = CH_API;
        out->subject = "";
        out->description = "";
        out->custom_fields = "{}";
        out->created_at = now;
        if (!(set & TF_SUBJECT))
            return op_fail(err, OP_ERR_INVALID, "subject", MSG_ERR_REQUIRED);
        if (!(set & TF_REQUESTER))
            return op_fail(err, OP_ERR_INVALID, "requester_id", MSG_ERR_REQUIRED);
    }
    if (set & TF_SUBJECT) {
        if ((rc = check_text("subject", in->subject, LIMIT_SUBJECT, TEXT_LINE, false, err)))
            return rc;
        out->subject = (char *)in->subject;
    }
    if (set & TF_DESCRIPTION) {
        if ((rc = check_text("description", in->description, LIMIT_TEXT, TEXT_MULTILINE, true,
                             err)))
            return rc;
        out->description = (char *)in->description;
    }
    if (set & TF_PRIORITY) {
        if ((unsigned)in->priority >= PRIO__COUNT)
            return op_fail(err, OP_ERR_INVALID, "priority", MSG_ERR_ENUM, "?",
                           priority_names_list());
        out->priority = in->priority;
    }
    if (set & TF_TYPE) {
        if ((unsigned)in->type >= TYPE__COUNT)
            return op_fail(err, OP_ERR_INVALID, "type", MSG_ERR_ENUM, "?", type_names_list());
        out->type = in->type;
    }
    if (set & TF_CHANNEL) {
        if ((unsigned)in->channel >= CH__COUNT)
            return op_fail(err, OP_ERR_INVALID, "channel", MSG_ERR_ENUM, "?",
                           channel_names_list());
        out->channel = in->channel;
    }
    if (set & TF_REQUESTER) {
        if ((rc = check_id("requester_id", in->requester_id, true, err)))
            return rc;
        out->requester_id = in->requester_id;
    }
    if (set & TF_ORGANIZATION) {
        if ((rc = check_id("organization_id", in->organization_id, false, err)))
            return rc;
        out->organization_id = in->organization_id;
    }
    if (set & TF_GROUP) {
        if ((rc = check_id("group_id", in->group_id, false, err)))
            return rc;
        out->group_id = in->group_id;
    }
    if (set & TF_ASSIGNEE) {
        if ((rc = check_id("assignee_id", in->assignee_id, false, err)))
            return rc;
        out->assignee_id = in->assignee_id;
    }
    if (set & (TF_TAGS | TF_ADD_TAGS | TF_REMOVE_TAGS)) {
        if ((rc = apply_tags(in, a, out, err)))
            return rc;
    }
    if (set & TF_CUSTOM_FIELDS) {
        if ((rc = custom_fields_merge(out->custom_fields, in->custom_fields, a,
                                      &out->custom_fields, err)))
            return rc;
    }

    enum ticket_status from = old ? old->status : STATUS_NEW;
    enum ticket_status to = from;
    if (set & TF_STATUS) {
        if ((unsigned)in->status >= STATUS__COUNT)
            return op_fail(err, OP_ERR_INVALID, "status", MSG_ERR_ENUM, "?", status_names_list());
        to = in->status;
        if (!old && to == STATUS_CLOSED)
            return op_fail(err, OP_ERR_CONFLICT, "status", MSG_ERR_STATUS_CHANGE,
                           status_name(from), status_name(to));
        if (old && !status_change_allowed(from, to))
            return op_fail(err, OP_ERR_CONFLICT, "status", MSG_ERR_STATUS_CHANGE,
                           status_name(from), status_name(to));
    } else if (from == STATUS_NEW && out->assignee_id &&
               (!old || old->assignee_id != out->assignee_id)) {
        to = STATUS_OPEN; /* someone took it */
    }
    if (!old)
        out->status = STATUS_NEW;
    ticket_set_status(out, to, now);
    out->updated_at = now;
    return OP_OK;
}

/* ---- events ---- */

void event_list_init(struct event_list *l, struct arena *a, enum entity entity, int64_t id,
                     op_time at, int64_t actor_id, enum via via)
{
    memset(l, 0, sizeof(*l));
    l->a = a;
    l->entity = entity;
    l->entity_id = id;
    l->at = at;
    l->actor_id = actor_id;
    l->via = via;
}

op_rc event_add(struct event_list *l, enum event_kind kind, const char *field, const char *old_value,
                const char *new_value, const char *data)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct event *v = arena_alloc(l->a, cap * sizeof(*v));
        if (!v)
            return OP_ERR_NOMEM;
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    struct event *e = &l->v[l->n];
    memset(e, 0, sizeof(*e));
    e->entity = l->entity;
    e->entity_id = l->entity_id;
    e->at = l->at;
    e->actor_id = l->actor_id;
    e->via = l->via;
    e->kind = kind;
    e->field = arena_strdup(l->a, field ? field : "");
    e->old_value = arena_strdup(l->a, old_value ? old_value : "");
    e->new_value = arena_strdup(l->a, new_value ? new_value : "");
    e->data = arena_strdup(l->a, data ? data : "");
    if (!e->field || !e->old_value || !e->new_value || !e->data)
        return OP_ERR_NOMEM;
    l->n++;
    return OP_OK;
}

static void id_text(int64_t id, char out[24])
{
    if (id)
        snprintf(out, 24, "%" PRId64, id);
    else
        out[0] = '\0';
}

op_rc event_add_ids(struct event_list *l, enum event_kind kind, const char *field, int64_t old_id,
                    int64_t new_id, const char *data)
{
    char o[24], n[24];
    id_text(old_id, o);
    id_text(new_id, n);
    return event_add(l, kind, field, o, n, data);
}

op_rc event_add_if_changed(struct event_list *l, const char *field, const char *old_value,
                           const char *new_value)
{
    if (strcmp(old_value ? old_value : "", new_value ? new_value : "") == 0)
        return OP_OK;
    return event_add(l, EV_CHANGED, field, old_value, new_value, NULL);
}

op_rc event_add_flag_if_changed(struct event_list *l, const char *field, bool old_value,
                                bool new_value)
{
    return event_add_if_changed(l, field, old_value ? "true" : "false",
                                new_value ? "true" : "false");
}

static op_rc diff_custom(const char *old_text, const char *new_text, struct event_list *out)
{
    op_rc rc = OP_OK;
    json_t *o = json_loads(old_text && *old_text ? old_text : "{}", 0, NULL);
    json_t *n = json_loads(new_text && *new_text ? new_text : "{}", 0, NULL);
    const char *k;
    json_t *v;
    if (!o || !n) {
        rc = OP_ERR_INVALID;
        goto end;
    }
    /* keys in the new object that are new or changed */
    json_object_foreach(n, k, v)
    {
        json_t *ov = json_object_get(o, k);
        if (ov && json_equal(ov, v))
            continue;
        char field[96];
        snprintf(field, sizeof(field), "custom_fields.%s", k);
        char *os = ov ? json_dumps(ov, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        char *ns = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        rc = event_add(out, EV_CHANGED, field, os, ns, NULL);
        free(os);
        free(ns);
        if (rc)
            goto end;
    }
    /* keys that went away */
    json_object_foreach(o, k, v)
    {
        if (json_object_get(n, k))
            continue;
        char field[96];
        snprintf(field, sizeof(field), "custom_fields.%s", k);
        char *os = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        rc = event_add(out, EV_CHANGED, field, os, NULL, NULL);
        free(os);
        if (rc)
            goto end;
    }
end:
    json_decref(o);
    json_decref(n);
    return rc;
}

op_rc ticket_diff(const struct ticket *old, const struct ticket *t, struct event_list *out)
{
    op_rc rc;
    static const struct ticket blank = {.subject = "", .description = "", .custom_fields = "{}"};
    const struct ticket *o = old ? old : &blank;
    if (!old) {
        char id[24];
        id_text(t->id, id);
        if ((rc = event_add(out, EV_CREATED, "", "", id, NULL)))
            return rc;
    }
#define STR_FIELD(name)                                                                     \
    if ((rc = event_add_if_changed(out, #name, o->name, t->name)))                          \
        return rc;
#define ENUM_FIELD(name, fn)                                                                \
    if ((!old || o->name != t->name) &&                                                     \
        (rc = event_add(out, EV_CHANGED, #name, old ? fn(o->name) : "", fn(t->name), NULL))) \
        return rc;
#define ID_FIELD(name)                                                                      \
    if (o->name != t->name && (rc = event_add_ids(out, EV_CHANGED, #name, o->name, t->name, NULL))) \
        return rc;
    STR_FIELD(subject)
    STR_FIELD(description)
    ENUM_FIELD(status, status_name)
    ENUM_FIELD(priority, priority_name)
    ENUM_FIELD(type, type_name)
    ENUM_FIELD(channel, channel_name)
    ID_FIELD(requester_id)
    ID_FIELD(organization_id)
    ID_FIELD(group_id)
    ID_FIELD(assignee_id)
#undef STR_FIELD
#undef ENUM_FIELD
#undef ID_FIELD
    bool tags_same = o->tags.n == t->tags.n;
    for (size_t i = 0; tags_same && i < t->tags.n; i++)
        tags_same = strcmp(o->tags.v[i], t->tags.v[i]) == 0;
    if (!tags_same) {
        char *os = tags_join(&o->tags, out->a), *ns = tags_join(&t->tags, out->a);
        if (!os || !ns)
            return OP_ERR_NOMEM;
        if ((rc = event_add(out, EV_CHANGED, "tags", os, ns, NULL)))
            return rc;
    }
    if (strcmp(o->custom_fields, t->custom_fields) != 0 &&
        (rc = diff_custom(o->custom_fields, t->custom_fields, out)))
        return rc;
    return OP_OK;
}
