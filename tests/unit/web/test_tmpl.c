/* test_tmpl.c - the template engine (src/web/tmpl.c): escaping by context,
 * URL schemes, blocks, loops, includes, translations, and templates refused
 * at load with the line of the mistake. Also loads the real templates that
 * are built into the binary. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "web/embedded.h"
#include "web/tmpl.h"

/* ---- helpers ---- */

struct fx {
    struct arena a;
    struct tmpl_set *set;
    struct buf out;
    char why[256];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    arena_init(&f->a, 1 << 20);
    buf_init(&f->out, 1 << 20);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    tmpl_set_free(f->set);
    arena_release(&f->a);
    buf_release(&f->out);
    free(f);
    return 0;
}

#define SRC(name, text)                                                                            \
    {                                                                                              \
        name, (const unsigned char *)(text), sizeof(text) - 1                                      \
    }

/* Loads one template "t.html" (plus an optional second) or fails the test. */
static void load2(struct fx *f, const char *text, const char *name2, const char *text2)
{
    struct tmpl_src src[2] = {{"t.html", (const unsigned char *)text, strlen(text)},
                              {name2, (const unsigned char *)text2, text2 ? strlen(text2) : 0}};
    tmpl_set_free(f->set);
    f->set = NULL;
    op_rc rc = tmpl_set_load(src, name2 ? 2 : 1, &f->set, f->why, sizeof(f->why));
    if (rc) fail_msg("load failed: %s", f->why);
}

static void load(struct fx *f, const char *text)
{
    load2(f, text, NULL, NULL);
}

static const char *render(struct fx *f, const struct tv *data, enum lang lang)
{
    buf_clear(&f->out);
    op_rc rc = tmpl_render(f->set, "t.html", lang, data, &f->out);
    if (rc) fail_msg("render: %s", op_rc_name(rc));
    return buf_str(&f->out);
}

/* Expects text to be refused at load, naming line. */
static void refused(const char *text, int line, const char *what)
{
    struct tmpl_set *set = (struct tmpl_set *)1;
    char why[256], want[32];
    struct tmpl_src src = {"bad.html", (const unsigned char *)text, strlen(text)};
    op_rc rc = tmpl_set_load(&src, 1, &set, why, sizeof(why));
    if (rc != OP_ERR_INVALID) fail_msg("accepted: %s", text);
    assert_null(set);
    snprintf(want, sizeof(want), "bad.html:%d: ", line);
    if (strncmp(why, want, strlen(want)) != 0) fail_msg("want \"%s...\", got \"%s\"", want, why);
    if (what && !strstr(why, what)) fail_msg("want \"%s\" in \"%s\"", what, why);
}

/* ---- tests ---- */

static void test_text_escaping(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a);
    tv_set_str(&f->a, d, "x", "\"><script>alert('x')</script>&amp;");
    load(f, "<p>{{ x }}</p>");
    assert_string_equal(
        render(f, d, LANG_EN),
        "<p>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;</p>");
    load(f, "<p title=\"{{x}}\" data-a='{{ attr x }}'>{{ attr x }}</p>");
    const char *s = render(f, d, LANG_EN);
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "\">"
                          "<"));
    assert_string_equal(
        s, "<p title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\" "
           "data-a='&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;'>"
           "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;</p>");
}

static void test_url_escaping(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"https://example.com/a?b=1&c=2", "https://example.com/a?b=1&amp;c=2"},
        {"HTTP://example.com/", "HTTP://example.com/"},
        {"mailto:a@b.c", "mailto:a@b.c"},
        {"/tickets/5", "/tickets/5"},
        {"tickets/5?x=a:b", "tickets/5?x=a:b"},
        {"#top", "#top"},
        {"javascript:alert(1)", "#"},
        {"JaVaScRiPt:alert(1)", "#"},
        {" javascript:alert(1)", "#"},
        {"java\tscript:alert(1)", "#"},
        {"data:text/html,<script>", "#"},
        {"vbscript:x", "#"},
        {"\"><script>", "&quot;&gt;&lt;script&gt;"},
    };
    load(f, "<a href=\"{{ u }}\">a</a><form action='{{u}}'></form><p>{{ url u }}</p>");
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct tv *d = tv_map(&f->a);
        char want[512];
        tv_set_str(&f->a, d, "u", cases[i].in);
        snprintf(want, sizeof(want), "<a href=\"%s\">a</a><form action='%s'></form><p>%s</p>",
                 cases[i].out, cases[i].out, cases[i].out);
        assert_string_equal(render(f, d, LANG_EN), want);
    }
}

static void test_values_and_missing(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a), *t = tv_map(&f->a);
    tv_set_int(&f->a, t, "id", -42);
    tv_set_str(&f->a, t, "subject", "Printer <3");
    tv_set(&f->a, d, "ticket", t);
    tv_set_bool(&f->a, d, "yes", true);
    tv_set_str(&f->a, d, "subject", "replaced");
    tv_set_str(&f->a, d, "subject", "outer");
    load(f, "#{{ ticket.id }} {{ticket.subject}} {{ yes }} [{{ nope }}] [{{ ticket.nope.deeper }}] "
            "[{{ yes.x }}] {{ subject }}");
    assert_string_equal(render(f, d, LANG_EN), "#-42 Printer &lt;3 true [] [] [] outer");
    assert_string_equal(render(f, NULL, LANG_EN), "#   [] [] [] ");
    assert_ptr_equal(tv_get(d, "ticket.id"), tv_get(t, "id"));
    assert_null(tv_get(d, "ticket.id.x"));
}

static void test_if_else(void **state)
{
    struct fx *f = *state;
    load(f, "{% if a %}A{% else %}-a{% end %}{% if not b %}!b{% end %}"
            "{% if l %}L{% else %}-l{% end %}{% if s %}S{% end %}{% if m %}M{% end %}");
    struct tv *d = tv_map(&f->a);
    assert_string_equal(render(f, d, LANG_EN), "-a!b-l");
    tv_set_bool(&f->a, d, "a", true);
    tv_set_int(&f->a, d, "b", 3);
    tv_set(&f->a, d, "l", tv_list(&f->a));
    tv_set_str(&f->a, d, "s", "");
    tv_set(&f->a, d, "m", tv_map(&f->a));
    assert_string_equal(render(f, d, LANG_EN), "A-lM");
    tv_push(&f->a, (struct tv *)tv_get(d, "l"), tv_int(&f->a, 1));
    tv_set_str(&f->a, d, "s", "x");
    tv_set_int(&f->a, d, "b", 0);
    assert_string_equal(render(f, d, LANG_EN), "A!bLSM");
}

static void test_nested_loops(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a), *groups = tv_list(&f->a);
    for (int g = 0; g < 3; g++) {
        struct tv *grp = tv_map(&f->a), *members = tv_list(&f->a);
        char name[16];
        snprintf(name, sizeof(name), "g%d", g);
        tv_set_str(&f->a, grp, "name", name);
        for (int m = 0; m < g; m++)
            tv_push(&f->a, members, tv_int(&f->a, m));
        tv_set(&f->a, grp, "members", members);
        tv_push(&f->a, groups, grp);
    }
    tv_set(&f->a, d, "groups", groups);
    tv_set_str(&f->a, d, "name", "outer");
    load(f, "{% for g in groups %}[{{ g.name }}:{% for m in g.members %}{{ m }}{{ g.name }},"
            "{% end %}{% if not g.members %}none{% end %}]{% end %}{{ name }}"
            "{% for x in nothing %}never{% end %}{% for x in name %}never{% end %}");
    assert_string_equal(render(f, d, LANG_EN), "[g0:none][g1:0g1,][g2:0g2,1g2,]outer");
}

static void test_loop_shadows(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a), *l = tv_list(&f->a);
    tv_push(&f->a, l, tv_str(&f->a, "<i>"));
    tv_set(&f->a, d, "l", l);
    tv_set_str(&f->a, d, "x", "outer");
    load(f, "{{x}}{% for x in l %}{{ x }}{% end %}{{x}}");
    assert_string_equal(render(f, d, LANG_EN), "outer&lt;i&gt;outer");
}

static void test_includes(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a), *l = tv_list(&f->a);
    tv_push(&f->a, l, tv_str(&f->a, "a&b"));
    tv_push(&f->a, l, tv_str(&f->a, "c"));
    tv_set(&f->a, d, "l", l);
    load2(f, "<ul>{% for item in l %}{% include \"item.html\" %}{% end %}</ul>", "item.html",
          "<li title=\"{{ item }}\">{{ item }}</li>");
    assert_string_equal(render(f, d, LANG_EN),
                        "<ul><li title=\"a&amp;b\">a&amp;b</li><li title=\"c\">c</li></ul>");
    assert_true(tmpl_exists(f->set, "item.html"));
    assert_false(tmpl_exists(f->set, "other.html"));
    buf_clear(&f->out);
    assert_int_equal(tmpl_render(f->set, "other.html", LANG_EN, d, &f->out), OP_ERR_NOTFOUND);

    /* a template that includes itself stops at the depth limit */
    load2(f, "x{% include \"t.html\" %}", "u.html", "");
    buf_clear(&f->out);
    assert_int_equal(tmpl_render(f->set, "t.html", LANG_EN, d, &f->out), OP_ERR_INVALID);
}

static void test_fragments_raw_only_from_engine(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a), *frag = NULL;
    tv_set_str(&f->a, d, "x", "<b>");
    load2(f, "<div title=\"{{ f }}\">{{ f }}</div>", "frag.html", "<i>{{ x }}</i>");
    assert_int_equal(tmpl_render_fragment(f->set, "frag.html", LANG_EN, d, &f->a, &frag), OP_OK);
    assert_int_equal(frag->kind, TV_HTML);
    tv_set(&f->a, d, "f", frag);
    /* raw in text; in an attribute it is text like any other */
    assert_string_equal(
        render(f, d, LANG_EN),
        "<div title=\"&lt;i&gt;&amp;lt;b&amp;gt;&lt;/i&gt;\"><i>&lt;b&gt;</i></div>");
    /* a string that looks like HTML is still a string */
    tv_set_str(&f->a, d, "f", "<i>");
    assert_string_equal(render(f, d, LANG_EN), "<div title=\"&lt;i&gt;\">&lt;i&gt;</div>");
}

static void test_translations(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a);
    tv_set_int(&f->a, d, "n", 5);
    tv_set_str(&f->a, d, "hi", "<9>");
    load(f, "{{ t MSG_ERR_REQUIRED }}|{{ t MSG_ERR_RANGE n hi }}|{{ t MSG_ERR_TOO_LONG \"7\" }}"
            "|<input placeholder=\"{{ t MSG_ERR_TOO_LONG n }}\">");
    assert_string_equal(
        render(f, d, LANG_EN),
        "is required|must be between 5 and &lt;9&gt;|is too long (at most 7 characters)"
        "|<input placeholder=\"is too long (at most 5 characters)\">");
    assert_string_equal(
        render(f, d, LANG_RU),
        "обязательное поле|должно быть от 5 до &lt;9&gt;|слишком длинное (не более 7 "
        "символов)|<input placeholder=\"слишком длинное (не более 5 символов)\">");
}

static void test_contexts_tracked(void **state)
{
    struct fx *f = *state;
    struct tv *d = tv_map(&f->a);
    tv_set_str(&f->a, d, "u", "javascript:x");
    /* a value after a script block and a comment is text again; ">" inside a
     * quoted attribute does not end the tag */
    load(f, "<script src=\"/assets/app.js\"></script><!-- c --><a title=\">\" href=\"{{ u }}\">"
            "{{ u }}</a><style></style>{{ u }}");
    assert_string_equal(
        render(f, d, LANG_EN),
        "<script src=\"/assets/app.js\"></script><!-- c --><a title=\">\" href=\"#\">"
        "javascript:x</a><style></style>javascript:x");
}

static void test_malformed_rejected(void **state)
{
    (void)state;
    refused("ok\n{{ x", 2, "unclosed");
    refused("a\nb\n{% if x %}\nno end", 3, "not closed");
    refused("{% end %}", 1, "without");
    refused("{% if a %}{% else %}{% else %}{% end %}", 1, "else");
    refused("{% for x in l %}{% else %}{% end %}", 1, "else");
    refused("\n\n{% frobnicate %}", 3, "unknown tag");
    refused("{{ }}", 1, "empty");
    refused("{{ a b }}", 1, NULL);
    refused("{{ a..b }}", 1, "bad value name");
    refused("{{ a-b }}", 1, "bad value name");
    refused("{% for x.y in l %}{% end %}", 1, NULL);
    refused("{% for x l %}{% end %}", 1, NULL);
    refused("{{ t MSG_NO_SUCH_THING }}", 1, "unknown message");
    refused("{{ t MSG_ERR_RANGE \"1\" }}", 1, "takes 2");
    refused("{{ t MSG_ERR_REQUIRED x }}", 1, "takes 0");
    /* a message with {4} cannot be given four arguments by a template */
    refused("{{ t MSG_CLI_BAD_NUMBER a b c d }}", 1, "at most 3");
    refused("x\n{% include \"nope.html\" %}", 2, "unknown template");
    refused("{% include nope.html %}", 1, NULL);
    refused("{{ \"x }}", 1, "unterminated");
    /* values where no escaping makes them safe */
    refused("<a href={{ u }}>", 1, "quoted");
    refused("<p {{ a }}>", 1, "quoted");
    refused("\n<a onclick=\"{{ a }}\">", 2, "onclick");
    refused("<a hx-on:click=\"{{ a }}\">", 1, "hx-on");
    refused("<a style=\"{{ a }}\">", 1, "style");
    refused("<div hx-vals='{{ a }}'>", 1, "hx-vals");
    refused("<script>var x = \"{{ a }}\";</script>", 1, "script");
    refused("<STYLE>{{ a }}</STYLE>", 1, "style");
    refused("<!-- {{ a }} -->", 1, "comment");
}

static void test_cap(void **state)
{
    struct fx *f = *state;
    struct buf small = BUF_INIT(8);
    load(f, "0123456789");
    assert_int_equal(tmpl_render(f->set, "t.html", LANG_EN, NULL, &small), OP_ERR_TOOBIG);
    buf_release(&small);
}

static void test_builtin_templates_load(void **state)
{
    (void)state;
    struct tmpl_set *set = NULL;
    char why[256];
    op_rc rc = tmpl_set_load(web_templates, web_templates_count, &set, why, sizeof(why));
    if (rc) fail_msg("built-in templates: %s", why);
    static const char *const pages[] = {"login.html", "queue.html",      "ticket.html",
                                        "error.html", "layout_top.html", "layout_end.html"};
    for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
        if (!tmpl_exists(set, pages[i])) fail_msg("no built-in template %s", pages[i]);
    tmpl_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_and_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_if_else, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_shadows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_includes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragments_raw_only_from_engine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_translations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contexts_tracked, setup, teardown),
        cmocka_unit_test(test_malformed_rejected),
        cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
        cmocka_unit_test(test_builtin_templates_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
