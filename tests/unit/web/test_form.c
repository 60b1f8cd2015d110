/* test_form.c - decoding of form bodies (src/web/web.c, web_form_decode):
 * what every POST of the web UI goes through, so bad input must be refused
 * whole and good input decoded exactly. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "web/webInt.h"

static void test_decodes(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT(1 << 20);
    struct web_form f;
    const char *body = "csrf=abc&body=Hello+world%21%0D%0A%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"
                       "&empty=&flag&kind=note&kind=public&&%3Cx%3E=%26%3D%2B";
    assert_int_equal(web_form_decode(&a, body, strlen(body), &f), OP_OK);
    assert_int_equal(f.n, 7);
    assert_string_equal(web_form_get(&f, "csrf"), "abc");
    assert_string_equal(web_form_get(&f, "body"), "Hello world!\r\nПривет");
    assert_string_equal(web_form_get(&f, "empty"), "");
    assert_string_equal(web_form_get(&f, "flag"), "");
    assert_string_equal(web_form_get(&f, "kind"), "note"); /* the first of repeated names */
    assert_string_equal(web_form_get(&f, "<x>"), "&=+");
    assert_null(web_form_get(&f, "missing"));
    assert_int_equal(web_form_decode(&a, "", 0, &f), OP_OK);
    assert_int_equal(f.n, 0);
    arena_release(&a);
}

static void test_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a=%",      "a=%4",  "a=%zz",         "a=%00",       "%00=x",
        "a=%C3%28", "a=%FF", "a=ok&b=%E2%82", "a=%ED%A0%80",
    };
    struct arena a = ARENA_INIT(1 << 20);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct web_form f;
        if (web_form_decode(&a, bad[i], strlen(bad[i]), &f) != OP_ERR_INVALID)
            fail_msg("accepted %s", bad[i]);
        assert_int_equal(f.n, 0);
    }
    /* a raw NUL byte in the body is refused too (it would cut the value) */
    struct web_form f;
    assert_int_equal(web_form_decode(&a, "a=1\0b=2", 7, &f), OP_ERR_INVALID);
    assert_int_equal(f.n, 0);
    arena_release(&a);
}

static void test_cap(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT(4096);
    struct web_form f;
    char body[8192];
    memset(body, 'x', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    body[0] = 'a';
    body[1] = '=';
    assert_int_equal(web_form_decode(&a, body, strlen(body), &f) != OP_OK, true);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decodes),
        cmocka_unit_test(test_refuses),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
