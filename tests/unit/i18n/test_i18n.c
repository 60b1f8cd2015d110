/* test_i18n.c - the message catalogue and the translation layer
 * (src/i18n/messages.def, src/i18n/i18n.c). */
#include "base/common.h"

#include <ctype.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/utf8.h"
#include "i18n/i18n.h"

/* ---- the catalogue ---- */

/* The set of {1}..{9} placeholders in s, as bits 1..9. */
static unsigned placeholders(const char *s)
{
    unsigned set = 0;
    for (; *s; s++)
        if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}') set |= 1u << (s[1] - '0');
    return set;
}

/* Whether s, placeholders aside, has an ASCII letter. */
static bool has_latin_letter(const char *s)
{
    for (; *s; s++) {
        if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}') {
            s += 2;
            continue;
        }
        if (isalpha((unsigned char)*s)) return true;
    }
    return false;
}

/* Whether s has a character of the Cyrillic block U+0400..U+04FF (lead bytes D0..D3). */
static bool has_cyrillic(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)s[0], d = (unsigned char)s[1];
        if (c >= 0xD0 && c <= 0xD3 && (d & 0xC0) == 0x80) return true;
    }
    return false;
}

static void test_catalogue_complete(void **state)
{
    UNUSED(state);
    assert_true(MSG_COUNT > 100);
    assert_string_equal(i18n_text(LANG_EN, MSG_NONE), "");
    assert_string_equal(i18n_text(LANG_RU, MSG_NONE), "");
    int failures = 0;
    for (int id = MSG_NONE + 1; id < MSG_COUNT; id++) {
        const char *en = i18n_text(LANG_EN, (enum msg_id)id);
        const char *ru = i18n_text(LANG_RU, (enum msg_id)id);
        const char *key = i18n_key((enum msg_id)id);
        if (!en || !*en || !ru || !*ru) {
            print_error("%s: missing text (en \"%s\", ru \"%s\")\n", key, en ? en : "(null)",
                        ru ? ru : "(null)");
            failures++;
            continue;
        }
        if (!utf8_valid(en, strlen(en)) || !utf8_valid(ru, strlen(ru))) {
            print_error("%s: not valid UTF-8\n", key);
            failures++;
        }
        if (placeholders(en) != placeholders(ru)) {
            print_error("%s: placeholders differ: en \"%s\", ru \"%s\"\n", key, en, ru);
            failures++;
        }
        /* a Russian text with words must have Russian words; texts made only of
         * placeholders and symbols are the same in every language */
        if ((has_latin_letter(en) || has_latin_letter(ru)) && !has_cyrillic(ru)) {
            print_error("%s: Russian text is not translated: \"%s\"\n", key, ru);
            failures++;
        }
        /* a message takes as many arguments as its highest placeholder */
        unsigned set = placeholders(en);
        int highest = 0;
        for (int n = 1; n <= 9; n++)
            if (set & (1u << n)) highest = n;
        if (i18n_msg_nargs((enum msg_id)id) != highest) {
            print_error("%s: i18n_msg_nargs %d, highest placeholder %d\n", key,
                        i18n_msg_nargs((enum msg_id)id), highest);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* The checks above catch what they are meant to catch. */
static void test_catalogue_checks_themselves(void **state)
{
    UNUSED(state);
    assert_int_equal(placeholders("a {1} b {3} {1}"), (1u << 1) | (1u << 3));
    assert_int_equal(placeholders("{{{1}}}"), 1u << 1);
    assert_int_equal(placeholders("{0} {x} {12 {"), 0);
    assert_true(has_latin_letter("{1}: unknown"));
    assert_false(has_latin_letter("{1}: {2} — 42%"));
    assert_true(has_cyrillic("ok, Ёж"));
    assert_true(has_cyrillic("ӯ"));
    assert_false(has_cyrillic("Ελληνικά 中文 ascii"));
}

static void test_keys(void **state)
{
    UNUSED(state);
    assert_string_equal(i18n_key(MSG_ERR_REQUIRED), "err_required");
    assert_string_equal(i18n_key(MSG_NONE), "none");
    assert_string_equal(i18n_key(MSG_STATUS_ON_HOLD), "status_on_hold");
    assert_string_equal(i18n_key((enum msg_id)MSG_COUNT), "none");
    assert_string_equal(i18n_key((enum msg_id) - 1), "none");
    for (int i = 0; i < MSG_COUNT; i++) {
        const char *k = i18n_key((enum msg_id)i);
        assert_true(*k);
        for (const char *p = k; *p; p++)
            assert_true(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_');
        for (int j = i + 1; j < MSG_COUNT; j++)
            if (strcmp(k, i18n_key((enum msg_id)j)) == 0) fail_msg("two messages with key %s", k);
    }
}

static void test_text_lookup(void **state)
{
    UNUSED(state);
    assert_string_equal(i18n_text(LANG_EN, MSG_STATUS_OPEN), "Open");
    assert_string_equal(i18n_text(LANG_RU, MSG_STATUS_OPEN), "Открыто");
    assert_string_equal(i18n_text(LANG_EN, MSG_ERR_REQUIRED), "is required");
    /* out of range: never NULL */
    assert_string_equal(i18n_text(LANG_EN, (enum msg_id)MSG_COUNT), "");
    assert_string_equal(i18n_text(LANG_RU, (enum msg_id)(MSG_COUNT + 1000)), "");
    assert_string_equal(i18n_text((enum lang)LANG_COUNT, MSG_STATUS_OPEN), "Open");
    assert_string_equal(i18n_text((enum lang) - 1, MSG_STATUS_OPEN), "Open");
    assert_string_equal(i18n_lang_code(LANG_EN), "en");
    assert_string_equal(i18n_lang_code(LANG_RU), "ru");
}

/* ---- i18n_format ---- */

static void test_format_substitution(void **state)
{
    UNUSED(state);
    char out[512];
    const char *args[] = {"bogus", "low, normal"};
    size_t n = i18n_format(LANG_EN, MSG_ERR_ENUM, args, 2, out, sizeof(out));
    assert_string_equal(out, "unknown value \"bogus\"; expected one of: low, normal");
    assert_int_equal(n, strlen(out));
    i18n_format(LANG_RU, MSG_ERR_ENUM, args, 2, out, sizeof(out));
    assert_string_equal(out, "неизвестное значение «bogus»; допустимо: low, normal");

    /* placeholders in any order, each used where it stands */
    const char *three[] = {"opora.ini", "http", "lisen"};
    i18n_format(LANG_EN, MSG_CLI_CONFIG_UNKNOWN, three, 3, out, sizeof(out));
    assert_string_equal(out, "opora.ini: unknown setting \"lisen\" in section [http]");

    /* missing or NULL arguments are empty */
    i18n_format(LANG_EN, MSG_ERR_ENUM, args, 1, out, sizeof(out));
    assert_string_equal(out, "unknown value \"bogus\"; expected one of: ");
    const char *nulls[] = {NULL, "x"};
    i18n_format(LANG_EN, MSG_ERR_ENUM, nulls, 2, out, sizeof(out));
    assert_string_equal(out, "unknown value \"\"; expected one of: x");
    i18n_format(LANG_EN, MSG_ERR_ENUM, NULL, 0, out, sizeof(out));
    assert_string_equal(out, "unknown value \"\"; expected one of: ");

    /* arguments are inserted as they are, never expanded again */
    const char *sneaky[] = {"{2}", "two"};
    i18n_format(LANG_EN, MSG_ERR_ENUM, sneaky, 2, out, sizeof(out));
    assert_string_equal(out, "unknown value \"{2}\"; expected one of: two");

    /* the braces around a placeholder stay */
    const char *ph[] = {"ticket.nope"};
    i18n_format(LANG_EN, MSG_ERR_PLACEHOLDER, ph, 1, out, sizeof(out));
    assert_string_equal(out, "unknown placeholder {{ticket.nope}}");

    /* a message without placeholders */
    n = i18n_format(LANG_RU, MSG_ERR_NOT_FOUND, NULL, 0, out, sizeof(out));
    assert_string_equal(out, "не найдено");
    assert_int_equal(n, strlen("не найдено"));
}

/* Formats with every cap from 0 to the full length + 1 and checks that each
 * result is a whole-character prefix of the full text. */
static void check_truncation(enum lang lang, enum msg_id id, const char *const *args, size_t nargs)
{
    char full[1024], out[1024];
    size_t len = i18n_format(lang, id, args, nargs, full, sizeof(full));
    assert_true(len > 0 && len < sizeof(full) - 1);
    for (size_t cap = 0; cap <= len + 1; cap++) {
        memset(out, '#', sizeof(out));
        size_t n = i18n_format(lang, id, args, nargs, out, cap);
        if (cap == 0) {
            assert_int_equal(n, 0);
            assert_int_equal(out[0], '#'); /* nothing written */
            continue;
        }
        assert_true(n < cap);
        assert_int_equal(out[n], '\0');
        assert_int_equal(strlen(out), n);
        if (memcmp(out, full, n) != 0)
            fail_msg("cap %zu: \"%s\" is not a prefix of \"%s\"", cap, out, full);
        if (!utf8_valid(out, n)) fail_msg("cap %zu: a character was cut: \"%s\"", cap, out);
        if (cap > len)
            assert_int_equal(n, len);
        else
            assert_true(n + 5 >= cap); /* at most the last character is lost */
    }
}

static void test_format_truncation(void **state)
{
    UNUSED(state);
    /* Cyrillic in the text and in an argument that is followed by more text */
    const char *args[] = {"значение ✓ 😀", "a, b"};
    check_truncation(LANG_RU, MSG_ERR_ENUM, args, 2);
    check_truncation(LANG_EN, MSG_ERR_ENUM, args, 2);
    check_truncation(LANG_RU, MSG_ERR_TICKET_CLOSED, NULL, 0);
    check_truncation(LANG_RU, MSG_STATUS_PENDING, NULL, 0);
    /* a placeholder at the end with an ASCII argument */
    const char *ascii[] = {"disk I/O error"};
    check_truncation(LANG_RU, MSG_ERR_STORAGE, ascii, 1);

    char out[8];
    assert_int_equal(i18n_format(LANG_EN, MSG_ERR_REQUIRED, NULL, 0, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(i18n_format(LANG_EN, MSG_ERR_REQUIRED, NULL, 0, out, 8), 7);
    assert_string_equal(out, "is requ");
}

/* When the text ends with a placeholder and the argument is cut, the cut may
 * fall inside a character: the trim only runs while template text remains. */
static void test_bug_format_truncation_in_last_argument(void **state)
{
    UNUSED(state);
    /* "ошибка базы данных: {1}" with a Cyrillic argument */
    const char *args[] = {"сбой диска"};
    check_truncation(LANG_RU, MSG_ERR_STORAGE, args, 1);
    /* BUG: "the database failed: " is 21 bytes and "с" is D1 81; with cap 23
     * the result is "the database failed: \xd1", not valid UTF-8 */
    char out[32];
    size_t n = i18n_format(LANG_EN, MSG_ERR_STORAGE, args, 1, out, 23);
    assert_true(utf8_valid(out, n));
    check_truncation(LANG_EN, MSG_ERR_STORAGE, args, 1);
}

/* ---- languages ---- */

static void test_lang_parse(void **state)
{
    UNUSED(state);
    static const struct {
        const char *s;
        int want;
    } cases[] = {
        {"ru", LANG_RU},
        {"RU", LANG_RU},
        {"Ru", LANG_RU},
        {"ru-RU", LANG_RU},
        {"ru_RU", LANG_RU},
        {"ru_RU.UTF-8", LANG_RU},
        {"ru.UTF-8", LANG_RU},
        {"en", LANG_EN},
        {"en-US", LANG_EN},
        {"en_GB.UTF-8", LANG_EN},
        {"EN-gb", LANG_EN},
        {NULL, -1},
        {"", -1},
        {"r", -1},
        {"e", -1},
        {"rus", -1},
        {"eng", -1},
        {"english", -1},
        {"de", -1},
        {"de_DE.UTF-8", -1},
        {"C", -1},
        {"C.UTF-8", -1},
        {"POSIX", -1},
        {"*", -1},
        {"ru RU", -1},
        {"uk", -1},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int got = i18n_lang_parse(cases[i].s);
        if (got != cases[i].want)
            fail_msg("i18n_lang_parse(\"%s\") = %d, want %d", cases[i].s ? cases[i].s : "NULL", got,
                     cases[i].want);
    }
}

static void test_accept_language(void **state)
{
    UNUSED(state);
    static const struct {
        const char *h;
        enum lang fallback, want;
    } cases[] = {
        {"en;q=0.5, ru;q=0.8", LANG_EN, LANG_RU},
        {"ru;q=0.5, en;q=0.8", LANG_RU, LANG_EN},
        {"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", LANG_EN, LANG_RU},
        {"en-US,en;q=0.9,ru;q=0.8", LANG_RU, LANG_EN},
        {"de-DE, de;q=0.9, en;q=0.1", LANG_RU, LANG_EN}, /* unknown ones are skipped */
        {"de, fr;q=0.9", LANG_RU, LANG_RU},              /* nothing known: fallback */
        {"de, fr;q=0.9", LANG_EN, LANG_EN},
        {"*", LANG_RU, LANG_RU},
        {"", LANG_RU, LANG_RU},
        {"   ", LANG_EN, LANG_EN},
        {",,,", LANG_RU, LANG_RU},
        {"ru", LANG_EN, LANG_RU},
        {"RU", LANG_EN, LANG_RU},
        {"en", LANG_RU, LANG_EN},
        {"ru, en", LANG_EN, LANG_RU}, /* equal q: the first */
        {"en, ru", LANG_RU, LANG_EN},
        {"en;q=0.9, ru;q=0.9", LANG_RU, LANG_EN},
        {"ru;q=0, en;q=0.1", LANG_RU, LANG_EN}, /* q=0: not acceptable */
        {"ru;q=0", LANG_EN, LANG_EN},
        {"en;q=0.000", LANG_RU, LANG_RU},
        {"ru ;q=0.7, en; q=0.8", LANG_RU, LANG_EN},       /* white space around ';' */
        {"ru;level=1;q=0.5, en;q=0.6", LANG_RU, LANG_EN}, /* other parameters */
        {"en;q=1.0, ru;q=1", LANG_RU, LANG_EN},
        {"english, russian", LANG_EN, LANG_EN},
        {"ru-RU-x-some-very-long-private-tag;q=0.9, en;q=0.5", LANG_EN, LANG_RU},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        enum lang got = i18n_accept_language(cases[i].h, cases[i].fallback);
        if (got != cases[i].want)
            fail_msg("i18n_accept_language(\"%s\", %s) = %s, want %s", cases[i].h,
                     i18n_lang_code(cases[i].fallback), i18n_lang_code(got),
                     i18n_lang_code(cases[i].want));
    }
    assert_int_equal(i18n_accept_language(NULL, LANG_RU), LANG_RU);
    assert_int_equal(i18n_accept_language(NULL, LANG_EN), LANG_EN);

    /* a very long header is read to the end without trouble */
    char h[8192];
    size_t len = 0;
    for (int i = 0; i < 500; i++)
        len += (size_t)snprintf(h + len, sizeof(h) - len, "x%d;q=0.%d, ", i, i % 10);
    snprintf(h + len, sizeof(h) - len, "ru;q=0.01");
    assert_int_equal(i18n_accept_language(h, LANG_EN), LANG_RU);
}

static void test_env_lang(void **state)
{
    UNUSED(state);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    assert_int_equal(i18n_env_lang(), LANG_EN);
    setenv("LANG", "ru_RU.UTF-8", 1);
    assert_int_equal(i18n_env_lang(), LANG_RU);
    setenv("LC_MESSAGES", "en_US.UTF-8", 1); /* more specific than LANG */
    assert_int_equal(i18n_env_lang(), LANG_EN);
    setenv("LC_ALL", "ru_RU.UTF-8", 1); /* LC_ALL wins */
    assert_int_equal(i18n_env_lang(), LANG_RU);
    setenv("LC_ALL", "", 1); /* empty: not set */
    assert_int_equal(i18n_env_lang(), LANG_EN);
    setenv("LC_MESSAGES", "C", 1); /* set but unknown: English */
    assert_int_equal(i18n_env_lang(), LANG_EN);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_complete),
        cmocka_unit_test(test_catalogue_checks_themselves),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_text_lookup),
        cmocka_unit_test(test_format_substitution),
        cmocka_unit_test(test_format_truncation),
        cmocka_unit_test(test_bug_format_truncation_in_last_argument),
        cmocka_unit_test(test_lang_parse),
        cmocka_unit_test(test_accept_language),
        cmocka_unit_test(test_env_lang),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
