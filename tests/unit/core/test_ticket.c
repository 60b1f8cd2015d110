/* test_ticket.c - the ticket's state machine, field rules and change events
 * (src/core/ticket.c), driven through the public interface only. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/ticket.h"
#include "core/validate.h"

#define T0 ((op_time)1769817600000) /* 2026-01-31T00:00:00Z */
#define T1 (T0 + 60000)
#define T2 (T0 + 120000)

/* Checks the whole of an op_err: its rc, field and message. */
#define assert_err(e, rc_, field_, msg_)                                                           \
    do {                                                                                           \
        assert_int_equal((e).rc, (rc_));                                                           \
        assert_string_equal((e).field, (field_));                                                  \
        assert_int_equal((e).msg, (msg_));                                                         \
    } while (0)

static struct str_list strs(struct arena *a, size_t n, const char *const *v)
{
    struct str_list l = {arena_alloc(a, (n + 1) * sizeof(char *)), n};
    for (size_t i = 0; i < n; i++)
        l.v[i] = arena_strdup(a, v[i]);
    return l;
}

#define STRS(a, ...)                                                                               \
    strs((a), ARRAY_SIZE(((const char *const[]){__VA_ARGS__})), (const char *const[]){__VA_ARGS__})

static void assert_tags(const struct str_list *l, size_t n, const char *const *want)
{
    assert_int_equal(l->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l->v[i], want[i]);
}

#define ASSERT_TAGS(l, ...)                                                                        \
    assert_tags((l), ARRAY_SIZE(((const char *const[]){__VA_ARGS__})),                             \
                (const char *const[]){__VA_ARGS__})

/* A valid existing ticket to change. */
static struct ticket existing(enum ticket_status status)
{
    struct ticket t = {
        .id = 7,
        .subject = "Printer on fire",
        .description = "Smoke everywhere",
        .status = status,
        .priority = PRIO_NORMAL,
        .type = TYPE_INCIDENT,
        .channel = CH_EMAIL,
        .requester_id = 3,
        .custom_fields = "{}",
        .created_at = T0,
        .updated_at = T0,
    };
    if (status == STATUS_SOLVED || status == STATUS_CLOSED) t.solved_at = T0;
    if (status == STATUS_CLOSED) t.closed_at = T0;
    return t;
}

/* Creates a ticket with the minimal required input plus `extra`. */
static op_rc create(const struct ticket_input *extra, struct arena *a, struct ticket *out,
                    struct op_err *err)
{
    struct ticket_input in = *extra;
    in.set |= TF_SUBJECT | TF_REQUESTER;
    if (!in.subject) in.subject = "Cannot log in";
    if (!in.requester_id) in.requester_id = 3;
    return ticket_apply(NULL, &in, T1, a, out, err);
}

/* ---- the state machine ---- */

static void test_status_change_matrix(void **state)
{
    UNUSED(state);
    /* rows: from; columns: to, in enum order new, open, pending, on_hold, solved, closed */
    static const bool allowed[STATUS__COUNT][STATUS__COUNT] = {
        /* new     */ {1, 1, 1, 1, 1, 0},
        /* open    */ {0, 1, 1, 1, 1, 0},
        /* pending */ {0, 1, 1, 1, 1, 0},
        /* on_hold */ {0, 1, 1, 1, 1, 0},
        /* solved  */ {0, 1, 1, 1, 1, 1},
        /* closed  */ {0, 0, 0, 0, 0, 0},
    };
    for (int from = 0; from < STATUS__COUNT; from++)
        for (int to = 0; to < STATUS__COUNT; to++) {
            bool got = status_change_allowed((enum ticket_status)from, (enum ticket_status)to);
            if (got != allowed[from][to])
                fail_msg("status_change_allowed(%s, %s) = %d, want %d",
                         status_name((enum ticket_status)from), status_name((enum ticket_status)to),
                         got, allowed[from][to]);
        }
}

static void test_apply_status_through_state_machine(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    for (int from = 0; from < STATUS__COUNT - 1; from++) /* closed: see test_update_closed */
        for (int to = 0; to < STATUS__COUNT; to++) {
            struct ticket old = existing((enum ticket_status)from);
            struct ticket_input in = {.set = TF_STATUS, .status = (enum ticket_status)to};
            op_rc rc = ticket_apply(&old, &in, T1, &a, &t, &err);
            if (status_change_allowed(old.status, in.status)) {
                assert_int_equal(rc, OP_OK);
                assert_int_equal(t.status, to);
            } else {
                assert_int_equal(rc, OP_ERR_CONFLICT);
                assert_err(err, OP_ERR_CONFLICT, "status", MSG_ERR_STATUS_CHANGE);
                assert_string_equal(err.arg[0], status_name(old.status));
                assert_string_equal(err.arg[1], status_name(in.status));
            }
        }
    arena_release(&a);
}

/* ---- ticket_apply: create ---- */

static void test_create_defaults(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    struct ticket_input in = {0};
    assert_int_equal(create(&in, &a, &t, &err), OP_OK);
    assert_int_equal(t.id, 0);
    assert_string_equal(t.subject, "Cannot log in");
    assert_string_equal(t.description, "");
    assert_int_equal(t.status, STATUS_NEW);
    assert_int_equal(t.priority, PRIO_NORMAL);
    assert_int_equal(t.type, TYPE_QUESTION);
    assert_int_equal(t.channel, CH_API);
    assert_int_equal(t.requester_id, 3);
    assert_int_equal(t.organization_id, 0);
    assert_int_equal(t.group_id, 0);
    assert_int_equal(t.assignee_id, 0);
    assert_int_equal(t.tags.n, 0);
    assert_string_equal(t.custom_fields, "{}");
    assert_int_equal(t.merged_into, 0);
    assert_int_equal(t.created_at, T1);
    assert_int_equal(t.updated_at, T1);
    assert_int_equal(t.solved_at, 0);
    assert_int_equal(t.closed_at, 0);

    /* every settable field at once */
    struct ticket_input all = {
        .set = TF_DESCRIPTION | TF_PRIORITY | TF_TYPE | TF_CHANNEL | TF_ORGANIZATION | TF_GROUP,
        .description = "line 1\nline 2\ttabbed\r\n",
        .priority = PRIO_URGENT,
        .type = TYPE_TASK,
        .channel = CH_TELEGRAM,
        .organization_id = 4,
        .group_id = 5,
    };
    assert_int_equal(create(&all, &a, &t, &err), OP_OK);
    assert_string_equal(t.description, "line 1\nline 2\ttabbed\r\n");
    assert_int_equal(t.priority, PRIO_URGENT);
    assert_int_equal(t.type, TYPE_TASK);
    assert_int_equal(t.channel, CH_TELEGRAM);
    assert_int_equal(t.organization_id, 4);
    assert_int_equal(t.group_id, 5);
    assert_int_equal(t.status, STATUS_NEW); /* a group alone does not open it */
    arena_release(&a);
}

static void test_create_required(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;

    struct ticket_input no_subject = {.set = TF_REQUESTER, .requester_id = 3};
    assert_int_equal(ticket_apply(NULL, &no_subject, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "subject", MSG_ERR_REQUIRED);

    struct ticket_input no_requester = {.set = TF_SUBJECT, .subject = "Hello"};
    assert_int_equal(ticket_apply(NULL, &no_requester, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester_id", MSG_ERR_REQUIRED);

    struct ticket_input null_subject = {.set = TF_SUBJECT | TF_REQUESTER, .requester_id = 3};
    assert_int_equal(ticket_apply(NULL, &null_subject, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "subject", MSG_ERR_REQUIRED);

    struct ticket_input zero_requester = {.set = TF_SUBJECT | TF_REQUESTER, .subject = "Hello"};
    assert_int_equal(ticket_apply(NULL, &zero_requester, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester_id", MSG_ERR_REQUIRED);

    struct ticket_input neg_requester = {
        .set = TF_SUBJECT | TF_REQUESTER, .subject = "Hello", .requester_id = -3};
    assert_int_equal(ticket_apply(NULL, &neg_requester, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "requester_id");

    struct ticket_input blank = {
        .set = TF_SUBJECT | TF_REQUESTER, .subject = " \t ", .requester_id = 3};
    assert_int_equal(ticket_apply(NULL, &blank, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "subject", MSG_ERR_EMPTY);
    struct ticket_input empty_s = {
        .set = TF_SUBJECT | TF_REQUESTER, .subject = "", .requester_id = 3};
    assert_int_equal(ticket_apply(NULL, &empty_s, T1, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "subject", MSG_ERR_EMPTY);
    arena_release(&a);
}

static void test_create_invalid_enums_and_ids(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    static const struct {
        struct ticket_input in;
        const char *field;
        enum msg_id msg;
    } cases[] = {
        {{.set = TF_PRIORITY, .priority = PRIO__COUNT}, "priority", MSG_ERR_ENUM},
        {{.set = TF_PRIORITY, .priority = (enum ticket_priority) - 1}, "priority", MSG_ERR_ENUM},
        {{.set = TF_TYPE, .type = TYPE__COUNT}, "type", MSG_ERR_ENUM},
        {{.set = TF_TYPE, .type = (enum ticket_type) - 1}, "type", MSG_ERR_ENUM},
        {{.set = TF_CHANNEL, .channel = CH__COUNT}, "channel", MSG_ERR_ENUM},
        {{.set = TF_STATUS, .status = STATUS__COUNT}, "status", MSG_ERR_ENUM},
        {{.set = TF_STATUS, .status = (enum ticket_status) - 1}, "status", MSG_ERR_ENUM},
        {{.set = TF_ORGANIZATION, .organization_id = -1}, "organization_id", MSG_ERR_ID},
        {{.set = TF_GROUP, .group_id = -5}, "group_id", MSG_ERR_ID},
        {{.set = TF_ASSIGNEE, .assignee_id = INT64_MIN}, "assignee_id", MSG_ERR_ID},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        op_err_clear(&err);
        assert_int_equal(create(&cases[i].in, &a, &t, &err), OP_ERR_INVALID);
        assert_err(err, OP_ERR_INVALID, cases[i].field, cases[i].msg);
    }
    /* the enum error lists what is allowed */
    struct ticket_input bad = {.set = TF_PRIORITY, .priority = PRIO__COUNT};
    assert_int_equal(create(&bad, &a, &t, &err), OP_ERR_INVALID);
    assert_string_equal(err.arg[1], "low, normal, high, urgent");

    /* ids of 0 mean "none" and are fine */
    struct ticket_input zeros = {.set = TF_ORGANIZATION | TF_GROUP | TF_ASSIGNEE};
    assert_int_equal(create(&zeros, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_NEW);

    /* a new ticket may not start closed; any other status is fine */
    struct ticket_input closed = {.set = TF_STATUS, .status = STATUS_CLOSED};
    assert_int_equal(create(&closed, &a, &t, &err), OP_ERR_CONFLICT);
    assert_err(err, OP_ERR_CONFLICT, "status", MSG_ERR_STATUS_CHANGE);
    struct ticket_input pending = {.set = TF_STATUS, .status = STATUS_PENDING};
    assert_int_equal(create(&pending, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_PENDING);
    assert_int_equal(t.solved_at, 0);
    struct ticket_input solved = {.set = TF_STATUS, .status = STATUS_SOLVED};
    assert_int_equal(create(&solved, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_SOLVED);
    assert_int_equal(t.solved_at, T1);
    assert_int_equal(t.closed_at, 0);
    arena_release(&a);
}

static void test_create_subject_text_rules(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    static const struct {
        const char *subject;
        enum msg_id msg; /* MSG_NONE: accepted */
    } cases[] = {
        {"Plain subject", MSG_NONE},
        {"Не работает вход — срочно ✓ 😀", MSG_NONE},
        {"two\nlines", MSG_ERR_CONTROL_CHARS},
        {"carriage\rreturn", MSG_ERR_CONTROL_CHARS},
        {"tab\there", MSG_ERR_CONTROL_CHARS},
        {"bell\a", MSG_ERR_CONTROL_CHARS},
        {"escape\x1b[31m", MSG_ERR_CONTROL_CHARS},
        {"delete\x7f", MSG_ERR_CONTROL_CHARS},
        {"c1 \xc2\x85 next line", MSG_ERR_CONTROL_CHARS},
        {"no\xc2\xa0"
         "break space",
         MSG_NONE},
        {"latin1 caf\xe9", MSG_ERR_UTF8},
        {"overlong \xc0\xaf", MSG_ERR_UTF8},
        {"surrogate \xed\xa0\x80", MSG_ERR_UTF8},
        {"truncated \xd0", MSG_ERR_UTF8},
        {"\xff", MSG_ERR_UTF8},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ticket_input in = {.subject = cases[i].subject};
        op_err_clear(&err);
        op_rc rc = create(&in, &a, &t, &err);
        if (cases[i].msg == MSG_NONE) {
            assert_int_equal(rc, OP_OK);
            assert_string_equal(t.subject, cases[i].subject);
        } else {
            if (rc != OP_ERR_INVALID) fail_msg("subject case %zu accepted", i);
            assert_err(err, OP_ERR_INVALID, "subject", cases[i].msg);
        }
    }
    arena_release(&a);
}

static void test_create_subject_length_in_characters(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    char s[4 * 300 + 1];

    /* 255 two-byte letters (510 bytes) pass: the limit is characters */
    size_t len = 0;
    for (int i = 0; i < LIMIT_SUBJECT; i++)
        len += (size_t)snprintf(s + len, sizeof(s) - len, "ж");
    assert_int_equal(len, 2 * LIMIT_SUBJECT);
    struct ticket_input in = {.subject = s};
    assert_int_equal(create(&in, &a, &t, &err), OP_OK);

    /* the 256th fails */
    snprintf(s + len, sizeof(s) - len, "ж");
    assert_int_equal(create(&in, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "subject", MSG_ERR_TOO_LONG);
    assert_string_equal(err.arg[0], "255");

    /* 255 four-byte characters (1020 bytes) pass */
    len = 0;
    for (int i = 0; i < LIMIT_SUBJECT; i++)
        len += (size_t)snprintf(s + len, sizeof(s) - len, "😀");
    assert_int_equal(create(&in, &a, &t, &err), OP_OK);

    /* ASCII: 255 pass, 256 fail */
    memset(s, 'x', 256);
    s[255] = '\0';
    assert_int_equal(create(&in, &a, &t, &err), OP_OK);
    s[255] = 'x';
    s[256] = '\0';
    assert_int_equal(create(&in, &a, &t, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_TOO_LONG);

    /* invalid UTF-8 is reported as such even when long */
    memset(s, 'x', 300);
    s[299] = '\xd0';
    s[300] = '\0';
    assert_int_equal(create(&in, &a, &t, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_UTF8);
    arena_release(&a);
}

static void test_create_assignee_opens(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    struct ticket_input in = {.set = TF_ASSIGNEE, .assignee_id = 11};
    assert_int_equal(create(&in, &a, &t, &err), OP_OK);
    assert_int_equal(t.assignee_id, 11);
    assert_int_equal(t.status, STATUS_OPEN);

    /* an explicit status wins over the rule */
    struct ticket_input pend = {
        .set = TF_ASSIGNEE | TF_STATUS, .assignee_id = 11, .status = STATUS_PENDING};
    assert_int_equal(create(&pend, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_PENDING);
    arena_release(&a);
}

/* ---- ticket_apply: update ---- */

static void test_update_closed_refused(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_CLOSED);
    static const struct ticket_input inputs[] = {
        {.set = 0},
        {.set = TF_SUBJECT, .subject = "New subject"},
        {.set = TF_STATUS, .status = STATUS_OPEN},
        {.set = TF_STATUS, .status = STATUS_CLOSED},
        {.set = TF_PRIORITY, .priority = PRIO_HIGH},
        {.set = TF_ASSIGNEE, .assignee_id = 5},
    };
    for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
        op_err_clear(&err);
        assert_int_equal(ticket_apply(&old, &inputs[i], T2, &a, &t, &err), OP_ERR_CONFLICT);
        assert_err(err, OP_ERR_CONFLICT, "status", MSG_ERR_TICKET_CLOSED);
    }
    arena_release(&a);
}

static void test_update_channel_read_only(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);
    struct ticket_input in = {.set = TF_CHANNEL, .channel = CH_EMAIL}; /* even the same value */
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "channel", MSG_ERR_READONLY_FIELD);
    in.set |= TF_PRIORITY;
    in.priority = PRIO_HIGH;
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "channel");
    arena_release(&a);
}

static void test_update_keeps_unset_fields(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);
    old.tags = STRS(&a, "alpha", "beta");
    old.custom_fields = "{\"plan\":\"pro\"}";
    old.group_id = 2;
    old.assignee_id = 9;
    struct ticket_input in = {.set = TF_PRIORITY, .priority = PRIO_HIGH};
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.id, 7);
    assert_int_equal(t.priority, PRIO_HIGH);
    assert_string_equal(t.subject, old.subject);
    assert_string_equal(t.description, old.description);
    assert_int_equal(t.status, STATUS_OPEN);
    assert_int_equal(t.type, TYPE_INCIDENT);
    assert_int_equal(t.channel, CH_EMAIL);
    assert_int_equal(t.requester_id, 3);
    assert_int_equal(t.group_id, 2);
    assert_int_equal(t.assignee_id, 9);
    ASSERT_TAGS(&t.tags, "alpha", "beta");
    assert_string_equal(t.custom_fields, "{\"plan\":\"pro\"}");
    assert_int_equal(t.created_at, T0);
    assert_int_equal(t.updated_at, T2);
    assert_int_equal(old.priority, PRIO_NORMAL); /* old is not touched */
    assert_int_equal(old.updated_at, T0);

    /* clearing ids with 0 */
    struct ticket_input clear = {.set = TF_GROUP | TF_ASSIGNEE};
    assert_int_equal(ticket_apply(&old, &clear, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.group_id, 0);
    assert_int_equal(t.assignee_id, 0);
    assert_int_equal(t.status, STATUS_OPEN);

    /* requester may be changed by the core (the API forbids it elsewhere), never to none */
    struct ticket_input req = {.set = TF_REQUESTER};
    assert_int_equal(ticket_apply(&old, &req, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "requester_id", MSG_ERR_REQUIRED);
    arena_release(&a);
}

static void test_update_assignment_opens_new(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_NEW);
    struct ticket_input in = {.set = TF_ASSIGNEE, .assignee_id = 5};
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_OPEN);
    assert_int_equal(t.assignee_id, 5);

    /* unassigning a new ticket leaves it new */
    struct ticket_input none = {.set = TF_ASSIGNEE, .assignee_id = 0};
    assert_int_equal(ticket_apply(&old, &none, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_NEW);

    /* setting the assignee it already has changes nothing */
    old.assignee_id = 5;
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_NEW);

    /* other statuses are left alone */
    static const enum ticket_status others[] = {STATUS_OPEN, STATUS_PENDING, STATUS_ON_HOLD,
                                                STATUS_SOLVED};
    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        struct ticket o = existing(others[i]);
        assert_int_equal(ticket_apply(&o, &in, T2, &a, &t, &err), OP_OK);
        assert_int_equal(t.status, others[i]);
    }

    /* an explicit status in the same change wins */
    old = existing(STATUS_NEW);
    struct ticket_input both = {
        .set = TF_ASSIGNEE | TF_STATUS, .assignee_id = 5, .status = STATUS_PENDING};
    assert_int_equal(ticket_apply(&old, &both, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_PENDING);
    arena_release(&a);
}

static void test_update_solved_and_closed_stamps(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);

    struct ticket_input solve = {.set = TF_STATUS, .status = STATUS_SOLVED};
    assert_int_equal(ticket_apply(&old, &solve, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_SOLVED);
    assert_int_equal(t.solved_at, T2);
    assert_int_equal(t.closed_at, 0);
    assert_int_equal(t.updated_at, T2);

    /* solving a solved ticket again is a no-op: the stamp stays */
    old = existing(STATUS_SOLVED);
    old.solved_at = T1;
    assert_int_equal(ticket_apply(&old, &solve, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.solved_at, T1);

    /* reopening clears solved_at, whatever it reopens to */
    static const enum ticket_status reopen[] = {STATUS_OPEN, STATUS_PENDING, STATUS_ON_HOLD};
    for (size_t i = 0; i < ARRAY_SIZE(reopen); i++) {
        struct ticket_input in = {.set = TF_STATUS, .status = reopen[i]};
        assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
        assert_int_equal(t.status, reopen[i]);
        assert_int_equal(t.solved_at, 0);
        assert_int_equal(t.closed_at, 0);
    }

    /* closing a solved ticket stamps closed_at and keeps solved_at */
    struct ticket_input close = {.set = TF_STATUS, .status = STATUS_CLOSED};
    assert_int_equal(ticket_apply(&old, &close, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.status, STATUS_CLOSED);
    assert_int_equal(t.closed_at, T2);
    assert_int_equal(t.solved_at, T1);

    /* solving again after a reopen stamps the new time */
    struct ticket reopened;
    struct ticket_input open = {.set = TF_STATUS, .status = STATUS_OPEN};
    assert_int_equal(ticket_apply(&old, &open, T2, &a, &reopened, &err), OP_OK);
    assert_int_equal(ticket_apply(&reopened, &solve, T2 + 5, &a, &t, &err), OP_OK);
    assert_int_equal(t.solved_at, T2 + 5);

    /* ticket_set_status directly */
    struct ticket x = existing(STATUS_OPEN);
    ticket_set_status(&x, STATUS_SOLVED, T1);
    assert_int_equal(x.solved_at, T1);
    ticket_set_status(&x, STATUS_SOLVED, T2);
    assert_int_equal(x.solved_at, T1);
    ticket_set_status(&x, STATUS_CLOSED, T2);
    assert_int_equal(x.closed_at, T2);
    assert_int_equal(x.solved_at, T1);
    arena_release(&a);
}

/* ---- tags ---- */

static void test_tags_set_add_remove(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);

    struct ticket_input set = {.set = TF_TAGS};
    set.tags = STRS(&a, "VIP", "billing", "vip", "Billing", "api-v2", "Ёлка", "ёлка", "a_b");
    assert_int_equal(ticket_apply(&old, &set, T2, &a, &t, &err), OP_OK);
    /* ASCII lowered, sorted by bytes, unique; non-ASCII letters kept as written */
    ASSERT_TAGS(&t.tags, "a_b", "api-v2", "billing", "vip", "Ёлка", "ёлка");
    /* the caller's strings are not changed */
    assert_string_equal(set.tags.v[0], "VIP");

    old.tags = STRS(&a, "a", "c");
    struct ticket_input add = {.set = TF_ADD_TAGS};
    add.add_tags = STRS(&a, "B", "a", "d");
    assert_int_equal(ticket_apply(&old, &add, T2, &a, &t, &err), OP_OK);
    ASSERT_TAGS(&t.tags, "a", "b", "c", "d");
    ASSERT_TAGS(&old.tags, "a", "c");

    struct ticket_input rm = {.set = TF_REMOVE_TAGS};
    rm.remove_tags = STRS(&a, "C", "zzz");
    assert_int_equal(ticket_apply(&old, &rm, T2, &a, &t, &err), OP_OK);
    ASSERT_TAGS(&t.tags, "a");

    /* set, then add, then remove, in one change */
    struct ticket_input all = {.set = TF_TAGS | TF_ADD_TAGS | TF_REMOVE_TAGS};
    all.tags = STRS(&a, "x", "y");
    all.add_tags = STRS(&a, "z", "w");
    all.remove_tags = STRS(&a, "x", "w");
    assert_int_equal(ticket_apply(&old, &all, T2, &a, &t, &err), OP_OK);
    ASSERT_TAGS(&t.tags, "y", "z");

    /* an empty set clears */
    struct ticket_input clear = {.set = TF_TAGS};
    assert_int_equal(ticket_apply(&old, &clear, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.tags.n, 0);

    /* on create too */
    struct ticket_input c = {.set = TF_TAGS};
    c.tags = STRS(&a, "b", "A");
    assert_int_equal(create(&c, &a, &t, &err), OP_OK);
    ASSERT_TAGS(&t.tags, "a", "b");
    arena_release(&a);
}

static void test_tags_refused(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);
    static const struct {
        const char *tag;
        enum msg_id msg;
    } bad[] = {
        {"two words", MSG_ERR_TAG},  {"a,b", MSG_ERR_TAG},     {"tab\tbed", MSG_ERR_TAG},
        {"new\nline", MSG_ERR_TAG},  {"del\x7f", MSG_ERR_TAG}, {"nb\xc2\xa0sp", MSG_ERR_TAG},
        {"c1\xc2\x85", MSG_ERR_TAG}, {"", MSG_ERR_EMPTY},      {"bad\xff", MSG_ERR_UTF8},
    };
    static const unsigned bits[] = {TF_TAGS, TF_ADD_TAGS, TF_REMOVE_TAGS};
    static const char *const fields[] = {"tags", "add_tags", "remove_tags"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        for (size_t b = 0; b < ARRAY_SIZE(bits); b++) {
            struct ticket_input in = {.set = bits[b]};
            struct str_list l = STRS(&a, "ok", bad[i].tag);
            if (bits[b] == TF_TAGS)
                in.tags = l;
            else if (bits[b] == TF_ADD_TAGS)
                in.add_tags = l;
            else
                in.remove_tags = l;
            op_err_clear(&err);
            if (ticket_apply(&old, &in, T2, &a, &t, &err) != OP_ERR_INVALID)
                fail_msg("tag %zu accepted as %s", i, fields[b]);
            assert_err(err, OP_ERR_INVALID, fields[b], bad[i].msg);
            if (bad[i].msg == MSG_ERR_TAG) assert_string_equal(err.arg[0], bad[i].tag);
        }

    /* 64 characters pass (counted as characters), 65 fail */
    char tag[4 * 70 + 1];
    memset(tag, 'k', 64);
    tag[64] = '\0';
    struct ticket_input in = {.set = TF_TAGS};
    in.tags = STRS(&a, tag);
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    tag[64] = 'k';
    tag[65] = '\0';
    in.tags = STRS(&a, tag);
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "tags", MSG_ERR_TOO_LONG);
    assert_string_equal(err.arg[0], "64");
    size_t len = 0;
    for (int i = 0; i < 64; i++)
        len += (size_t)snprintf(tag + len, sizeof(tag) - len, "я");
    in.tags = STRS(&a, tag);
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);

    /* 50 tags pass, 51 fail */
    char *names[51];
    for (int i = 0; i < 51; i++)
        names[i] = arena_printf(&a, "t%02d", i);
    in.tags = strs(&a, 50, (const char *const *)names);
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.tags.n, 50);
    in.tags = strs(&a, 51, (const char *const *)names);
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "tags", MSG_ERR_TOO_MANY);
    assert_string_equal(err.arg[0], "50");

    /* adding a 51st distinct tag to 50 fails */
    old.tags = strs(&a, 50, (const char *const *)names);
    struct ticket_input add = {.set = TF_ADD_TAGS};
    add.add_tags = STRS(&a, "extra");
    assert_int_equal(ticket_apply(&old, &add, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "tags", MSG_ERR_TOO_MANY);
    arena_release(&a);
}

/* Adding a tag the ticket already has to a ticket with 50 tags must leave it
 * at 50 tags; ticket_apply counts the list before dropping duplicates. */
static void test_bug_tags_add_existing_at_limit(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);
    char *names[50];
    for (int i = 0; i < 50; i++)
        names[i] = arena_printf(&a, "t%02d", i);
    old.tags = strs(&a, 50, (const char *const *)names);
    struct ticket_input add = {.set = TF_ADD_TAGS};
    add.add_tags = STRS(&a, "t00");
    /* BUG: returns OP_ERR_INVALID (MSG_ERR_TOO_MANY) instead of OP_OK */
    assert_int_equal(ticket_apply(&old, &add, T2, &a, &t, &err), OP_OK);
    assert_int_equal(t.tags.n, 50);
    arena_release(&a);
}

/* ---- custom fields ---- */

static void test_custom_fields(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);

    /* create: canonical text, sorted keys; null is simply absent */
    struct ticket_input c = {.set = TF_CUSTOM_FIELDS,
                             .custom_fields = "{\"seats\": 5, \"plan\": \"pro\", \"gone\": null, "
                                              "\"trial\": false, \"ratio\": 1.5}"};
    assert_int_equal(create(&c, &a, &t, &err), OP_OK);
    assert_string_equal(t.custom_fields,
                        "{\"plan\":\"pro\",\"ratio\":1.5,\"seats\":5,\"trial\":false}");

    /* merge: keys kept, changed, added, and removed by null */
    old.custom_fields = "{\"a\":1,\"b\":\"x\",\"c\":true}";
    struct ticket_input m = {.set = TF_CUSTOM_FIELDS,
                             .custom_fields = "{\"b\":null,\"c\":false,\"d\":\"новое\"}"};
    assert_int_equal(ticket_apply(&old, &m, T2, &a, &t, &err), OP_OK);
    assert_string_equal(t.custom_fields, "{\"a\":1,\"c\":false,\"d\":\"новое\"}");
    assert_string_equal(old.custom_fields, "{\"a\":1,\"b\":\"x\",\"c\":true}");

    /* removing a key that is not there is fine */
    struct ticket_input rm = {.set = TF_CUSTOM_FIELDS, .custom_fields = "{\"zz\":null}"};
    assert_int_equal(ticket_apply(&old, &rm, T2, &a, &t, &err), OP_OK);
    assert_string_equal(t.custom_fields, "{\"a\":1,\"b\":\"x\",\"c\":true}");

    static const struct {
        const char *json;
        enum msg_id msg;
        const char *arg;
    } bad[] = {
        {"{\"Plan\":1}", MSG_ERR_CUSTOM_FIELD_NAME, "Plan"},
        {"{\"a-b\":1}", MSG_ERR_CUSTOM_FIELD_NAME, "a-b"},
        {"{\"a b\":1}", MSG_ERR_CUSTOM_FIELD_NAME, "a b"},
        {"{\"\":1}", MSG_ERR_CUSTOM_FIELD_NAME, ""},
        {"{\"поле\":1}", MSG_ERR_CUSTOM_FIELD_NAME, "поле"},
        {"{\"a\":{\"b\":1}}", MSG_ERR_CUSTOM_FIELD_VALUE, "a"},
        {"{\"a\":[1,2]}", MSG_ERR_CUSTOM_FIELD_VALUE, "a"},
        {"{\"a\":[]}", MSG_ERR_CUSTOM_FIELD_VALUE, "a"},
        {"[1]", MSG_ERR_TYPE_OBJECT, NULL},
        {"\"text\"", MSG_ERR_TYPE_OBJECT, NULL},
        {"{", MSG_ERR_TYPE_OBJECT, NULL},
        {"{\"a\":1,\"a\":2}", MSG_ERR_TYPE_OBJECT, NULL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ticket_input in = {.set = TF_CUSTOM_FIELDS, .custom_fields = bad[i].json};
        op_err_clear(&err);
        if (ticket_apply(&old, &in, T2, &a, &t, &err) != OP_ERR_INVALID)
            fail_msg("custom fields %s accepted", bad[i].json);
        assert_err(err, OP_ERR_INVALID, "custom_fields", bad[i].msg);
        if (bad[i].arg) assert_string_equal(err.arg[0], bad[i].arg);
    }

    /* a 64-character name passes, 65 fails */
    char json[256];
    snprintf(json, sizeof(json), "{\"%064d\":1}", 0);
    struct ticket_input n64 = {.set = TF_CUSTOM_FIELDS, .custom_fields = json};
    assert_int_equal(ticket_apply(&old, &n64, T2, &a, &t, &err), OP_OK);
    snprintf(json, sizeof(json), "{\"%065d\":1}", 0);
    assert_int_equal(ticket_apply(&old, &n64, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_CUSTOM_FIELD_NAME);

    /* string values: at most 1024 characters, multi-line allowed, control characters not */
    char *big = arena_alloc(&a, 2 * 1025 + 32);
    size_t len = (size_t)snprintf(big, 16, "{\"note\":\"");
    for (int i = 0; i < LIMIT_CUSTOM_VALUE; i++)
        len += (size_t)snprintf(big + len, 3, "ю");
    snprintf(big + len, 8, "\"}");
    struct ticket_input v = {.set = TF_CUSTOM_FIELDS, .custom_fields = big};
    assert_int_equal(ticket_apply(&old, &v, T2, &a, &t, &err), OP_OK);
    snprintf(big + len, 8, "ю\"}");
    assert_int_equal(ticket_apply(&old, &v, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "custom_fields.note", MSG_ERR_TOO_LONG);
    v.custom_fields = "{\"note\":\"a\\nb\"}";
    assert_int_equal(ticket_apply(&old, &v, T2, &a, &t, &err), OP_OK);
    v.custom_fields = "{\"note\":\"a\\u0001b\"}";
    assert_int_equal(ticket_apply(&old, &v, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "custom_fields.note", MSG_ERR_CONTROL_CHARS);

    /* at most 50 keys in the result */
    char *many = arena_alloc(&a, 51 * 16 + 8);
    len = (size_t)snprintf(many, 2, "{");
    for (int i = 0; i < 51; i++)
        len += (size_t)snprintf(many + len, 16, "%s\"k%02d\":%d", i ? "," : "", i, i);
    snprintf(many + len, 2, "}");
    struct ticket_input mk = {.set = TF_CUSTOM_FIELDS, .custom_fields = many};
    assert_int_equal(ticket_apply(&old, &mk, T2, &a, &t, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_ERR_TOO_MANY);
    arena_release(&a);
}

/* ---- comments ---- */

static void test_status_after_comment(void **state)
{
    UNUSED(state);
    /* [status][by_staff][public] */
    static const enum ticket_status want[STATUS__COUNT][2][2] = {
        [STATUS_NEW] = {{STATUS_NEW, STATUS_NEW}, {STATUS_NEW, STATUS_OPEN}},
        [STATUS_OPEN] = {{STATUS_OPEN, STATUS_OPEN}, {STATUS_OPEN, STATUS_OPEN}},
        [STATUS_PENDING] = {{STATUS_PENDING, STATUS_OPEN}, {STATUS_PENDING, STATUS_PENDING}},
        [STATUS_ON_HOLD] = {{STATUS_ON_HOLD, STATUS_ON_HOLD}, {STATUS_ON_HOLD, STATUS_ON_HOLD}},
        [STATUS_SOLVED] = {{STATUS_SOLVED, STATUS_OPEN}, {STATUS_SOLVED, STATUS_SOLVED}},
        [STATUS_CLOSED] = {{STATUS_CLOSED, STATUS_CLOSED}, {STATUS_CLOSED, STATUS_CLOSED}},
    };
    for (int s = 0; s < STATUS__COUNT; s++)
        for (int staff = 0; staff < 2; staff++)
            for (int pub = 0; pub < 2; pub++) {
                struct ticket t = existing((enum ticket_status)s);
                enum ticket_status got = status_after_comment(&t, staff, pub);
                if (got != want[s][staff][pub])
                    fail_msg("status_after_comment(%s, staff=%d, public=%d) = %s, want %s",
                             status_name((enum ticket_status)s), staff, pub, status_name(got),
                             status_name(want[s][staff][pub]));
                assert_int_equal(t.status, s); /* the ticket itself is not changed */
            }
}

/* ---- who may set what ---- */

static void test_fields_allowed(void **state)
{
    UNUSED(state);
    struct op_err err = {0};
    static const unsigned every[] = {
        TF_SUBJECT, TF_DESCRIPTION, TF_STATUS,       TF_PRIORITY,      TF_TYPE,
        TF_CHANNEL, TF_REQUESTER,   TF_ORGANIZATION, TF_GROUP,         TF_ASSIGNEE,
        TF_TAGS,    TF_ADD_TAGS,    TF_REMOVE_TAGS,  TF_CUSTOM_FIELDS,
    };
    const unsigned cust_create = TF_SUBJECT | TF_DESCRIPTION | TF_TYPE | TF_CUSTOM_FIELDS;
    const unsigned cust_update = TF_STATUS;

    for (size_t i = 0; i < ARRAY_SIZE(every); i++) {
        unsigned bit = every[i];
        /* customers, create */
        op_err_clear(&err);
        op_rc rc = ticket_fields_allowed(bit, true, ROLE_CUSTOMER, &err);
        if (bit & cust_create) {
            assert_int_equal(rc, OP_OK);
        } else {
            assert_int_equal(rc, OP_ERR_FORBIDDEN);
            assert_err(err, OP_ERR_FORBIDDEN, ticket_field_name(bit), MSG_ERR_FIELD_FORBIDDEN);
        }
        /* customers, update */
        op_err_clear(&err);
        rc = ticket_fields_allowed(bit, false, ROLE_CUSTOMER, &err);
        if (bit & cust_update) {
            assert_int_equal(rc, OP_OK);
        } else {
            assert_int_equal(rc, OP_ERR_FORBIDDEN);
            assert_err(err, OP_ERR_FORBIDDEN, ticket_field_name(bit), MSG_ERR_FIELD_FORBIDDEN);
        }
        /* staff */
        for (int role = ROLE_AGENT; role < ROLE__COUNT; role++) {
            assert_int_equal(ticket_fields_allowed(bit, true, (enum user_role)role, &err), OP_OK);
            op_err_clear(&err);
            rc = ticket_fields_allowed(bit, false, (enum user_role)role, &err);
            if (bit == TF_CHANNEL) {
                assert_int_equal(rc, OP_ERR_INVALID);
                assert_err(err, OP_ERR_INVALID, "channel", MSG_ERR_READONLY_FIELD);
            } else {
                assert_int_equal(rc, OP_OK);
            }
        }
    }
    assert_int_equal(ticket_fields_allowed(cust_create, true, ROLE_CUSTOMER, &err), OP_OK);
    assert_int_equal(ticket_fields_allowed(0, false, ROLE_CUSTOMER, &err), OP_OK);
    /* several forbidden fields: the first (lowest bit) is named */
    assert_int_equal(
        ticket_fields_allowed(TF_TAGS | TF_PRIORITY | TF_SUBJECT, true, ROLE_CUSTOMER, &err),
        OP_ERR_FORBIDDEN);
    assert_string_equal(err.field, "priority");
    assert_int_equal(ticket_fields_allowed(TF_STATUS | TF_ASSIGNEE, false, ROLE_CUSTOMER, &err),
                     OP_ERR_FORBIDDEN);
    assert_string_equal(err.field, "assignee_id");
    /* NULL err is allowed */
    assert_int_equal(ticket_fields_allowed(TF_GROUP, false, ROLE_CUSTOMER, NULL), OP_ERR_FORBIDDEN);

    assert_string_equal(ticket_field_name(TF_ASSIGNEE), "assignee_id");
    assert_string_equal(ticket_field_name(TF_CUSTOM_FIELDS), "custom_fields");
    assert_string_equal(ticket_field_name(TF_STATUS | TF_TYPE), "");
}

/* ---- change events ---- */

static const struct event *find_event(const struct event_list *l, const char *field)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].field, field) == 0) return &l->v[i];
    return NULL;
}

static void assert_changed(const struct event *e, const char *field, const char *old_value,
                           const char *new_value)
{
    assert_int_equal(e->kind, EV_CHANGED);
    assert_string_equal(e->field, field);
    assert_string_equal(e->old_value, old_value);
    assert_string_equal(e->new_value, new_value);
    assert_string_equal(e->data, "");
}

static void test_diff_create(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t;
    struct ticket_input in = {
        .set = TF_DESCRIPTION | TF_PRIORITY | TF_GROUP | TF_ASSIGNEE | TF_TAGS | TF_CUSTOM_FIELDS,
        .description = "It broke",
        .priority = PRIO_HIGH,
        .group_id = 2,
        .assignee_id = 11,
        .custom_fields = "{\"plan\":\"pro\",\"seats\":5}",
    };
    in.tags = STRS(&a, "vip", "billing");
    assert_int_equal(create(&in, &a, &t, &err), OP_OK);
    t.id = 42;

    struct event_list l;
    event_list_init(&l, &a, ENTITY_TICKET, 42, T1, 11, VIA_WEB);
    assert_int_equal(ticket_diff(NULL, &t, &l), OP_OK);

    /* EV_CREATED first, then one EV_CHANGED per field with a value, in field order */
    static const char *const want[][3] = {
        {"subject", "", "Cannot log in"},
        {"description", "", "It broke"},
        {"status", "", "open"},
        {"priority", "", "high"},
        {"type", "", "question"},
        {"channel", "", "api"},
        {"requester_id", "", "3"},
        {"group_id", "", "2"},
        {"assignee_id", "", "11"},
        {"tags", "", "billing vip"},
        {"custom_fields.plan", "", "\"pro\""},
        {"custom_fields.seats", "", "5"},
    };
    assert_int_equal(l.n, 1 + ARRAY_SIZE(want));
    assert_int_equal(l.v[0].kind, EV_CREATED);
    assert_string_equal(l.v[0].field, "");
    assert_string_equal(l.v[0].new_value, "42");
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_changed(&l.v[1 + i], want[i][0], want[i][1], want[i][2]);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.v[i].entity, ENTITY_TICKET);
        assert_int_equal(l.v[i].entity_id, 42);
        assert_int_equal(l.v[i].at, T1);
        assert_int_equal(l.v[i].actor_id, 11);
        assert_int_equal(l.v[i].via, VIA_WEB);
    }

    /* a minimal ticket: no description, ids, tags or custom fields events */
    struct ticket_input min = {0};
    assert_int_equal(create(&min, &a, &t, &err), OP_OK);
    t.id = 43;
    event_list_init(&l, &a, ENTITY_TICKET, 43, T1, 0, VIA_API);
    assert_int_equal(ticket_diff(NULL, &t, &l), OP_OK);
    assert_int_equal(l.n, 7);
    assert_int_equal(l.v[0].kind, EV_CREATED);
    assert_null(find_event(&l, "description"));
    assert_null(find_event(&l, "organization_id"));
    assert_null(find_event(&l, "assignee_id"));
    assert_null(find_event(&l, "tags"));
    assert_changed(find_event(&l, "status"), "status", "", "new");
    assert_changed(find_event(&l, "requester_id"), "requester_id", "", "3");
    arena_release(&a);
}

static void test_diff_update(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_NEW);
    old.tags = STRS(&a, "a", "b");
    old.group_id = 2;
    struct event_list l;

    /* nothing changed: no events */
    struct ticket_input same = {.set = TF_PRIORITY | TF_GROUP | TF_SUBJECT,
                                .priority = PRIO_NORMAL,
                                .group_id = 2,
                                .subject = "Printer on fire"};
    assert_int_equal(ticket_apply(&old, &same, T2, &a, &t, &err), OP_OK);
    event_list_init(&l, &a, ENTITY_TICKET, 7, T2, 5, VIA_API);
    assert_int_equal(ticket_diff(&old, &t, &l), OP_OK);
    assert_int_equal(l.n, 0);

    /* exactly the changed fields, with old -> new texts */
    struct ticket_input in = {.set = TF_PRIORITY | TF_ASSIGNEE | TF_GROUP | TF_ADD_TAGS |
                                     TF_SUBJECT | TF_TYPE,
                              .priority = PRIO_URGENT,
                              .assignee_id = 5,
                              .group_id = 0,
                              .subject = "Printer still on fire",
                              .type = TYPE_INCIDENT};
    in.add_tags = STRS(&a, "c");
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    event_list_init(&l, &a, ENTITY_TICKET, 7, T2, 5, VIA_API);
    assert_int_equal(ticket_diff(&old, &t, &l), OP_OK);
    static const char *const want[][3] = {
        {"subject", "Printer on fire", "Printer still on fire"},
        {"status", "new", "open"}, /* assigning opened it */
        {"priority", "normal", "urgent"},
        {"group_id", "2", ""},
        {"assignee_id", "", "5"},
        {"tags", "a b", "a b c"},
    };
    assert_int_equal(l.n, ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++)
        assert_changed(&l.v[i], want[i][0], want[i][1], want[i][2]);

    /* removing all tags */
    struct ticket_input clear = {.set = TF_TAGS};
    assert_int_equal(ticket_apply(&old, &clear, T2, &a, &t, &err), OP_OK);
    event_list_init(&l, &a, ENTITY_TICKET, 7, T2, 5, VIA_API);
    assert_int_equal(ticket_diff(&old, &t, &l), OP_OK);
    assert_int_equal(l.n, 1);
    assert_changed(&l.v[0], "tags", "a b", "");

    /* the description, through a multi-line text */
    struct ticket_input d = {.set = TF_DESCRIPTION, .description = "line\nline"};
    assert_int_equal(ticket_apply(&old, &d, T2, &a, &t, &err), OP_OK);
    event_list_init(&l, &a, ENTITY_TICKET, 7, T2, 5, VIA_API);
    assert_int_equal(ticket_diff(&old, &t, &l), OP_OK);
    assert_int_equal(l.n, 1);
    assert_changed(&l.v[0], "description", "Smoke everywhere", "line\nline");
    arena_release(&a);
}

static void test_diff_custom_fields(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err = {0};
    struct ticket t, old = existing(STATUS_OPEN);
    old.custom_fields = "{\"a\":1,\"b\":\"x\",\"c\":true,\"e\":\"same\"}";
    struct ticket_input in = {.set = TF_CUSTOM_FIELDS,
                              .custom_fields = "{\"a\":2,\"b\":null,\"d\":\"y\",\"e\":\"same\"}"};
    assert_int_equal(ticket_apply(&old, &in, T2, &a, &t, &err), OP_OK);
    struct event_list l;
    event_list_init(&l, &a, ENTITY_TICKET, 7, T2, 5, VIA_API);
    assert_int_equal(ticket_diff(&old, &t, &l), OP_OK);
    /* one event per key added, changed or removed; values as JSON */
    assert_int_equal(l.n, 3);
    assert_changed(find_event(&l, "custom_fields.a"), "custom_fields.a", "1", "2");
    assert_changed(find_event(&l, "custom_fields.b"), "custom_fields.b", "\"x\"", "");
    assert_changed(find_event(&l, "custom_fields.d"), "custom_fields.d", "", "\"y\"");
    assert_null(find_event(&l, "custom_fields.c"));
    assert_null(find_event(&l, "custom_fields.e"));
    assert_null(find_event(&l, "custom_fields"));
    arena_release(&a);
}

static void test_event_add(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct event_list l;
    event_list_init(&l, &a, ENTITY_GROUP, 9, T1, 4, VIA_CLI);
    char field[8] = "f";
    /* many events: the list grows and keeps the earlier ones */
    for (int i = 0; i < 100; i++)
        assert_int_equal(event_add(&l, EV_CHANGED, field, NULL, "n", NULL), OP_OK);
    field[0] = 'g'; /* strings were copied */
    assert_int_equal(l.n, 100);
    assert_string_equal(l.v[0].field, "f");
    assert_string_equal(l.v[99].old_value, "");
    assert_string_equal(l.v[99].data, "");
    assert_int_equal(l.v[50].entity, ENTITY_GROUP);
    assert_int_equal(event_add_ids(&l, EV_ESCALATED, "l1>l2", 0, 12, "why"), OP_OK);
    assert_string_equal(l.v[100].old_value, "");
    assert_string_equal(l.v[100].new_value, "12");
    assert_string_equal(l.v[100].data, "why");

    /* a full arena is reported, not crashed on */
    struct arena tiny = ARENA_INIT(64);
    event_list_init(&l, &tiny, ENTITY_TICKET, 1, T1, 0, VIA_API);
    assert_int_equal(event_add(&l, EV_CHANGED, "x", "y", "z", NULL), OP_ERR_NOMEM);
    arena_release(&tiny);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_change_matrix),
        cmocka_unit_test(test_apply_status_through_state_machine),
        cmocka_unit_test(test_create_defaults),
        cmocka_unit_test(test_create_required),
        cmocka_unit_test(test_create_invalid_enums_and_ids),
        cmocka_unit_test(test_create_subject_text_rules),
        cmocka_unit_test(test_create_subject_length_in_characters),
        cmocka_unit_test(test_create_assignee_opens),
        cmocka_unit_test(test_update_closed_refused),
        cmocka_unit_test(test_update_channel_read_only),
        cmocka_unit_test(test_update_keeps_unset_fields),
        cmocka_unit_test(test_update_assignment_opens_new),
        cmocka_unit_test(test_update_solved_and_closed_stamps),
        cmocka_unit_test(test_tags_set_add_remove),
        cmocka_unit_test(test_tags_refused),
        cmocka_unit_test(test_bug_tags_add_existing_at_limit),
        cmocka_unit_test(test_custom_fields),
        cmocka_unit_test(test_status_after_comment),
        cmocka_unit_test(test_fields_allowed),
        cmocka_unit_test(test_diff_create),
        cmocka_unit_test(test_diff_update),
        cmocka_unit_test(test_diff_custom_fields),
        cmocka_unit_test(test_event_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
