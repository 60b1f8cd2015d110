/* test_lmtp.c - the LMTP session's state machine (pipelining, dot-unstuffing
 * across reads, the size cap, bad commands), addresses, listening, and the
 * client against a session on a real unix socket. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "channels/mail/lmtp.h"

/* Recipients: help@ and sales@ are known, busy@ cannot be looked up now. */
static enum lmtp_rcpt judge(void *ctx, const char *addr)
{
    (*(int *)ctx)++;
    if (!strcmp(addr, "help@x.test") || !strcmp(addr, "sales@x.test"))
        return LMTP_RCPT_OK;
    if (!strcmp(addr, "busy@x.test"))
        return LMTP_RCPT_TEMPFAIL;
    return LMTP_RCPT_UNKNOWN;
}

struct t {
    struct lmtp_session s;
    struct buf out;
    int lookups;
};

static void t_init(struct t *t, const struct lmtp_limits *lim)
{
    struct lmtp_limits def;
    lmtp_limits_default(&def);
    t->lookups = 0;
    lmtp_session_init(&t->s, lim ? lim : &def, "mx.test", judge, &t->lookups);
    buf_init(&t->out, 1 << 20);
}

static void t_release(struct t *t)
{
    lmtp_session_release(&t->s);
    buf_release(&t->out);
}

/* Feeds the whole of text; returns the first event other than MORE (and
 * how far it got in *used), or MORE. */
static enum lmtp_event feed(struct t *t, const char *text, size_t *used)
{
    size_t n = strlen(text), off = 0;
    enum lmtp_event ev = LMTP_MORE;
    while (off < n) {
        off += lmtp_feed(&t->s, text + off, n - off, &t->out, &ev);
        if (ev != LMTP_MORE)
            break;
    }
    if (used)
        *used = off;
    return ev;
}

/* The replies so far, then forgets them. */
static char *replies(struct t *t)
{
    static char copy[1 << 16];
    snprintf(copy, sizeof(copy), "%s", t->out.p ? t->out.p : "");
    buf_clear(&t->out);
    return copy;
}

static void test_pipelined_session(void **state)
{
    (void)state;
    struct t t;
    t_init(&t, NULL);
    assert_int_equal(lmtp_greeting(&t.s, &t.out), OP_OK);
    assert_string_equal(replies(&t), "220 mx.test LMTP opora ready\r\n");

    /* one burst: everything up to DATA, as a PIPELINING client sends it */
    const char *burst = "LHLO client.test\r\nMAIL FROM:<a@b.test> BODY=8BITMIME SIZE=100\r\n"
                        "RCPT TO:<help@x.test>\r\nRCPT TO:<nobody@x.test>\r\n"
                        "RCPT TO:<sales@x.test>\r\nDATA\r\n";
    assert_int_equal(feed(&t, burst, NULL), LMTP_MORE);
    assert_string_equal(replies(&t),
                        "250-mx.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
                        "250-8BITMIME\r\n250 SIZE 26214400\r\n"
                        "250 2.1.0 Sender ok\r\n250 2.1.5 Recipient ok\r\n"
                        "550 5.1.1 No such mailbox here\r\n250 2.1.5 Recipient ok\r\n"
                        "354 Start mail input; end with <CRLF>.<CRLF>\r\n");
    assert_int_equal(t.lookups, 3);
    assert_string_equal(t.s.from, "a@b.test");

    /* the message, then the next transaction in the same read */
    const char *rest = "Subject: x\r\n\r\n..a stuffed dot\r\n.\r\nRSET\r\nNOOP\r\n";
    size_t used;
    assert_int_equal(feed(&t, rest, &used), LMTP_MESSAGE);
    assert_int_equal(used, strlen("Subject: x\r\n\r\n..a stuffed dot\r\n.\r\n"));
    assert_string_equal(t.s.msg.p, "Subject: x\r\n\r\n.a stuffed dot\r\n");
    assert_false(t.s.too_big);
    assert_int_equal(t.s.n_rcpt, 2);
    assert_string_equal(replies(&t), ""); /* nothing until the caller answers */
    lmtp_reply_all(&t.s, 250, "2.0.0", "Ok", &t.out);
    assert_string_equal(replies(&t), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");
    assert_int_equal(t.s.n_rcpt, 0);
    assert_int_equal(feed(&t, rest + used, NULL), LMTP_MORE);
    assert_string_equal(replies(&t), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");

    /* a second message on the same session, after RSET */
    assert_int_equal(feed(&t, "MAIL FROM:<>\r\nRCPT TO:<HELP@x.test>\r\nRCPT TO:<help@x.test>\r\n"
                              "DATA\r\n", NULL),
                     LMTP_MORE);
    assert_string_equal(t.s.from, "");
    assert_int_equal(t.s.n_rcpt, 1); /* the lookup is the caller's: HELP@ is not known */
    assert_int_equal(feed(&t, "two\r\n.\r\n", NULL), LMTP_MESSAGE);
    assert_string_equal(t.s.msg.p, "two\r\n");
    lmtp_reply_all(&t.s, 451, "4.3.0", "later", &t.out);
    replies(&t);
    assert_int_equal(feed(&t, "QUIT\r\n", NULL), LMTP_CLOSE);
    assert_string_equal(replies(&t), "221 2.0.0 mx.test Bye\r\n");
    size_t n;
    enum lmtp_event ev;
    n = lmtp_feed(&t.s, "NOOP\r\n", 6, &t.out, &ev);
    assert_int_equal(ev, LMTP_CLOSE);
    assert_int_equal(n, 6);
    assert_string_equal(replies(&t), "");
    t_release(&t);
}

/* The message read from text fed in pieces of step bytes. */
static char *message_in_steps(const char *text, size_t step, bool *ended)
{
    static char got[4096];
    struct t t;
    t_init(&t, NULL);
    feed(&t, "LHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<help@x.test>\r\nDATA\r\n", NULL);
    size_t n = strlen(text), off = 0;
    enum lmtp_event ev = LMTP_MORE;
    while (off < n && ev == LMTP_MORE) {
        size_t k = MIN(step, n - off);
        size_t used = lmtp_feed(&t.s, text + off, k, &t.out, &ev);
        assert_true(used <= k);
        assert_true(used == k || ev == LMTP_MESSAGE);
        off += used;
    }
    *ended = ev == LMTP_MESSAGE;
    snprintf(got, sizeof(got), "%s", t.s.msg.p ? t.s.msg.p : "");
    t_release(&t);
    return got;
}

static void test_dot_unstuffing_across_reads(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a\r\n.\r\n", "a\r\n"},
        {".\r\n", ""},
        {"..\r\n.\r\n", ".\r\n"},
        {"...x\r\n..\r\n.\r\n", "..x\r\n.\r\n"},
        {".x\r\n.\r\n", "x\r\n"},          /* a lone leading dot is dropped too */
        {".\rx\r\n.\r\n", "\rx\r\n"},      /* ".\r" not followed by LF is text */
        {"bare\nlf\n.\n", "bare\nlf\n"},   /* bare LFs are tolerated */
        {"a.\r\n .\r\n\r\n.\r\n", "a.\r\n .\r\n\r\n"},
        {"no end yet\r\n.x", NULL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        for (size_t step = 1; step <= 7; step += 3) {
            bool ended;
            const char *got = message_in_steps(cases[i].in, step, &ended);
            if (!cases[i].want) {
                assert_false(ended);
                continue;
            }
            assert_true(ended);
            assert_string_equal(got, cases[i].want);
        }
    }
}

static void test_size_cap(void **state)
{
    (void)state;
    struct lmtp_limits lim;
    lmtp_limits_default(&lim);
    lim.max_size = 100;
    struct t t;
    t_init(&t, &lim);
    feed(&t, "LHLO c\r\n", NULL);
    assert_non_null(strstr(replies(&t), "250 SIZE 100\r\n"));
    feed(&t, "MAIL FROM:<a@b.test> SIZE=101\r\n", NULL);
    assert_string_equal(replies(&t), "552 5.3.4 Message too big\r\n");
    feed(&t, "MAIL FROM:<a@b.test> SIZE=100\r\nRCPT TO:<help@x.test>\r\nDATA\r\n", NULL);
    replies(&t);
    /* 3 lines of 100 bytes: kept up to the cap, then only counted */
    char body[400];
    size_t k = 0;
    for (int l = 0; l < 3; l++) {
        memset(body + k, 'a' + l, 98);
        memcpy(body + k + 98, "\r\n", 2);
        k += 100;
    }
    memcpy(body + k, ".\r\nNOOP\r\n", 10);
    size_t used;
    assert_int_equal(feed(&t, body, &used), LMTP_MESSAGE);
    assert_true(t.s.too_big);
    assert_int_equal(t.s.size, 300);
    assert_true(t.s.msg.len <= 100);
    lmtp_reply_all(&t.s, 552, "5.3.4", "Message too big", &t.out);
    assert_string_equal(replies(&t), "552 5.3.4 Message too big\r\n");
    /* the session goes on, and the next message starts from nothing */
    assert_int_equal(feed(&t, body + used, NULL), LMTP_MORE);
    assert_string_equal(replies(&t), "250 2.0.0 Ok\r\n");
    feed(&t, "MAIL FROM:<a@b.test>\r\nRCPT TO:<help@x.test>\r\nDATA\r\n", NULL);
    assert_int_equal(feed(&t, "small\r\n.\r\n", NULL), LMTP_MESSAGE);
    assert_false(t.s.too_big);
    assert_string_equal(t.s.msg.p, "small\r\n");
    t_release(&t);
}

/* Two sessions share a 100-byte budget: while one holds an 80-byte
 * message, the other's 50 bytes find no room (only counted, to be deferred
 * with 452); once the first is answered its bytes are free again. */
static void test_shared_budget(void **state)
{
    (void)state;
    struct lmtp_budget budget = {.cap = 100};
    struct lmtp_limits lim;
    lmtp_limits_default(&lim);
    lim.budget = &budget;
    struct t a, b;
    t_init(&a, &lim);
    t_init(&b, &lim);
    const char *env = "LHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<help@x.test>\r\nDATA\r\n";
    feed(&a, env, NULL);
    feed(&b, env, NULL);
    char big[128], small[64];
    memset(big, 'x', 78);
    memcpy(big + 78, "\r\n.\r\n", 6);
    big[84] = '\0';
    memset(small, 'y', 48);
    memcpy(small + 48, "\r\n.\r\n", 6);
    small[54] = '\0';
    assert_int_equal(feed(&a, big, NULL), LMTP_MESSAGE);
    assert_false(a.s.no_room);
    assert_int_equal(a.s.msg.len, 80);
    assert_int_equal(atomic_load(&budget.used), 80);
    assert_int_equal(feed(&b, small, NULL), LMTP_MESSAGE);
    assert_true(b.s.no_room);
    assert_int_equal(b.s.size, 50);
    assert_int_equal(atomic_load(&budget.used), 80);
    lmtp_reply_all(&a.s, 250, "2.0.0", "Ok", &a.out);
    lmtp_reply_all(&b.s, 452, "4.3.1", "Insufficient system storage", &b.out);
    assert_int_equal(atomic_load(&budget.used), 0);
    /* the retried message fits now; a session's end gives back what it holds */
    feed(&b, "MAIL FROM:<a@b.test>\r\nRCPT TO:<help@x.test>\r\nDATA\r\n", NULL);
    assert_int_equal(feed(&b, small, NULL), LMTP_MESSAGE);
    assert_false(b.s.no_room);
    assert_int_equal(atomic_load(&budget.used), 50);
    t_release(&b);
    assert_int_equal(atomic_load(&budget.used), 0);
    t_release(&a);
}

static void test_bad_commands(void **state)
{
    (void)state;
    struct lmtp_limits lim;
    lmtp_limits_default(&lim);
    lim.max_line = 64;
    lim.max_rcpts = 2;
    struct t t;
    t_init(&t, &lim);
    static const struct {
        const char *in, *want;
    } steps[] = {
        {"MAIL FROM:<a@b.test>\r\n", "503 5.5.1 LHLO first\r\n"},
        {"HELO c\r\n", "500 5.5.1 This is LMTP: say LHLO\r\n"},
        {"EHLO c\r\n", "500 5.5.1 This is LMTP: say LHLO\r\n"},
        {"LHLO\r\n", "501 5.5.4 LHLO needs a domain\r\n"},
        {"lhlo c\r\n", NULL},
        {"DATA\r\n", "503 5.5.1 No valid recipients\r\n"},
        {"RCPT TO:<help@x.test>\r\n", "503 5.5.1 MAIL first\r\n"},
        {"MAIL FROM:a@b.test\r\n", "501 5.1.7 Bad sender address syntax\r\n"},
        {"MAIL FROM:<a@b.test> X=1\r\n", "555 5.5.4 Unsupported parameter\r\n"},
        {"MAIL FROM:<a@b.test> SIZE=x\r\n", "501 5.5.4 Bad SIZE parameter\r\n"},
        {"mail from: <a@b.test>\r\n", "250 2.1.0 Sender ok\r\n"},
        {"MAIL FROM:<a@b.test>\r\n", "503 5.5.1 Nested MAIL command\r\n"},
        {"RCPT TO:<>\r\n", "501 5.1.3 Bad recipient address syntax\r\n"},
        {"RCPT TO:<a b@x.test>\r\n", "501 5.1.3 Bad recipient address syntax\r\n"},
        {"RCPT TO:<busy@x.test>\r\n", "451 4.3.0 Cannot look the recipient up now, try again later\r\n"},
        {"RCPT TO:<@relay.test:help@x.test>\r\n", "250 2.1.5 Recipient ok\r\n"},
        {"RCPT TO:<sales@x.test>\r\n", "250 2.1.5 Recipient ok\r\n"},
        {"RCPT TO:<help@x.test>\r\n", "452 4.5.3 Too many recipients\r\n"},
        {"VRFY x\r\n", "502 5.5.1 Not implemented\r\n"},
        {"\r\n", "500 5.5.2 Empty command\r\n"},
        {"FOO\r\n", "500 5.5.2 Unknown command\r\n"},
        {"MAILFROM:<a@b.test>\r\n", "500 5.5.2 Unknown command\r\n"},
        {"RSET\r\n", "250 2.0.0 Ok\r\n"},
        {"DATA\r\n", "503 5.5.1 No valid recipients\r\n"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        assert_int_equal(feed(&t, steps[i].in, NULL), LMTP_MORE);
        const char *got = replies(&t);
        if (steps[i].want)
            assert_string_equal(got, steps[i].want);
    }
    /* a line over the cap, sent in pieces: one error, and the next line works */
    char longline[300];
    memset(longline, 'A', sizeof(longline));
    longline[sizeof(longline) - 1] = '\0';
    feed(&t, "NOOP ", NULL);
    feed(&t, longline, NULL);
    feed(&t, longline, NULL);
    assert_string_equal(replies(&t), "");
    feed(&t, "\r\nNOOP\r\n", NULL);
    assert_string_equal(replies(&t), "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
    /* a NUL inside a command */
    size_t used;
    enum lmtp_event ev;
    used = lmtp_feed(&t.s, "NO\0OP\r\n", 7, &t.out, &ev);
    assert_int_equal(used, 7);
    assert_string_equal(replies(&t), "500 5.5.2 Syntax error\r\n");
    t_release(&t);
}

static void test_too_many_errors_closes(void **state)
{
    (void)state;
    struct t t;
    t_init(&t, NULL);
    /* garbage, as a port scanner or a confused client sends it */
    char junk[64];
    enum lmtp_event ev = LMTP_MORE;
    unsigned lines = 0;
    srand(7);
    while (ev == LMTP_MORE && lines < 100) {
        for (size_t i = 0; i < sizeof(junk); i++)
            junk[i] = (char)(rand() & 0xff);
        junk[sizeof(junk) - 1] = '\n';
        lmtp_feed(&t.s, junk, sizeof(junk), &t.out, &ev);
        lines++;
    }
    assert_int_equal(ev, LMTP_CLOSE);
    assert_true(lines <= 20);
    assert_non_null(strstr(replies(&t), "421 4.7.0 mx.test Too many errors, closing\r\n"));
    t_release(&t);
}

/* A long pipelined burst: no reply is lost when they outgrow the output
 * buffer, because feeding stops for the caller to write them out. */
static void test_long_burst_loses_no_reply(void **state)
{
    (void)state;
    struct t t;
    t_init(&t, NULL);
    buf_release(&t.out);
    buf_init(&t.out, 4096);
    struct buf in = BUF_INIT(1 << 20);
    for (int i = 0; i < 2000; i++)
        buf_puts(&in, i % 10 ? "NOOP\r\n" : "LHLO c\r\n");
    size_t off = 0, replies_seen = 0, rounds = 0;
    while (off < in.len) {
        enum lmtp_event ev;
        size_t used = lmtp_feed(&t.s, in.p + off, in.len - off, &t.out, &ev);
        assert_int_equal(ev, LMTP_MORE);
        assert_true(used > 0);
        off += used;
        for (const char *p = t.out.p; p && (p = strstr(p, "250 ")); p += 4)
            replies_seen++; /* a reply's last line */
        buf_clear(&t.out);
        rounds++;
    }
    assert_int_equal(replies_seen, 2000);
    assert_true(rounds > 1);
    buf_release(&in);
    t_release(&t);
}

static void test_addresses(void **state)
{
    (void)state;
    struct lmtp_addr a;
    assert_int_equal(lmtp_addr_parse("/run/opora/lmtp", &a), OP_OK);
    assert_true(a.is_unix);
    assert_string_equal(a.path, "/run/opora/lmtp");
    assert_int_equal(lmtp_addr_parse("unix:/x", &a), OP_OK);
    assert_string_equal(a.path, "/x");
    assert_int_equal(lmtp_addr_parse("127.0.0.1:24", &a), OP_OK);
    assert_false(a.is_unix);
    assert_string_equal(a.host, "127.0.0.1");
    assert_string_equal(a.port, "24");
    assert_int_equal(lmtp_addr_parse("[::1]:2424", &a), OP_OK);
    assert_string_equal(a.host, "::1");
    const char *bad[] = {"", "host", "host:", ":24", "host:2x", "unix:relative",
                         "[]:24"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        assert_int_equal(lmtp_addr_parse(bad[i], &a), OP_ERR_INVALID);
    char longpath[200];
    memset(longpath, 'p', sizeof(longpath));
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    assert_int_equal(lmtp_addr_parse(longpath, &a), OP_ERR_INVALID);
}

static void test_listen_loopback_only(void **state)
{
    (void)state;
    int fd;
    unsigned port;
    assert_int_equal(lmtp_listen("0.0.0.0:0", false, &fd, &port), OP_ERR_INVALID);
    assert_int_equal(fd, -1);
    assert_int_equal(lmtp_listen("127.0.0.1:0", false, &fd, &port), OP_OK);
    assert_true(port > 0);
    close(fd);
    assert_int_equal(lmtp_listen("0.0.0.0:0", true, &fd, &port), OP_OK);
    close(fd);

    char dir[] = "/tmp/opora-lmtp-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[160];
    snprintf(path, sizeof(path), "%s/lmtp.sock", dir);
    int fd1, fd2;
    assert_int_equal(lmtp_listen(path, false, &fd1, &port), OP_OK);
    assert_int_equal(port, 0);
    /* a live server's socket is not taken over */
    assert_int_equal(lmtp_listen(path, false, &fd2, &port), OP_ERR_CONFLICT);
    /* one left behind by a server that is gone is */
    close(fd1);
    assert_int_equal(lmtp_listen(path, false, &fd2, &port), OP_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    close(fd2);
    unlink(path);
    /* never a file that is not a socket */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(lmtp_listen(path, false, &fd2, &port), OP_ERR_CONFLICT);
    unlink(path);
    rmdir(dir);
}

/* ---- the client against a session on a real socket ---- */

struct peer {
    int lfd;
    char got[8192];      /* the message the session read */
    char from[320];
    int code;            /* what to answer it */
};

static void *peer_main(void *p)
{
    struct peer *pe = p;
    int fd = accept(pe->lfd, NULL, NULL);
    struct t t;
    t_init(&t, NULL);
    lmtp_greeting(&t.s, &t.out);
    bool open = fd >= 0;
    while (open) {
        if (t.out.len && send(fd, t.out.p, t.out.len, MSG_NOSIGNAL) != (ssize_t)t.out.len)
            break;
        buf_clear(&t.out);
        char chunk[512]; /* small reads: the message arrives in many pieces */
        ssize_t r = recv(fd, chunk, sizeof(chunk), 0);
        if (r <= 0)
            break;
        size_t off = 0;
        while (off < (size_t)r) {
            enum lmtp_event ev;
            off += lmtp_feed(&t.s, chunk + off, (size_t)r - off, &t.out, &ev);
            if (ev == LMTP_MESSAGE) {
                snprintf(pe->got, sizeof(pe->got), "%s", t.s.msg.p ? t.s.msg.p : "");
                snprintf(pe->from, sizeof(pe->from), "%s", t.s.from);
                lmtp_reply_all(&t.s, pe->code, pe->code == 250 ? "2.6.0" : "4.3.0", "done",
                               &t.out);
            }
            if (ev == LMTP_CLOSE)
                open = false;
        }
    }
    if (t.out.len)
        (void)!send(fd, t.out.p, t.out.len, MSG_NOSIGNAL);
    if (fd >= 0)
        close(fd);
    t_release(&t);
    return NULL;
}

static void test_client(void **state)
{
    (void)state;
    char dir[] = "/tmp/opora-lmtp-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[160];
    snprintf(path, sizeof(path), "%s/lmtp.sock", dir);
    struct lmtp_reply r;
    /* nobody there: unavailable, so that mail-in imports by itself */
    assert_int_equal(lmtp_send(path, "", "help@x.test", "x", 1, 1000, &r), OP_ERR_UNAVAILABLE);
    assert_int_equal(lmtp_send("127.0.0.1:1", "", "help@x.test", "x", 1, 1000, &r),
                     OP_ERR_UNAVAILABLE);

    /* lines starting with dots, a bare-LF ending, and 3000 bytes */
    char msg[4096];
    int k = snprintf(msg, sizeof(msg), "Subject: dots\r\n\r\n.\r\n..two\r\n.x\r\nend");
    memset(msg + k, 'z', 3000);
    msg[k + 3000] = '\0';
    const int codes[] = {250, 451};
    for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
        int fd;
        unsigned port;
        assert_int_equal(lmtp_listen(path, false, &fd, &port), OP_OK);
        struct peer pe = {.lfd = fd, .code = codes[i]};
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, peer_main, &pe), 0);
        op_rc rc = lmtp_send(path, "a@b.test", "help@x.test", msg, strlen(msg), 5000, &r);
        pthread_join(th, NULL);
        close(fd);
        assert_int_equal(rc, OP_OK);
        assert_int_equal(r.code, codes[i]);
        assert_true(r.at_data);
        assert_string_equal(r.text, codes[i] == 250 ? "2.6.0 done" : "4.3.0 done");
        assert_string_equal(pe.from, "a@b.test");
        /* what went in is what came out, with the line end the client adds */
        assert_int_equal(strlen(pe.got), strlen(msg) + 2);
        assert_memory_equal(pe.got, msg, strlen(msg));
    }
    /* a refused recipient stops before DATA */
    int fd;
    unsigned port;
    assert_int_equal(lmtp_listen(path, false, &fd, &port), OP_OK);
    struct peer pe = {.lfd = fd, .code = 250};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, peer_main, &pe), 0);
    assert_int_equal(lmtp_send(path, "", "nobody@x.test", "x\r\n", 3, 5000, &r), OP_OK);
    pthread_join(th, NULL);
    close(fd);
    assert_int_equal(r.code, 550);
    assert_false(r.at_data);
    assert_string_equal(pe.got, "");
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipelined_session),
        cmocka_unit_test(test_dot_unstuffing_across_reads),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_shared_budget),
        cmocka_unit_test(test_bad_commands),
        cmocka_unit_test(test_too_many_errors_closes),
        cmocka_unit_test(test_long_burst_loses_no_reply),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_listen_loopback_only),
        cmocka_unit_test(test_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
