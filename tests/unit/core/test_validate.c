/* test_validate.c - value rules shared by every object (src/core/validate.c). */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/validate.h"

#define assert_err(e, rc_, field_, msg_)                                                           \
    do {                                                                                           \
        assert_int_equal((e).rc, (rc_));                                                           \
        assert_string_equal((e).field, (field_));                                                  \
        assert_int_equal((e).msg, (msg_));                                                         \
    } while (0)

/* ---- check_text ---- */

static void test_check_text(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const struct {
        const char *s;
        enum text_kind kind;
        bool allow_empty;
        enum msg_id msg; /* MSG_NONE: valid */
    } cases[] = {
        {"hello", TEXT_LINE, false, MSG_NONE},
        {"Привет, мир ✓ 😀", TEXT_LINE, false, MSG_NONE},
        {NULL, TEXT_LINE, true, MSG_ERR_REQUIRED},
        {"", TEXT_LINE, true, MSG_NONE},
        {"", TEXT_LINE, false, MSG_ERR_EMPTY},
        {" \t\n ", TEXT_MULTILINE, false, MSG_ERR_EMPTY},
        {"   ", TEXT_LINE, false, MSG_ERR_EMPTY},
        {"   ", TEXT_LINE, true, MSG_NONE},
        {"a\tb", TEXT_LINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\nb", TEXT_LINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\rb", TEXT_LINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\nb\r\n\tc", TEXT_MULTILINE, false, MSG_NONE},
        {"a\x01", TEXT_MULTILINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\x1f", TEXT_MULTILINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\x7f", TEXT_MULTILINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\x7f", TEXT_LINE, false, MSG_ERR_CONTROL_CHARS},
        {"a\xc2\x80", TEXT_MULTILINE, false, MSG_ERR_CONTROL_CHARS}, /* U+0080 */
        {"a\xc2\x9f", TEXT_LINE, false, MSG_ERR_CONTROL_CHARS},      /* U+009F */
        {"a\xc2\xa0", TEXT_LINE, false, MSG_NONE},                   /* U+00A0 is not C1 */
        {"\xe2\x80\xa8", TEXT_LINE, false, MSG_NONE},                /* U+2028, a separator */
        {"caf\xe9", TEXT_LINE, false, MSG_ERR_UTF8},
        {"\xed\xa0\x80", TEXT_MULTILINE, true, MSG_ERR_UTF8},
        {"\xc0\x80", TEXT_MULTILINE, true, MSG_ERR_UTF8},
        {"\xf4\x90\x80\x80", TEXT_MULTILINE, true, MSG_ERR_UTF8},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        op_err_clear(&err);
        op_rc rc = check_text("f", cases[i].s, 100, cases[i].kind, cases[i].allow_empty, &err);
        if (cases[i].msg == MSG_NONE) {
            if (rc != OP_OK) fail_msg("case %zu refused", i);
            assert_int_equal(err.rc, OP_OK);
        } else {
            if (rc != OP_ERR_INVALID) fail_msg("case %zu accepted", i);
            assert_err(err, OP_ERR_INVALID, "f", cases[i].msg);
        }
    }

    /* the limit is in characters */
    assert_int_equal(check_text("name", "жжж", 3, TEXT_LINE, false, &err), OP_OK);
    assert_int_equal(check_text("name", "жжжж", 3, TEXT_LINE, false, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "name", MSG_ERR_TOO_LONG);
    assert_string_equal(err.arg[0], "3");
    assert_int_equal(check_text("name", "😀😀😀", 3, TEXT_LINE, false, &err), OP_OK);
    assert_int_equal(check_text("name", "abcd", 3, TEXT_LINE, false, &err), OP_ERR_INVALID);
    assert_int_equal(check_text("name", "", 0, TEXT_LINE, true, &err), OP_OK);
    /* err may be NULL */
    assert_int_equal(check_text("name", "a\x01", 10, TEXT_LINE, false, NULL), OP_ERR_INVALID);
}

/* ---- check_email ---- */

static void test_check_email(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const char *const ok[] = {
        "a@b.co",
        "first.last+tag@mail.example.com",
        "user@sub-domain.example.org",
        "иван@пример.рф",
        "x_y@a.b.c.d",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (check_email("email", ok[i], &err) != OP_OK) fail_msg("refused %s", ok[i]);
    static const char *const bad[] = {
        "ab.co",    "@b.co",   "a@b",     "a@.co",   "a@b.",     "a@@b.co",    "a@b@c.co",
        "a b@c.de", "a@b .co", "a@b.co,", "a@b.co;", "<a@b.co>", "\"a\"@b.co", "a@b.co\t",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        op_err_clear(&err);
        if (check_email("email", bad[i], &err) != OP_ERR_INVALID) fail_msg("accepted %s", bad[i]);
        assert_string_equal(err.field, "email");
        assert_true(err.msg == MSG_ERR_EMAIL || err.msg == MSG_ERR_CONTROL_CHARS);
    }
    assert_int_equal(check_email("email", "a@b.co\t", &err), OP_ERR_INVALID);
    assert_int_equal(check_email("email", "", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "email", MSG_ERR_EMPTY);
    assert_int_equal(check_email("email", NULL, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "email", MSG_ERR_REQUIRED);

    /* 254 characters at most */
    char s[300];
    memset(s, 'a', sizeof(s));
    memcpy(s + 254 - 6, "@b.com", 7); /* 254 characters */
    assert_int_equal(strlen(s), 254);
    assert_int_equal(check_email("email", s, &err), OP_OK);
    memset(s, 'a', sizeof(s));
    memcpy(s + 255 - 6, "@b.com", 7);
    assert_int_equal(check_email("email", s, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "email", MSG_ERR_TOO_LONG);
}

/* ---- check_phone ---- */

static void test_check_phone(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const char *const ok[] = {
        "",    "+7 (495) 123-45-67", "84951234567",
        "123", "+1-800-555-0199",    "12345678901234567890123456789012", /* 32 */
    };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (check_phone("phone", ok[i], &err) != OP_OK) fail_msg("refused %s", ok[i]);
    static const char *const bad[] = {
        "12",
        "+()- ",
        "123a",
        "+7 495 123 45 67 ext. 5",
        "123456789012345678901234567890123",
        "+7\t495",
        "１２３",
        "+7.495.1234567",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        op_err_clear(&err);
        if (check_phone("phone", bad[i], &err) != OP_ERR_INVALID) fail_msg("accepted %s", bad[i]);
        assert_err(err, OP_ERR_INVALID, "phone", MSG_ERR_PHONE);
    }
}

/* ---- check_telegram ---- */

static void test_check_telegram(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const char *const ok[] = {
        "", "@abcde", "abcde", "@Support_Bot_2026", "@abcdefghijabcdefghijabcdefghij12", /* 32 */
    };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (check_telegram("telegram", ok[i], &err) != OP_OK) fail_msg("refused %s", ok[i]);
    static const char *const bad[] = {
        "@",       "@abcd",   "abcd",    "@abcdefghijabcdefghijabcdefghij123",
        "@ab-cd",  "@ab cd",  "@@abcde", "@абвгд",
        "@abcde!", "abc.def",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        op_err_clear(&err);
        if (check_telegram("telegram", bad[i], &err) != OP_ERR_INVALID)
            fail_msg("accepted %s", bad[i]);
        assert_err(err, OP_ERR_INVALID, "telegram", MSG_ERR_TELEGRAM);
    }
}

/* ---- check_time_zone ---- */

static void test_check_time_zone(void **state)
{
    UNUSED(state);
    struct op_err err;
    static const char *const ok[] = {
        "",          "UTC",        "Europe/Moscow",          "America/Argentina/Buenos_Aires",
        "Etc/GMT+3", "Etc/GMT-14", "America/Port-au-Prince",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (check_time_zone("time_zone", ok[i], &err) != OP_OK) fail_msg("refused %s", ok[i]);
    static const char *const bad[] = {
        "/etc/passwd",    "../../etc/passwd", "Europe/../../x", "Europe//Moscow", "Europe/Moscow ",
        "Europe\\Moscow", "Москва",           "UTC;rm",         "Europe/Mo.scow",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        op_err_clear(&err);
        if (check_time_zone("time_zone", bad[i], &err) != OP_ERR_INVALID)
            fail_msg("accepted %s", bad[i]);
        assert_err(err, OP_ERR_INVALID, "time_zone", MSG_ERR_TIME_ZONE);
        assert_string_equal(err.arg[0], bad[i]);
    }
    char s[80];
    memset(s, 'Z', sizeof(s));
    s[LIMIT_TIME_ZONE] = '\0';
    assert_int_equal(check_time_zone("time_zone", s, &err), OP_OK);
    s[LIMIT_TIME_ZONE] = 'Z';
    s[LIMIT_TIME_ZONE + 1] = '\0';
    assert_int_equal(check_time_zone("time_zone", s, &err), OP_ERR_INVALID);
}

/* ---- tags ---- */

static void test_tags_split_join(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct str_list l;

    assert_int_equal(tags_split("", &a, &l), OP_OK);
    assert_int_equal(l.n, 0);
    assert_string_equal(tags_join(&l, &a), "");
    assert_int_equal(tags_split("    ", &a, &l), OP_OK);
    assert_int_equal(l.n, 0);

    assert_int_equal(tags_split("  a  bb ccc ", &a, &l), OP_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "a");
    assert_string_equal(l.v[1], "bb");
    assert_string_equal(l.v[2], "ccc");
    assert_string_equal(tags_join(&l, &a), "a bb ccc");

    assert_int_equal(tags_split("один", &a, &l), OP_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0], "один");

    /* the stored form round-trips exactly */
    static const char *const stored[] = {"x", "billing vip", "a b c d e f", "ёлка api-v2 a_b"};
    for (size_t i = 0; i < ARRAY_SIZE(stored); i++) {
        assert_int_equal(tags_split(stored[i], &a, &l), OP_OK);
        assert_string_equal(tags_join(&l, &a), stored[i]);
    }

    /* a list round-trips through the stored form */
    char *v[] = {"one", "two", "три"};
    struct str_list in = {v, 3};
    char *s = tags_join(&in, &a);
    assert_string_equal(s, "one two три");
    assert_int_equal(tags_split(s, &a, &l), OP_OK);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(l.v[i], v[i]);

    /* a full arena is reported */
    struct arena tiny = ARENA_INIT(16);
    assert_int_equal(tags_split("a b c d", &tiny, &l), OP_ERR_NOMEM);
    arena_release(&tiny);
    arena_release(&a);
}

static void test_tags_normalize(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct op_err err;
    struct str_list l;
    assert_int_equal(tags_split("b A a C b", &a, &l), OP_OK);
    assert_int_equal(tags_normalize("tags", &l, &err), OP_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(tags_join(&l, &a), "a b c");

    struct str_list empty = {NULL, 0};
    assert_int_equal(tags_normalize("tags", &empty, &err), OP_OK);
    assert_int_equal(empty.n, 0);

    char *bad[] = {arena_strdup(&a, "ok"), arena_strdup(&a, "no,comma")};
    struct str_list b = {bad, 2};
    assert_int_equal(tags_normalize("tags", &b, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "tags", MSG_ERR_TAG);
    assert_string_equal(err.arg[0], "no,comma");
    arena_release(&a);
}

/* ---- custom fields ---- */

static void test_custom_fields_check(void **state)
{
    UNUSED(state);
    struct op_err err;
    assert_int_equal(custom_fields_check("cf", "{}", &err), OP_OK);
    assert_int_equal(
        custom_fields_check("cf", "{\"a\":\"x\",\"b\":1,\"c\":2.5,\"d\":true,\"e\":null}", &err),
        OP_OK);
    assert_int_equal(custom_fields_check("cf", "{\"a\":{}}", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "cf", MSG_ERR_CUSTOM_FIELD_VALUE);
    assert_int_equal(custom_fields_check("cf", "{\"A\":1}", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "cf", MSG_ERR_CUSTOM_FIELD_NAME);
    assert_int_equal(custom_fields_check("cf", "nope", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "cf", MSG_ERR_TYPE_OBJECT);
    assert_int_equal(custom_fields_check("cf", "{\"a\":1,\"a\":1}", &err), OP_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_text),      cmocka_unit_test(test_check_email),
        cmocka_unit_test(test_check_phone),     cmocka_unit_test(test_check_telegram),
        cmocka_unit_test(test_check_time_zone), cmocka_unit_test(test_tags_split_join),
        cmocka_unit_test(test_tags_normalize),  cmocka_unit_test(test_custom_fields_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
