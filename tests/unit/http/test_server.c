/* test_server.c - the HTTP server over real sockets on 127.0.0.1.
 *
 * The requests are written by hand (raw HTTP/1.1 over send/recv), so that
 * what is tested is what a client really gets: status lines, headers,
 * Connection handling and bodies.
 *
 * "test_server serve [port [log]]" runs the same server with the test routes
 * until SIGINT/SIGTERM, for load tests (with "log", request lines go to stderr):
 *     wrk -t2 -c64 -d5s http://127.0.0.1:PORT/ping */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "http/http.h"

#define BODY_MAX 1024
#define UPLOAD_MAX 8192

/* ---- the application under test ---- */

static void h_ping(struct http_req *r)
{
    http_reply_json(r, 200, json_pack("{s:b}", "pong", 1));
}

static void h_item(struct http_req *r)
{
    http_reply_json(
        r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)http_param_id(r, 0), "raw", r->params[0]));
}

static void h_search(struct http_req *r)
{
    http_reply_json(r, 200, json_pack("{s:b}", "search", 1));
}

static void h_two(struct http_req *r)
{
    http_reply_json(
        r, 200, json_pack("{s:s,s:s,s:s}", "x", r->params[0], "y", r->params[1], "path", r->path));
}

static void h_echo(struct http_req *r)
{
    json_t *j = http_json_body(r);
    if (j) http_reply_json(r, 201, j);
}

static void h_query(struct http_req *r)
{
    const char *q = http_query(r, "q"), *e = http_query(r, "empty"), *m = http_query(r, "missing");
    const char *f = http_query(r, "flag");
    http_reply_json(
        r, 200, json_pack("{s:s?,s:s?,s:s?,s:s?}", "q", q, "empty", e, "missing", m, "flag", f));
}

static void h_forget(struct http_req *r)
{
    UNUSED(r); /* the bug under test: no reply */
}

static void h_private(struct http_req *r)
{
    http_reply_json(r, 200, json_pack("{s:s}", "who", (const char *)r->auth));
}

static void h_fail(struct http_req *r)
{
    const char *what = r->params[0];
    if (strcmp(what, "invalid") == 0)
        http_fail(r, OP_ERR_INVALID, "title", MSG_ERR_REQUIRED);
    else if (strcmp(what, "io") == 0)
        http_fail(r, OP_ERR_IO, NULL, MSG_ERR_STORAGE, "secret: no such table users_x");
    else if (strcmp(what, "conflict") == 0)
        http_fail(r, OP_ERR_CONFLICT, "status", MSG_ERR_ENUM, "bogus\xff", "open, closed");
    else if (strcmp(what, "busy") == 0)
        http_fail(r, OP_ERR_UNAVAILABLE, NULL, MSG_NONE);
    else
        http_fail(r, OP_ERR_NOTFOUND, NULL, MSG_ERR_TICKET_NOT_FOUND, what);
}

static void h_upload(struct http_req *r)
{
    http_reply_json(r, 200, json_pack("{s:I}", "len", (json_int_t)r->body_len));
}

static void h_headers(struct http_req *r)
{
    http_set_header(r, "Cache-Control", "max-age=60");
    http_set_header(r, "X-Test", "yes");
    http_set_header(r, "X-Evil", "a\r\nSet-Cookie: pwned=1"); /* must be dropped */
    const char *h = http_header(r, "x-custom"), *c = http_cookie(r, "sid");
    http_reply_json(r, 200,
                    json_pack("{s:s?,s:s?,s:s}", "custom", h, "sid", c, "ip", r->client_ip));
}

static void h_twice(struct http_req *r)
{
    http_reply(r, 200, "text/plain", "first", 5);
    http_reply(r, 500, "text/plain", "second", 6);
}

static char file_path[64];

static void h_file(struct http_req *r)
{
    int fd = open(file_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        http_fail(r, OP_ERR_IO, NULL, MSG_NONE);
        return;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    http_reply_fd(r, 200, "text/plain; charset=utf-8", fd, (uint64_t)size);
}

static void h_lang(struct http_req *r)
{
    http_reply(r, 200, "text/plain", i18n_lang_code(r->lang), 2);
}

static void h_slow(struct http_req *r)
{
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    http_reply(r, 200, "text/plain", "slow", 4);
}

/* A reply from the streaming writer: ?n= rows; big ones outgrow the
 * writer's first block many times over. */
static void h_rows(struct http_req *r)
{
    struct jsonw w;
    const char *ns = http_query(r, "n");
    long n = ns ? strtol(ns, NULL, 10) : 0;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "rows");
    for (long i = 0; i < n; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "i", i);
        jsonw_str(&w, "name", "Строка \"x\"");
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

/* The writer on a struct buf (the reply copies it), and writers that fail. */
static void h_jsonw(struct http_req *r)
{
    const char *what = r->params[0];
    struct jsonw w;
    struct buf b = BUF_INIT(1024);
    if (strcmp(what, "buf") == 0) {
        jsonw_init_buf(&w, &b);
        jsonw_object_begin(&w, NULL);
        jsonw_str(&w, "mode", "buf");
        jsonw_object_end(&w);
    } else if (strcmp(what, "unfinished") == 0) {
        http_jsonw_init(r, &w);
        jsonw_object_begin(&w, NULL);
    } else {
        http_jsonw_init(r, &w);
        jsonw_str(&w, NULL, "bad UTF-8 \xff");
    }
    http_reply_jsonw(r, 201, &w);
    buf_release(&b); /* the reply has its own copy */
}

static const struct http_route routes[] = {
    {HTTP_GET, "/ping", h_ping, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/items/{id}", h_item, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/items/search", h_search, HTTP_ROUTE_PUBLIC},
    {HTTP_POST, "/items", h_echo, HTTP_ROUTE_PUBLIC},
    {HTTP_PUT, "/items/{id}", h_echo, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/a/{x}/b/{y}", h_two, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/query", h_query, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/forget", h_forget, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/private", h_private, 0},
    {HTTP_GET, "/fail/{what}", h_fail, HTTP_ROUTE_PUBLIC},
    {HTTP_POST, "/upload", h_upload, HTTP_ROUTE_PUBLIC | HTTP_ROUTE_UPLOAD},
    {HTTP_POST, "/small", h_upload, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/headers", h_headers, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/twice", h_twice, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/file", h_file, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/lang", h_lang, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/slow", h_slow, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/rows", h_rows, HTTP_ROUTE_PUBLIC},
    {HTTP_GET, "/jsonw/{what}", h_jsonw, HTTP_ROUTE_PUBLIC},
};

static bool before(struct http_req *r, const struct http_route *route)
{
    if (route->flags & HTTP_ROUTE_PUBLIC) return true;
    const char *a = http_header(r, "Authorization");
    if (!a || strcmp(a, "Bearer ok") != 0) {
        http_fail(r, OP_ERR_AUTH, NULL, MSG_NONE);
        return false;
    }
    r->auth = "alice";
    return true;
}

static struct http_server *start(const char *listen, unsigned timeout, bool quiet)
{
    struct http_server_config cfg = {
        .listen = listen,
        .threads = 2,
        .body_max = BODY_MAX,
        .upload_max = UPLOAD_MAX,
        .conn_timeout = timeout,
        .quiet = quiet,
        .drain_timeout = 5,
    };
    struct http_server *s = NULL;
    struct op_err err;
    op_rc rc = http_server_start(&cfg, routes, ARRAY_SIZE(routes), before, NULL, &s, &err);
    if (rc)
        fail_msg("http_server_start(%s): %s %s %s", listen, op_rc_name(rc), err.arg[0], err.arg[1]);
    return s;
}

/* ---- a raw HTTP client ---- */

struct resp {
    int status;
    char head[16384]; /* status line and headers */
    char *body;       /* malloc'd, NUL-terminated */
    size_t body_len;
    json_t *json; /* the body parsed, when it is JSON */
};

static uint16_t port;

static int conn_open(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    struct timeval tv = {10, 0}; /* a hung server fails the test instead of hanging it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) fail_msg("send: %s", strerror(errno));
        data += n;
        len -= (size_t)n;
    }
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

static void resp_free(struct resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

/* The value of header name in r, copied into out; NULL if absent. */
static const char *resp_header(const struct resp *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *line = strstr(r->head, "\r\n"); line && line[2];
         line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            const char *v = h + nl + 1;
            while (*v == ' ')
                v++;
            const char *end = strstr(v, "\r\n");
            size_t len = end ? (size_t)(end - v) : strlen(v);
            if (len >= cap) len = cap - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return out;
        }
    }
    return NULL;
}

/* Reads one response from fd. HEAD responses have no body whatever their
 * Content-Length says. Returns 0, or -1 if the connection ended first. */
static int read_resp(int fd, struct resp *r, bool head)
{
    memset(r, 0, sizeof(*r));
    size_t len = 0;
    char *end = NULL;
    /* byte by byte up to the blank line, so that nothing of a next response is eaten */
    while (!end) {
        if (len + 1 >= sizeof(r->head)) fail_msg("response head too long");
        ssize_t n = recv(fd, r->head + len, 1, 0);
        if (n <= 0) return -1;
        len++;
        r->head[len] = '\0';
        if (len >= 4 && memcmp(r->head + len - 4, "\r\n\r\n", 4) == 0) end = r->head + len - 2;
    }
    *end = '\0'; /* keep the last header's CRLF */
    if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1) fail_msg("bad status line: %s", r->head);
    char cl[32];
    size_t want = 0;
    if (!head && resp_header(r, "Content-Length", cl, sizeof(cl))) want = strtoul(cl, NULL, 10);
    r->body = calloc(1, want + 1);
    assert_non_null(r->body);
    while (r->body_len < want) {
        ssize_t n = recv(fd, r->body + r->body_len, want - r->body_len, 0);
        if (n <= 0) return -1;
        r->body_len += (size_t)n;
    }
    char ct[128];
    if (r->body_len && resp_header(r, "Content-Type", ct, sizeof(ct)) &&
        strstr(ct, "application/json"))
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
    return 0;
}

/* One request on a fresh connection; the response in *r. */
static void request(const char *raw, struct resp *r)
{
    int fd = conn_open();
    send_str(fd, raw);
    if (read_resp(fd, r, strncmp(raw, "HEAD ", 5) == 0) != 0)
        fail_msg("no response to: %.80s", raw);
    close(fd);
}

static void get(const char *target, struct resp *r)
{
    char raw[16384];
    snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
    request(raw, r);
}

static const char *jstr(const struct resp *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

static const char *jerr(const struct resp *r, const char *key)
{
    return json_string_value(json_object_get(json_object_get(r->json, "error"), key));
}

/* True when the peer closes fd within ms milliseconds. */
static bool closed_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;
    while (poll(&p, 1, ms) == 1) {
        ssize_t n = recv(fd, &c, 1, 0);
        if (n <= 0) return true;
    }
    return false;
}

/* ---- fixture ---- */

static struct http_server *srv;

static int setup(void **state)
{
    UNUSED(state);
    snprintf(file_path, sizeof(file_path), "/tmp/opora-http-XXXXXX");
    int fd = mkstemp(file_path);
    if (fd < 0) return -1;
    const char text[] = "file body: привет\n";
    if (write(fd, text, sizeof(text) - 1) != (ssize_t)sizeof(text) - 1) return -1;
    close(fd);
    srv = start("127.0.0.1:0", 2, true);
    port = http_server_port(srv);
    return port ? 0 : -1;
}

static int teardown(void **state)
{
    UNUSED(state);
    http_server_stop(srv);
    unlink(file_path);
    return 0;
}

/* ---- tests ---- */

static void test_keep_alive(void **state)
{
    UNUSED(state);
    struct resp r;
    char v[64];
    int fd = conn_open();
    for (int i = 0; i < 3; i++) {
        send_str(fd, "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_int_equal(read_resp(fd, &r, false), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "{\"pong\":true}");
        const char *conn = resp_header(&r, "Connection", v, sizeof(v));
        if (conn && strcasecmp(conn, "close") == 0)
            fail_msg("request %d answered with Connection: close", i);
        resp_free(&r);
    }
    /* a POST with a body keeps the connection too */
    send_str(fd, "POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: "
                 "application/json\r\nContent-Length: 7\r\n\r\n"
                 "{\"a\":1}");
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 201);
    assert_null(resp_header(&r, "Connection", v, sizeof(v)));
    resp_free(&r);
    /* pipelined: two requests in one write, two answers in order */
    send_str(fd,
             "GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: t\r\n\r\n");
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(read_resp(fd, &r, false), 0);
        assert_int_equal(r.status, 200);
        assert_int_equal(json_integer_value(json_object_get(r.json, "id")), i);
        resp_free(&r);
    }
    close(fd);
}

static void test_params(void **state)
{
    UNUSED(state);
    struct resp r;
    get("/items/42", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "id")), 42);
    resp_free(&r);

    get("/items/abc", &r); /* not an id: the handler sees 0 */
    assert_int_equal(json_integer_value(json_object_get(r.json, "id")), 0);
    assert_string_equal(jstr(&r, "raw"), "abc");
    resp_free(&r);

    get("/items/99999999999999999999", &r); /* past int64 */
    assert_int_equal(json_integer_value(json_object_get(r.json, "id")), 0);
    resp_free(&r);

    get("/items/search", &r);
    assert_true(json_is_true(json_object_get(r.json, "search")));
    resp_free(&r);

    get("/a/x%2Fy/b/%D0%B6%20z", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "x"), "x/y");
    assert_string_equal(jstr(&r, "y"), "ж z");
    assert_string_equal(jstr(&r, "path"), "/a/x%2Fy/b/%D0%B6%20z");
    resp_free(&r);

    /* absolute-form request target */
    request("GET http://t/items/7?x=1 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "raw"), "7");
    resp_free(&r);
}

static void test_bad_paths(void **state)
{
    UNUSED(state);
    static const char *const bad[] = {"/items/%00", "/items/..", "/a/%2e%2e/b/c", "/items/%zz",
                                      "/items/%4"};
    struct resp r;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        get(bad[i], &r);
        if (r.status != 400) fail_msg("%s: status %d", bad[i], r.status);
        assert_string_equal(jerr(&r, "code"), "bad_request");
        assert_string_equal(jerr(&r, "message_id"), "http_bad_path");
        resp_free(&r);
    }
    get("/query?q=%00", &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jerr(&r, "message_id"), "http_bad_query");
    resp_free(&r);

    /* a long URL: 414 from us, and the connection stays usable */
    char url[9000];
    memset(url, 'a', sizeof(url) - 1);
    url[0] = '/';
    url[sizeof(url) - 1] = '\0';
    get(url, &r);
    assert_int_equal(r.status, 414);
    assert_string_equal(jerr(&r, "code"), "uri_too_long");
    resp_free(&r);
}

static void test_query(void **state)
{
    UNUSED(state);
    struct resp r;
    get("/query?q=hello+world%21%20%D0%B6&empty=&flag&q=second", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "q"), "hello world! ж"); /* the first of repeated keys */
    assert_string_equal(jstr(&r, "empty"), "");
    assert_string_equal(jstr(&r, "flag"), "");
    assert_true(json_is_null(json_object_get(r.json, "missing")));
    resp_free(&r);

    get("/query?%71=enc&&", &r); /* keys are decoded too; empty pairs skipped */
    assert_string_equal(jstr(&r, "q"), "enc");
    resp_free(&r);
}

static void test_not_found(void **state)
{
    UNUSED(state);
    struct resp r;
    get("/nothing/here", &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(jerr(&r, "code"), "not_found");
    assert_string_equal(jerr(&r, "message_id"), "err_route_not_found");
    assert_string_equal(jerr(&r, "message"), "no such endpoint");
    assert_null(json_object_get(json_object_get(r.json, "error"), "field"));
    resp_free(&r);

    request("GET /nothing HTTP/1.1\r\nHost: t\r\nAccept-Language: ru-RU,ru;q=0.9,en;q=0.5\r\n\r\n",
            &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(jerr(&r, "message"), "такого адреса API нет");
    resp_free(&r);

    request("GET /lang HTTP/1.1\r\nHost: t\r\nAccept-Language: de, en;q=0.8, ru;q=0.9\r\n\r\n", &r);
    assert_string_equal(r.body, "ru");
    resp_free(&r);
    request("GET /lang HTTP/1.1\r\nHost: t\r\nAccept-Language: de\r\n\r\n", &r);
    assert_string_equal(r.body, "en");
    resp_free(&r);
}

static void test_method_not_allowed(void **state)
{
    UNUSED(state);
    struct resp r;
    char allow[96];
    request("DELETE /ping HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    assert_int_equal(r.status, 405);
    assert_non_null(resp_header(&r, "Allow", allow, sizeof(allow)));
    assert_string_equal(allow, "GET, HEAD, OPTIONS");
    assert_string_equal(jerr(&r, "code"), "method_not_allowed");
    assert_string_equal(jerr(&r, "message"), "method DELETE is not allowed here");
    resp_free(&r);

    request("PATCH /items/5 HTTP/1.1\r\nHost: t\r\nAccept-Language: ru\r\n\r\n", &r);
    assert_int_equal(r.status, 405);
    resp_header(&r, "Allow", allow, sizeof(allow));
    assert_string_equal(allow, "GET, HEAD, PUT, OPTIONS");
    assert_string_equal(jerr(&r, "message"), "метод PATCH здесь не поддерживается");
    resp_free(&r);

    request("BREW /ping HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    assert_int_equal(r.status, 405);
    resp_free(&r);

    request("OPTIONS /items HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    assert_int_equal(r.status, 204);
    assert_string_equal(resp_header(&r, "Allow", allow, sizeof(allow)), "POST, OPTIONS");
    resp_free(&r);
}

static void test_json_echo(void **state)
{
    UNUSED(state);
    struct resp r;
    const char body[] = "{\"title\":\"Не работает оплата\",\"n\":[1,2,{\"x\":null}]}";
    char raw[512];
    snprintf(raw, sizeof(raw),
             "PUT /items/3 HTTP/1.1\r\nHost: t\r\nContent-Type: Application/JSON; charset=utf-8\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    request(raw, &r);
    assert_int_equal(r.status, 201);
    char ct[64];
    assert_string_equal(resp_header(&r, "Content-Type", ct, sizeof(ct)), "application/json");
    assert_string_equal(r.body, body);
    resp_free(&r);
}

static void post_json(const char *ctype, const char *body, const char *lang, struct resp *r)
{
    char raw[2048];
    snprintf(raw, sizeof(raw),
             "POST /items HTTP/1.1\r\nHost: t\r\n%s%s%s%s%sContent-Length: %zu\r\n\r\n%s",
             ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
             lang ? lang : "", lang ? "\r\n" : "", strlen(body), body);
    request(raw, r);
}

static void test_invalid_json(void **state)
{
    UNUSED(state);
    struct resp r;
    post_json("application/json", "{\"a\":1,\n \"b\":,}", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jerr(&r, "code"), "invalid_json");
    assert_string_equal(jerr(&r, "message_id"), "http_invalid_json");
    assert_non_null(strstr(jerr(&r, "message"), "(line 2, column "));
    resp_free(&r);

    post_json("application/json", "{\"a\":1}", "Accept-Language: ru", &r); /* fine, sanity */
    assert_int_equal(r.status, 201);
    resp_free(&r);

    post_json("application/json", "{\"a\":1,\"a\":2}", "Accept-Language: ru", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(jerr(&r, "message"), "не является корректным JSON"));
    resp_free(&r);

    post_json("application/json", "{\"a\":\"x\\u0000y\"}", NULL, &r);
    assert_int_equal(r.status, 400);
    resp_free(&r);

    post_json("application/json", "[1,2]", NULL, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(jerr(&r, "code"), "invalid_json");
    assert_string_equal(jerr(&r, "message_id"), "http_json_not_object");
    resp_free(&r);

    post_json("application/json", "", NULL, &r);
    assert_int_equal(r.status, 400);
    resp_free(&r);

    post_json("application/json", "{} trailing", NULL, &r);
    assert_int_equal(r.status, 400);
    resp_free(&r);
}

static void test_content_type(void **state)
{
    UNUSED(state);
    struct resp r;
    post_json("text/plain", "{\"a\":1}", NULL, &r);
    assert_int_equal(r.status, 415);
    assert_string_equal(jerr(&r, "code"), "unsupported_media_type");
    assert_string_equal(jerr(&r, "message"), "the request body must be sent as application/json");
    resp_free(&r);
    post_json(NULL, "{\"a\":1}", NULL, &r);
    assert_int_equal(r.status, 415);
    resp_free(&r);
    post_json("application/jsonx", "{\"a\":1}", NULL, &r);
    assert_int_equal(r.status, 415);
    resp_free(&r);
}

static void test_too_big(void **state)
{
    UNUSED(state);
    struct resp r;
    char v[64];
    /* Content-Length over the cap: answered at once, the body never read */
    int fd = conn_open();
    send_str(fd, "POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 413);
    assert_string_equal(jerr(&r, "code"), "too_big");
    assert_string_equal(jerr(&r, "message"), "the request body is too large (at most 1024 bytes)");
    assert_string_equal(resp_header(&r, "Connection", v, sizeof(v)), "close");
    assert_true(closed_within(fd, 3000));
    resp_free(&r);
    close(fd);

    /* at the cap is fine */
    char body[UPLOAD_MAX + 1];
    memset(body, 'x', sizeof(body));
    char head[256];
    fd = conn_open();
    snprintf(head, sizeof(head), "POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n",
             BODY_MAX);
    send_str(fd, head);
    send_all(fd, body, BODY_MAX);
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "len")), BODY_MAX);
    resp_free(&r);
    close(fd);

    /* upload routes have their own cap */
    fd = conn_open();
    snprintf(head, sizeof(head), "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n",
             UPLOAD_MAX);
    send_str(fd, head);
    send_all(fd, body, UPLOAD_MAX);
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "len")), UPLOAD_MAX);
    resp_free(&r);
    close(fd);

    /* chunked, no Content-Length: the cap is found while reading; 413 at the end */
    fd = conn_open();
    send_str(fd, "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        send_str(fd, "200\r\n"); /* 512 bytes a chunk: 1536 in all */
        send_all(fd, body, 512);
        send_str(fd, "\r\n");
    }
    send_str(fd, "0\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 413);
    assert_string_equal(jerr(&r, "code"), "too_big");
    resp_free(&r);
    /* the whole body was read, so the connection goes on */
    send_str(fd, "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    close(fd);

    /* chunked under the cap reaches the handler */
    fd = conn_open();
    send_str(fd, "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "len")), 7);
    resp_free(&r);
    close(fd);
}

static void test_before_hook(void **state)
{
    UNUSED(state);
    struct resp r;
    get("/private", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(jerr(&r, "code"), "unauthenticated");
    assert_string_equal(jerr(&r, "message_id"), "http_auth");
    resp_free(&r);

    request("GET /private HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "who"), "alice");
    resp_free(&r);
}

static void test_forgotten_reply(void **state)
{
    UNUSED(state);
    struct resp r;
    get("/forget", &r);
    assert_int_equal(r.status, 500);
    assert_string_equal(jerr(&r, "code"), "internal_error");
    assert_string_equal(jerr(&r, "message_id"), "http_internal");
    resp_free(&r);

    get("/twice", &r); /* the first reply wins */
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "first");
    resp_free(&r);
}

static void test_errors(void **state)
{
    UNUSED(state);
    struct resp r;
    get("/fail/invalid", &r);
    assert_int_equal(r.status, 422);
    /* the whole body: the shape and order docs/api.md shows */
    assert_string_equal(r.body, "{\"error\":{\"code\":\"invalid\",\"message_id\":\"err_required\","
                                "\"message\":\"is required\",\"field\":\"title\"}}");
    assert_string_equal(jerr(&r, "code"), "invalid");
    assert_string_equal(jerr(&r, "message_id"), "err_required");
    assert_string_equal(jerr(&r, "message"), "is required");
    assert_string_equal(jerr(&r, "field"), "title");
    resp_free(&r);

    request("GET /fail/17 HTTP/1.1\r\nHost: t\r\nAccept-Language: ru\r\n\r\n", &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(jerr(&r, "message"), "обращение 17 не существует");
    resp_free(&r);

    get("/fail/io", &r);
    assert_int_equal(r.status, 500);
    assert_string_equal(jerr(&r, "code"), "storage_error");
    assert_string_equal(jerr(&r, "message_id"), "http_internal");
    assert_null(strstr(r.body, "secret")); /* internals stay in the log */
    assert_null(strstr(r.body, "err_storage"));
    resp_free(&r);

    get("/fail/conflict", &r); /* invalid UTF-8 from the user does not break the JSON */
    assert_int_equal(r.status, 409);
    assert_non_null(r.json);
    assert_string_equal(jerr(&r, "message"), "unknown value \"?\"; expected one of: open, closed");
    resp_free(&r);

    get("/fail/busy", &r);
    assert_int_equal(r.status, 503);
    assert_string_equal(jerr(&r, "code"), "unavailable");
    assert_string_equal(jerr(&r, "message_id"), "http_unavailable");
    resp_free(&r);
}

static void test_jsonw_reply(void **state)
{
    UNUSED(state);
    struct resp r;
    char cl[32];
    get("/rows?n=0", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"rows\":[]}");
    resp_free(&r);

    get("/rows?n=2", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"rows\":[{\"i\":0,\"name\":\"Строка \\\"x\\\"\"},"
                                "{\"i\":1,\"name\":\"Строка \\\"x\\\"\"}]}");
    assert_string_equal(resp_header(&r, "Content-Type", cl, sizeof(cl)), "application/json");
    resp_free(&r);

    /* big replies, one after another on one connection */
    int fd = conn_open();
    for (int i = 0; i < 3; i++) {
        send_str(fd, "GET /rows?n=20000 HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_int_equal(read_resp(fd, &r, false), 0);
        assert_int_equal(r.status, 200);
        assert_true(r.body_len > 500000);
        assert_non_null(r.json);
        json_t *rows = json_object_get(r.json, "rows");
        assert_int_equal(json_array_size(rows), 20000);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 19999), "i")),
                         19999);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 7), "name")),
                            "Строка \"x\"");
        resp_free(&r);
    }
    close(fd);

    get("/jsonw/buf", &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.body, "{\"mode\":\"buf\"}");
    resp_free(&r);

    /* a writer that failed or was left unfinished never sends broken JSON */
    get("/jsonw/unfinished", &r);
    assert_int_equal(r.status, 500);
    assert_string_equal(jerr(&r, "code"), "internal_error");
    resp_free(&r);
    get("/jsonw/badutf8", &r);
    assert_int_equal(r.status, 500);
    assert_string_equal(jerr(&r, "message_id"), "http_internal");
    resp_free(&r);
}

static void test_head(void **state)
{
    UNUSED(state);
    struct resp r;
    char cl[32];
    int fd = conn_open();
    send_str(fd, "HEAD /ping HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, true), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "Content-Length", cl, sizeof(cl)), "13");
    resp_free(&r);
    /* no body bytes came with it: the next response starts right here */
    send_str(fd, "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, false), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"pong\":true}");
    resp_free(&r);
    close(fd);
}

static void test_headers(void **state)
{
    UNUSED(state);
    struct resp r;
    char v[128];
    get("/ping", &r);
    assert_string_equal(resp_header(&r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
    assert_string_equal(resp_header(&r, "Referrer-Policy", v, sizeof(v)), "no-referrer");
    assert_string_equal(resp_header(&r, "X-Frame-Options", v, sizeof(v)), "DENY");
    assert_string_equal(resp_header(&r, "Cache-Control", v, sizeof(v)), "no-store");
    resp_free(&r);

    request(
        "GET /headers HTTP/1.1\r\nHost: t\r\nX-Custom: hello\r\nCookie: a=1; sid=s3cr3t\r\n\r\n",
        &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "Cache-Control", v, sizeof(v)), "max-age=60");
    assert_null(strstr(r.head, "no-store"));
    assert_string_equal(resp_header(&r, "X-Test", v, sizeof(v)), "yes");
    assert_null(resp_header(&r, "X-Evil", v, sizeof(v)));
    assert_null(strstr(r.head, "pwned"));
    assert_string_equal(jstr(&r, "custom"), "hello");
    assert_string_equal(jstr(&r, "sid"), "s3cr3t");
    assert_string_equal(jstr(&r, "ip"), "127.0.0.1");
    resp_free(&r);
}

static void test_file(void **state)
{
    UNUSED(state);
    struct resp r;
    char v[64];
    get("/file", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "file body: привет\n");
    assert_string_equal(resp_header(&r, "Content-Type", v, sizeof(v)), "text/plain; charset=utf-8");
    resp_free(&r);
}

static void test_hostile(void **state)
{
    UNUSED(state);
    struct resp r;
    /* garbage: some 4xx or a closed connection, never a crash */
    static const char *const junk[] = {
        "\x00\x01\x02garbage\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: t\r\n\r\n",
        "GET /ping HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n",
        "GET /ping HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "G\xff\xfeT /ping HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /p\ting HTTP/1.1\r\nHost: t\r\n\r\n",
    };
    for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
        int fd = conn_open();
        send_all(fd, junk[i], i == 0 ? 14 : strlen(junk[i]));
        shutdown(fd, SHUT_WR);
        if (read_resp(fd, &r, false) == 0) {
            if (r.status < 400 && r.status != 200) fail_msg("junk %zu: status %d", i, r.status);
            resp_free(&r);
        }
        close(fd);
    }

    /* a 100 KiB header: refused by MHD's per-connection memory cap */
    size_t big = 100 * 1024;
    char *raw = malloc(big + 128);
    assert_non_null(raw);
    int n = snprintf(raw, 128, "GET /ping HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(raw + n, 'b', big);
    memcpy(raw + n + big, "\r\n\r\n", 5);
    int fd = conn_open();
    send(fd, raw, strlen(raw), MSG_NOSIGNAL); /* the server may close before all of it is sent */
    if (read_resp(fd, &r, false) == 0) {
        assert_true(r.status >= 400);
        resp_free(&r);
    }
    close(fd);

    /* a 100 KiB URL likewise */
    memcpy(raw, "GET /", 5);
    memset(raw + 5, 'u', big);
    memcpy(raw + 5 + big, " HTTP/1.1\r\nHost: t\r\n\r\n", 23);
    fd = conn_open();
    send(fd, raw, strlen(raw), MSG_NOSIGNAL);
    if (read_resp(fd, &r, false) == 0) {
        assert_true(r.status >= 400);
        resp_free(&r);
    }
    close(fd);
    free(raw);

    /* many idle connections at once, and the server still answers */
    int fds[100];
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        fds[i] = conn_open();
    get("/ping", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        close(fds[i]);
}

static void test_slowloris(void **state)
{
    UNUSED(state);
    /* half a request line, then nothing: closed after conn_timeout (2 s) */
    int fd = conn_open();
    send_str(fd, "GET /ping HTTP/1.1\r\nHos");
    assert_true(closed_within(fd, 6000));
    close(fd);
    /* an idle keep-alive connection likewise */
    struct resp r;
    fd = conn_open();
    send_str(fd, "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_int_equal(read_resp(fd, &r, false), 0);
    resp_free(&r);
    assert_true(closed_within(fd, 6000));
    close(fd);
}

/* Reads the file at path into out; the length read. */
static size_t slurp(const char *path, char *out, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, out, cap - 1);
    close(fd);
    out[n < 0 ? 0 : n] = '\0';
    return n < 0 ? 0 : (size_t)n;
}

static void test_request_log(void **state)
{
    UNUSED(state);
    /* a server of its own that logs, with stderr caught in a file */
    char logpath[] = "/tmp/opora-http-log-XXXXXX";
    int lfd = mkstemp(logpath);
    assert_true(lfd >= 0);
    int saved = dup(STDERR_FILENO);
    dup2(lfd, STDERR_FILENO);
    struct http_server *s = start("127.0.0.1:0", 5, false);
    uint16_t keep = port;
    port = http_server_port(s);
    struct resp r;
    get("/items/5?secret=1", &r);
    resp_free(&r);
    get("/forget", &r);
    resp_free(&r);
    port = keep;
    http_server_stop(s); /* the completed callbacks have all run once it returns */
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(lfd);
    char text[8192];
    slurp(logpath, text, sizeof(text));
    unlink(logpath);
    const char *line = strstr(text, "method=GET path=/items/5 status=200 bytes=18 us=");
    if (!line) fail_msg("no request line in the log:\n%s", text);
    const char *eol = strchr(line, '\n');
    assert_non_null(eol);
    assert_non_null(strstr(line, " ip=127.0.0.1\n"));
    assert_true(strstr(line, " ip=127.0.0.1\n") < eol + 1);
    assert_null(strstr(text, "secret")); /* the query string is not logged */
    assert_non_null(strstr(text, "handler returned without replying"));
    assert_non_null(strstr(text, "method=GET path=/forget status=500"));
}

struct slow_client {
    uint16_t port;
    int status;
};

static void *slow_client_run(void *arg)
{
    struct slow_client *sc = arg;
    struct resp r;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(sc->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        const char req[] = "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n";
        if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) == (ssize_t)sizeof(req) - 1 &&
            read_resp(fd, &r, false) == 0) {
            sc->status = r.status;
            resp_free(&r);
        }
    }
    close(fd);
    return NULL;
}

static void test_stop_drains(void **state)
{
    UNUSED(state);
    struct http_server *s = start("127.0.0.1:0", 5, true);
    struct slow_client sc = {http_server_port(s), 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, slow_client_run, &sc), 0);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL); /* the request is in the handler now */
    http_server_stop(s);
    pthread_join(t, NULL);
    assert_int_equal(sc.status, 200);
}

static void test_listen(void **state)
{
    UNUSED(state);
    struct http_server_config cfg = {
        .listen = "nonsense", .threads = 1, .body_max = 10, .upload_max = 10};
    struct http_server *s = NULL;
    struct op_err err;
    static const char *const bad[] = {"nonsense", "1.2.3.4",    "::1:80", "[::1]80",
                                      "host:",    "host:99999", ":8x"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        cfg.listen = bad[i];
        if (http_server_start(&cfg, routes, ARRAY_SIZE(routes), NULL, NULL, &s, &err) !=
            OP_ERR_INVALID)
            fail_msg("listen \"%s\" accepted", bad[i]);
        assert_null(s);
        assert_int_equal(err.msg, MSG_HTTP_LISTEN_BAD);
    }
    /* the port in use */
    char busy[32];
    snprintf(busy, sizeof(busy), "127.0.0.1:%u", port);
    cfg.listen = busy;
    assert_int_equal(http_server_start(&cfg, routes, ARRAY_SIZE(routes), NULL, NULL, &s, &err),
                     OP_ERR_IO);
    assert_int_equal(err.msg, MSG_HTTP_LISTEN_FAIL);
    /* a bad route */
    struct http_route bad_route = {HTTP_GET, "/x/{", h_ping, 0};
    cfg.listen = "127.0.0.1:0";
    assert_int_equal(http_server_start(&cfg, &bad_route, 1, NULL, NULL, &s, &err), OP_ERR_INVALID);
    assert_int_equal(err.msg, MSG_HTTP_ROUTE_BAD);

    /* IPv6 loopback, where the machine has it */
    cfg.listen = "[::1]:0";
    if (http_server_start(&cfg, routes, ARRAY_SIZE(routes), NULL, NULL, &s, &err) == OP_OK) {
        int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(http_server_port(s))};
        sa.sin6_addr = in6addr_loopback;
        assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        struct resp r;
        send_str(fd, "GET /headers HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_int_equal(read_resp(fd, &r, false), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(jstr(&r, "ip"), "::1");
        resp_free(&r);
        close(fd);
        http_server_stop(s);
    }
}

/* ---- serve mode, for load tests ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    UNUSED(sig);
    stop_flag = 1;
}

static int serve(const char *portstr, bool log)
{
    char listen[64];
    snprintf(listen, sizeof(listen), "127.0.0.1:%s", portstr ? portstr : "8080");
    struct http_server_config cfg = {.listen = listen,
                                     .threads = 2,
                                     .body_max = BODY_MAX,
                                     .upload_max = UPLOAD_MAX,
                                     .conn_timeout = 30,
                                     .quiet = !log};
    struct http_server *s;
    struct op_err err;
    if (http_server_start(&cfg, routes, ARRAY_SIZE(routes), before, NULL, &s, &err)) {
        fprintf(stderr, "cannot start: %s %s\n", err.arg[0], err.arg[1]);
        return 1;
    }
    printf("serving on 127.0.0.1:%u\n", http_server_port(s));
    fflush(stdout);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    while (!stop_flag)
        pause();
    http_server_stop(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "serve") == 0)
        return serve(argc > 2 ? argv[2] : NULL, argc > 3 && strcmp(argv[3], "log") == 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keep_alive),   cmocka_unit_test(test_params),
        cmocka_unit_test(test_bad_paths),    cmocka_unit_test(test_query),
        cmocka_unit_test(test_not_found),    cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_json_echo),    cmocka_unit_test(test_invalid_json),
        cmocka_unit_test(test_content_type), cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_before_hook),  cmocka_unit_test(test_forgotten_reply),
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_head),
        cmocka_unit_test(test_headers),      cmocka_unit_test(test_file),
        cmocka_unit_test(test_hostile),      cmocka_unit_test(test_slowloris),
        cmocka_unit_test(test_request_log),  cmocka_unit_test(test_stop_drains),
        cmocka_unit_test(test_listen),       cmocka_unit_test(test_jsonw_reply),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
