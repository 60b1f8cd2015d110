/* test_stream.c - held-open replies (http_reply_stream) over real sockets on
 * 127.0.0.1: bytes pushed when woken, the end of a stream, a client that
 * goes away, and a stop with streams asleep. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "http/http.h"

/* ---- one stream at a time, driven by the test ---- */

static struct {
    pthread_mutex_t mu;
    struct http_stream *hs; /* NULL once done ran */
    char pending[256];
    bool end;
    int reads, dones;
} st = {PTHREAD_MUTEX_INITIALIZER};

static ssize_t s_read(void *cls, char *out, size_t cap)
{
    UNUSED(cls);
    pthread_mutex_lock(&st.mu);
    st.reads++;
    ssize_t n = 0;
    if (st.pending[0]) {
        n = (ssize_t)MIN(cap, strlen(st.pending));
        memcpy(out, st.pending, (size_t)n);
        memmove(st.pending, st.pending + n, strlen(st.pending + n) + 1);
    } else if (st.end) {
        n = HTTP_STREAM_END;
    }
    pthread_mutex_unlock(&st.mu);
    return n;
}

static void s_done(void *cls)
{
    UNUSED(cls);
    pthread_mutex_lock(&st.mu);
    st.hs = NULL;
    st.dones++;
    pthread_mutex_unlock(&st.mu);
}

static void h_stream(struct http_req *r)
{
    pthread_mutex_lock(&st.mu);
    snprintf(st.pending, sizeof(st.pending), "hello\n");
    st.end = false;
    pthread_mutex_unlock(&st.mu);
    struct http_stream *hs;
    if (http_reply_stream(r, 200, "text/event-stream", s_read, s_done, NULL, &hs)) {
        http_reply_status(r, 503);
        return;
    }
    pthread_mutex_lock(&st.mu);
    st.hs = hs;
    pthread_mutex_unlock(&st.mu);
}

/* Sets what the stream sends next (and whether it then ends) and wakes it. */
static void push(const char *text, bool end)
{
    pthread_mutex_lock(&st.mu);
    snprintf(st.pending, sizeof(st.pending), "%s", text);
    st.end = end;
    if (st.hs) http_stream_wake(st.hs); /* done has not run: the lock says so */
    pthread_mutex_unlock(&st.mu);
}

static int dones(void)
{
    pthread_mutex_lock(&st.mu);
    int n = st.dones;
    pthread_mutex_unlock(&st.mu);
    return n;
}

static const struct http_route routes[] = {{HTTP_GET, "/s", h_stream, 0}};

static struct http_server *start(uint16_t *port)
{
    struct http_server_config cfg = {
        .listen = "127.0.0.1:0", .threads = 2, .quiet = true, .drain_timeout = 10};
    struct http_server *s = NULL;
    struct op_err err;
    assert_int_equal(http_server_start(&cfg, routes, 1, NULL, NULL, &s, &err), OP_OK);
    *port = http_server_port(s);
    return s;
}

/* ---- a raw client ---- */

static int open_stream(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    const char *req = "GET /s HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
    return fd;
}

/* Reads into b until it holds want or ms pass; true when it does. */
static bool read_until(int fd, char *b, size_t cap, const char *want, int ms)
{
    int64_t end = time_mono_us() / 1000 + ms;
    size_t len = strlen(b);
    while (!strstr(b, want)) {
        int left = (int)(end - time_mono_us() / 1000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) <= 0 || len + 1 >= cap) return false;
        ssize_t n = recv(fd, b + len, cap - len - 1, 0);
        if (n <= 0) return strstr(b, want) != NULL;
        len += (size_t)n;
        b[len] = '\0';
    }
    return true;
}

static bool wait_dones(int want, int ms)
{
    int64_t end = time_mono_us() / 1000 + ms;
    while (dones() < want && time_mono_us() / 1000 < end)
        usleep(5000);
    return dones() >= want;
}

/* ---- tests ---- */

static void test_push_and_end(void **state)
{
    UNUSED(state);
    uint16_t port;
    struct http_server *s = start(&port);
    int d0 = dones();
    int fd = open_stream(port);
    char b[8192] = "";
    assert_true(read_until(fd, b, sizeof(b), "hello\n", 3000));
    assert_non_null(strstr(b, "HTTP/1.1 200"));
    assert_non_null(strstr(b, "Transfer-Encoding: chunked"));
    /* asleep now: nothing comes until it is woken */
    usleep(200 * 1000);
    pthread_mutex_lock(&st.mu);
    int reads = st.reads;
    pthread_mutex_unlock(&st.mu);
    assert_true(reads <= 4); /* suspended, not polled in a loop */
    int64_t t0 = time_mono_us();
    push("world\n", false);
    assert_true(read_until(fd, b, sizeof(b), "world\n", 3000));
    assert_true(time_mono_us() - t0 < 500 * 1000);
    push("bye\n", true);
    assert_true(read_until(fd, b, sizeof(b), "\r\n0\r\n\r\n", 3000)); /* the last chunk */
    assert_true(wait_dones(d0 + 1, 3000));
    close(fd);
    http_server_stop(s);
    assert_int_equal(dones(), d0 + 1);
}

static void test_client_gone(void **state)
{
    UNUSED(state);
    uint16_t port;
    struct http_server *s = start(&port);
    int d0 = dones();
    int fd = open_stream(port);
    char b[8192] = "";
    assert_true(read_until(fd, b, sizeof(b), "hello\n", 3000));
    close(fd);
    /* the next writes fail; the server lets the stream go */
    for (int i = 0; i < 50 && dones() == d0; i++) {
        push("anyone there?\n", false);
        usleep(20 * 1000);
    }
    assert_true(wait_dones(d0 + 1, 3000));
    http_server_stop(s);
}

static void test_stop_ends_sleeping_streams(void **state)
{
    UNUSED(state);
    uint16_t port;
    struct http_server *s = start(&port);
    int d0 = dones();
    int fd = open_stream(port);
    char b[8192] = "";
    assert_true(read_until(fd, b, sizeof(b), "hello\n", 3000));
    usleep(100 * 1000); /* asleep */
    int64_t t0 = time_mono_us();
    http_server_stop(s); /* drain_timeout is 10 s: a stream must not use it up */
    assert_true(time_mono_us() - t0 < 2 * 1000 * 1000);
    assert_int_equal(dones(), d0 + 1);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_and_end),
        cmocka_unit_test(test_client_gone),
        cmocka_unit_test(test_stop_ends_sleeping_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
