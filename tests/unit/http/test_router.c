/* test_router.c - route compilation, path splitting and matching, without sockets. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "http/router.h"

static void h_dummy(struct http_req *r)
{
    UNUSED(r);
}

static void h_other(struct http_req *r)
{
    UNUSED(r);
}

static const struct http_route routes[] = {
    {HTTP_GET, "/", h_dummy, 0},
    {HTTP_GET, "/api/v1/tickets", h_dummy, 0},
    {HTTP_POST, "/api/v1/tickets", h_dummy, 0},
    {HTTP_GET, "/api/v1/tickets/{id}", h_dummy, 0},
    {HTTP_DELETE, "/api/v1/tickets/{id}", h_dummy, 0},
    {HTTP_GET, "/api/v1/tickets/search", h_other, 0},
    {HTTP_GET, "/api/v1/tickets/{id}/comments/{cid}", h_dummy, 0},
};

/* Splits path into a fresh arena; returns the rc. */
static op_rc split(struct arena *a, const char *path, char ***segs, size_t *n)
{
    return router_split_path(a, path, strlen(path), segs, n);
}

static void test_split(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    char **segs;
    size_t n;

    assert_int_equal(split(&a, "/", &segs, &n), OP_OK);
    assert_int_equal(n, 0);

    assert_int_equal(split(&a, "/a/b%2Fc/%D0%B6", &segs, &n), OP_OK);
    assert_int_equal(n, 3);
    assert_string_equal(segs[0], "a");
    assert_string_equal(segs[1], "b/c"); /* %2F is data inside a segment */
    assert_string_equal(segs[2], "ж");

    assert_int_equal(split(&a, "/a/", &segs, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(segs[1], "");

    assert_int_equal(split(&a, "/a+b", &segs, &n), OP_OK);
    assert_string_equal(segs[0], "a+b"); /* '+' is only a space in queries */

    assert_int_equal(split(&a, "", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "a/b", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/%00", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/%0a", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/%zz", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/%4", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/%", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/../b", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/%2E%2E/b", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/./b", &segs, &n), OP_ERR_INVALID);
    assert_int_equal(split(&a, "/a/..b", &segs, &n),
                     OP_OK); /* only whole dot segments are special */
    arena_release(&a);
}

static void test_match(void **state)
{
    UNUSED(state);
    struct router rt;
    struct op_err err;
    struct arena a = ARENA_INIT(1 << 20);
    char **segs;
    size_t n, np;
    const struct http_route *route;
    const char *params[HTTP_MAX_PARAMS];
    unsigned allow;

    assert_int_equal(router_init(&rt, routes, ARRAY_SIZE(routes), &err), OP_OK);

    assert_int_equal(split(&a, "/api/v1/tickets/42", &segs, &n), OP_OK);
    assert_int_equal(router_match(&rt, HTTP_GET, segs, n, &route, params, &np, &allow),
                     ROUTER_MATCH);
    assert_int_equal(np, 1);
    assert_string_equal(params[0], "42");
    assert_string_equal(route->pattern, "/api/v1/tickets/{id}");
    assert_int_equal(allow, (1u << HTTP_GET) | (1u << HTTP_HEAD) | (1u << HTTP_DELETE));

    /* HEAD is served by the GET route */
    assert_int_equal(router_match(&rt, HTTP_HEAD, segs, n, &route, params, &np, &allow),
                     ROUTER_MATCH);
    assert_string_equal(route->pattern, "/api/v1/tickets/{id}");

    /* a literal segment beats a placeholder, whatever the table order */
    assert_int_equal(split(&a, "/api/v1/tickets/search", &segs, &n), OP_OK);
    assert_int_equal(router_match(&rt, HTTP_GET, segs, n, &route, params, &np, &allow),
                     ROUTER_MATCH);
    assert_ptr_equal(route->fn, h_other);
    assert_int_equal(np, 0);
    /* ...but only for its own method: DELETE still reaches {id} */
    assert_int_equal(router_match(&rt, HTTP_DELETE, segs, n, &route, params, &np, &allow),
                     ROUTER_MATCH);
    assert_string_equal(params[0], "search");

    assert_int_equal(split(&a, "/api/v1/tickets/7/comments/9", &segs, &n), OP_OK);
    assert_int_equal(router_match(&rt, HTTP_GET, segs, n, &route, params, &np, &allow),
                     ROUTER_MATCH);
    assert_int_equal(np, 2);
    assert_string_equal(params[0], "7");
    assert_string_equal(params[1], "9");

    assert_int_equal(split(&a, "/api/v1/tickets", &segs, &n), OP_OK);
    assert_int_equal(router_match(&rt, HTTP_PUT, segs, n, &route, params, &np, &allow),
                     ROUTER_NO_METHOD);
    assert_null(route);
    char s[96];
    router_allow_string(allow, s, sizeof(s));
    assert_string_equal(s, "GET, HEAD, POST");

    assert_int_equal(split(&a, "/api/v1/tickets/", &segs, &n),
                     OP_OK); /* {x} needs a non-empty segment */
    assert_int_equal(router_match(&rt, HTTP_GET, segs, n, &route, params, &np, &allow),
                     ROUTER_NO_PATH);
    assert_int_equal(split(&a, "/api/v1", &segs, &n), OP_OK);
    assert_int_equal(router_match(&rt, HTTP_GET, segs, n, &route, params, &np, &allow),
                     ROUTER_NO_PATH);
    assert_int_equal(split(&a, "/", &segs, &n), OP_OK);
    assert_int_equal(router_match(&rt, HTTP_GET, segs, n, &route, params, &np, &allow),
                     ROUTER_MATCH);
    assert_string_equal(route->pattern, "/");

    router_release(&rt);
    arena_release(&a);
}

static void test_bad_patterns(void **state)
{
    UNUSED(state);
    static const char *const bad[] = {
        "",    "api",   "/a//b", "/a/",     "/{}",    "/{a",
        "/a}", "/x{a}", "/{a}b", "/{a{b}}", "/a%20b", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}",
    };
    struct router rt;
    struct op_err err;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct http_route r = {HTTP_GET, bad[i], h_dummy, 0};
        if (router_init(&rt, &r, 1, &err) != OP_ERR_INVALID)
            fail_msg("pattern \"%s\" was accepted", bad[i]);
        assert_int_equal(err.msg, MSG_HTTP_ROUTE_BAD);
        assert_string_equal(err.arg[0], bad[i]);
    }
    struct http_route head = {HTTP_HEAD, "/x", h_dummy, 0};
    assert_int_equal(router_init(&rt, &head, 1, &err), OP_ERR_INVALID);
    struct http_route nofn = {HTTP_GET, "/x", NULL, 0};
    assert_int_equal(router_init(&rt, &nofn, 1, &err), OP_ERR_INVALID);
    struct http_route six = {HTTP_GET, "/{a}/{b}/{c}/{d}/{e}/{f}", h_dummy, 0};
    assert_int_equal(router_init(&rt, &six, 1, &err), OP_OK);
    router_release(&rt);
}

static void test_methods(void **state)
{
    UNUSED(state);
    assert_int_equal(router_method("GET"), HTTP_GET);
    assert_int_equal(router_method("PATCH"), HTTP_PATCH);
    assert_int_equal(router_method("OPTIONS"), HTTP_OPTIONS);
    assert_int_equal(router_method("get"), HTTP_OTHER); /* methods are case-sensitive */
    assert_int_equal(router_method("BREW"), HTTP_OTHER);
    assert_int_equal(router_method(NULL), HTTP_OTHER);
    assert_string_equal(router_method_name(HTTP_DELETE), "DELETE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_bad_patterns),
        cmocka_unit_test(test_methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
