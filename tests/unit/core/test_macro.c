/* test_macro.c - macro validation, {{placeholder}} rendering and expansion
 * into a ticket change (src/core/macro.c). */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/macro.h"
#include "core/validate.h"

#define assert_err(e, rc_, field_, msg_)                                                           \
    do {                                                                                           \
        assert_int_equal((e).rc, (rc_));                                                           \
        assert_string_equal((e).field, (field_));                                                  \
        assert_int_equal((e).msg, (msg_));                                                         \
    } while (0)

/* ---- placeholder_check ---- */

static void test_placeholder_check_known(void **state)
{
    UNUSED(state);
    struct op_err err;
    char tmpl[128];
    size_t count = 0;
    for (size_t i = 0; placeholder_names[i]; i++, count++) {
        snprintf(tmpl, sizeof(tmpl), "x {{%s}} y", placeholder_names[i]);
        assert_int_equal(placeholder_check("body", tmpl, &err), OP_OK);
    }
    assert_int_equal(count, 16); /* the list in docs/api.md */

    static const char *const ok[] = {
        "",
        "no placeholders at all",
        "Hello {{ticket.requester.first_name}}, your request #{{ticket.id}} is {{ticket.status}}.",
        "{{ ticket.id }}",         /* spaces inside the braces */
        "{{\tticket.subject \n}}", /* any white space */
        "{{ticket.id}}{{ticket.id}}",
        "{single} braces and }} alone",
        "{{current_user.email}}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (placeholder_check("body", ok[i], &err) != OP_OK) fail_msg("refused: %s", ok[i]);
}

static void test_placeholder_check_refused(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const struct {
        const char *tmpl;
        enum msg_id msg;
        const char *arg;
    } bad[] = {
        {"{{ticket.unknown}}", MSG_ERR_PLACEHOLDER, "ticket.unknown"},
        {"Hi {{ ticket.nope }} there", MSG_ERR_PLACEHOLDER, "ticket.nope"},
        {"{{TICKET.ID}}", MSG_ERR_PLACEHOLDER, "TICKET.ID"},
        {"{{ticket. id}}", MSG_ERR_PLACEHOLDER, "ticket. id"},
        {"{{}}", MSG_ERR_PLACEHOLDER, ""},
        {"{{ticket.id}} and {{requester.name}}", MSG_ERR_PLACEHOLDER, "requester.name"},
        {"{{ticket.id", MSG_ERR_PLACEHOLDER_UNCLOSED, NULL},
        {"ok {{ticket.id}} then {{", MSG_ERR_PLACEHOLDER_UNCLOSED, NULL},
        {"{{ticket.id}", MSG_ERR_PLACEHOLDER_UNCLOSED, NULL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        op_err_clear(&err);
        if (placeholder_check("actions[2].value", bad[i].tmpl, &err) != OP_ERR_INVALID)
            fail_msg("accepted: %s", bad[i].tmpl);
        assert_err(err, OP_ERR_INVALID, "actions[2].value", bad[i].msg);
        if (bad[i].arg) assert_string_equal(err.arg[0], bad[i].arg);
    }
    /* a long unknown name is shown shortened, not overflowing the error */
    char tmpl[300];
    memset(tmpl, 'z', sizeof(tmpl));
    memcpy(tmpl, "{{", 2);
    memcpy(tmpl + 250, "}}", 3);
    assert_int_equal(placeholder_check("body", tmpl, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_PLACEHOLDER);
    assert_int_equal(strlen(err.arg[0]), 70);
}

/* ---- placeholder_render ---- */

struct world {
    struct ticket ticket;
    struct user requester, assignee, me;
    struct organization org;
    struct group group;
    char *tags[2];
};

static void world_init(struct world *w)
{
    memset(w, 0, sizeof(*w));
    w->tags[0] = "billing";
    w->tags[1] = "vip";
    w->ticket = (struct ticket){.id = 42,
                                .subject = "Не печатает принтер",
                                .status = STATUS_PENDING,
                                .priority = PRIO_HIGH,
                                .type = TYPE_INCIDENT,
                                .tags = {w->tags, 2},
                                .custom_fields = "{}",
                                .requester_id = 5};
    w->requester = (struct user){.id = 5, .name = "Анна Петрова", .email = "anna@example.com"};
    w->assignee = (struct user){.id = 7, .name = "Boris\tBadenov", .email = "boris@example.com"};
    w->me = (struct user){.id = 9, .name = "Carl", .email = "carl@example.com"};
    w->org = (struct organization){.id = 3, .name = "ООО «Ромашка»"};
    w->group = (struct group){.id = 2, .name = "L2 support"};
}

static struct placeholder_ctx world_ctx(const struct world *w, enum lang lang)
{
    return (struct placeholder_ctx){&w->ticket, &w->requester, &w->assignee, &w->me,
                                    &w->org,    &w->group,     lang};
}

static char *render(const char *tmpl, const struct placeholder_ctx *ctx, struct arena *a)
{
    char *out = NULL;
    assert_int_equal(placeholder_render(tmpl, ctx, a, &out), OP_OK);
    assert_non_null(out);
    return out;
}

static void test_render_every_placeholder(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct world w;
    world_init(&w);
    struct placeholder_ctx en = world_ctx(&w, LANG_EN), ru = world_ctx(&w, LANG_RU);
    static const char *const want[][3] = {
        /* name, English, Russian */
        {"ticket.id", "42", "42"},
        {"ticket.subject", "Не печатает принтер", "Не печатает принтер"},
        {"ticket.status", "Pending", "Ожидает ответа клиента"},
        {"ticket.priority", "High", "Высокий"},
        {"ticket.type", "Incident", "Инцидент"},
        {"ticket.tags", "billing vip", "billing vip"},
        {"ticket.requester.name", "Анна Петрова", "Анна Петрова"},
        {"ticket.requester.first_name", "Анна", "Анна"},
        {"ticket.requester.email", "anna@example.com", "anna@example.com"},
        {"ticket.organization.name", "ООО «Ромашка»", "ООО «Ромашка»"},
        {"ticket.group.name", "L2 support", "L2 support"},
        {"ticket.assignee.name", "Boris\tBadenov", "Boris\tBadenov"},
        {"ticket.assignee.first_name", "Boris", "Boris"},
        {"current_user.name", "Carl", "Carl"},
        {"current_user.first_name", "Carl", "Carl"}, /* one word: the whole name */
        {"current_user.email", "carl@example.com", "carl@example.com"},
    };
    size_t n = 0;
    for (; placeholder_names[n]; n++)
        ;
    assert_int_equal(n, ARRAY_SIZE(want)); /* a new placeholder needs a line here */
    char tmpl[96], expect[128];
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        snprintf(tmpl, sizeof(tmpl), "<{{%s}}>", want[i][0]);
        snprintf(expect, sizeof(expect), "<%s>", want[i][1]);
        assert_string_equal(render(tmpl, &en, &a), expect);
        snprintf(expect, sizeof(expect), "<%s>", want[i][2]);
        assert_string_equal(render(tmpl, &ru, &a), expect);
    }
    arena_release(&a);
}

static void test_render_value_names_by_language(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct world w;
    world_init(&w);
    struct placeholder_ctx en = world_ctx(&w, LANG_EN), ru = world_ctx(&w, LANG_RU);
    static const char *const status_en[] = {"New",     "Open",   "Pending",
                                            "On hold", "Solved", "Closed"};
    static const char *const status_ru[] = {"Новое",          "Открыто", "Ожидает ответа клиента",
                                            "Приостановлено", "Решено",  "Закрыто"};
    for (int s = 0; s < STATUS__COUNT; s++) {
        w.ticket.status = (enum ticket_status)s;
        assert_string_equal(render("{{ticket.status}}", &en, &a), status_en[s]);
        assert_string_equal(render("{{ticket.status}}", &ru, &a), status_ru[s]);
    }
    static const char *const prio_en[] = {"Low", "Normal", "High", "Urgent"};
    static const char *const prio_ru[] = {"Низкий", "Обычный", "Высокий", "Срочный"};
    for (int p = 0; p < PRIO__COUNT; p++) {
        w.ticket.priority = (enum ticket_priority)p;
        assert_string_equal(render("{{ticket.priority}}", &en, &a), prio_en[p]);
        assert_string_equal(render("{{ticket.priority}}", &ru, &a), prio_ru[p]);
    }
    static const char *const type_en[] = {"Question", "Incident", "Problem", "Task"};
    static const char *const type_ru[] = {"Вопрос", "Инцидент", "Проблема", "Задача"};
    for (int t = 0; t < TYPE__COUNT; t++) {
        w.ticket.type = (enum ticket_type)t;
        assert_string_equal(render("{{ticket.type}}", &en, &a), type_en[t]);
        assert_string_equal(render("{{ticket.type}}", &ru, &a), type_ru[t]);
    }
    arena_release(&a);
}

static void test_render_missing_objects(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct placeholder_ctx none = {.lang = LANG_RU};
    char tmpl[96];
    for (size_t i = 0; placeholder_names[i]; i++) {
        snprintf(tmpl, sizeof(tmpl), "[{{%s}}]", placeholder_names[i]);
        if (strcmp(render(tmpl, &none, &a), "[]") != 0)
            fail_msg("%s rendered without its object", placeholder_names[i]);
    }
    /* people without an email */
    struct user nomail = {.id = 1, .name = "Solo"};
    struct placeholder_ctx c = {.requester = &nomail, .current_user = &nomail};
    assert_string_equal(render("[{{ticket.requester.email}}|{{current_user.email}}]", &c, &a),
                        "[|]");
    /* a ticket without tags */
    struct ticket t = {.id = 1, .subject = "s", .custom_fields = "{}"};
    struct placeholder_ctx tc = {.ticket = &t};
    assert_string_equal(render("[{{ticket.tags}}]", &tc, &a), "[]");
    arena_release(&a);
}

static void test_render_text_around(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct world w;
    world_init(&w);
    struct placeholder_ctx en = world_ctx(&w, LANG_EN);

    assert_string_equal(render("", &en, &a), "");
    assert_string_equal(render("no placeholders", &en, &a), "no placeholders");
    assert_string_equal(render("#{{ticket.id}}-{{ticket.id}} {{ ticket.id }}!", &en, &a),
                        "#42-42 42!");
    assert_string_equal(
        render("Здравствуйте, {{ticket.requester.first_name}}!\n\nОбращение №{{ticket.id}}:\n"
               "«{{ticket.subject}}»\n-- \n{{current_user.name}}",
               &en, &a),
        "Здравствуйте, Анна!\n\nОбращение №42:\n«Не печатает принтер»\n-- \nCarl");
    /* unknown placeholders are left as written, spaces and all */
    assert_string_equal(render("a {{foo.bar}} b {{ nope }} c {{ticket.id}}", &en, &a),
                        "a {{foo.bar}} b {{ nope }} c 42");
    /* an unclosed one is plain text */
    assert_string_equal(render("x {{ticket.id}} {{ticket.id", &en, &a), "x 42 {{ticket.id");
    /* single braces are not placeholders */
    assert_string_equal(render("{ticket.id} {{{ticket.id}}}", &en, &a),
                        "{ticket.id} {{{ticket.id}}}");
    /* values are inserted as they are, never expanded again */
    w.ticket.subject = "{{current_user.email}}";
    assert_string_equal(render("S: {{ticket.subject}}", &en, &a), "S: {{current_user.email}}");
    arena_release(&a);
}

/* ---- macro_validate ---- */

static struct macro one(enum macro_action_kind kind, const char *value, struct macro_action *x)
{
    x->kind = kind;
    x->value = (char *)value;
    x->field = NULL;
    return (struct macro){
        .id = 1, .name = "Reply and pend", .active = true, .actions = x, .n_actions = 1};
}

static void test_validate_shape(void **state)
{
    UNUSED(state);
    struct op_err err;
    struct macro_action x;
    struct macro m = one(MA_SET_STATUS, "pending", &x);
    assert_int_equal(macro_validate(&m, &err), OP_OK);

    m.n_actions = 0;
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions", MSG_ERR_EMPTY);

    struct macro_action many[LIMIT_MACRO_ACTIONS + 1];
    for (size_t i = 0; i < ARRAY_SIZE(many); i++)
        many[i] = (struct macro_action){MA_ADD_TAGS, "t", NULL};
    m.actions = many;
    m.n_actions = LIMIT_MACRO_ACTIONS;
    assert_int_equal(macro_validate(&m, &err), OP_OK);
    m.n_actions = LIMIT_MACRO_ACTIONS + 1;
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions", MSG_ERR_TOO_MANY);
    assert_string_equal(err.arg[0], "20");

    m = one(MA_SET_STATUS, "open", &x);
    m.name = NULL;
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
    m.name = "  ";
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "name", MSG_ERR_EMPTY);
    m.name = "two\nlines";
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "name", MSG_ERR_CONTROL_CHARS);
    m.name = "Ответить и ждать";
    m.description = "multi\nline description";
    assert_int_equal(macro_validate(&m, &err), OP_OK);
    m.description = "bad \x01";
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "description", MSG_ERR_CONTROL_CHARS);

    /* an unknown action kind */
    m = one((enum macro_action_kind)MA__COUNT, "x", &x);
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0].action", MSG_ERR_ENUM);
}

static void test_validate_values(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const struct {
        enum macro_action_kind kind;
        const char *value;
        enum msg_id msg; /* MSG_NONE: valid */
    } cases[] = {
        {MA_SET_STATUS, "open", MSG_NONE},
        {MA_SET_STATUS, "pending", MSG_NONE},
        {MA_SET_STATUS, "on_hold", MSG_NONE},
        {MA_SET_STATUS, "solved", MSG_NONE},
        {MA_SET_STATUS, "closed", MSG_NONE},
        {MA_SET_STATUS, "new", MSG_ERR_ENUM}, /* nothing goes back to new */
        {MA_SET_STATUS, "Open", MSG_ERR_ENUM},
        {MA_SET_STATUS, "", MSG_ERR_ENUM},
        {MA_SET_STATUS, NULL, MSG_ERR_ENUM},
        {MA_SET_PRIORITY, "urgent", MSG_NONE},
        {MA_SET_PRIORITY, "critical", MSG_ERR_ENUM},
        {MA_SET_TYPE, "task", MSG_NONE},
        {MA_SET_TYPE, "bug", MSG_ERR_ENUM},
        {MA_SET_GROUP, "12", MSG_NONE},
        {MA_SET_GROUP, "", MSG_NONE}, /* clears */
        {MA_SET_GROUP, "0", MSG_ERR_ID},
        {MA_SET_GROUP, "-3", MSG_ERR_ID},
        {MA_SET_GROUP, "12x", MSG_ERR_ID},
        {MA_SET_GROUP, "x", MSG_ERR_ID},
        {MA_SET_GROUP, "99999999999999999999", MSG_ERR_ID},
        {MA_SET_GROUP, "current_user", MSG_ERR_ID}, /* only for assignees */
        {MA_SET_ASSIGNEE, "current_user", MSG_NONE},
        {MA_SET_ASSIGNEE, "7", MSG_NONE},
        {MA_SET_ASSIGNEE, "", MSG_NONE},
        {MA_SET_ASSIGNEE, "me", MSG_ERR_ID},
        {MA_SET_ASSIGNEE, "1.5", MSG_ERR_ID},
        {MA_ADD_TAGS, "vip  Billing", MSG_NONE},
        {MA_ADD_TAGS, "a,b", MSG_ERR_TAG},
        {MA_REMOVE_TAGS, "ok b\x7f", MSG_ERR_TAG},
        {MA_SET_TAGS, "", MSG_NONE},
        {MA_SET_TAGS, "nb\xc2\xa0sp", MSG_ERR_TAG},
        {MA_PUBLIC_REPLY, "Hello {{ticket.requester.first_name}}!", MSG_NONE},
        {MA_PUBLIC_REPLY, "Hello {{ticket.requester.nick}}!", MSG_ERR_PLACEHOLDER},
        {MA_PUBLIC_REPLY, "Hello {{ticket.id", MSG_ERR_PLACEHOLDER_UNCLOSED},
        {MA_PUBLIC_REPLY, "", MSG_ERR_EMPTY},
        {MA_PUBLIC_REPLY, "bad \xff", MSG_ERR_UTF8},
        {MA_NOTE, "Checked {{current_user.name}}\n\tdone", MSG_NONE},
        {MA_NOTE, "{{ unknown }}", MSG_ERR_PLACEHOLDER},
        {MA_NOTE, "\x1b[1m", MSG_ERR_CONTROL_CHARS},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct macro_action x[2] = {{MA_SET_PRIORITY, "low", NULL}};
        struct macro m = one(MA_SET_PRIORITY, "low", &x[0]);
        x[1] = (struct macro_action){cases[i].kind, (char *)cases[i].value, NULL};
        m.n_actions = 2;
        op_err_clear(&err);
        op_rc rc = macro_validate(&m, &err);
        if (cases[i].msg == MSG_NONE) {
            if (rc != OP_OK)
                fail_msg("case %zu (%s \"%s\") refused", i, macro_action_name(cases[i].kind),
                         cases[i].value ? cases[i].value : "(null)");
        } else {
            if (rc != OP_ERR_INVALID)
                fail_msg("case %zu (%s \"%s\") accepted", i, macro_action_name(cases[i].kind),
                         cases[i].value ? cases[i].value : "(null)");
            assert_err(err, OP_ERR_INVALID, "actions[1].value", cases[i].msg);
        }
    }
}

static void test_validate_custom_field(void **state)
{
    UNUSED(state);
    struct op_err err;
    struct macro_action x;
    struct macro m = one(MA_SET_CUSTOM_FIELD, "pro", &x);
    x.field = "plan_2";
    assert_int_equal(macro_validate(&m, &err), OP_OK);
    x.value = ""; /* an empty string value is fine */
    assert_int_equal(macro_validate(&m, &err), OP_OK);
    x.value = "line\nline \"quoted\" back\\slash";
    assert_int_equal(macro_validate(&m, &err), OP_OK);

    static const char *const bad_names[] = {"Plan", "plan-2", "plan 2", "", "поле", NULL};
    for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++) {
        x.field = (char *)bad_names[i];
        op_err_clear(&err);
        assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
        assert_err(err, OP_ERR_INVALID, "actions[0].field", MSG_ERR_CUSTOM_FIELD_NAME);
        assert_string_equal(err.arg[0], bad_names[i] ? bad_names[i] : "");
    }
    char name[80];
    memset(name, 'n', sizeof(name));
    name[64] = '\0';
    x.field = name;
    assert_int_equal(macro_validate(&m, &err), OP_OK);
    name[64] = 'n';
    name[65] = '\0';
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_CUSTOM_FIELD_NAME);

    x.field = "plan";
    x.value = "bell\a";
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0].value", MSG_ERR_CONTROL_CHARS);
    char big[LIMIT_CUSTOM_VALUE + 2];
    memset(big, 'v', sizeof(big));
    big[LIMIT_CUSTOM_VALUE + 1] = '\0';
    x.value = big;
    assert_int_equal(macro_validate(&m, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0].value", MSG_ERR_TOO_LONG);
}

/* ---- macro_expand ---- */

static void test_expand_fields(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err;
    struct world w;
    world_init(&w);
    struct placeholder_ctx ctx = world_ctx(&w, LANG_EN);
    struct macro_action x[] = {
        {MA_SET_STATUS, "pending", NULL},        {MA_SET_PRIORITY, "urgent", NULL},
        {MA_SET_TYPE, "problem", NULL},          {MA_SET_GROUP, "12", NULL},
        {MA_SET_ASSIGNEE, "current_user", NULL},
    };
    struct macro m = {.name = "m", .actions = x, .n_actions = ARRAY_SIZE(x)};
    struct macro_result r;
    assert_int_equal(macro_expand(&m, &ctx, 9, &a, &r, &err), OP_OK);
    assert_int_equal(r.in.set, TF_STATUS | TF_PRIORITY | TF_TYPE | TF_GROUP | TF_ASSIGNEE);
    assert_int_equal(r.in.status, STATUS_PENDING);
    assert_int_equal(r.in.priority, PRIO_URGENT);
    assert_int_equal(r.in.type, TYPE_PROBLEM);
    assert_int_equal(r.in.group_id, 12);
    assert_int_equal(r.in.assignee_id, 9);
    assert_null(r.public_reply);
    assert_null(r.note);
    assert_null(r.in.custom_fields);

    /* "" clears; a numeric assignee is taken as is; the last action on a field wins */
    struct macro_action y[] = {
        {MA_SET_GROUP, "", NULL},
        {MA_SET_ASSIGNEE, "77", NULL},
        {MA_SET_PRIORITY, "low", NULL},
        {MA_SET_PRIORITY, "high", NULL},
    };
    m.actions = y;
    m.n_actions = ARRAY_SIZE(y);
    assert_int_equal(macro_expand(&m, &ctx, 9, &a, &r, &err), OP_OK);
    assert_int_equal(r.in.set, TF_GROUP | TF_ASSIGNEE | TF_PRIORITY);
    assert_int_equal(r.in.group_id, 0);
    assert_int_equal(r.in.assignee_id, 77);
    assert_int_equal(r.in.priority, PRIO_HIGH);

    /* an invalid macro is refused, not expanded */
    struct macro_action z[] = {{MA_SET_STATUS, "new", NULL}};
    m.actions = z;
    m.n_actions = 1;
    assert_int_equal(macro_expand(&m, &ctx, 9, &a, &r, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "actions[0].value", MSG_ERR_ENUM);

    /* the expansion applies to a real ticket */
    m.actions = x;
    m.n_actions = ARRAY_SIZE(x);
    assert_int_equal(macro_expand(&m, &ctx, 9, &a, &r, &err), OP_OK);
    struct ticket t;
    w.ticket.status = STATUS_OPEN;
    assert_int_equal(ticket_apply(&w.ticket, &r.in, 1000, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_PENDING);
    assert_int_equal(t.assignee_id, 9);
    assert_int_equal(t.group_id, 12);
    arena_release(&a);
}

static void test_expand_tags_accumulate(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err;
    struct placeholder_ctx ctx = {.lang = LANG_EN};
    struct macro_action x[] = {
        {MA_ADD_TAGS, "a b", NULL},
        {MA_REMOVE_TAGS, "x", NULL},
        {MA_ADD_TAGS, " c ", NULL},
        {MA_REMOVE_TAGS, "y  z", NULL},
    };
    struct macro m = {.name = "tags", .actions = x, .n_actions = ARRAY_SIZE(x)};
    struct macro_result r;
    assert_int_equal(macro_expand(&m, &ctx, 1, &a, &r, &err), OP_OK);
    assert_int_equal(r.in.set, TF_ADD_TAGS | TF_REMOVE_TAGS);
    assert_int_equal(r.in.add_tags.n, 3);
    assert_string_equal(r.in.add_tags.v[0], "a");
    assert_string_equal(r.in.add_tags.v[1], "b");
    assert_string_equal(r.in.add_tags.v[2], "c");
    assert_int_equal(r.in.remove_tags.n, 3);
    assert_string_equal(r.in.remove_tags.v[0], "x");
    assert_string_equal(r.in.remove_tags.v[1], "y");
    assert_string_equal(r.in.remove_tags.v[2], "z");

    /* applied: existing x y q, plus a b c, minus x y z */
    struct ticket t, old = {.id = 1,
                            .subject = "s",
                            .description = "",
                            .status = STATUS_OPEN,
                            .requester_id = 2,
                            .custom_fields = "{}"};
    char *have[] = {"q", "x", "y"};
    old.tags = (struct str_list){have, 3};
    assert_int_equal(ticket_apply(&old, &r.in, 1000, &a, &t, &err), OP_OK);
    assert_int_equal(t.tags.n, 4);
    assert_string_equal(t.tags.v[0], "a");
    assert_string_equal(t.tags.v[1], "b");
    assert_string_equal(t.tags.v[2], "c");
    assert_string_equal(t.tags.v[3], "q");

    /* set_tags replaces */
    struct macro_action s[] = {{MA_SET_TAGS, "VIP  billing", NULL}};
    m.actions = s;
    m.n_actions = 1;
    assert_int_equal(macro_expand(&m, &ctx, 1, &a, &r, &err), OP_OK);
    assert_int_equal(r.in.set, TF_TAGS);
    assert_int_equal(ticket_apply(&old, &r.in, 1000, &a, &t, &err), OP_OK);
    assert_int_equal(t.tags.n, 2);
    assert_string_equal(t.tags.v[0], "billing");
    assert_string_equal(t.tags.v[1], "vip");
    arena_release(&a);
}

static void test_expand_replies(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err;
    struct world w;
    world_init(&w);
    struct placeholder_ctx ctx = world_ctx(&w, LANG_RU);
    struct macro_action x[] = {
        {MA_PUBLIC_REPLY, "Здравствуйте, {{ticket.requester.first_name}}!", NULL},
        {MA_NOTE, "Статус: {{ticket.status}}", NULL},
        {MA_SET_STATUS, "solved", NULL},
        {MA_PUBLIC_REPLY, "-- {{ current_user.name }}", NULL},
    };
    struct macro m = {.name = "reply", .actions = x, .n_actions = ARRAY_SIZE(x)};
    struct macro_result r;
    assert_int_equal(macro_expand(&m, &ctx, 9, &a, &r, &err), OP_OK);
    /* two replies become one message; placeholders see the ticket before the macro */
    assert_string_equal(r.public_reply, "Здравствуйте, Анна!\n\n-- Carl");
    assert_string_equal(r.note, "Статус: Ожидает ответа клиента");
    assert_int_equal(r.in.set, TF_STATUS);

    /* only a note */
    struct macro_action y[] = {{MA_NOTE, "n1", NULL}, {MA_NOTE, "n2", NULL}, {MA_NOTE, "n3", NULL}};
    m.actions = y;
    m.n_actions = ARRAY_SIZE(y);
    assert_int_equal(macro_expand(&m, &ctx, 9, &a, &r, &err), OP_OK);
    assert_null(r.public_reply);
    assert_string_equal(r.note, "n1\n\nn2\n\nn3");
    assert_int_equal(r.in.set, 0);
    arena_release(&a);
}

/* Parses json and checks that key holds the string want. */
static void assert_json_string(const char *json, const char *key, const char *want)
{
    json_error_t je;
    json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, &je);
    if (!o) fail_msg("not JSON (%s): %s", je.text, json);
    json_t *v = json_object_get(o, key);
    assert_non_null(v);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
    json_decref(o);
}

static void test_expand_custom_fields(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err;
    struct placeholder_ctx ctx = {.lang = LANG_EN};
    static const char tricky[] = "He said \"hi\" \\ C:\\path\\ {{ticket.id}}\nline 2\ttab ю";
    struct macro_action x[] = {
        {MA_SET_CUSTOM_FIELD, (char *)tricky, "note"},
        {MA_SET_CUSTOM_FIELD, "pro", "plan"},
        {MA_SET_CUSTOM_FIELD, "", "empty"},
    };
    struct macro m = {.name = "cf", .actions = x, .n_actions = ARRAY_SIZE(x)};
    struct macro_result r;
    assert_int_equal(macro_expand(&m, &ctx, 1, &a, &r, &err), OP_OK);
    assert_int_equal(r.in.set, TF_CUSTOM_FIELDS);
    assert_non_null(r.in.custom_fields);
    assert_json_string(r.in.custom_fields, "note", tricky); /* values are not templates */
    assert_json_string(r.in.custom_fields, "plan", "pro");
    assert_json_string(r.in.custom_fields, "empty", "");

    /* and the core accepts it */
    struct ticket t, old = {.id = 1,
                            .subject = "s",
                            .description = "",
                            .status = STATUS_OPEN,
                            .requester_id = 2,
                            .custom_fields = "{\"plan\":\"free\",\"x\":1}"};
    assert_int_equal(ticket_apply(&old, &r.in, 1000, &a, &t, &err), OP_OK);
    assert_json_string(t.custom_fields, "note", tricky);
    assert_json_string(t.custom_fields, "plan", "pro");
    assert_non_null(strstr(t.custom_fields, "\"x\":1"));
    arena_release(&a);
}

/* Two set_custom_field actions on the same field pass macro_validate but
 * expand into an object with a duplicate key, which ticket_apply refuses. */
static void test_bug_expand_same_custom_field_twice(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err;
    struct placeholder_ctx ctx = {.lang = LANG_EN};
    struct macro_action x[] = {
        {MA_SET_CUSTOM_FIELD, "free", "plan"},
        {MA_SET_CUSTOM_FIELD, "pro", "plan"},
    };
    struct macro m = {.name = "cf", .actions = x, .n_actions = ARRAY_SIZE(x)};
    struct macro_result r;
    assert_int_equal(macro_validate(&m, &err), OP_OK);
    assert_int_equal(macro_expand(&m, &ctx, 1, &a, &r, &err), OP_OK);
    struct ticket t, old = {.id = 1,
                            .subject = "s",
                            .description = "",
                            .status = STATUS_OPEN,
                            .requester_id = 2,
                            .custom_fields = "{}"};
    /* BUG: returns OP_ERR_INVALID (MSG_ERR_TYPE_OBJECT) instead of OP_OK */
    assert_int_equal(ticket_apply(&old, &r.in, 1000, &a, &t, &err), OP_OK);
    assert_string_equal(t.custom_fields, "{\"plan\":\"pro\"}");
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholder_check_known),
        cmocka_unit_test(test_placeholder_check_refused),
        cmocka_unit_test(test_render_every_placeholder),
        cmocka_unit_test(test_render_value_names_by_language),
        cmocka_unit_test(test_render_missing_objects),
        cmocka_unit_test(test_render_text_around),
        cmocka_unit_test(test_validate_shape),
        cmocka_unit_test(test_validate_values),
        cmocka_unit_test(test_validate_custom_field),
        cmocka_unit_test(test_expand_fields),
        cmocka_unit_test(test_expand_tags_accumulate),
        cmocka_unit_test(test_expand_replies),
        cmocka_unit_test(test_expand_custom_fields),
        cmocka_unit_test(test_bug_expand_same_custom_field_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
