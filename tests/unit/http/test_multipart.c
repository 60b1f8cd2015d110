/* test_multipart.c - multipart/form-data: fields and files as browsers send
 * them, binary data with CR/LF and boundary look-alikes, quoted names,
 * paths in file names, and the refusals: other types, bad or missing
 * boundaries, unterminated bodies, parts without a name, too many parts,
 * oversized headers, invalid UTF-8. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "http/multipart.h"

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

#define CT "multipart/form-data; boundary=----xyz"

static op_rc parse(const char *ct, const char *body, size_t len, size_t max, struct mp_part **p,
                   size_t *n)
{
    return multipart_parse(&A, ct, body, len, max, p, n);
}

static void fields_and_files(void **state)
{
    UNUSED(state);
    static const char body[] = "------xyz\r\n"
                               "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                               "tok\r\n"
                               "------xyz\r\n"
                               "Content-Disposition: form-data; name=\"subject\"\r\n\r\n"
                               "Привет\r\nмир\r\n"
                               "------xyz\r\n"
                               "Content-Disposition: form-data; name=\"files\"; "
                               "filename=\"C:\\\\tmp\\\\a \\\"b\\\".bin\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n"
                               "\x00\x01\r\n----xy\r\n--\r\n"
                               "------xyz\r\n"
                               "Content-Disposition: form-data; name=\"files\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream\r\n\r\n"
                               "\r\n"
                               "------xyz--\r\n";
    struct mp_part *p;
    size_t n;
    assert_int_equal(parse(CT, body, sizeof(body) - 1, 10, &p, &n), OP_OK);
    assert_int_equal(n, 4);
    assert_string_equal(p[0].name, "csrf");
    assert_null(p[0].filename);
    assert_int_equal(p[0].len, 3);
    assert_memory_equal(p[0].data, "tok", 3);
    assert_string_equal(p[1].name, "subject");
    assert_int_equal(p[1].len, strlen("Привет\r\nмир"));
    assert_memory_equal(p[1].data, "Привет\r\nмир", p[1].len);
    assert_string_equal(p[2].filename, "a \"b\".bin"); /* path dropped, quotes unescaped */
    assert_string_equal(p[2].content_type, "application/octet-stream");
    assert_int_equal(p[2].len, 14);
    assert_memory_equal(p[2].data, "\x00\x01\r\n----xy\r\n--", 14);
    assert_string_equal(p[3].filename, ""); /* an empty file input */
    assert_int_equal(p[3].len, 0);
    assert_ptr_equal(multipart_get(p, n, "files"), &p[2]);
    assert_null(multipart_get(p, n, "nothing"));
}

static void boundaries(void **state)
{
    UNUSED(state);
    static const char body[] = "preamble\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\n"
                               "1\r\n--b--";
    struct mp_part *p;
    size_t n;
    /* quoted boundary, a preamble, a bare name, no CRLF after the end */
    assert_int_equal(parse("multipart/form-data; charset=utf-8; boundary=\"b\"", body,
                           sizeof(body) - 1, 4, &p, &n),
                     OP_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].name, "x");
    assert_memory_equal(p[0].data, "1", 1);
    /* refused */
    assert_int_equal(parse("application/x-www-form-urlencoded", body, sizeof(body) - 1, 4, &p, &n),
                     OP_ERR_INVALID);
    assert_int_equal(parse("multipart/form-data", body, sizeof(body) - 1, 4, &p, &n),
                     OP_ERR_INVALID);
    assert_int_equal(parse("multipart/form-data; boundary=", body, sizeof(body) - 1, 4, &p, &n),
                     OP_ERR_INVALID);
    assert_int_equal(parse("multipart/form-data; boundary=\"b", body, sizeof(body) - 1, 4, &p, &n),
                     OP_ERR_INVALID);
    assert_int_equal(parse("multipart/form-data; boundary=c", body, sizeof(body) - 1, 4, &p, &n),
                     OP_ERR_INVALID);
    char lng[120];
    memset(lng, 'a', sizeof(lng));
    memcpy(lng, "multipart/form-data; boundary=", 30);
    lng[sizeof(lng) - 1] = '\0'; /* an 89-character boundary */
    assert_int_equal(parse(lng, body, sizeof(body) - 1, 4, &p, &n), OP_ERR_INVALID);
    assert_null(p);
    assert_int_equal(n, 0);
}

static void refusals(void **state)
{
    UNUSED(state);
    struct mp_part *p;
    size_t n;
    static const char open_end[] = "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1234";
    assert_int_equal(
        parse("multipart/form-data; boundary=b", open_end, sizeof(open_end) - 1, 4, &p, &n),
        OP_ERR_INVALID);
    static const char no_name[] = "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--";
    assert_int_equal(
        parse("multipart/form-data; boundary=b", no_name, sizeof(no_name) - 1, 4, &p, &n),
        OP_ERR_INVALID);
    static const char no_cd[] = "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--";
    assert_int_equal(parse("multipart/form-data; boundary=b", no_cd, sizeof(no_cd) - 1, 4, &p, &n),
                     OP_ERR_INVALID);
    static const char bad_utf8[] =
        "--b\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\n1\r\n--b--";
    assert_int_equal(
        parse("multipart/form-data; boundary=b", bad_utf8, sizeof(bad_utf8) - 1, 4, &p, &n),
        OP_ERR_INVALID);
    static const char three[] = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
                                "--b\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
                                "--b\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--b--";
    assert_int_equal(parse("multipart/form-data; boundary=b", three, sizeof(three) - 1, 2, &p, &n),
                     OP_ERR_TOOBIG);
    assert_int_equal(parse("multipart/form-data; boundary=b", three, sizeof(three) - 1, 3, &p, &n),
                     OP_OK);
    assert_int_equal(n, 3);
    assert_string_equal(p[2].name, "c");
    /* a header block over the cap */
    size_t big = MULTIPART_HEADERS_MAX + 200;
    char *huge = arena_alloc(&A, big + 100);
    size_t k = (size_t)snprintf(huge, 100, "--b\r\nContent-Disposition: form-data; name=a\r\nX: ");
    memset(huge + k, 'x', big);
    k += big;
    memcpy(huge + k, "\r\n\r\n1\r\n--b--", 12);
    assert_int_equal(parse("multipart/form-data; boundary=b", huge, k + 12, 4, &p, &n),
                     OP_ERR_INVALID);
    /* empty body, only the end */
    assert_int_equal(parse("multipart/form-data; boundary=b", "", 0, 4, &p, &n), OP_ERR_INVALID);
    assert_int_equal(parse("multipart/form-data; boundary=b", "--b--\r\n", 7, 4, &p, &n), OP_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fields_and_files, setup, teardown),
        cmocka_unit_test_setup_teardown(boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
