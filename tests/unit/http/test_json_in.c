/* test_json_in.c - request JSON and query strings into app inputs:
 * JSON types, enum names, unknown and read-only keys, null ids, query
 * filters, and list cursors. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>

#include "http/json_in.h"

/* ---- helpers ---- */

static struct arena A;

static int setup(void **state)
{
    UNUSED(state);
    arena_init(&A, 64 << 20);
    return 0;
}

static int teardown(void **state)
{
    UNUSED(state);
    arena_release(&A);
    return 0;
}

static json_t *J(const char *text)
{
    json_error_t e;
    /* ALLOW_NUL: so that a \u0000 can reach the converters, as a lenient parser would let it */
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    if (!j) fail_msg("bad test JSON: %s: %s", text, e.text);
    return j;
}

#define assert_err(err, rc_, field_, msg_)                                                         \
    do {                                                                                           \
        assert_int_equal((err).rc, (rc_));                                                         \
        assert_string_equal((err).field, (field_));                                                \
        assert_int_equal((err).msg, (msg_));                                                       \
    } while (0)

static op_rc create(const char *text, struct ticket_create *c, struct op_err *err)
{
    json_t *j = J(text);
    op_err_clear(err);
    op_rc rc = json_in_ticket_create(j, &A, c, err);
    json_decref(j);
    return rc;
}

static op_rc update(const char *text, struct ticket_input *in, struct comment_input **c,
                    struct op_err *err)
{
    json_t *j = J(text);
    op_err_clear(err);
    op_rc rc = json_in_ticket_update(j, &A, in, c, err);
    json_decref(j);
    return rc;
}

/* ---- tickets ---- */

static void test_ticket_create_full(void **state)
{
    UNUSED(state);
    struct ticket_create c;
    struct op_err err;
    op_rc rc = create("{\"subject\": \"Printer\", \"description\": \"on fire\","
                      " \"status\": \"open\", \"priority\": \"urgent\", \"type\": \"incident\","
                      " \"channel\": \"phone\", \"requester_id\": 5, \"organization_id\": 3,"
                      " \"group_id\": 2, \"assignee_id\": 7, \"tags\": [\"hw\", \"vip\"],"
                      " \"custom_fields\": {\"plan\": \"pro\", \"a\": 1},"
                      " \"comment\": {\"body\": \"first\", \"attachment_ids\": [11, 12]}}",
                      &c, &err);
    assert_int_equal(rc, OP_OK);
    const struct ticket_input *in = &c.in;
    assert_int_equal(in->set, TF_SUBJECT | TF_DESCRIPTION | TF_STATUS | TF_PRIORITY | TF_TYPE |
                                  TF_CHANNEL | TF_REQUESTER | TF_ORGANIZATION | TF_GROUP |
                                  TF_ASSIGNEE | TF_TAGS | TF_CUSTOM_FIELDS);
    assert_string_equal(in->subject, "Printer");
    assert_string_equal(in->description, "on fire");
    assert_int_equal(in->status, STATUS_OPEN);
    assert_int_equal(in->priority, PRIO_URGENT);
    assert_int_equal(in->type, TYPE_INCIDENT);
    assert_int_equal(in->channel, CH_PHONE);
    assert_int_equal(in->requester_id, 5);
    assert_int_equal(in->organization_id, 3);
    assert_int_equal(in->group_id, 2);
    assert_int_equal(in->assignee_id, 7);
    assert_int_equal(in->tags.n, 2);
    assert_string_equal(in->tags.v[0], "hw");
    assert_string_equal(in->tags.v[1], "vip");
    /* canonical: compact, sorted keys */
    assert_string_equal(in->custom_fields, "{\"a\":1,\"plan\":\"pro\"}");
    assert_non_null(c.comment);
    assert_string_equal(c.comment->body, "first");
    assert_true(c.comment->public); /* the default */
    assert_int_equal(c.comment->attachment_ids.n, 2);
    assert_int_equal(c.comment->attachment_ids.v[1], 12);
    assert_null(c.requester_email);
}

static void test_ticket_create_requester_object(void **state)
{
    UNUSED(state);
    struct ticket_create c;
    struct op_err err;
    assert_int_equal(create("{\"subject\": \"x\", \"requester\": {\"email\": \"a@b.ru\","
                            " \"name\": \"Анна\"}, \"comment\": null}",
                            &c, &err),
                     OP_OK);
    assert_string_equal(c.requester_email, "a@b.ru");
    assert_string_equal(c.requester_name, "Анна");
    assert_false(c.in.set & TF_REQUESTER);
    assert_null(c.comment);

    /* both ways at once would leave one ignored */
    assert_int_equal(
        create("{\"requester_id\": 4, \"requester\": {\"email\": \"a@b.ru\"}}", &c, &err),
        OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester", MSG_API_REQUESTER_BOTH);

    assert_int_equal(create("{\"requester\": {\"name\": \"x\"}}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester.email", MSG_ERR_REQUIRED);

    assert_int_equal(create("{\"requester\": {\"email\": \"a@b.ru\", \"phone\": \"1\"}}", &c, &err),
                     OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester.phone", MSG_ERR_UNKNOWN_FIELD);

    assert_int_equal(create("{\"requester\": \"a@b.ru\"}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester", MSG_ERR_TYPE_OBJECT);
}

static void test_ticket_types(void **state)
{
    UNUSED(state);
    struct ticket_create c;
    struct op_err err;
    static const struct {
        const char *json, *field;
        enum msg_id msg;
    } cases[] = {
        {"{\"subject\": 5}", "subject", MSG_ERR_TYPE_STRING},
        {"{\"subject\": [\"a\"]}", "subject", MSG_ERR_TYPE_STRING},
        {"{\"group_id\": \"2\"}", "group_id", MSG_ERR_TYPE_INTEGER},
        {"{\"group_id\": 2.0}", "group_id", MSG_ERR_TYPE_INTEGER},
        {"{\"group_id\": true}", "group_id", MSG_ERR_TYPE_INTEGER},
        {"{\"assignee_id\": 0}", "assignee_id", MSG_ERR_ID},
        {"{\"assignee_id\": -3}", "assignee_id", MSG_ERR_ID},
        {"{\"tags\": \"a b\"}", "tags", MSG_ERR_TYPE_ARRAY},
        {"{\"tags\": [\"a\", 1]}", "tags[1]", MSG_ERR_TYPE_STRING},
        {"{\"tags\": [null]}", "tags[0]", MSG_ERR_TYPE_STRING},
        {"{\"custom_fields\": []}", "custom_fields", MSG_ERR_TYPE_OBJECT},
        {"{\"custom_fields\": null}", "custom_fields", MSG_ERR_TYPE_OBJECT},
        {"{\"status\": 1}", "status", MSG_ERR_TYPE_STRING},
        {"{\"status\": null}", "status", MSG_ERR_TYPE_STRING},
        {"{\"comment\": \"hi\"}", "comment", MSG_ERR_TYPE_OBJECT},
        {"{\"comment\": {\"body\": \"x\", \"public\": \"yes\"}}", "comment.public",
         MSG_ERR_TYPE_BOOLEAN},
        {"{\"comment\": {\"body\": \"x\", \"attachment_ids\": [1, \"2\"]}}",
         "comment.attachment_ids[1]", MSG_ERR_TYPE_INTEGER},
        {"{\"comment\": {\"public\": false}}", "comment.body", MSG_ERR_REQUIRED},
        {"{\"subject\": \"a\\u0000b\"}", "subject", MSG_ERR_CONTROL_CHARS},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_int_equal(create(cases[i].json, &c, &err), OP_ERR_INVALID);
        assert_err(err, OP_ERR_INVALID, cases[i].field, cases[i].msg);
    }
}

static void test_ticket_enums(void **state)
{
    UNUSED(state);
    struct ticket_create c;
    struct op_err err;
    assert_int_equal(create("{\"status\": \"done\"}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "status", MSG_ERR_ENUM);
    assert_string_equal(err.arg[0], "done");
    assert_string_equal(err.arg[1], status_names_list());
    assert_non_null(strstr(err.arg[1], "on_hold"));

    assert_int_equal(create("{\"priority\": \"Urgent\"}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "priority", MSG_ERR_ENUM);
    assert_string_equal(err.arg[1], priority_names_list());

    /* a name followed by \u0000 is not that name */
    assert_int_equal(create("{\"type\": \"task\\u0000x\"}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "type", MSG_ERR_ENUM);

    assert_int_equal(create("{\"status\": \"pending\", \"type\": \"task\"}", &c, &err), OP_OK);
    assert_int_equal(c.in.status, STATUS_PENDING);
    assert_int_equal(c.in.type, TYPE_TASK);
}

static void test_ticket_unknown_fields(void **state)
{
    UNUSED(state);
    struct ticket_create c;
    struct ticket_input in;
    struct comment_input *cm;
    struct op_err err;
    assert_int_equal(create("{\"subjct\": \"typo\"}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "subjct", MSG_ERR_UNKNOWN_FIELD);
    /* the first fault in document order is reported */
    assert_int_equal(create("{\"subject\": \"ok\", \"zzz\": 1, \"status\": \"bad\"}", &c, &err),
                     OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "zzz", MSG_ERR_UNKNOWN_FIELD);
    assert_int_equal(create("{\"comment\": {\"body\": \"x\", \"bdy\": \"y\"}}", &c, &err),
                     OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "comment.bdy", MSG_ERR_UNKNOWN_FIELD);
    /* add_tags belongs to a change, not a create */
    assert_int_equal(create("{\"add_tags\": [\"a\"]}", &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "add_tags", MSG_ERR_UNKNOWN_FIELD);
    /* channel and requester cannot change */
    assert_int_equal(update("{\"channel\": \"email\"}", &in, &cm, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "channel", MSG_ERR_READONLY_FIELD);
    assert_int_equal(update("{\"requester\": {\"email\": \"a@b.ru\"}}", &in, &cm, &err),
                     OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester", MSG_ERR_READONLY_FIELD);
}

static void test_ticket_update_nulls(void **state)
{
    UNUSED(state);
    struct ticket_input in;
    struct comment_input *cm;
    struct op_err err;
    assert_int_equal(update("{\"assignee_id\": null, \"group_id\": 3, \"add_tags\": [\"x\"],"
                            " \"remove_tags\": null, \"description\": null}",
                            &in, &cm, &err),
                     OP_OK);
    /* null clears: the bit is set and the id is 0 */
    assert_int_equal(in.set,
                     TF_ASSIGNEE | TF_GROUP | TF_ADD_TAGS | TF_REMOVE_TAGS | TF_DESCRIPTION);
    assert_int_equal(in.assignee_id, 0);
    assert_int_equal(in.group_id, 3);
    assert_int_equal(in.add_tags.n, 1);
    assert_int_equal(in.remove_tags.n, 0);
    assert_string_equal(in.description, "");
    assert_null(cm);

    assert_int_equal(update("{\"status\": \"solved\", \"comment\": {\"body\": \"note\","
                            " \"public\": false}}",
                            &in, &cm, &err),
                     OP_OK);
    assert_int_equal(in.set, TF_STATUS);
    assert_int_equal(in.status, STATUS_SOLVED);
    assert_non_null(cm);
    assert_false(cm->public);
    assert_string_equal(cm->body, "note");

    assert_int_equal(update("{}", &in, &cm, &err), OP_OK);
    assert_int_equal(in.set, 0);

    json_t *arr = J("[1]");
    assert_int_equal(json_in_ticket_update(arr, &A, &in, &cm, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_TYPE_OBJECT);
    json_decref(arr);
}

static void test_string_cap(void **state)
{
    UNUSED(state);
    size_t n = JSON_IN_STRING_MAX + 1;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'a', n);
    big[n] = '\0';
    json_t *j = json_pack("{s:s}", "description", big);
    struct ticket_create c;
    struct op_err err = {0};
    assert_int_equal(json_in_ticket_create(j, &A, &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "description", MSG_API_TOO_LARGE);
    /* exactly at the cap passes through (the app checks real limits) */
    json_object_set_new(j, "description", json_stringn(big, n - 1));
    assert_int_equal(json_in_ticket_create(j, &A, &c, &err), OP_OK);
    assert_int_equal(strlen(c.in.description), n - 1);
    json_decref(j);
    free(big);
}

static void test_comment_body(void **state)
{
    UNUSED(state);
    struct comment_input c;
    struct op_err err = {0};
    json_t *j = J("{\"body\": \"hello\", \"public\": false, \"attachment_ids\": [3]}");
    assert_int_equal(json_in_comment(j, NULL, &A, &c, &err), OP_OK);
    assert_string_equal(c.body, "hello");
    assert_false(c.public);
    assert_int_equal(c.attachment_ids.n, 1);
    json_decref(j);
    j = J("{\"text\": \"hello\"}");
    assert_int_equal(json_in_comment(j, NULL, &A, &c, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "text", MSG_ERR_UNKNOWN_FIELD);
    json_decref(j);
}

/* ---- people and structure ---- */

static op_rc user(const char *text, enum json_user_mode mode, struct user_input *in,
                  struct op_err *err)
{
    json_t *j = J(text);
    op_err_clear(err);
    op_rc rc = json_in_user(j, mode, &A, in, err);
    json_decref(j);
    return rc;
}

static void test_user(void **state)
{
    UNUSED(state);
    struct user_input in;
    struct op_err err;
    assert_int_equal(user("{\"name\": \"Ivan\", \"email\": \"i@x.ru\", \"role\": \"agent\","
                          " \"level\": \"middle\", \"active\": false, \"organization_id\": 4,"
                          " \"language\": \"ru\", \"password\": \"longenough\"}",
                          JSON_USER_CREATE, &in, &err),
                     OP_OK);
    assert_int_equal(in.set, UF_NAME | UF_EMAIL | UF_ROLE | UF_LEVEL | UF_ACTIVE | UF_ORGANIZATION |
                                 UF_LANGUAGE | UF_PASSWORD);
    assert_int_equal(in.role, ROLE_AGENT);
    assert_int_equal(in.level, LEVEL_MIDDLE);
    assert_false(in.active);
    assert_int_equal(in.organization_id, 4);
    assert_string_equal(in.password, "longenough");

    assert_int_equal(user("{\"role\": \"boss\"}", JSON_USER_CREATE, &in, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "role", MSG_ERR_ENUM);
    assert_string_equal(err.arg[1], role_names_list());

    /* level null: none (customers have no level) */
    assert_int_equal(
        user("{\"level\": null, \"organization_id\": null}", JSON_USER_UPDATE, &in, &err), OP_OK);
    assert_int_equal(in.set, UF_LEVEL | UF_ORGANIZATION);
    assert_int_equal(in.level, LEVEL_NONE);
    assert_int_equal(in.organization_id, 0);

    assert_int_equal(user("{\"active\": 1}", JSON_USER_UPDATE, &in, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "active", MSG_ERR_TYPE_BOOLEAN);

    /* current_password is for changes only */
    assert_int_equal(user("{\"current_password\": \"x\"}", JSON_USER_CREATE, &in, &err),
                     OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "current_password", MSG_ERR_UNKNOWN_FIELD);
    assert_int_equal(user("{\"password\": \"newpassword\", \"current_password\": \"old\"}",
                          JSON_USER_SELF, &in, &err),
                     OP_OK);
    assert_string_equal(in.current_password, "old");
    assert_int_equal(in.set, UF_PASSWORD);

    /* on /me, what a manager decides is read-only */
    static const char *const managed[] = {"{\"role\": \"admin\"}", "{\"level\": \"senior\"}",
                                          "{\"active\": true}", "{\"organization_id\": 2}"};
    static const char *const names[] = {"role", "level", "active", "organization_id"};
    for (size_t i = 0; i < ARRAY_SIZE(managed); i++) {
        assert_int_equal(user(managed[i], JSON_USER_SELF, &in, &err), OP_ERR_INVALID);
        assert_err(err, OP_ERR_INVALID, names[i], MSG_ERR_READONLY_FIELD);
    }
}

static void test_org_group(void **state)
{
    UNUSED(state);
    struct org_input o;
    struct group_input g;
    struct op_err err = {0};
    json_t *j = J("{\"name\": \"Acme\", \"domains\": [\"acme.ru\", \"acme.com\"],"
                  " \"shared_tickets\": true}");
    assert_int_equal(json_in_org(j, &A, &o, &err), OP_OK);
    assert_int_equal(o.set, OF_NAME | OF_DOMAINS | OF_SHARED);
    assert_string_equal(o.domains, "acme.ru acme.com");
    assert_true(o.shared_tickets);
    json_decref(j);
    j = J("{\"domains\": \"acme.ru\"}");
    assert_int_equal(json_in_org(j, &A, &o, &err), OP_OK);
    assert_string_equal(o.domains, "acme.ru");
    json_decref(j);

    j = J("{\"name\": \"L2\", \"tier\": \"l2\", \"member_ids\": [4, 5, 6]}");
    assert_int_equal(json_in_group(j, &A, &g, &err), OP_OK);
    assert_int_equal(g.set, GF_NAME | GF_TIER | GF_MEMBERS);
    assert_int_equal(g.tier, TIER_L2);
    assert_int_equal(g.members.n, 3);
    assert_int_equal(g.members.v[2], 6);
    json_decref(j);
    j = J("{\"tier\": \"l3\"}");
    assert_int_equal(json_in_group(j, &A, &g, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "tier", MSG_ERR_ENUM);
    assert_string_equal(err.arg[1], tier_names_list());
    json_decref(j);
    j = J("{\"member_ids\": [4, 0]}");
    assert_int_equal(json_in_group(j, &A, &g, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "member_ids[1]", MSG_ERR_ID);
    json_decref(j);
}

static void test_macro(void **state)
{
    UNUSED(state);
    struct macro_input m;
    struct op_err err = {0};
    json_t *j = J("{\"name\": \"Wait\", \"actions\": ["
                  "{\"action\": \"set_status\", \"value\": \"pending\"},"
                  "{\"action\": \"set_group\", \"value\": 5},"
                  "{\"action\": \"set_custom_field\", \"field\": \"plan\", \"value\": \"pro\"},"
                  "{\"action\": \"set_assignee\", \"value\": null}]}");
    assert_int_equal(json_in_macro(j, &A, &m, &err), OP_OK);
    json_decref(j);
    assert_int_equal(m.set, MF_NAME | MF_ACTIONS);
    assert_int_equal(m.n_actions, 4);
    assert_int_equal(m.actions[0].kind, MA_SET_STATUS);
    assert_string_equal(m.actions[0].value, "pending");
    assert_null(m.actions[0].field);
    assert_int_equal(m.actions[1].kind, MA_SET_GROUP);
    assert_string_equal(m.actions[1].value, "5"); /* ids are kept as text */
    assert_string_equal(m.actions[2].field, "plan");
    assert_string_equal(m.actions[3].value, "");

    j = J("{\"actions\": [{\"action\": \"set_status\", \"value\": \"open\"},"
          " {\"action\": \"explode\"}]}");
    assert_int_equal(json_in_macro(j, &A, &m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[1].action", MSG_ERR_ENUM);
    assert_string_equal(err.arg[0], "explode");
    json_decref(j);
    j = J("{\"actions\": [{\"value\": \"open\"}]}");
    assert_int_equal(json_in_macro(j, &A, &m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0].action", MSG_ERR_REQUIRED);
    json_decref(j);
    j = J("{\"actions\": {\"action\": \"note\"}}");
    assert_int_equal(json_in_macro(j, &A, &m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions", MSG_ERR_TYPE_ARRAY);
    json_decref(j);
    j = J("{\"actions\": [\"note\"]}");
    assert_int_equal(json_in_macro(j, &A, &m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0]", MSG_ERR_TYPE_OBJECT);
    json_decref(j);
    j = J("{\"actions\": [{\"action\": \"note\", \"value\": true}]}");
    assert_int_equal(json_in_macro(j, &A, &m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0].value", MSG_ERR_TYPE_STRING);
    json_decref(j);
}

/* ---- query strings ---- */

struct kv {
    const char *k, *v;
};

static const char *kv_get(void *ctx, const char *name)
{
    for (const struct kv *p = ctx; p->k; p++)
        if (strcmp(p->k, name) == 0) return p->v;
    return NULL;
}

#define QS(...) (&(struct qs){kv_get, (struct kv[]){__VA_ARGS__, {NULL, NULL}}})

static void test_query_defaults(void **state)
{
    UNUSED(state);
    struct ticket_filter f;
    struct op_err err = {0};
    assert_int_equal(qs_ticket_list(QS({"x", "1"}), &f, &err), OP_OK);
    assert_int_equal(f.sort, SORT_UPDATED);
    assert_false(f.asc);
    assert_int_equal(f.limit, 25);
    assert_false(f.after.set);
    assert_int_equal(f.status_mask, 0);
    assert_int_equal(f.group_id, 0);
    assert_null(f.tag);
}

static void test_query_filters(void **state)
{
    UNUSED(state);
    struct ticket_filter f;
    struct op_err err = {0};
    assert_int_equal(
        qs_ticket_list(QS({"status", "open, pending"}, {"priority", "urgent"},
                          {"assignee_id", "none"}, {"group_id", "12"}, {"requester_id", "5"},
                          {"tag", "vip"}, {"updated_since", "2026-01-31T12:00:00Z"},
                          {"sort", "priority"}, {"order", "asc"}, {"limit", "100"}),
                       &f, &err),
        OP_OK);
    assert_int_equal(f.status_mask, (1u << STATUS_OPEN) | (1u << STATUS_PENDING));
    assert_int_equal(f.priority_mask, 1u << PRIO_URGENT);
    assert_int_equal(f.assignee_id, ID_NONE);
    assert_int_equal(f.group_id, 12);
    assert_int_equal(f.requester_id, 5);
    assert_string_equal(f.tag, "vip");
    assert_int_equal(f.updated_since, 1769860800000LL);
    assert_int_equal(f.sort, SORT_PRIORITY);
    assert_true(f.asc);
    assert_int_equal(f.limit, 100);
}

static void test_query_errors(void **state)
{
    UNUSED(state);
    struct ticket_filter f;
    struct op_err err = {0};

    assert_int_equal(qs_ticket_list(QS({"status", "open,done"}), &f, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "status", MSG_ERR_ENUM);
    assert_string_equal(err.arg[0], "done");
    assert_int_equal(qs_ticket_list(QS({"status", "open,"}), &f, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "status", MSG_ERR_ENUM);
    assert_string_equal(err.arg[0], "");

    static const struct {
        const char *k, *v;
        enum msg_id msg;
    } bad[] = {
        {"group_id", "0", MSG_ERR_ID},
        {"group_id", "abc", MSG_ERR_ID},
        {"assignee_id", "-1", MSG_ERR_ID},
        {"requester_id", "none", MSG_ERR_ID},
        {"organization_id", "1e3", MSG_ERR_ID},
        {"requester_id", "99999999999999999999", MSG_ERR_ID},
        {"updated_since", "yesterday", MSG_ERR_TIME},
        {"limit", "0", MSG_ERR_RANGE},
        {"limit", "101", MSG_ERR_RANGE},
        {"limit", "ten", MSG_ERR_RANGE},
        {"sort", "random", MSG_ERR_ENUM},
        {"order", "up", MSG_ERR_ENUM},
        {"cursor", "!!!", MSG_ERR_CURSOR},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        op_err_clear(&err);
        assert_int_equal(qs_ticket_list(QS({bad[i].k, bad[i].v}), &f, &err), OP_ERR_INVALID);
        assert_err(err, OP_ERR_INVALID, bad[i].k, bad[i].msg);
    }
    assert_int_equal(qs_ticket_list(QS({"limit", "101"}), &f, &err), OP_ERR_INVALID);
    assert_string_equal(err.arg[0], "1");
    assert_string_equal(err.arg[1], "100");
}

static void test_query_users_and_scalars(void **state)
{
    UNUSED(state);
    struct user_filter uf;
    struct op_err err = {0};
    int64_t id = 77;
    bool b = false;
    size_t n = 9;
    assert_int_equal(
        qs_user_filter(QS({"role", "agent,lead"}, {"after_id", "0"}, {"q", "iv"}), &uf, &err),
        OP_OK);
    assert_int_equal(uf.role_mask, (1u << ROLE_AGENT) | (1u << ROLE_LEAD));
    assert_int_equal(uf.after_id, 0);
    assert_int_equal(uf.limit, 100);
    assert_string_equal(uf.q, "iv");
    assert_int_equal(qs_user_filter(QS({"role", "god"}), &uf, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "role", MSG_ERR_ENUM);
    assert_int_equal(qs_user_filter(QS({"limit", "1001"}), &uf, &err), OP_ERR_INVALID);

    assert_int_equal(qs_id(QS({"x", "1"}), "after", false, &id, &err), OP_OK);
    assert_int_equal(id, 77); /* absent: unchanged */
    assert_int_equal(qs_after_id(QS({"after_id", "x"}), "after_id", &id, &err), OP_ERR_INVALID);
    assert_int_equal(qs_bool(QS({"preview", "true"}), "preview", &b, &err), OP_OK);
    assert_true(b);
    assert_int_equal(qs_bool(QS({"preview", "0"}), "preview", &b, &err), OP_OK);
    assert_false(b);
    assert_int_equal(qs_bool(QS({"preview", "yes"}), "preview", &b, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "preview", MSG_ERR_TYPE_BOOLEAN);
    assert_int_equal(qs_uint(QS({"offset", "0"}), "offset", 0, 10000, &n, &err), OP_OK);
    assert_int_equal(n, 0);
}

/* ---- cursors ---- */

static void test_cursor_round_trip(void **state)
{
    UNUSED(state);
    static const struct cursor cs[] = {
        {true, 1769860800123LL, 42}, {true, -5, 1}, {true, 0, INT64_MAX}, {true, 3, 7}};
    for (enum ticket_sort s = SORT_CREATED; s <= SORT_PRIORITY; s++)
        for (size_t i = 0; i < ARRAY_SIZE(cs); i++) {
            struct op_err err = {0};
            struct cursor out = {0};
            char *text = cursor_encode(s, &cs[i], &A);
            assert_non_null(text);
            /* URL-safe as it is: nothing to escape in a query string */
            assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-_"),
                             strlen(text));
            assert_int_equal(cursor_decode(text, s, &out, &err), OP_OK);
            assert_true(out.set);
            assert_int_equal(out.key, cs[i].key);
            assert_int_equal(out.id, cs[i].id);
            /* a position in one order means nothing in another */
            enum ticket_sort other = s == SORT_UPDATED ? SORT_CREATED : SORT_UPDATED;
            assert_int_equal(cursor_decode(text, other, &out, &err), OP_ERR_INVALID);
            assert_err(err, OP_ERR_INVALID, "cursor", MSG_ERR_CURSOR);
        }
}

static void test_cursor_in_list_query(void **state)
{
    UNUSED(state);
    struct ticket_filter f;
    struct op_err err = {0};
    char *c = cursor_encode(SORT_CREATED, &(struct cursor){true, 1000, 9}, &A);
    assert_int_equal(qs_ticket_list(QS({"sort", "created"}, {"cursor", c}), &f, &err), OP_OK);
    assert_true(f.after.set);
    assert_int_equal(f.after.key, 1000);
    assert_int_equal(f.after.id, 9);
    /* the default sort is "updated": the cursor of a "created" list is refused */
    assert_int_equal(qs_ticket_list(QS({"cursor", c}), &f, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "cursor", MSG_ERR_CURSOR);
}

static void test_cursor_garbage(void **state)
{
    UNUSED(state);
    struct cursor out;
    struct op_err err = {0};
    struct arena *a = &A;
    /* valid base64url of texts that are not cursors */
    static const char *const texts[] = {"updated",      "updated:1",    "updated:x:1",
                                        "updated:1:0",  "updated:1:-4", "updated:1:2:3",
                                        "updatedx:1:2", "updated::2",   ""};
    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        size_t n = strlen(texts[i]);
        size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        char *b = arena_alloc(a, cap);
        sodium_bin2base64(b, cap, (const unsigned char *)texts[i], n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_int_equal(cursor_decode(b, SORT_UPDATED, &out, &err), OP_ERR_INVALID);
        assert_err(err, OP_ERR_INVALID, "cursor", MSG_ERR_CURSOR);
    }
    char longer[400];
    memset(longer, 'A', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(cursor_decode(longer, SORT_UPDATED, &out, &err), OP_ERR_INVALID);
    assert_int_equal(cursor_decode("dXBkYXRlZDoxOjI=", SORT_UPDATED, &out, &err),
                     OP_ERR_INVALID); /* padded: not ours */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticket_create_full),
        cmocka_unit_test(test_ticket_create_requester_object),
        cmocka_unit_test(test_ticket_types),
        cmocka_unit_test(test_ticket_enums),
        cmocka_unit_test(test_ticket_unknown_fields),
        cmocka_unit_test(test_ticket_update_nulls),
        cmocka_unit_test(test_string_cap),
        cmocka_unit_test(test_comment_body),
        cmocka_unit_test(test_user),
        cmocka_unit_test(test_org_group),
        cmocka_unit_test(test_macro),
        cmocka_unit_test(test_query_defaults),
        cmocka_unit_test(test_query_filters),
        cmocka_unit_test(test_query_errors),
        cmocka_unit_test(test_query_users_and_scalars),
        cmocka_unit_test(test_cursor_round_trip),
        cmocka_unit_test(test_cursor_in_list_query),
        cmocka_unit_test(test_cursor_garbage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
