/* test_jsonw.c - the streaming JSON writer (src/base/jsonw.c).
 *
 * What it writes is checked two ways: parsed back with jansson's json_loads
 * (it must be valid JSON holding exactly the values written), and compared
 * byte for byte with jansson's json_dumps(JSON_COMPACT) of the same values,
 * since the API's replies must read the same as when jansson wrote them. */
#include "base/common.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/jsonw.h"
#include "base/timeutil.h"

/* ---- helpers ---- */

/* The writer's text; fails the test unless the writer succeeded. */
static const char *finish(struct jsonw *w, size_t *len)
{
    const char *text = NULL;
    size_t n = 0;
    op_rc rc = jsonw_finish(w, &text, &n);
    if (rc) fail_msg("jsonw_finish: %s", op_rc_name(rc));
    assert_non_null(text);
    assert_int_equal(strlen(text), n); /* NUL-terminated, no NUL inside (unless escaped) */
    if (len) *len = n;
    return text;
}

/* text parsed by jansson; fails the test if it is not JSON. */
static json_t *parse(const char *text, size_t len)
{
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!j) fail_msg("not JSON (%s at %d): %.200s", e.text, e.position, text);
    return j;
}

/* What jansson writes for j (stolen). */
static char *jansson_dump(json_t *j)
{
    assert_non_null(j);
    char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    assert_non_null(s);
    return s;
}

/* Writes s[0..n) as a lone string and checks it against jansson both ways. */
static void check_string(const char *s, size_t n)
{
    struct arena a = ARENA_INIT(0);
    struct jsonw w;
    size_t len;
    jsonw_init_arena(&w, &a, 1 << 20);
    jsonw_strn(&w, NULL, s, n);
    const char *text = finish(&w, &len);
    json_t *back = parse(text, len);
    assert_true(json_is_string(back));
    assert_int_equal(json_string_length(back), n);
    assert_memory_equal(json_string_value(back), s, n);
    json_decref(back);
    char *want = jansson_dump(json_stringn(s, n));
    assert_string_equal(text, want);
    free(want);
    arena_release(&a);
}

/* ---- strings ---- */

static void test_strings(void **state)
{
    UNUSED(state);
    static const char *const nasty[] = {
        "",
        "plain ascii",
        "quote \" and backslash \\ and slash /",
        "\"\\\"\\\\",
        "\b\f\n\r\t",
        "\x01\x02\x1e\x1f\x7f",
        "Привет, мир! Ёжик в тумане",
        "emoji 😀 and 𝄞 (4-byte UTF-8)",
        "mixed \"Заявка\"\n\t№ 42 — \\готово\\ 🎉",
        "line\xe2\x80\xa8sep\xe2\x80\xa9para", /* U+2028, U+2029 pass as they are */
        "\xef\xbf\xbf\xf4\x8f\xbf\xbf",        /* U+FFFF, U+10FFFF */
        "</script><!--",
    };
    for (size_t i = 0; i < ARRAY_SIZE(nasty); i++)
        check_string(nasty[i], strlen(nasty[i]));

    /* every byte below 0x80, one at a time and all together */
    char all[128];
    for (int c = 0; c < 128; c++) {
        all[c] = (char)c;
        check_string(&all[c], 1);
    }
    check_string(all, sizeof(all)); /* with a NUL inside: jsonw_strn writes \u0000 */

    /* the escapes themselves */
    struct arena a = ARENA_INIT(0);
    struct jsonw w;
    jsonw_init_arena(&w, &a, 1000);
    jsonw_str(&w, NULL, "a\"b\\c\x01\x1f\b\f\n\r\t/\x7f");
    assert_string_equal(finish(&w, NULL), "\"a\\\"b\\\\c\\u0001\\u001F\\b\\f\\n\\r\\t/\x7f\"");
    arena_release(&a);
}

/* A byte that needs attention at every offset of a string, so that the
 * eight-bytes-at-a-time scan sees it in every lane and at the tail. */
static void test_strings_every_offset(void **state)
{
    UNUSED(state);
    /* escaped; plain at the edges of the ranges; UTF-8 of 2, 3 and 4 bytes */
    static const char *const specials[] = {"\"",
                                           "\\",
                                           "\n",
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           " ",
                                           "~",
                                           "\xd0\x96",
                                           "\xe2\x80\xa8",
                                           "\xf0\x9f\x98\x80"};
    char s[64];
    for (size_t k = 0; k < ARRAY_SIZE(specials); k++) {
        size_t sl = strlen(specials[k]);
        for (size_t len = 1; len <= 24; len++)
            for (size_t at = 0; at + sl <= len; at++) {
                memset(s, 'a', len);
                memcpy(s + at, specials[k], sl);
                check_string(s, len);
            }
    }
}

/* Random valid UTF-8 (every plane, control characters included) written
 * exactly as jansson writes it. */
static void test_strings_random(void **state)
{
    UNUSED(state);
    unsigned seed = 12345;
    char s[400];
    for (int round = 0; round < 2000; round++) {
        size_t n = 0;
        int chars = (int)(rand_r(&seed) % 60);
        for (int i = 0; i < chars; i++) {
            unsigned cp, kind = (unsigned)rand_r(&seed) % 5;
            if (kind == 0)
                cp = (unsigned)rand_r(&seed) % 0x80;
            else if (kind == 1)
                cp = 0x80 + (unsigned)rand_r(&seed) % (0x800 - 0x80);
            else if (kind == 2)
                cp = 0x800 + (unsigned)rand_r(&seed) % (0x10000 - 0x800);
            else if (kind == 3)
                cp = 0x10000 + (unsigned)rand_r(&seed) % (0x110000 - 0x10000);
            else
                cp = (unsigned)"\"\\\n\x01/"[rand_r(&seed) % 5];
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x41; /* surrogates are not characters */
            if (cp < 0x80) {
                s[n++] = (char)cp;
            } else if (cp < 0x800) {
                s[n++] = (char)(0xC0 | cp >> 6);
                s[n++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                s[n++] = (char)(0xE0 | cp >> 12);
                s[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                s[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                s[n++] = (char)(0xF0 | cp >> 18);
                s[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                s[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                s[n++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        check_string(s, n);
    }
}

static void test_invalid_utf8(void **state)
{
    UNUSED(state);
    static const char *const bad[] = {
        "\x80",             /* a lone continuation byte */
        "\xc0\x80",         /* overlong NUL */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong '/' */
        "\xed\xa0\x80",     /* a surrogate, U+D800 */
        "\xed\xbf\xbf",     /* U+DFFF */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf5\x80\x80\x80", /* no such lead byte */
        "\xff",
        "\xe2\x82",          /* cut short */
        "ok \xd0",           /* cut short at the end */
        "\xf0\x9f\x98",      /* a 4-byte sequence without its last byte */
        "\xd0\x41 and more", /* a lead byte without its continuation */
        "x \xc3( y",
        "\xd0\x96\xd0\x96\xd0\x41", /* ... after good ones */
        "\xd0\x96\xd0\xd0\x96",
        "\xe2\x28\xa1", /* a non-continuation inside a sequence */
        "\xf0\x9f\x98\x41",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct arena a = ARENA_INIT(0);
        struct jsonw w;
        jsonw_init_arena(&w, &a, 1000);
        jsonw_array_begin(&w, NULL);
        jsonw_str(&w, NULL, "fine");
        jsonw_str(&w, NULL, bad[i]);
        jsonw_str(&w, NULL, "never written");
        jsonw_array_end(&w);
        assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);
        assert_null(memmem(w.p, w.len, "never", 5)); /* sticky: nothing after the failure */
        /* jansson refuses the same strings */
        assert_null(json_string(bad[i]));
        arena_release(&a);
    }
    /* a bad key fails the same way */
    struct arena a = ARENA_INIT(0);
    struct jsonw w;
    jsonw_init_arena(&w, &a, 1000);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, "\xc3", 1);
    jsonw_object_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);
    arena_release(&a);
}

/* ---- numbers and the other scalars ---- */

static void test_numbers(void **state)
{
    UNUSED(state);
    static const int64_t ints[] = {
        0, 1, -1, 9, 10, -10, 123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1, 1000000000000000000,
    };
    for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
        struct buf b = BUF_INIT(100);
        struct jsonw w;
        jsonw_init_buf(&w, &b);
        jsonw_int(&w, NULL, ints[i]);
        const char *text = finish(&w, NULL);
        char *want = jansson_dump(json_integer(ints[i]));
        assert_string_equal(text, want);
        free(want);
        buf_release(&b);
    }
    static const double reals[] = {0.0,
                                   -0.0,
                                   1.0,
                                   -3.5,
                                   0.1,
                                   1.0 / 3,
                                   2.0 / 3,
                                   1e20,
                                   1e-5,
                                   1e-300,
                                   1e300,
                                   1e16,
                                   1e15,
                                   0.0001,
                                   5e-324,
                                   1e21,
                                   1e22,
                                   DBL_MAX,
                                   DBL_MIN,
                                   -DBL_MAX,
                                   4.5e100,
                                   -7.25e-12,
                                   12.345678901234567,
                                   123456789012345678.0};
    for (size_t i = 0; i < ARRAY_SIZE(reals); i++) {
        struct buf b = BUF_INIT(100);
        struct jsonw w;
        jsonw_init_buf(&w, &b);
        jsonw_double(&w, NULL, reals[i]);
        size_t len;
        const char *text = finish(&w, &len);
        char *want = jansson_dump(json_real(reals[i]));
        assert_string_equal(text, want);
        free(want);
        json_t *back = parse(text, len); /* a real stays a real, and exact */
        assert_true(json_is_real(back));
        assert_true(json_real_value(back) == reals[i]);
        json_decref(back);
        buf_release(&b);
    }
    /* no JSON form: null */
    struct buf b = BUF_INIT(100);
    struct jsonw w;
    jsonw_init_buf(&w, &b);
    jsonw_array_begin(&w, NULL);
    jsonw_double(&w, NULL, NAN);
    jsonw_double(&w, NULL, INFINITY);
    jsonw_double(&w, NULL, -INFINITY);
    jsonw_array_end(&w);
    assert_string_equal(finish(&w, NULL), "[null,null,null]");
    buf_release(&b);
}

/* jsonw_time writes what time_format_iso writes, for any time. */
static void test_times(void **state)
{
    UNUSED(state);
    static const op_time fixed[] = {1,
                                    999,
                                    1000,
                                    86399999,
                                    86400000,
                                    951782400000 /* 2000-02-29 */,
                                    951868800000,
                                    4107542400000 /* 2100-02-28 */,
                                    4107628800000 /* 2100-03-01 */,
                                    1769860800123,
                                    253402300799999 /* 9999-12-31T23:59:59.999 */,
                                    253402300800000 /* year 10000 */,
                                    -1,
                                    -1000,
                                    -86400001,
                                    -62135596800000 /* 0001-01-01 */,
                                    INT64_C(1) << 50};
    char want[32];
    struct buf b = BUF_INIT(100);
    struct jsonw w;
    unsigned seed = 4242;
    for (size_t i = 0; i < ARRAY_SIZE(fixed) + 200000; i++) {
        op_time t;
        if (i < ARRAY_SIZE(fixed))
            t = fixed[i];
        else if (i % 2) /* any day up to 9999 */
            t = (op_time)((((uint64_t)rand_r(&seed) << 31) | (uint64_t)rand_r(&seed)) %
                          (uint64_t)253402300800000);
        else /* near now, where the data is */
            t = 1600000000000 + (op_time)rand_r(&seed) * 100;
        size_t n = time_format_iso(t, want);
        buf_clear(&b);
        jsonw_init_buf(&w, &b);
        jsonw_time(&w, NULL, t);
        size_t len;
        const char *text = finish(&w, &len);
        if (len != n + 2 || text[0] != '"' || memcmp(text + 1, want, n) != 0 || text[n + 1] != '"')
            fail_msg("t=%" PRId64 ": %s, want \"%s\"", t, text, want);
    }
    buf_release(&b);
}

static void test_scalars(void **state)
{
    UNUSED(state);
    struct buf b = BUF_INIT(1000);
    struct jsonw w;
    jsonw_init_buf(&w, &b);
    jsonw_object_begin(&w, NULL);
    jsonw_bool(&w, "t", true);
    jsonw_bool(&w, "f", false);
    jsonw_null(&w, "n");
    jsonw_str(&w, "s", NULL);
    jsonw_id(&w, "id0", 0);
    jsonw_id(&w, "id", 42);
    jsonw_time(&w, "unset", 0);
    jsonw_time(&w, "at", 1769860800123); /* 2026-01-31T12:00:00.123Z */
    jsonw_time(&w, "epoch_ms", 1);
    jsonw_raw(&w, "raw", "{\"plan\":\"pro\",\"seats\":5}", 24);
    jsonw_object_end(&w);
    size_t len;
    const char *text = finish(&w, &len);
    assert_string_equal(text,
                        "{\"t\":true,\"f\":false,\"n\":null,\"s\":null,\"id0\":null,\"id\":42,"
                        "\"unset\":null,\"at\":\"2026-01-31T12:00:00.123Z\","
                        "\"epoch_ms\":\"1970-01-01T00:00:00.001Z\","
                        "\"raw\":{\"plan\":\"pro\",\"seats\":5}}");
    json_t *back = parse(text, len);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(back, "raw"), "seats")), 5);
    json_decref(back);
    buf_release(&b);
}

/* ---- structure ---- */

static void test_nesting(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    struct jsonw w;
    size_t len;
    jsonw_init_arena(&w, &a, 1 << 20);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "empty_array");
    jsonw_array_end(&w);
    jsonw_object_begin(&w, "empty_object");
    jsonw_object_end(&w);
    jsonw_array_begin(&w, "rows");
    for (int i = 0; i < 3; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "i", i);
        jsonw_array_begin(&w, "tags");
        jsonw_str(&w, NULL, "a");
        jsonw_array_begin(&w, NULL);
        jsonw_array_end(&w);
        jsonw_array_end(&w);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_str(&w, "\"odd\" key\n", "v");
    jsonw_object_end(&w);
    const char *text = finish(&w, &len);
    assert_string_equal(text, "{\"empty_array\":[],\"empty_object\":{},\"rows\":["
                              "{\"i\":0,\"tags\":[\"a\",[]]},{\"i\":1,\"tags\":[\"a\",[]]},"
                              "{\"i\":2,\"tags\":[\"a\",[]]}],\"\\\"odd\\\" key\\n\":\"v\"}");
    json_t *back = parse(text, len);
    assert_int_equal(json_array_size(json_object_get(back, "rows")), 3);
    assert_string_equal(json_string_value(json_object_get(back, "\"odd\" key\n")), "v");
    json_decref(back);

    /* as deep as allowed, alternating arrays and objects; one more fails */
    for (int extra = 0; extra <= 1; extra++) {
        int depth = JSONW_MAX_DEPTH + extra;
        jsonw_init_arena(&w, &a, 1 << 20);
        /* [{"k":[{"k":[... : an array holds an object without a key, an
         * object names its array */
        for (int d = 0; d < depth; d++) {
            if (d % 2)
                jsonw_object_begin(&w, NULL);
            else
                jsonw_array_begin(&w, d ? "k" : NULL);
        }
        for (int d = depth - 1; d >= 0; d--) {
            if (d % 2)
                jsonw_object_end(&w);
            else
                jsonw_array_end(&w);
        }
        if (extra) {
            assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);
        } else {
            text = finish(&w, &len);
            json_decref(parse(text, len));
        }
    }
    arena_release(&a);
}

/* Writes j (any jansson value) with the writer, as an API serializer would. */
static void write_tree(struct jsonw *w, const char *key, json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        jsonw_object_begin(w, key);
        json_object_foreach(j, k, v) write_tree(w, k, v);
        jsonw_object_end(w);
        break;
    case JSON_ARRAY:
        jsonw_array_begin(w, key);
        json_array_foreach(j, i, v) write_tree(w, NULL, v);
        jsonw_array_end(w);
        break;
    case JSON_STRING:
        jsonw_strn(w, key, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        jsonw_int(w, key, json_integer_value(j));
        break;
    case JSON_REAL:
        jsonw_double(w, key, json_real_value(j));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        jsonw_bool(w, key, json_is_true(j));
        break;
    case JSON_NULL:
        jsonw_null(w, key);
        break;
    }
}

/* A random tree of every kind of value, depth at most d. */
static json_t *random_tree(unsigned *seed, int d)
{
    static const char *const words[] = {"", "a", "Заявка", "\"q\"", "x\\y", "\n\t", "😀", "id"};
    int kind = rand_r(seed) % (d > 0 ? 8 : 6);
    switch (kind) {
    case 0:
        return json_string(words[rand_r(seed) % ARRAY_SIZE(words)]);
    case 1:
        return json_integer((json_int_t)rand_r(seed) * (rand_r(seed) % 2 ? 1 : -1000003));
    case 2:
        return json_real((double)rand_r(seed) / ((double)rand_r(seed) + 1.0) *
                         pow(10, rand_r(seed) % 40 - 20));
    case 3:
        return json_boolean(rand_r(seed) % 2);
    case 4:
        return json_null();
    case 5:
        return json_integer(0);
    case 6: {
        json_t *a = json_array();
        for (int i = rand_r(seed) % 6; i > 0; i--)
            json_array_append_new(a, random_tree(seed, d - 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int i = rand_r(seed) % 6; i > 0; i--) {
            char key[32];
            snprintf(key, sizeof(key), "%s%d", words[rand_r(seed) % ARRAY_SIZE(words)], i);
            json_object_set_new(o, key, random_tree(seed, d - 1));
        }
        return o;
    }
    }
}

/* Whole documents, byte for byte as jansson writes them. */
static void test_trees_match_jansson(void **state)
{
    UNUSED(state);
    unsigned seed = 777;
    struct arena a = ARENA_INIT(0);
    for (int round = 0; round < 500; round++) {
        json_t *j = random_tree(&seed, 5);
        struct jsonw w;
        size_t len;
        jsonw_init_arena(&w, &a, 1 << 24);
        write_tree(&w, NULL, j);
        const char *text = finish(&w, &len);
        json_t *back = parse(text, len);
        assert_true(json_equal(back, j));
        json_decref(back);
        char *want = jansson_dump(j);
        assert_string_equal(text, want);
        free(want);
        arena_release(&a);
    }
}

static void test_misuse(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    struct jsonw w;

    jsonw_init_arena(&w, &a, 1000); /* a key inside an array */
    jsonw_array_begin(&w, NULL);
    jsonw_int(&w, "k", 1);
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    jsonw_init_arena(&w, &a, 1000); /* no key inside an object */
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, NULL, 1);
    jsonw_object_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    jsonw_init_arena(&w, &a, 1000); /* a key at the top */
    jsonw_int(&w, "k", 1);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    jsonw_init_arena(&w, &a, 1000); /* the wrong end */
    jsonw_object_begin(&w, NULL);
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    jsonw_init_arena(&w, &a, 1000); /* an end with nothing open */
    jsonw_object_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    jsonw_init_arena(&w, &a, 1000); /* two top-level values */
    jsonw_int(&w, NULL, 1);
    jsonw_int(&w, NULL, 2);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    jsonw_init_arena(&w, &a, 1000); /* unfinished, and nothing at all */
    jsonw_object_begin(&w, NULL);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);
    jsonw_init_arena(&w, &a, 1000);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);

    /* a misuse is sticky: finishing the structure does not mend it */
    jsonw_init_arena(&w, &a, 1000);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, NULL, 1);
    size_t len = w.len;
    jsonw_int(&w, "k", 2);
    jsonw_object_end(&w);
    assert_int_equal(w.len, len);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_INVALID);
    arena_release(&a);
}

/* ---- size: big outputs and the cap ---- */

static void test_big(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(64 << 20);
    struct jsonw w;
    size_t len;
    char s[64];
    jsonw_init_arena(&w, &a, 32 << 20);
    jsonw_array_begin(&w, NULL);
    for (int i = 0; i < 200000; i++) {
        snprintf(s, sizeof(s), "row %d: \"Привет\"\n", i);
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "i", i);
        jsonw_str(&w, "s", s);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    const char *text = finish(&w, &len);
    assert_true(len > 8 << 20);
    /* doubling into fresh blocks: what the arena holds stays within 4x */
    assert_true(a.used < 4 * len);
    json_t *back = parse(text, len);
    assert_int_equal(json_array_size(back), 200000);
    json_t *last = json_array_get(back, 199999);
    assert_int_equal(json_integer_value(json_object_get(last, "i")), 199999);
    assert_string_equal(json_string_value(json_object_get(last, "s")), "row 199999: \"Привет\"\n");
    json_decref(back);
    arena_release(&a);

    /* one long string */
    size_t n = 3 << 20;
    char *longs = malloc(n + 1);
    assert_non_null(longs);
    for (size_t i = 0; i < n; i++)
        longs[i] = (char)('a' + i % 26);
    longs[n] = '\0';
    check_string(longs, 1 << 19);
    jsonw_init_arena(&w, &a, 4 << 20);
    jsonw_str(&w, NULL, longs);
    text = finish(&w, &len);
    assert_int_equal(len, n + 2);
    free(longs);
    arena_release(&a);
}

static void test_cap(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    struct jsonw w;
    size_t len;
    /* ["xxxxxxxx"] is exactly 12 bytes: fits a cap of 12, not one of 11 */
    jsonw_init_arena(&w, &a, 12);
    jsonw_array_begin(&w, NULL);
    jsonw_str(&w, NULL, "xxxxxxxx");
    jsonw_array_end(&w);
    assert_string_equal(finish(&w, &len), "[\"xxxxxxxx\"]");
    jsonw_init_arena(&w, &a, 11);
    jsonw_array_begin(&w, NULL);
    jsonw_str(&w, NULL, "xxxxxxxx");
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_TOOBIG);
    assert_true(w.len <= 11);

    /* a big writer stops at its cap and stays stopped */
    jsonw_init_arena(&w, &a, 100000);
    jsonw_array_begin(&w, NULL);
    for (int i = 0; i < 100000; i++)
        jsonw_int(&w, NULL, i);
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_TOOBIG);
    assert_true(w.len <= 100000);
    arena_release(&a);

    /* the arena's own cap: out of memory */
    struct arena small = ARENA_INIT(4096);
    jsonw_init_arena(&w, &small, 1 << 20);
    jsonw_array_begin(&w, NULL);
    for (int i = 0; i < 10000; i++)
        jsonw_int(&w, NULL, i);
    jsonw_array_end(&w);
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_NOMEM);
    arena_release(&small);

    /* buf mode, far past the writer's staging area: the same text as arena mode */
    struct buf big = BUF_INIT(8 << 20);
    struct arena ba = ARENA_INIT(0);
    struct jsonw wb, wa;
    char *longs = malloc(5000);
    assert_non_null(longs);
    memset(longs, 'z', 4999);
    longs[4999] = '\0';
    jsonw_init_buf(&wb, &big);
    jsonw_init_arena(&wa, &ba, 8 << 20);
    struct jsonw *both[] = {&wb, &wa};
    for (int k = 0; k < 2; k++) {
        jsonw_array_begin(both[k], NULL);
        for (int i = 0; i < 20000; i++) {
            jsonw_int(both[k], NULL, i);
            if (i % 1000 == 0) jsonw_str(both[k], NULL, longs); /* bigger than the stage */
            jsonw_str(both[k], NULL, "Привет \"мир\"\n");
        }
        jsonw_array_end(both[k]);
    }
    size_t lb, la;
    const char *tb = finish(&wb, &lb), *ta = finish(&wa, &la);
    assert_int_equal(lb, la);
    assert_memory_equal(tb, ta, la);
    json_t *back = parse(tb, lb);
    assert_int_equal(json_array_size(back), 20000 * 2 + 20);
    json_decref(back);
    free(longs);
    buf_release(&big);
    arena_release(&ba);

    /* buf mode: the buf's cap; what is already in the buf stays */
    struct buf b = BUF_INIT(20);
    buf_puts(&b, "data=");
    jsonw_init_buf(&w, &b);
    jsonw_array_begin(&w, NULL);
    jsonw_int(&w, NULL, 1234567);
    jsonw_array_end(&w);
    assert_string_equal(finish(&w, &len), "data=[1234567]");
    assert_int_equal(len, 14);
    jsonw_init_buf(&w, &b);
    jsonw_str(&w, NULL, "too long for the rest");
    assert_int_equal(jsonw_finish(&w, NULL, NULL), OP_ERR_TOOBIG);
    assert_true(b.len <= 20);
    assert_memory_equal(buf_str(&b), "data=[1234567]", 14);
    buf_release(&b);
}

/* ---- checking JSON text ---- */

static void test_valid(void **state)
{
    UNUSED(state);
    static const char *const good[] = {
        "{}",
        "[]",
        " {\"a\":1} ",
        "{\"plan\":\"pro\",\"n\":-1.5e+3,\"x\":null,\"t\":true}",
        "0",
        "-0",
        "1.25",
        "1E5",
        "\"\"",
        "\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
        "[1,[2,[3,{}]]]",
        "\"Привет 😀\"",
        "false",
        "\n\t\r [ ] ",
    };
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "01",
        "1.",
        "-",
        ".5",
        "1e",
        "+1",
        "\"unterminated",
        "\"ctl\x01\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\xc3\"",
        "\"\xed\xa0\x80\"",
        "tru",
        "nul",
        "{} {}",
        "[1] x",
        "{\"a\":1}}",
        "NaN",
        "Infinity",
    };
    for (size_t i = 0; i < ARRAY_SIZE(good); i++)
        if (!jsonw_valid(good[i], strlen(good[i]))) fail_msg("should be valid: %s", good[i]);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (jsonw_valid(bad[i], strlen(bad[i]))) fail_msg("should be invalid: %s", bad[i]);
    assert_false(jsonw_valid(NULL, 0));
    /* a NUL byte inside the length is not JSON */
    assert_false(jsonw_valid("{}\0", 3));
    assert_false(jsonw_valid("\"a\0b\"", 5));
    /* length-bounded: the text need not end with NUL */
    assert_true(jsonw_valid("[1]xyz", 3));

    /* nesting as deep as the writer allows, not deeper */
    char deep[2 * JSONW_MAX_DEPTH + 3];
    for (int extra = 0; extra <= 1; extra++) {
        int d = JSONW_MAX_DEPTH + extra;
        memset(deep, '[', (size_t)d);
        memset(deep + d, ']', (size_t)d);
        assert_int_equal(jsonw_valid(deep, 2 * (size_t)d), extra == 0);
    }

    /* whatever jansson writes is valid */
    unsigned seed = 99;
    for (int round = 0; round < 300; round++) {
        char *s = jansson_dump(random_tree(&seed, 4));
        if (!jsonw_valid(s, strlen(s))) fail_msg("jansson's output refused: %s", s);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_strings_random),
        cmocka_unit_test(test_strings_every_offset),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_trees_match_jansson),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_big),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
