/* json_in.c - request JSON and query strings into the inputs of app.h. */
#include "base/common.h"

#include <sodium.h>

#include "http/json_in.h"

/* ==== reading one JSON value ==== */

/* "prefix.name", or "name" without a prefix, into out[64]. */
static const char *field_name(char out[64], const char *prefix, const char *name)
{
    if (prefix && *prefix)
        snprintf(out, 64, "%s.%s", prefix, name);
    else
        snprintf(out, 64, "%s", name);
    return out;
}

static op_rc nomem(struct op_err *err)
{
    return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
}

/* A JSON string (null: "") copied into a. */
static op_rc read_string(const json_t *v, const char *field, struct arena *a, const char **out,
                         struct op_err *err)
{
    if (json_is_null(v)) {
        *out = "";
        return OP_OK;
    }
    if (!json_is_string(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_STRING);
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n > JSON_IN_STRING_MAX) {
        char m[24];
        snprintf(m, sizeof(m), "%zu", JSON_IN_STRING_MAX);
        return op_fail(err, OP_ERR_INVALID, field, MSG_API_TOO_LARGE, m);
    }
    /* jansson can carry \u0000 inside a string; C strings cannot */
    if (memchr(s, '\0', n)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CONTROL_CHARS);
    char *copy = arena_strndup(a, s, n);
    if (!copy) return nomem(err);
    *out = copy;
    return OP_OK;
}

/* A positive integer id; null is 0 (clear the field). */
static op_rc read_id(const json_t *v, const char *field, bool null_ok, int64_t *out,
                     struct op_err *err)
{
    if (null_ok && json_is_null(v)) {
        *out = 0;
        return OP_OK;
    }
    if (!json_is_integer(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_INTEGER);
    json_int_t n = json_integer_value(v);
    if (n <= 0) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ID);
    *out = (int64_t)n;
    return OP_OK;
}

static op_rc read_enum(const json_t *v, const char *field, const struct jin_field *f, int *out,
                       struct op_err *err)
{
    if ((f->flags & JIN_NULL_ZERO) && json_is_null(v)) {
        *out = 0;
        return OP_OK;
    }
    if (!json_is_string(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_STRING);
    int x = f->parse(json_string_value(v));
    /* a name with \u0000 in it must not match its prefix */
    if (x < 0 || strlen(json_string_value(v)) != json_string_length(v))
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ENUM, json_string_value(v), f->names());
    *out = x;
    return OP_OK;
}

/* Checks that v is an array (null: empty) of at most JSON_IN_ARRAY_MAX items. */
static op_rc check_array(const json_t *v, const char *field, size_t *n, struct op_err *err)
{
    *n = 0;
    if (json_is_null(v)) return OP_OK;
    if (!json_is_array(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_ARRAY);
    *n = json_array_size(v);
    if (*n > JSON_IN_ARRAY_MAX) {
        char m[24];
        snprintf(m, sizeof(m), "%d", JSON_IN_ARRAY_MAX);
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TOO_MANY, m);
    }
    return OP_OK;
}

static op_rc read_id_list(const json_t *v, const char *field, struct arena *a, struct id_list *out,
                          struct op_err *err)
{
    size_t n;
    op_rc rc = check_array(v, field, &n, err);
    if (rc) return rc;
    out->v = NULL;
    out->n = 0;
    if (n == 0) return OP_OK;
    if (!(out->v = arena_alloc(a, n * sizeof(*out->v)))) return nomem(err);
    for (size_t i = 0; i < n; i++) {
        char item[96]; /* op_fail keeps what fits */
        snprintf(item, sizeof(item), "%s[%zu]", field, i);
        if ((rc = read_id(json_array_get(v, i), item, false, &out->v[i], err))) return rc;
    }
    out->n = n;
    return OP_OK;
}

static op_rc read_str_list(const json_t *v, const char *field, struct arena *a,
                           struct str_list *out, struct op_err *err)
{
    size_t n;
    op_rc rc = check_array(v, field, &n, err);
    if (rc) return rc;
    out->v = NULL;
    out->n = 0;
    if (n == 0) return OP_OK;
    if (!(out->v = arena_alloc(a, n * sizeof(*out->v)))) return nomem(err);
    for (size_t i = 0; i < n; i++) {
        char item[96]; /* op_fail keeps what fits */
        const json_t *e = json_array_get(v, i);
        snprintf(item, sizeof(item), "%s[%zu]", field, i);
        if (!json_is_string(e)) return op_fail(err, OP_ERR_INVALID, item, MSG_ERR_TYPE_STRING);
        if ((rc = read_string(e, item, a, (const char **)&out->v[i], err))) return rc;
    }
    out->n = n;
    return OP_OK;
}

/* A string, or an array of strings joined with single spaces. */
static op_rc read_words(const json_t *v, const char *field, struct arena *a, const char **out,
                        struct op_err *err)
{
    if (!json_is_array(v)) return read_string(v, field, a, out, err);
    struct str_list l;
    op_rc rc = read_str_list(v, field, a, &l, err);
    if (rc) return rc;
    size_t len = 1;
    for (size_t i = 0; i < l.n; i++)
        len += strlen(l.v[i]) + 1;
    char *s = arena_alloc(a, len), *p = s;
    if (!s) return nomem(err);
    for (size_t i = 0; i < l.n; i++) {
        size_t k = strlen(l.v[i]);
        if (i) *p++ = ' ';
        memcpy(p, l.v[i], k);
        p += k;
    }
    *p = '\0';
    *out = s;
    return OP_OK;
}

/* A value that the domain keeps as text: a string, an integer or null. */
static op_rc read_scalar_text(const json_t *v, const char *field, struct arena *a, const char **out,
                              struct op_err *err)
{
    if (json_is_integer(v)) {
        char *s = arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        if (!s) return nomem(err);
        *out = s;
        return OP_OK;
    }
    return read_string(v, field, a, out, err);
}

/* An object, kept as its canonical text (sorted keys) for the domain. */
static op_rc read_object_text(const json_t *v, const char *field, struct arena *a, const char **out,
                              struct op_err *err)
{
    if (!json_is_object(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_OBJECT);
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!text) return nomem(err);
    size_t n = strlen(text);
    op_rc rc = OP_OK;
    if (n > JSON_IN_STRING_MAX) {
        char m[24];
        snprintf(m, sizeof(m), "%zu", JSON_IN_STRING_MAX);
        rc = op_fail(err, OP_ERR_INVALID, field, MSG_API_TOO_LARGE, m);
    } else if (!(*out = arena_strndup(a, text, n))) {
        rc = nomem(err);
    }
    free(text);
    return rc;
}

static op_rc read_one(const struct jin_field *f, const json_t *v, const char *field,
                      struct arena *a, struct op_err *err)
{
    switch (f->type) {
    case JIN_STRING:
        return read_string(v, field, a, f->out, err);
    case JIN_ID:
        return read_id(v, field, true, f->out, err);
    case JIN_INT:
        if (!json_is_integer(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_INTEGER);
        *(int64_t *)f->out = json_integer_value(v);
        return OP_OK;
    case JIN_BOOL:
        if (!json_is_boolean(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_BOOLEAN);
        *(bool *)f->out = json_is_true(v);
        return OP_OK;
    case JIN_ENUM:
        return read_enum(v, field, f, f->out, err);
    case JIN_ID_LIST:
        return read_id_list(v, field, a, f->out, err);
    case JIN_STR_LIST:
        return read_str_list(v, field, a, f->out, err);
    case JIN_WORDS:
        return read_words(v, field, a, f->out, err);
    case JIN_SCALAR_TEXT:
        return read_scalar_text(v, field, a, f->out, err);
    case JIN_OBJECT_TEXT:
        return read_object_text(v, field, a, f->out, err);
    case JIN_OBJECT:
        if (json_is_null(v)) {
            *(const json_t **)f->out = NULL;
            return OP_OK;
        }
        if (!json_is_object(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_OBJECT);
        *(const json_t **)f->out = v;
        return OP_OK;
    case JIN_ARRAY:
        if (json_is_null(v)) {
            *(const json_t **)f->out = NULL;
            return OP_OK;
        }
        if (!json_is_array(v)) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TYPE_ARRAY);
        *(const json_t **)f->out = v;
        return OP_OK;
    case JIN_READONLY:
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_READONLY_FIELD);
    }
    return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_UNKNOWN_FIELD);
}

op_rc jin_read(const json_t *o, const char *prefix, const struct jin_field *fields, size_t n,
               unsigned *set, struct arena *a, struct op_err *err)
{
    char field[64];
    uint64_t seen = 0;
    const char *key;
    json_t *v;
    assert(n <= 64);
    if (!json_is_object(o)) return op_fail(err, OP_ERR_INVALID, prefix, MSG_ERR_TYPE_OBJECT);
    /* jansson keeps keys in document order, so the first fault is the one reported */
    json_object_foreach((json_t *)o, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(fields[i].name, key) != 0)
            i++;
        field_name(field, prefix, key);
        if (i == n) return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_UNKNOWN_FIELD);
        op_rc rc = read_one(&fields[i], v, field, a, err);
        if (rc) return rc;
        seen |= (uint64_t)1 << i;
        bool borrowed = fields[i].type == JIN_OBJECT || fields[i].type == JIN_ARRAY;
        if (set && fields[i].bit && !(borrowed && json_is_null(v))) *set |= fields[i].bit;
    }
    for (size_t i = 0; i < n; i++)
        if ((fields[i].flags & JIN_REQUIRED) && !(seen & ((uint64_t)1 << i)))
            return op_fail(err, OP_ERR_INVALID, field_name(field, prefix, fields[i].name),
                           MSG_ERR_REQUIRED);
    return OP_OK;
}

/* ==== request bodies ==== */

op_rc json_in_comment(const json_t *o, const char *prefix, struct arena *a,
                      struct comment_input *out, struct op_err *err)
{
    memset(out, 0, sizeof(*out));
    out->public = true;
    const struct jin_field f[] = {
        {"body", JIN_STRING, 0, &out->body, JIN_REQUIRED},
        {"public", JIN_BOOL, 0, &out->public},
        {"attachment_ids", JIN_ID_LIST, 0, &out->attachment_ids},
    };
    return jin_read(o, prefix, f, ARRAY_SIZE(f), NULL, a, err);
}

/* Reads a nested comment object, if there is one, into *out (from a). */
static op_rc nested_comment(const json_t *c, struct arena *a, struct comment_input **out,
                            struct op_err *err)
{
    *out = NULL;
    if (!c) return OP_OK;
    struct comment_input *ci = arena_alloc(a, sizeof(*ci));
    if (!ci) return nomem(err);
    op_rc rc = json_in_comment(c, "comment", a, ci, err);
    if (!rc) *out = ci;
    return rc;
}

/* The enum values read into ints, copied into the input by the bits set. */
struct ticket_enums {
    int status, priority, type, channel;
};

static void ticket_enums_apply(const struct ticket_enums *e, struct ticket_input *in)
{
    if (in->set & TF_STATUS) in->status = (enum ticket_status)e->status;
    if (in->set & TF_PRIORITY) in->priority = (enum ticket_priority)e->priority;
    if (in->set & TF_TYPE) in->type = (enum ticket_type)e->type;
    if (in->set & TF_CHANNEL) in->channel = (enum channel)e->channel;
}

op_rc json_in_ticket_create(const json_t *o, struct arena *a, struct ticket_create *out,
                            struct op_err *err)
{
    struct ticket_input *in = &out->in;
    struct ticket_enums e = {0};
    const json_t *requester = NULL, *comment = NULL;
    struct comment_input *c;
    op_rc rc;
    memset(out, 0, sizeof(*out));
    const struct jin_field f[] = {
        {"subject", JIN_STRING, TF_SUBJECT, &in->subject},
        {"description", JIN_STRING, TF_DESCRIPTION, &in->description},
        {"status", JIN_ENUM, TF_STATUS, &e.status, 0, status_parse, status_names_list},
        {"priority", JIN_ENUM, TF_PRIORITY, &e.priority, 0, priority_parse, priority_names_list},
        {"type", JIN_ENUM, TF_TYPE, &e.type, 0, type_parse, type_names_list},
        {"channel", JIN_ENUM, TF_CHANNEL, &e.channel, 0, channel_parse, channel_names_list},
        {"requester_id", JIN_ID, TF_REQUESTER, &in->requester_id},
        {"requester", JIN_OBJECT, 0, &requester},
        {"organization_id", JIN_ID, TF_ORGANIZATION, &in->organization_id},
        {"group_id", JIN_ID, TF_GROUP, &in->group_id},
        {"assignee_id", JIN_ID, TF_ASSIGNEE, &in->assignee_id},
        {"tags", JIN_STR_LIST, TF_TAGS, &in->tags},
        {"custom_fields", JIN_OBJECT_TEXT, TF_CUSTOM_FIELDS, &in->custom_fields},
        {"comment", JIN_OBJECT, 0, &comment},
    };
    if ((rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &in->set, a, err))) return rc;
    ticket_enums_apply(&e, in);
    if (requester) {
        /* two ways of naming the requester would leave one silently ignored */
        if (in->set & TF_REQUESTER)
            return op_fail(err, OP_ERR_INVALID, "requester", MSG_API_REQUESTER_BOTH);
        const struct jin_field rf[] = {
            {"email", JIN_STRING, 0, &out->requester_email, JIN_REQUIRED},
            {"name", JIN_STRING, 0, &out->requester_name},
        };
        if ((rc = jin_read(requester, "requester", rf, ARRAY_SIZE(rf), NULL, a, err))) return rc;
    }
    if ((rc = nested_comment(comment, a, &c, err))) return rc;
    out->comment = c;
    return OP_OK;
}

op_rc json_in_ticket_update(const json_t *o, struct arena *a, struct ticket_input *out,
                            struct comment_input **comment, struct op_err *err)
{
    struct ticket_enums e = {0};
    const json_t *c = NULL;
    op_rc rc;
    memset(out, 0, sizeof(*out));
    *comment = NULL;
    const struct jin_field f[] = {
        {"subject", JIN_STRING, TF_SUBJECT, &out->subject},
        {"description", JIN_STRING, TF_DESCRIPTION, &out->description},
        {"status", JIN_ENUM, TF_STATUS, &e.status, 0, status_parse, status_names_list},
        {"priority", JIN_ENUM, TF_PRIORITY, &e.priority, 0, priority_parse, priority_names_list},
        {"type", JIN_ENUM, TF_TYPE, &e.type, 0, type_parse, type_names_list},
        {"channel", JIN_READONLY},
        {"requester", JIN_READONLY},
        {"requester_id", JIN_ID, TF_REQUESTER, &out->requester_id},
        {"organization_id", JIN_ID, TF_ORGANIZATION, &out->organization_id},
        {"group_id", JIN_ID, TF_GROUP, &out->group_id},
        {"assignee_id", JIN_ID, TF_ASSIGNEE, &out->assignee_id},
        {"tags", JIN_STR_LIST, TF_TAGS, &out->tags},
        {"add_tags", JIN_STR_LIST, TF_ADD_TAGS, &out->add_tags},
        {"remove_tags", JIN_STR_LIST, TF_REMOVE_TAGS, &out->remove_tags},
        {"custom_fields", JIN_OBJECT_TEXT, TF_CUSTOM_FIELDS, &out->custom_fields},
        {"comment", JIN_OBJECT, 0, &c},
    };
    if ((rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &out->set, a, err))) return rc;
    ticket_enums_apply(&e, out);
    return nested_comment(c, a, comment, err);
}

op_rc json_in_user(const json_t *o, enum json_user_mode mode, struct arena *a,
                   struct user_input *out, struct op_err *err)
{
    int role = 0, level = 0;
    bool self = mode == JSON_USER_SELF;
    /* on /me these belong to whoever manages the user, not to the user */
    enum jin_type admin_enum = self ? JIN_READONLY : JIN_ENUM;
    memset(out, 0, sizeof(*out));
    const struct jin_field f[] = {
        {"name", JIN_STRING, UF_NAME, &out->name},
        {"email", JIN_STRING, UF_EMAIL, &out->email},
        {"phone", JIN_STRING, UF_PHONE, &out->phone},
        {"telegram", JIN_STRING, UF_TELEGRAM, &out->telegram},
        {"language", JIN_STRING, UF_LANGUAGE, &out->language},
        {"time_zone", JIN_STRING, UF_TIME_ZONE, &out->time_zone},
        {"password", JIN_STRING, UF_PASSWORD, &out->password},
        {"organization_id", self ? JIN_READONLY : JIN_ID, UF_ORGANIZATION, &out->organization_id},
        {"role", admin_enum, UF_ROLE, &role, 0, role_parse, role_names_list},
        {"level", admin_enum, UF_LEVEL, &level, JIN_NULL_ZERO, level_parse, level_names_list},
        {"active", self ? JIN_READONLY : JIN_BOOL, UF_ACTIVE, &out->active},
        /* last: not part of a create */
        {"current_password", JIN_STRING, 0, &out->current_password},
    };
    size_t n = mode == JSON_USER_CREATE ? ARRAY_SIZE(f) - 1 : ARRAY_SIZE(f);
    op_rc rc = jin_read(o, NULL, f, n, &out->set, a, err);
    if (rc) return rc;
    out->role = (enum user_role)role;
    out->level = (enum staff_level)level;
    return OP_OK;
}

op_rc json_in_org(const json_t *o, struct arena *a, struct org_input *out, struct op_err *err)
{
    memset(out, 0, sizeof(*out));
    const struct jin_field f[] = {
        {"name", JIN_STRING, OF_NAME, &out->name},
        {"domains", JIN_WORDS, OF_DOMAINS, &out->domains},
        {"notes", JIN_STRING, OF_NOTES, &out->notes},
        {"shared_tickets", JIN_BOOL, OF_SHARED, &out->shared_tickets},
    };
    return jin_read(o, NULL, f, ARRAY_SIZE(f), &out->set, a, err);
}

op_rc json_in_group(const json_t *o, struct arena *a, struct group_input *out, struct op_err *err)
{
    int tier = 0;
    memset(out, 0, sizeof(*out));
    const struct jin_field f[] = {
        {"name", JIN_STRING, GF_NAME, &out->name},
        {"tier", JIN_ENUM, GF_TIER, &tier, 0, tier_parse, tier_names_list},
        {"description", JIN_STRING, GF_DESCRIPTION, &out->description},
        {"member_ids", JIN_ID_LIST, GF_MEMBERS, &out->members},
    };
    op_rc rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &out->set, a, err);
    if (!rc) out->tier = (enum group_tier)tier;
    return rc;
}

static op_rc macro_actions(const json_t *v, struct arena *a, struct macro_input *out,
                           struct op_err *err)
{
    size_t n;
    op_rc rc = check_array(v, "actions", &n, err);
    if (rc) return rc;
    out->actions = n ? arena_alloc(a, n * sizeof(*out->actions)) : NULL;
    if (n && !out->actions) return nomem(err);
    for (size_t i = 0; i < n; i++) {
        struct macro_action *x = &out->actions[i];
        char prefix[32];
        int kind = 0;
        snprintf(prefix, sizeof(prefix), "actions[%zu]", i);
        const struct jin_field f[] = {
            {"action", JIN_ENUM, 0, &kind, JIN_REQUIRED, macro_action_parse,
             macro_action_names_list},
            {"value", JIN_SCALAR_TEXT, 0, &x->value},
            {"field", JIN_STRING, 0, &x->field},
        };
        if ((rc = jin_read(json_array_get(v, i), prefix, f, ARRAY_SIZE(f), NULL, a, err)))
            return rc;
        x->kind = (enum macro_action_kind)kind;
    }
    out->n_actions = n;
    return OP_OK;
}

op_rc json_in_macro(const json_t *o, struct arena *a, struct macro_input *out, struct op_err *err)
{
    const json_t *actions = NULL;
    memset(out, 0, sizeof(*out));
    const struct jin_field f[] = {
        {"name", JIN_STRING, MF_NAME, &out->name},
        {"description", JIN_STRING, MF_DESCRIPTION, &out->description},
        {"active", JIN_BOOL, MF_ACTIVE, &out->active},
        {"actions", JIN_ARRAY, MF_ACTIONS, &actions},
    };
    op_rc rc = jin_read(o, NULL, f, ARRAY_SIZE(f), &out->set, a, err);
    if (!rc && actions) rc = macro_actions(actions, a, out, err);
    return rc;
}

/* ==== query strings ==== */

static const char *qget(const struct qs *q, const char *name)
{
    return q->get(q->ctx, name);
}

/* Decimal digits only (no sign, no spaces), at most INT64_MAX. */
static bool parse_u63(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* An optional '-' then digits. */
static bool parse_i64(const char *s, size_t n, int64_t *out)
{
    if (n && s[0] == '-') {
        int64_t v;
        if (!parse_u63(s + 1, n - 1, &v)) return false;
        *out = -v;
        return true;
    }
    return parse_u63(s, n, out);
}

op_rc qs_id(const struct qs *q, const char *name, bool allow_none, int64_t *out, struct op_err *err)
{
    const char *v = qget(q, name);
    int64_t id;
    if (!v) return OP_OK;
    if (allow_none && strcmp(v, "none") == 0) {
        *out = ID_NONE;
        return OP_OK;
    }
    if (!parse_u63(v, strlen(v), &id) || id == 0)
        return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_ID);
    *out = id;
    return OP_OK;
}

op_rc qs_after_id(const struct qs *q, const char *name, int64_t *out, struct op_err *err)
{
    const char *v = qget(q, name);
    if (v && !parse_u63(v, strlen(v), out)) return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_ID);
    return OP_OK;
}

op_rc qs_uint(const struct qs *q, const char *name, uint64_t min, uint64_t max, size_t *out,
              struct op_err *err)
{
    const char *v = qget(q, name);
    int64_t x;
    if (!v) return OP_OK;
    if (!parse_u63(v, strlen(v), &x) || (uint64_t)x < min || (uint64_t)x > max) {
        char lo[24], hi[24];
        snprintf(lo, sizeof(lo), "%" PRIu64, min);
        snprintf(hi, sizeof(hi), "%" PRIu64, max);
        return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_RANGE, lo, hi);
    }
    *out = (size_t)x;
    return OP_OK;
}

op_rc qs_bool(const struct qs *q, const char *name, bool *out, struct op_err *err)
{
    const char *v = qget(q, name);
    if (!v) return OP_OK;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_TYPE_BOOLEAN);
    return OP_OK;
}

/* "open,pending" into a bit mask of the values; spaces around names are
 * allowed. An empty or unknown name is MSG_ERR_ENUM. */
static op_rc qs_mask(const struct qs *q, const char *name, int (*parse)(const char *),
                     const char *(*names)(void), unsigned *mask, struct op_err *err)
{
    const char *v = qget(q, name);
    unsigned m = 0;
    if (!v) return OP_OK;
    for (const char *p = v;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[OP_ERR_ARGLEN];
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        /* longer than any name: unknown, and cut to fit the message */
        snprintf(item, sizeof(item), "%.*s", (int)MIN(n, sizeof(item) - 1), p);
        int x = n < sizeof(item) ? parse(item) : -1;
        if (x < 0) return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_ENUM, item, names());
        m |= 1u << x;
        if (!end) break;
        p = end + 1;
    }
    *mask = m;
    return OP_OK;
}

op_rc qs_ticket_filter(const struct qs *q, struct ticket_filter *f, struct op_err *err)
{
    op_rc rc;
    const char *since = qget(q, "updated_since");
    const char *tag = qget(q, "tag");
    if ((rc = qs_mask(q, "status", status_parse, status_names_list, &f->status_mask, err)) ||
        (rc =
             qs_mask(q, "priority", priority_parse, priority_names_list, &f->priority_mask, err)) ||
        (rc = qs_id(q, "group_id", true, &f->group_id, err)) ||
        (rc = qs_id(q, "assignee_id", true, &f->assignee_id, err)) ||
        (rc = qs_id(q, "requester_id", false, &f->requester_id, err)) ||
        (rc = qs_id(q, "organization_id", false, &f->organization_id, err)))
        return rc;
    if (since && time_parse_iso(since, &f->updated_since) != OP_OK)
        return op_fail(err, OP_ERR_INVALID, "updated_since", MSG_ERR_TIME);
    const char *due = qget(q, "sla_due_before");
    if (due && time_parse_iso(due, &f->sla_due_before) != OP_OK)
        return op_fail(err, OP_ERR_INVALID, "sla_due_before", MSG_ERR_TIME);
    if ((rc = qs_bool(q, "sla_breached", &f->sla_breached, err)))
        return rc;
    if (tag) f->tag = tag;
    return OP_OK;
}

static const char *const sort_names[] = {"created", "updated", "priority", "due"};

const char *ticket_sort_name(enum ticket_sort s)
{
    return (unsigned)s < ARRAY_SIZE(sort_names) ? sort_names[s] : "updated";
}

int ticket_sort_parse(const char *s)
{
    for (size_t i = 0; s && i < ARRAY_SIZE(sort_names); i++)
        if (strcmp(s, sort_names[i]) == 0) return (int)i;
    return -1;
}

op_rc qs_ticket_list(const struct qs *q, struct ticket_filter *f, struct op_err *err)
{
    const char *sort = qget(q, "sort"), *order = qget(q, "order"), *cursor = qget(q, "cursor");
    op_rc rc;
    memset(f, 0, sizeof(*f));
    f->sort = SORT_UPDATED;
    f->limit = 25;
    if ((rc = qs_ticket_filter(q, f, err))) return rc;
    if (sort) {
        int s = ticket_sort_parse(sort);
        if (s < 0)
            return op_fail(err, OP_ERR_INVALID, "sort", MSG_ERR_ENUM, sort,
                           "created, updated, priority, due");
        f->sort = (enum ticket_sort)s;
    }
    if (order) {
        if (strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
            return op_fail(err, OP_ERR_INVALID, "order", MSG_ERR_ENUM, order, "desc, asc");
        f->asc = strcmp(order, "asc") == 0;
    }
    if ((rc = qs_uint(q, "limit", 1, 100, &f->limit, err))) return rc;
    if (cursor && (rc = cursor_decode(cursor, f->sort, &f->after, err))) return rc;
    return OP_OK;
}

op_rc qs_user_filter(const struct qs *q, struct user_filter *f, struct op_err *err)
{
    op_rc rc;
    memset(f, 0, sizeof(*f));
    f->limit = 100;
    if ((rc = qs_mask(q, "role", role_parse, role_names_list, &f->role_mask, err)) ||
        (rc = qs_id(q, "organization_id", false, &f->organization_id, err)) ||
        (rc = qs_after_id(q, "after_id", &f->after_id, err)) ||
        (rc = qs_uint(q, "limit", 1, 1000, &f->limit, err)))
        return rc;
    f->q = qget(q, "q");
    return OP_OK;
}

/* ==== cursors ==== */

#define CURSOR_TEXT_MAX 64 /* "priority:" and two int64s fit well within */

char *cursor_encode(enum ticket_sort sort, const struct cursor *c, struct arena *a)
{
    char text[CURSOR_TEXT_MAX];
    int n = snprintf(text, sizeof(text), "%s:%" PRId64 ":%" PRId64, ticket_sort_name(sort), c->key,
                     c->id);
    if (n < 0 || (size_t)n >= sizeof(text)) return NULL;
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, cap);
    if (out)
        sodium_bin2base64(out, cap, (const unsigned char *)text, (size_t)n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

op_rc cursor_decode(const char *s, enum ticket_sort sort, struct cursor *out, struct op_err *err)
{
    unsigned char text[CURSOR_TEXT_MAX + 1];
    size_t n = 0, len = strlen(s);
    const char *sname = ticket_sort_name(sort);
    size_t slen = strlen(sname);
    int64_t key, id;
    if (len == 0 || len > 2 * CURSOR_TEXT_MAX ||
        sodium_base642bin(text, CURSOR_TEXT_MAX, s, len, NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        goto bad;
    text[n] = '\0';
    const char *t = (const char *)text;
    if (strlen(t) != n) goto bad;
    /* "sort:key:id", and the sort must be the list's own: a position in one
     * order means nothing in another */
    if (n <= slen || memcmp(t, sname, slen) != 0 || t[slen] != ':') goto bad;
    const char *k = t + slen + 1, *colon = strchr(k, ':');
    if (!colon || !parse_i64(k, (size_t)(colon - k), &key) ||
        !parse_u63(colon + 1, strlen(colon + 1), &id) || id == 0)
        goto bad;
    *out = (struct cursor){.set = true, .key = key, .id = id};
    return OP_OK;
bad:
    return op_fail(err, OP_ERR_INVALID, "cursor", MSG_ERR_CURSOR);
}
