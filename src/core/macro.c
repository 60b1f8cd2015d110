/* macro.c - macro validation, placeholder rendering, expansion into a change. */
#include "base/common.h"

#include <ctype.h>
#include <jansson.h>

#include "base/buf.h"
#include "core/macro.h"
#include "core/validate.h"

/* placeholder_value indexes these messages by the enum's value */
_Static_assert(MSG_STATUS_CLOSED - MSG_STATUS_NEW == STATUS_CLOSED, "status names in order");
_Static_assert(MSG_PRIORITY_URGENT - MSG_PRIORITY_LOW == PRIO_URGENT, "priority names in order");
_Static_assert(MSG_TYPE_TASK - MSG_TYPE_QUESTION == TYPE_TASK, "type names in order");

const char *const placeholder_names[] = {
    "ticket.id",
    "ticket.subject",
    "ticket.status",
    "ticket.priority",
    "ticket.type",
    "ticket.tags",
    "ticket.requester.name",
    "ticket.requester.first_name",
    "ticket.requester.email",
    "ticket.organization.name",
    "ticket.group.name",
    "ticket.assignee.name",
    "ticket.assignee.first_name",
    "current_user.name",
    "current_user.first_name",
    "current_user.email",
    NULL,
};

static bool known_placeholder(const char *name, size_t n)
{
    for (size_t i = 0; placeholder_names[i]; i++)
        if (strlen(placeholder_names[i]) == n && memcmp(placeholder_names[i], name, n) == 0)
            return true;
    return false;
}

/* Finds the next "{{ name }}" at or after p: sets *start, *end (after the
 * closing braces) and the trimmed name. Returns false when there is none;
 * *unclosed is set when "{{" has no "}}". */
static bool next_placeholder(const char *p, const char **start, const char **end,
                             const char **name, size_t *name_len, bool *unclosed)
{
    *unclosed = false;
    const char *open = strstr(p, "{{");
    if (!open)
        return false;
    const char *close = strstr(open + 2, "}}");
    if (!close) {
        *unclosed = true;
        return false;
    }
    const char *s = open + 2, *e = close;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    *start = open;
    *end = close + 2;
    *name = s;
    *name_len = (size_t)(e - s);
    return true;
}

op_rc placeholder_check(const char *field, const char *tmpl, struct op_err *err)
{
    const char *p = tmpl, *start, *end, *name;
    size_t n;
    bool unclosed;
    while (next_placeholder(p, &start, &end, &name, &n, &unclosed)) {
        if (!known_placeholder(name, n)) {
            char shown[80];
            snprintf(shown, sizeof(shown), "%.*s", (int)MIN(n, 70u), name);
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_PLACEHOLDER, shown);
        }
        p = end;
    }
    if (unclosed)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_PLACEHOLDER_UNCLOSED);
    return OP_OK;
}

static const char *first_name(const char *full, char *buf, size_t cap)
{
    size_t n = strcspn(full, " \t");
    snprintf(buf, cap, "%.*s", (int)MIN(n, cap - 1), full);
    return buf;
}

static const char *placeholder_value(const char *name, size_t n, const struct placeholder_ctx *c,
                                     char *tmp, size_t cap, struct arena *a)
{
    const struct ticket *t = c->ticket;
#define IS(s) (strlen(s) == n && memcmp(s, name, n) == 0)
    if (IS("ticket.id")) {
        if (!t)
            return "";
        snprintf(tmp, cap, "%" PRId64, t->id);
        return tmp;
    }
    if (IS("ticket.subject"))
        return t ? t->subject : "";
    if (IS("ticket.status"))
        return t ? i18n_text(c->lang, (enum msg_id)(MSG_STATUS_NEW + t->status)) : "";
    if (IS("ticket.priority"))
        return t ? i18n_text(c->lang, (enum msg_id)(MSG_PRIORITY_LOW + t->priority)) : "";
    if (IS("ticket.type"))
        return t ? i18n_text(c->lang, (enum msg_id)(MSG_TYPE_QUESTION + t->type)) : "";
    if (IS("ticket.tags")) {
        char *s = t ? tags_join(&t->tags, a) : NULL;
        return s ? s : "";
    }
    if (IS("ticket.requester.name"))
        return c->requester ? c->requester->name : "";
    if (IS("ticket.requester.first_name"))
        return c->requester ? first_name(c->requester->name, tmp, cap) : "";
    if (IS("ticket.requester.email"))
        return c->requester && c->requester->email ? c->requester->email : "";
    if (IS("ticket.organization.name"))
        return c->organization ? c->organization->name : "";
    if (IS("ticket.group.name"))
        return c->group ? c->group->name : "";
    if (IS("ticket.assignee.name"))
        return c->assignee ? c->assignee->name : "";
    if (IS("ticket.assignee.first_name"))
        return c->assignee ? first_name(c->assignee->name, tmp, cap) : "";
    if (IS("current_user.name"))
        return c->current_user ? c->current_user->name : "";
    if (IS("current_user.first_name"))
        return c->current_user ? first_name(c->current_user->name, tmp, cap) : "";
    if (IS("current_user.email"))
        return c->current_user && c->current_user->email ? c->current_user->email : "";
#undef IS
    return NULL;
}

op_rc placeholder_render(const char *tmpl, const struct placeholder_ctx *ctx, struct arena *a,
                         char **out)
{
    struct buf b = BUF_INIT(4 * LIMIT_TEXT * 4);
    const char *p = tmpl, *start, *end, *name;
    size_t n;
    bool unclosed;
    op_rc rc = OP_OK;
    while (next_placeholder(p, &start, &end, &name, &n, &unclosed)) {
        char tmp[256];
        const char *v = placeholder_value(name, n, ctx, tmp, sizeof(tmp), a);
        if ((rc = buf_append(&b, p, (size_t)(start - p))))
            goto end;
        if (v)
            rc = buf_puts(&b, v);
        else
            rc = buf_append(&b, start, (size_t)(end - start));
        if (rc)
            goto end;
        p = end;
    }
    if ((rc = buf_puts(&b, p)))
        goto end;
    if (!(*out = arena_strndup(a, buf_str(&b), b.len)))
        rc = OP_ERR_NOMEM;
end:
    buf_release(&b);
    return rc;
}

static op_rc parse_id_value(const char *field, const char *v, bool allow_current, int64_t *out,
                            struct op_err *err)
{
    if (!v || !*v) {
        *out = 0;
        return OP_OK;
    }
    if (allow_current && strcmp(v, "current_user") == 0) {
        *out = -1;
        return OP_OK;
    }
    char *end;
    errno = 0;
    long long id = strtoll(v, &end, 10);
    if (errno || *end || id <= 0)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ID);
    *out = id;
    return OP_OK;
}

static op_rc split_tags(const char *field, const char *v, struct arena *a, struct str_list *out,
                        struct op_err *err)
{
    op_rc rc = tags_split(v ? v : "", a, out);
    if (rc)
        return rc;
    return tags_normalize(field, out, err);
}

op_rc macro_validate(const struct macro *m, struct op_err *err)
{
    op_rc rc = check_text("name", m->name, LIMIT_NAME, TEXT_LINE, false, err);
    if (rc)
        return rc;
    if ((rc = check_text("description", m->description ? m->description : "", LIMIT_NOTES,
                         TEXT_MULTILINE, true, err)))
        return rc;
    if (m->n_actions == 0)
        return op_fail(err, OP_ERR_INVALID, "actions", MSG_ERR_EMPTY);
    if (m->n_actions > LIMIT_MACRO_ACTIONS) {
        char lim[16];
        snprintf(lim, sizeof(lim), "%d", LIMIT_MACRO_ACTIONS);
        return op_fail(err, OP_ERR_INVALID, "actions", MSG_ERR_TOO_MANY, lim);
    }
    struct arena a = ARENA_INIT(1 << 20);
    for (size_t i = 0; i < m->n_actions && !rc; i++) {
        const struct macro_action *x = &m->actions[i];
        char field[48];
        snprintf(field, sizeof(field), "actions[%zu].value", i);
        const char *v = x->value ? x->value : "";
        int64_t id;
        struct str_list tags;
        switch (x->kind) {
        case MA_SET_STATUS:
            if (status_parse(v) < 0 || status_parse(v) == STATUS_NEW)
                rc = op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ENUM, v, status_names_list());
            break;
        case MA_SET_PRIORITY:
            if (priority_parse(v) < 0)
                rc = op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ENUM, v, priority_names_list());
            break;
        case MA_SET_TYPE:
            if (type_parse(v) < 0)
                rc = op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ENUM, v, type_names_list());
            break;
        case MA_SET_GROUP:
            rc = parse_id_value(field, v, false, &id, err);
            break;
        case MA_SET_ASSIGNEE:
            rc = parse_id_value(field, v, true, &id, err);
            break;
        case MA_ADD_TAGS:
        case MA_REMOVE_TAGS:
        case MA_SET_TAGS:
            rc = split_tags(field, v, &a, &tags, err);
            break;
        case MA_PUBLIC_REPLY:
        case MA_NOTE:
            rc = check_text(field, v, LIMIT_TEXT, TEXT_MULTILINE, false, err);
            if (!rc)
                rc = placeholder_check(field, v, err);
            break;
        case MA_SET_CUSTOM_FIELD: {
            char f[48];
            snprintf(f, sizeof(f), "actions[%zu].field", i);
            const char *name = x->field ? x->field : "";
            bool ok = *name && strlen(name) <= 64;
            for (const char *p = name; *p; p++)
                ok = ok && (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_');
            if (!ok)
                rc = op_fail(err, OP_ERR_INVALID, f, MSG_ERR_CUSTOM_FIELD_NAME, name);
            else
                rc = check_text(field, v, LIMIT_CUSTOM_VALUE, TEXT_MULTILINE, true, err);
            break;
        }
        default:
            snprintf(field, sizeof(field), "actions[%zu].action", i);
            rc = op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ENUM, "?", macro_action_names_list());
        }
    }
    arena_release(&a);
    return rc;
}

static op_rc append_tags(struct str_list *to, const struct str_list *more, struct arena *a)
{
    char **v = arena_alloc(a, (to->n + more->n + 1) * sizeof(char *));
    if (!v)
        return OP_ERR_NOMEM;
    if (to->n)
        memcpy(v, to->v, to->n * sizeof(char *));
    if (more->n)
        memcpy(v + to->n, more->v, more->n * sizeof(char *));
    to->v = v;
    to->n += more->n;
    return OP_OK;
}

op_rc macro_expand(const struct macro *m, const struct placeholder_ctx *ctx,
                   int64_t current_user_id, struct arena *a, struct macro_result *out,
                   struct op_err *err)
{
    op_rc rc = macro_validate(m, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    struct ticket_input *in = &out->in;
    json_t *custom = NULL;
    for (size_t i = 0; i < m->n_actions && !rc; i++) {
        const struct macro_action *x = &m->actions[i];
        const char *v = x->value ? x->value : "";
        struct str_list tags;
        char *text;
        switch (x->kind) {
        case MA_SET_STATUS:
            in->set |= TF_STATUS;
            in->status = (enum ticket_status)status_parse(v);
            break;
        case MA_SET_PRIORITY:
            in->set |= TF_PRIORITY;
            in->priority = (enum ticket_priority)priority_parse(v);
            break;
        case MA_SET_TYPE:
            in->set |= TF_TYPE;
            in->type = (enum ticket_type)type_parse(v);
            break;
        case MA_SET_GROUP:
            in->set |= TF_GROUP;
            rc = parse_id_value("group_id", v, false, &in->group_id, err);
            break;
        case MA_SET_ASSIGNEE:
            in->set |= TF_ASSIGNEE;
            rc = parse_id_value("assignee_id", v, true, &in->assignee_id, err);
            if (in->assignee_id == -1)
                in->assignee_id = current_user_id;
            break;
        case MA_ADD_TAGS:
        case MA_REMOVE_TAGS:
        case MA_SET_TAGS:
            if ((rc = tags_split(v, a, &tags)))
                break;
            if (x->kind == MA_SET_TAGS) {
                in->set |= TF_TAGS;
                in->tags = tags;
            } else if (x->kind == MA_ADD_TAGS) {
                in->set |= TF_ADD_TAGS;
                rc = append_tags(&in->add_tags, &tags, a);
            } else {
                in->set |= TF_REMOVE_TAGS;
                rc = append_tags(&in->remove_tags, &tags, a);
            }
            break;
        case MA_PUBLIC_REPLY:
        case MA_NOTE:
            if ((rc = placeholder_render(v, ctx, a, &text)))
                break;
            {
                char **slot = x->kind == MA_PUBLIC_REPLY ? &out->public_reply : &out->note;
                /* several replies in one macro are joined into one message */
                *slot = *slot ? arena_printf(a, "%s\n\n%s", *slot, text) : text;
                if (!*slot)
                    rc = OP_ERR_NOMEM;
            }
            break;
        case MA_SET_CUSTOM_FIELD:
            /* the last action on a field wins */
            in->set |= TF_CUSTOM_FIELDS;
            if (!custom && !(custom = json_object()))
                rc = OP_ERR_NOMEM;
            else if (json_object_set_new(custom, x->field, json_string(v)))
                rc = OP_ERR_NOMEM;
            break;
        default:
            break;
        }
    }
    if (!rc && custom) {
        char *text = json_dumps(custom, JSON_SORT_KEYS | JSON_COMPACT);
        if (!text || !(in->custom_fields = arena_strdup(a, text)))
            rc = OP_ERR_NOMEM;
        free(text);
    }
    json_decref(custom);
    return rc;
}
