/* json_in.h - what a request says, turned into the inputs of app.h: JSON
 * bodies into struct ticket_create, ticket_input, comment_input, user_input,
 * org_input, group_input, macro_input; query strings into filters.
 *
 * Only shape is checked here (JSON types, enum names, unknown keys, id
 * syntax); lengths, UTF-8 and the rules of the domain are the app's. Errors
 * are OP_ERR_INVALID with err naming the field ("comment.body",
 * "tags[2]", "actions[0].action"). Strings of the outputs are copied into the
 * caller's arena, so the JSON may be freed as soon as a call returns. Nothing
 * here knows about HTTP: query strings are read through struct qs. */
#ifndef OPORA_HTTP_JSON_IN_H
#define OPORA_HTTP_JSON_IN_H

#include <jansson.h>

#include "app/app.h"
#include "base/arena.h"
#include "base/rc.h"
#include "store/store.h"

/* Strings longer than this (bytes) are refused before any other check: no
 * field of opora comes near it, and the app's checks walk every byte. */
#define JSON_IN_STRING_MAX ((size_t)1 << 20)
/* Arrays longer than this are refused likewise (the app caps each list lower). */
#define JSON_IN_ARRAY_MAX 1000

/* ---- a table-driven reader for one JSON object ---- */

enum jin_type {
    JIN_STRING,      /* const char **; null is "" */
    JIN_ID,          /* int64_t *; a positive integer; null is 0 (clear) */
    JIN_BOOL,        /* bool * */
    JIN_ENUM,        /* int *; a name that parse() knows */
    JIN_ID_LIST,     /* struct id_list *; an array of ids; null is empty */
    JIN_STR_LIST,    /* struct str_list *; an array of strings; null is empty */
    JIN_WORDS,       /* const char **; a string, or an array of strings joined by spaces */
    JIN_SCALAR_TEXT, /* const char **; a string, an integer (in decimal) or null ("") */
    JIN_OBJECT_TEXT, /* const char **; an object, serialised (sorted keys) */
    JIN_OBJECT,      /* const json_t **; an object, borrowed from the input; null is NULL */
    JIN_ARRAY,       /* const json_t **; an array, borrowed likewise; null is NULL */
    JIN_READONLY,    /* not settable here: present is an error (MSG_ERR_READONLY_FIELD) */
    JIN_INT          /* int64_t *; any integer (the caller checks its range) */
};

#define JIN_REQUIRED 1u  /* absent is MSG_ERR_REQUIRED */
#define JIN_NULL_ZERO 2u /* JIN_ENUM: null is the value 0 */

struct jin_field {
    const char *name;
    enum jin_type type;
    unsigned bit;               /* ORed into *set when the key is present; 0 for none */
    void *out;                  /* where the value goes; see enum jin_type */
    unsigned flags;             /* JIN_REQUIRED, JIN_NULL_ZERO */
    int (*parse)(const char *); /* JIN_ENUM: name -> value, -1 if unknown */
    const char *(*names)(void); /* JIN_ENUM: "a, b, c" for the error message */
};

/* Reads the keys of object o into the outputs the fields name. Keys are
 * taken in the order the document has them, so the first fault is reported;
 * a key no field names is MSG_ERR_UNKNOWN_FIELD (typos must not silently do
 * nothing). prefix ("comment", or NULL) is put before field names in errors.
 * set may be NULL. Returns OP_OK, OP_ERR_INVALID (err filled) or
 * OP_ERR_NOMEM. */
op_rc jin_read(const json_t *o, const char *prefix, const struct jin_field *fields, size_t n,
               unsigned *set, struct arena *a, struct op_err *err);

/* ---- request bodies ---- */

/* POST /tickets. out->comment, when the body has one, points into a. */
op_rc json_in_ticket_create(const json_t *o, struct arena *a, struct ticket_create *out,
                            struct op_err *err);

/* PATCH /tickets/{id}: the fields of a create except channel and requester
 * (refused as read-only), plus add_tags and remove_tags. *comment is NULL or
 * a comment from a. */
op_rc json_in_ticket_update(const json_t *o, struct arena *a, struct ticket_input *out,
                            struct comment_input **comment, struct op_err *err);

/* {body, public (default true), attachment_ids}; prefix as for jin_read. */
op_rc json_in_comment(const json_t *o, const char *prefix, struct arena *a,
                      struct comment_input *out, struct op_err *err);

enum json_user_mode {
    JSON_USER_CREATE, /* POST /users */
    JSON_USER_UPDATE, /* PATCH /users/{id}: also current_password */
    JSON_USER_SELF    /* PATCH /me: role, level, active, organization_id are read-only */
};
op_rc json_in_user(const json_t *o, enum json_user_mode mode, struct arena *a,
                   struct user_input *out, struct op_err *err);
op_rc json_in_org(const json_t *o, struct arena *a, struct org_input *out, struct op_err *err);
op_rc json_in_group(const json_t *o, struct arena *a, struct group_input *out, struct op_err *err);
/* actions: [{"action": name, "value": text, "field": name}, ...] */
op_rc json_in_macro(const json_t *o, struct arena *a, struct macro_input *out, struct op_err *err);

/* ---- query strings ---- */

/* A source of query parameters: get returns the decoded value, or NULL. */
struct qs {
    const char *(*get)(void *ctx, const char *name);
    void *ctx;
};

/* The ticket filters: status and priority (comma lists), group_id and
 * assignee_id (an id or "none"), requester_id, organization_id, tag,
 * updated_since (ISO time). Absent parameters leave f as it is. */
op_rc qs_ticket_filter(const struct qs *q, struct ticket_filter *f, struct op_err *err);

/* The filters plus sort (created, updated, priority; default updated),
 * order (desc, asc; default desc), limit (1-100, default 25) and cursor,
 * which must come from a list with the same sort. */
op_rc qs_ticket_list(const struct qs *q, struct ticket_filter *f, struct op_err *err);

/* role (comma list), organization_id, q, after_id, limit (1-1000, default 100). */
op_rc qs_user_filter(const struct qs *q, struct user_filter *f, struct op_err *err);

/* Parameter name as a positive id into *out (absent: *out unchanged). With
 * allow_none, "none" is ID_NONE. MSG_ERR_ID otherwise. */
op_rc qs_id(const struct qs *q, const char *name, bool allow_none, int64_t *out,
            struct op_err *err);

/* Parameter name as an id or 0, for "after this id" (absent: unchanged). */
op_rc qs_after_id(const struct qs *q, const char *name, int64_t *out, struct op_err *err);

/* Parameter name as an integer in [min, max] (absent: unchanged); MSG_ERR_RANGE. */
op_rc qs_uint(const struct qs *q, const char *name, uint64_t min, uint64_t max, size_t *out,
              struct op_err *err);

/* "true"/"1" or "false"/"0" (absent: unchanged); MSG_ERR_TYPE_BOOLEAN. */
op_rc qs_bool(const struct qs *q, const char *name, bool *out, struct op_err *err);

/* ---- list cursors ---- */

const char *ticket_sort_name(enum ticket_sort s);
int ticket_sort_parse(const char *s);

/* The opaque cursor for position c of a list sorted by sort: base64url
 * (no padding) of "sort:key:id". From a; NULL when a is full. */
char *cursor_encode(enum ticket_sort sort, const struct cursor *c, struct arena *a);

/* Decodes s into out. OP_ERR_INVALID (field "cursor", MSG_ERR_CURSOR) when
 * it is not a cursor or belongs to another sort. */
op_rc cursor_decode(const char *s, enum ticket_sort sort, struct cursor *out, struct op_err *err);

#endif
