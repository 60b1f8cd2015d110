/* test_mail_parse.c - the mail parser over the corpus in tests/mail/corpus,
 * with the expected result of each message; HTML to text; reply tokens. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>

#include "channels/mail/parse.h"
#include "channels/mail/thread.h"

#define RECEIVED ((op_time)1767225600000) /* 2026-01-01 */

static char *slurp(const char *name, size_t *n)
{
    const char *dir = getenv("OPORA_MAIL_CORPUS");
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/mail/corpus", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Parses a corpus file; returns the rc, *why, and the message in m. */
static op_rc parse_file(const char *name, struct arena *a, struct mail_msg *m, const char **why)
{
    size_t n;
    char *raw = slurp(name, &n);
    struct mail_limits lim;
    mail_limits_default(&lim);
    op_rc rc = mail_parse(raw, n, RECEIVED, &lim, a, m, why);
    free(raw);
    return rc;
}

/* The expected result of each corpus message. */
static const struct expect {
    const char *file;
    op_rc rc;
    const char *why;       /* on a rejection */
    const char *from;
    const char *subject;
    const char *text_has;  /* a substring of the text */
    enum mail_noise noise;
    size_t n_parts;
} corpus[] = {
    {"utf8.eml", OP_OK, "", "anna@example.com", "Не работает печать", "Принтер не печатает.",
     MAIL_NOISE_NONE, 0},
    {"koi8r.eml", OP_OK, "", "ivan@example.com", "Привет", "Добрый день", MAIL_NOISE_NONE, 0},
    {"cp1251.eml", OP_OK, "", "petr@example.com", "Счёт", "Оплата не прошла", MAIL_NOISE_NONE, 0},
    {"iso88595.eml", OP_OK, "", "olga@example.com", "Тест", "Привет", MAIL_NOISE_NONE, 0},
    {"no-charset.eml", OP_OK, "", "x@example.com", "raw", "Привет", MAIL_NOISE_NONE, 0},
    {"no-date.eml", OP_OK, "", "x@example.com", "no date", "body", MAIL_NOISE_NONE, 0},
    {"nul-bytes.eml", OP_OK, "", "x@example.com", "nul", "abc", MAIL_NOISE_NONE, 0},
    {"huge-header.eml", OP_ERR_TOOBIG, "header_too_long", NULL, NULL, NULL, 0, 0},
    {"nesting-bomb.eml", OP_ERR_TOOBIG, "too_many_parts", NULL, NULL, NULL, 0, 0},
    {"html-xss.eml", OP_OK, "", "x@example.com", "html", "Hello & world", MAIL_NOISE_NONE, 0},
    {"nested-attachments.eml", OP_OK, "", "x@example.com", "att", "План во вложении",
     MAIL_NOISE_NONE, 2},
    {"broken-mime.eml", OP_OK, "", "x@example.com", "broken", "", MAIL_NOISE_NONE, 0},
    {"autoreply.eml", OP_OK, "", "x@example.com", "Out of office", "I am away",
     MAIL_NOISE_AUTOREPLY, 0},
    {"bulk.eml", OP_OK, "", "news@example.com", "News", "news", MAIL_NOISE_BULK, 0},
    {"bounce.eml", OP_OK, "", "mailer-daemon@mx.example.com", "Undelivered Mail", "failed",
     MAIL_NOISE_BOUNCE, 1},
    {"no-from.eml", OP_ERR_INVALID, "no_from", NULL, NULL, NULL, 0, 0},
    {"reply.eml", OP_OK, "", "anna@example.com", "Re: [#42] Printer", "Still broken",
     MAIL_NOISE_NONE, 0},
};

static void test_corpus(void **state)
{
    UNUSED(state);
    for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
        const struct expect *e = &corpus[i];
        struct arena a = ARENA_INIT(0);
        struct mail_msg m;
        const char *why;
        op_rc rc = parse_file(e->file, &a, &m, &why);
        if (rc != e->rc)
            fail_msg("%s: rc %s, want %s (%s)", e->file, op_rc_name(rc), op_rc_name(e->rc), why);
        if (rc) {
            assert_string_equal(why, e->why);
            arena_release(&a);
            continue;
        }
        if (strcmp(m.from.addr, e->from))
            fail_msg("%s: from \"%s\"", e->file, m.from.addr);
        if (strcmp(m.subject, e->subject))
            fail_msg("%s: subject \"%s\"", e->file, m.subject);
        if (!strstr(m.text, e->text_has))
            fail_msg("%s: text \"%s\" lacks \"%s\"", e->file, m.text, e->text_has);
        if (m.noise != e->noise)
            fail_msg("%s: noise %s", e->file, mail_noise_name(m.noise));
        if (m.n_parts != e->n_parts)
            fail_msg("%s: %zu parts", e->file, m.n_parts);
        /* every text is clean UTF-8 without NUL or control characters */
        for (const char *p = m.text; *p; p++)
            assert_true((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t');
        assert_non_null(m.message_id);
        assert_true(*m.message_id);
        arena_release(&a);
    }
}

static void test_details(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    struct mail_msg m;
    const char *why;

    assert_int_equal(parse_file("utf8.eml", &a, &m, &why), OP_OK);
    assert_string_equal(m.from.name, "Анна Петрова");
    assert_string_equal(m.message_id, "utf8-1@example.com");
    assert_false(m.date_missing);
    assert_int_equal(m.date, (op_time)1772521200000); /* 2026-03-03 07:00 UTC */

    assert_int_equal(parse_file("no-date.eml", &a, &m, &why), OP_OK);
    assert_true(m.date_missing);
    assert_int_equal(m.date, RECEIVED);

    /* HTML: no script, no handler, no javascript: link, the https link kept */
    assert_int_equal(parse_file("html-xss.eml", &a, &m, &why), OP_OK);
    assert_true(m.text_from_html);
    assert_null(strstr(m.text, "alert"));
    assert_null(strstr(m.text, "evil"));
    assert_null(strstr(m.text, "<script"));
    assert_null(strstr(m.text, "javascript"));
    assert_non_null(strstr(m.text, "<https://example.com/ok>"));
    assert_non_null(strstr(m.text, "Line2"));
    assert_null(strstr(m.text, "T\n")); /* the title is not text */

    /* RFC 2231 name, the inline image with its Content-ID */
    assert_int_equal(parse_file("nested-attachments.eml", &a, &m, &why), OP_OK);
    assert_string_equal(m.parts[0].filename, "план.pdf");
    assert_string_equal(m.parts[0].content_type, "application/pdf");
    assert_int_equal(m.parts[0].size, 13);
    assert_memory_equal(m.parts[0].data, "%PDF-1.4 fake", 13);
    assert_false(m.parts[0].is_inline);
    assert_true(m.parts[1].is_inline);
    assert_string_equal(m.parts[1].content_id, "img1@x");
    assert_null(strstr(m.text, "HTML version")); /* the plain alternative wins */

    /* threading ids, oldest first; In-Reply-To first of its own */
    assert_int_equal(parse_file("reply.eml", &a, &m, &why), OP_OK);
    assert_string_equal(m.in_reply_to, "opora.t42.received.abc@example.test");
    assert_true(m.references.n >= 2);
    assert_string_equal(m.references.v[0], "first@example.com");
    assert_int_equal(mail_subject_ticket(m.subject), 42);

    /* a message without Message-ID gets one from its content: the same
     * bytes twice are one message */
    struct mail_msg m2;
    assert_int_equal(parse_file("no-from.eml", &a, &m, &why), OP_ERR_INVALID);
    const char raw[] = "From: a@b.c\r\nSubject: s\r\n\r\nbody\r\n";
    struct mail_limits lim;
    mail_limits_default(&lim);
    assert_int_equal(mail_parse(raw, sizeof(raw) - 1, RECEIVED, &lim, &a, &m, &why), OP_OK);
    assert_int_equal(mail_parse(raw, sizeof(raw) - 1, RECEIVED, &lim, &a, &m2, &why), OP_OK);
    assert_true(m.message_id_made);
    assert_string_equal(m.message_id, m2.message_id);

    /* over the size cap */
    lim.max_size = 10;
    assert_int_equal(mail_parse(raw, sizeof(raw) - 1, RECEIVED, &lim, &a, &m, &why),
                     OP_ERR_TOOBIG);
    assert_string_equal(why, "too_big");
    arena_release(&a);
}

static void test_html(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    const char *h = "<div>a&lt;b&#x41;&#1055;</div><a href='mailto:x@y'>mail</a>"
                    "<a href=\"data:text/html,evil\">d</a><!-- <script> -->z<";
    char *t = mail_html_to_text(h, strlen(h), &a);
    assert_string_equal(t, "a<bAП\nmail <mailto:x@y>dz<"); /* as a browser joins inline text */
    arena_release(&a);
}

static void test_tokens(void **state)
{
    UNUSED(state);
    uint8_t key[32], other[32];
    randombytes_buf(key, sizeof(key));
    randombytes_buf(other, sizeof(other));
    struct arena a = ARENA_INIT(0);
    char *id = mail_agent_message_id(&a, key, "example.test", 42, 7);
    int64_t t = 0, ag = 0;
    assert_true(mail_agent_token_check(key, id, &t, &ag));
    assert_int_equal(t, 42);
    assert_int_equal(ag, 7);
    assert_false(mail_agent_token_check(other, id, &t, &ag));
    /* the agent or ticket changed: the MAC no longer fits */
    char *forged = arena_strdup(&a, id);
    forged[strlen("opora.t42.a")] = '8';
    assert_false(mail_agent_token_check(key, forged, &t, &ag));
    assert_false(mail_agent_token_check(key, "opora.t42.received.abc@example.test", &t, &ag));
    assert_int_equal(mail_subject_ticket("Re: [#12a] [#77] x"), 77);
    assert_int_equal(mail_subject_ticket("no tag"), 0);
    arena_release(&a);
}

/* A sender address over 254 characters is no sender (never cut into
 * somebody else's); a later valid Sender is taken instead; 254 passes. */
static void test_long_address(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    struct mail_limits lim;
    mail_limits_default(&lim);
    char local[300];
    struct mail_msg m;
    const char *why;
    char raw[1024];
    for (size_t len = 254; len <= 255; len++) {
        size_t n = len - strlen("@example.test");
        memset(local, 'a', n);
        local[n] = '\0';
        int w = snprintf(raw, sizeof(raw), "From: <%s@example.test>\r\nSubject: s\r\n\r\nbody\r\n",
                         local);
        assert_true(w > 0 && (size_t)w < sizeof(raw));
        op_rc rc = mail_parse(raw, (size_t)w, RECEIVED, &lim, &a, &m, &why);
        if (len == 254) {
            assert_int_equal(rc, OP_OK);
            assert_int_equal(strlen(m.from.addr), 254);
        } else {
            assert_int_equal(rc, OP_ERR_INVALID);
            assert_string_equal(why, "from_too_long");
        }
    }
    int w = snprintf(raw, sizeof(raw),
                     "From: <%s@example.test>\r\nSender: ok@example.test\r\n\r\nbody\r\n", local);
    assert_true(w > 0 && (size_t)w < sizeof(raw));
    assert_int_equal(mail_parse(raw, (size_t)w, RECEIVED, &lim, &a, &m, &why), OP_OK);
    assert_string_equal(m.from.addr, "ok@example.test");
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_details),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_long_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
