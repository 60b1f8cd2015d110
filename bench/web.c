/* web.c - the web UI benchmark of issue 5: the agent's queue page and the
 * ticket page, signed in as an agent, against a running `opora serve`.
 *
 *   build/bench/web --port PORT --email AGENT --password PW
 *                   [--requests N] [--connections 1,8]
 *
 * Signs in through POST /login (the session cookie), reads the ticket ids
 * of the agent's queue views (mine, group, unassigned: what an agent opens),
 * then for each page and each connection count sends N/4 requests to warm
 * up (not counted) and N requests (default 400) over that many keep-alive
 * connections, one thread each, and prints
 * p50/p99/max of the time from sending a request to its last byte (the
 * client sits on the same loopback; the server's own time per request is
 * the us= of its request log, which bench/web-run summarises). Also prints
 * the JS and CSS bytes each page loads (uncompressed: opora sends assets
 * without Content-Encoding), summed over its <script src> and <link
 * rel=stylesheet>. See bench/web-run for the whole run on a database. */
#include "base/common.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#define RESP_MAX ((size_t)8 << 20)
#define IDS_MAX 200

struct conn {
    int fd;
    char *buf; /* the last response, NUL-terminated */
    size_t len, cap;
};

static int port = 18190;
static char cookie[256];

static void die(const char *what)
{
    fprintf(stderr, "web bench: %s\n", what);
    exit(1);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void conn_open(struct conn *c)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        die("cannot connect (is opora serve running on --port?)");
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (!c->buf) {
        c->cap = 1 << 16;
        c->buf = malloc(c->cap);
        if (!c->buf) die("out of memory");
    }
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}

/* Reads one response (headers and a Content-Length body) into c->buf;
 * returns the status, or -1 when the connection broke. *body is where the
 * body starts. */
static int read_response(struct conn *c, const char **body, size_t *body_len)
{
    size_t head = 0, want = 0;
    c->len = 0;
    for (;;) {
        if (c->len + 1 >= c->cap) {
            if (c->cap >= RESP_MAX) die("response too large");
            char *nb = realloc(c->buf, c->cap * 2);
            if (!nb) die("out of memory");
            c->buf = nb, c->cap *= 2;
        }
        ssize_t k = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
        if (k <= 0) return -1;
        c->len += (size_t)k;
        c->buf[c->len] = '\0';
        if (!head) {
            char *e = strstr(c->buf, "\r\n\r\n");
            if (!e) continue;
            head = (size_t)(e - c->buf) + 4;
            char *cl = strcasestr(c->buf, "\r\nContent-Length:");
            if (!cl || cl > e) die("a response without Content-Length");
            want = head + (size_t)strtoull(cl + 17, NULL, 10);
        }
        if (c->len >= want) break;
    }
    *body = c->buf + head;
    *body_len = want - head;
    return (int)strtol(c->buf + 9, NULL, 10);
}

/* Sends one request and reads its answer; reconnects once if the server
 * closed the connection. Returns the status. */
static int request(struct conn *c, const char *method, const char *path, const char *form,
                   const char **body, size_t *body_len)
{
    char req[2048];
    for (int attempt = 0; attempt < 2; attempt++) {
        char len[128] = "";
        if (form)
            snprintf(len, sizeof(len),
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
                     strlen(form));
        int n = snprintf(req, sizeof(req),
                         "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n"
                         "%s%s%s%s\r\n%s",
                         method, path, cookie[0] ? "Cookie: " : "", cookie, cookie[0] ? "\r\n" : "",
                         len, form ? form : "");
        if (n < 0 || (size_t)n >= sizeof(req)) die("request too long");
        if (c->fd < 0) conn_open(c);
        if (write(c->fd, req, (size_t)n) == n) {
            int st = read_response(c, body, body_len);
            if (st > 0) return st;
        }
        conn_close(c);
    }
    die("the server closed the connection twice");
    return -1;
}

/* ---- sign-in and the ids to open ---- */

static void sign_in(const char *email, const char *password)
{
    struct conn c = {.fd = -1};
    char form[512];
    const char *body;
    size_t blen;
    /* the bench's own e-mails and passwords need no escaping beyond '@' */
    char em[256];
    size_t k = 0;
    for (const char *p = email; *p && k + 4 < sizeof(em); p++) {
        if (*p == '@')
            em[k++] = '%', em[k++] = '4', em[k++] = '0';
        else
            em[k++] = *p;
    }
    em[k] = '\0';
    if (snprintf(form, sizeof(form), "email=%s&password=%s", em, password) >= (int)sizeof(form))
        die("email or password too long");
    int st = request(&c, "POST", "/login", form, &body, &blen);
    const char *sc = strcasestr(c.buf, "\r\nSet-Cookie: opora_session=");
    if (st != 303 || !sc) die("sign-in failed (set the agent's password: opora user passwd)");
    sc += strlen("\r\nSet-Cookie: ");
    size_t n = strcspn(sc, ";\r");
    if (n >= sizeof(cookie)) die("cookie too long");
    memcpy(cookie, sc, n);
    cookie[n] = '\0';
    conn_close(&c);
    free(c.buf);
}

static size_t collect_ids(int64_t *ids, size_t max)
{
    static const char *const views[] = {"/queue/mine", "/queue/group", "/queue/unassigned"};
    struct conn c = {.fd = -1};
    size_t n = 0;
    for (size_t v = 0; v < ARRAY_SIZE(views); v++) {
        const char *body;
        size_t blen;
        if (request(&c, "GET", views[v], NULL, &body, &blen) != 200) die("queue page failed");
        for (const char *p = body; n < max && (p = strstr(p, "href=\"/tickets/")); p++) {
            int64_t id = strtoll(p + 15, NULL, 10);
            bool dup = false;
            for (size_t i = 0; i < n; i++)
                dup |= ids[i] == id;
            if (id > 0 && !dup) ids[n++] = id;
        }
    }
    conn_close(&c);
    free(c.buf);
    return n;
}

/* The bytes of every <script src> and <link rel="stylesheet" href> of path. */
static size_t asset_bytes(const char *path)
{
    struct conn c = {.fd = -1}, a = {.fd = -1};
    const char *body;
    size_t blen, total = 0;
    if (request(&c, "GET", path, NULL, &body, &blen) != 200) die("page failed");
    static const char *const marks[] = {"<script src=\"", "<link rel=\"stylesheet\" href=\""};
    for (size_t m = 0; m < ARRAY_SIZE(marks); m++) {
        for (const char *p = body; (p = strstr(p, marks[m])); p++) {
            char url[256];
            const char *s = p + strlen(marks[m]);
            size_t n = strcspn(s, "\"");
            if (n >= sizeof(url)) continue;
            memcpy(url, s, n);
            url[n] = '\0';
            const char *ab;
            size_t alen;
            if (request(&a, "GET", url, NULL, &ab, &alen) != 200) die("asset failed");
            total += alen;
        }
    }
    conn_close(&c), conn_close(&a);
    free(c.buf), free(a.buf);
    return total;
}

/* ---- the timed runs ---- */

struct worker {
    pthread_t th;
    const int64_t *ids;
    size_t nids;
    const char *page; /* "queue" or "ticket" */
    size_t count, seed;
    int64_t *lat; /* ns, count of them */
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct conn c = {.fd = -1};
    char path[64];
    for (size_t i = 0; i < w->count; i++) {
        if (strcmp(w->page, "queue") == 0)
            snprintf(path, sizeof(path), "/queue/mine");
        else
            snprintf(path, sizeof(path), "/tickets/%" PRId64,
                     w->ids[(w->seed + i * 7919) % w->nids]);
        const char *body;
        size_t blen;
        int64_t t0 = now_ns();
        int st = request(&c, "GET", path, NULL, &body, &blen);
        w->lat[i] = now_ns() - t0;
        if (st != 200) w->failures++;
    }
    conn_close(&c);
    free(c.buf);
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* total requests of page over conns connections; prints the figures unless
 * quiet (a warm-up: every connection of the server's read pool gets its
 * page cache filled, as on a server that has been up for a while). */
static void run(const char *page, int conns, size_t total, const int64_t *ids, size_t nids,
                bool quiet)
{
    struct worker w[64];
    int64_t *lat = calloc(total, sizeof(int64_t));
    if (!lat || conns < 1 || conns > 64) die("bad --connections or out of memory");
    size_t per = total / (size_t)conns, done = 0;
    int64_t t0 = now_ns();
    for (int i = 0; i < conns; i++) {
        w[i] = (struct worker){.ids = ids,
                               .nids = nids,
                               .page = page,
                               .seed = (size_t)i * 31,
                               .count = i == conns - 1 ? total - done : per,
                               .lat = lat + done};
        done += w[i].count;
        if (pthread_create(&w[i].th, NULL, work, &w[i])) die("pthread_create");
    }
    int failures = 0;
    for (int i = 0; i < conns; i++) {
        pthread_join(w[i].th, NULL);
        failures += w[i].failures;
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    if (quiet) {
        free(lat);
        return;
    }
    qsort(lat, total, sizeof(int64_t), cmp_i64);
    printf("%-6s  conns=%d  n=%zu  p50=%.2f ms  p99=%.2f ms  max=%.2f ms  %.0f req/s%s\n", page,
           conns, total, (double)lat[total / 2] / 1e6, (double)lat[(total * 99) / 100] / 1e6,
           (double)lat[total - 1] / 1e6, (double)total / secs, failures ? "  FAILURES" : "");
    if (failures) printf("        %d requests did not answer 200\n", failures);
    free(lat);
}

int main(int argc, char **argv)
{
    const char *email = NULL, *password = NULL, *connections = "1,8";
    size_t total = 400;
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},        {"email", required_argument, NULL, 'e'},
        {"password", required_argument, NULL, 'w'},    {"requests", required_argument, NULL, 'n'},
        {"connections", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'p':
            port = (int)strtol(optarg, NULL, 10);
            break;
        case 'e':
            email = optarg;
            break;
        case 'w':
            password = optarg;
            break;
        case 'n':
            total = (size_t)strtoull(optarg, NULL, 10);
            break;
        case 'c':
            connections = optarg;
            break;
        default:
            fprintf(stderr, "usage: web --port PORT --email AGENT --password PW [--requests N] "
                            "[--connections 1,8]\n");
            return 2;
        }
    }
    if (!email || !password || total < 10) die("--email and --password are required");
    sign_in(email, password);
    int64_t ids[IDS_MAX];
    size_t nids = collect_ids(ids, IDS_MAX);
    if (!nids) die("the agent's queues are empty: no ticket to open");
    char tpath[64];
    snprintf(tpath, sizeof(tpath), "/tickets/%" PRId64, ids[0]);
    printf("agent %s: %zu tickets from the queues\n", email, nids);
    printf("JS+CSS per page (uncompressed): queue %zu bytes, ticket %zu bytes\n",
           asset_bytes("/queue/mine"), asset_bytes(tpath));
    static const char *const pages[] = {"queue", "ticket"};
    for (size_t p = 0; p < ARRAY_SIZE(pages); p++) {
        for (const char *s = connections; *s;) {
            char *e;
            long conns = strtol(s, &e, 10);
            if (e == s) die("bad --connections");
            run(pages[p], (int)conns, total / 4 < 20 ? 20 : total / 4, ids, nids, true);
            run(pages[p], (int)conns, total, ids, nids, false);
            s = *e == ',' ? e + 1 : e;
        }
    }
    return 0;
}
