/* test_authcache.c - resolved credentials are kept for their time, for their
 * generation, for their kind, and copied out whole. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "app/internal.h"

static struct actor sample(int64_t *groups, size_t n)
{
    struct actor a = {.id = 7, .role = ROLE_AGENT, .level = LEVEL_MIDDLE, .organization_id = 3,
                      .groups = {groups, n}, .via = VIA_API, .lang = LANG_RU,
                      .name = "Анна Смирнова", .email = "anna@example.com",
                      .session_id = 11, .csrf = "csrf-token"};
    return a;
}

static void test_hit_copies_everything(void **state)
{
    UNUSED(state);
    struct authcache *c = authcache_new(64);
    int64_t groups[] = {1, 2, 3};
    struct actor in = sample(groups, 3), out;
    uint8_t key[32] = {1, 2, 3};
    struct arena a = ARENA_INIT(0);
    authcache_put(c, AUTHCACHE_SESSION, key, 5, 1000, &in);
    groups[0] = 99; /* the cache has its own copy */
    assert_true(authcache_get(c, AUTHCACHE_SESSION, key, 5, 999, VIA_WEB, &a, &out));
    assert_int_equal(out.id, 7);
    assert_int_equal(out.role, ROLE_AGENT);
    assert_int_equal(out.level, LEVEL_MIDDLE);
    assert_int_equal(out.organization_id, 3);
    assert_int_equal(out.lang, LANG_RU);
    assert_int_equal(out.session_id, 11);
    assert_int_equal(out.via, VIA_WEB); /* the caller's, not the stored one */
    assert_string_equal(out.name, "Анна Смирнова");
    assert_string_equal(out.email, "anna@example.com");
    assert_string_equal(out.csrf, "csrf-token");
    assert_int_equal(out.groups.n, 3);
    assert_int_equal(out.groups.v[0], 1);
    assert_int_equal(out.groups.v[2], 3);
    arena_release(&a);
    authcache_free(c);
}

static void test_misses(void **state)
{
    UNUSED(state);
    struct authcache *c = authcache_new(64);
    struct actor in = sample(NULL, 0), out;
    in.csrf = NULL; /* an API token has no CSRF token */
    uint8_t key[32] = {9}, other[32] = {9, 1};
    struct arena a = ARENA_INIT(0);
    authcache_put(c, AUTHCACHE_TOKEN, key, 5, 1000, &in);
    assert_false(authcache_get(c, AUTHCACHE_TOKEN, key, 5, 1000, VIA_API, &a, &out)); /* expired */
    assert_false(authcache_get(c, AUTHCACHE_TOKEN, key, 6, 10, VIA_API, &a, &out));   /* changed */
    assert_false(authcache_get(c, AUTHCACHE_SESSION, key, 5, 10, VIA_API, &a, &out)); /* kind */
    assert_false(authcache_get(c, AUTHCACHE_TOKEN, other, 5, 10, VIA_API, &a, &out)); /* key */
    assert_true(authcache_get(c, AUTHCACHE_TOKEN, key, 5, 10, VIA_API, &a, &out));
    assert_null(out.csrf);
    assert_false(authcache_get(NULL, AUTHCACHE_TOKEN, key, 5, 10, VIA_API, &a, &out));
    arena_release(&a);
    authcache_free(c);
}

static void test_too_many_groups_not_cached(void **state)
{
    UNUSED(state);
    struct authcache *c = authcache_new(8);
    int64_t groups[40] = {0};
    struct actor in = sample(groups, 40), out;
    uint8_t key[32] = {4};
    struct arena a = ARENA_INIT(0);
    authcache_put(c, AUTHCACHE_TOKEN, key, 1, 1000, &in);
    assert_false(authcache_get(c, AUTHCACHE_TOKEN, key, 1, 0, VIA_API, &a, &out));
    arena_release(&a);
    authcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_copies_everything),
        cmocka_unit_test(test_misses),
        cmocka_unit_test(test_too_many_groups_not_cached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
