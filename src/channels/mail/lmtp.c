/* lmtp.c - LMTP (RFC 2033): the server's state machine, addresses, the
 * client (lmtp.h). */
#include "base/common.h"

#include <stdatomic.h>

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "channels/mail/lmtp.h"

void lmtp_limits_default(struct lmtp_limits *l)
{
    l->budget = NULL;
    l->max_size = 25u << 20;
    l->max_line = 2048;
    l->max_rcpts = 100;
    l->max_errors = 20;
}

/* Where the DATA reader is: at a line's start, after a leading dot, after
 * ".\r", or inside a line. */
enum { D_BOL, D_DOT, D_DOTCR, D_MID };

void lmtp_session_init(struct lmtp_session *s, const struct lmtp_limits *lim, const char *host,
                       lmtp_rcpt_fn rcpt_ok, void *ctx)
{
    memset(s, 0, sizeof(*s));
    s->lim = *lim;
    snprintf(s->host, sizeof(s->host), "%s", host && *host ? host : "localhost");
    s->rcpt_ok = rcpt_ok;
    s->ctx = ctx;
    buf_init(&s->line, lim->max_line);
    buf_init(&s->msg, lim->max_size);
}

/* Gives the transaction's reserved bytes back to the budget. */
static void unhold(struct lmtp_session *s)
{
    if (s->lim.budget && s->held) atomic_fetch_sub(&s->lim.budget->used, s->held);
    s->held = 0;
}

void lmtp_session_release(struct lmtp_session *s)
{
    unhold(s);
    buf_release(&s->line);
    buf_release(&s->msg);
}

op_rc lmtp_greeting(struct lmtp_session *s, struct buf *out)
{
    return buf_printf(out, "220 %s LMTP opora ready\r\n", s->host);
}

static void reply(struct buf *out, int code, const char *enh, const char *text)
{
    /* out is sized for a burst of pipelined replies; past that the client
     * is not reading them, and losing replies only ends its session */
    if (*enh)
        (void)buf_printf(out, "%d %s %s\r\n", code, enh, text);
    else
        (void)buf_printf(out, "%d %s\r\n", code, text);
}

static void reset_tx(struct lmtp_session *s)
{
    s->in_mail = false;
    s->in_data = false;
    s->n_rcpt = 0;
    s->from[0] = '\0';
    s->too_big = false;
    s->no_room = false;
    s->size = 0;
    unhold(s);
    /* a big message's memory is given back, a small one's kept for the next */
    if (s->msg.alloc > (1u << 20)) {
        buf_release(&s->msg);
        buf_init(&s->msg, s->lim.max_size);
    } else {
        buf_clear(&s->msg);
    }
}

/* A bad command: counted; past max_errors the session ends. */
static enum lmtp_event bad(struct lmtp_session *s, struct buf *out, int code, const char *enh,
                           const char *text)
{
    reply(out, code, enh, text);
    if (++s->errors >= s->lim.max_errors) {
        buf_printf(out, "421 4.7.0 %s Too many errors, closing\r\n", s->host);
        s->closed = true;
        return LMTP_CLOSE;
    }
    return LMTP_MORE;
}

/* The command word of line, case-insensitively: true when line starts
 * with word followed by the end or a space (or, for "MAIL FROM:", as is). */
static bool is_cmd(const char *line, const char *word)
{
    size_t n = strlen(word);
    if (strncasecmp(line, word, n))
        return false;
    return word[n - 1] == ':' || line[n] == '\0' || line[n] == ' ';
}

/* The address in "<addr> params" (leading blanks skipped) into addr (cap
 * bytes); *rest points past the '>'. A source route ("<@a,@b:u@d>") is
 * dropped. False on a malformed path. */
static bool parse_path(const char *p, char *addr, size_t cap, const char **rest)
{
    while (*p == ' ')
        p++;
    if (*p != '<')
        return false;
    const char *end = strchr(p, '>');
    if (!end)
        return false;
    p++;
    if (*p == '@') {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (!colon)
            return false;
        p = colon + 1;
    }
    size_t n = (size_t)(end - p);
    if (n >= cap || n > 254) /* RFC 5321's longest path */
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= ' ' || p[i] == '<')
            return false;
    memcpy(addr, p, n);
    addr[n] = '\0';
    *rest = end + 1;
    return true;
}

/* MAIL FROM's parameters: SIZE=n and BODY=7BIT|8BITMIME; anything else is
 * not known. Returns 0 when fine, else the reply code sent. */
static int mail_params(struct lmtp_session *s, const char *p, struct buf *out)
{
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 5 && !strncasecmp(p, "SIZE=", 5)) {
            char num[24];
            size_t k = n - 5 < sizeof(num) - 1 ? n - 5 : sizeof(num) - 1;
            memcpy(num, p + 5, k);
            num[k] = '\0';
            char *e;
            errno = 0;
            unsigned long long v = strtoull(num, &e, 10);
            if (*e || errno || !isdigit((unsigned char)num[0])) {
                reply(out, 501, "5.5.4", "Bad SIZE parameter");
                return 501;
            }
            if (v > s->lim.max_size) {
                reply(out, 552, "5.3.4", "Message too big");
                return 552;
            }
        } else if (!(n == 9 && !strncasecmp(p, "BODY=7BIT", 9)) &&
                   !(n == 13 && !strncasecmp(p, "BODY=8BITMIME", 13))) {
            reply(out, 555, "5.5.4", "Unsupported parameter");
            return 555;
        }
        p += n;
    }
    return 0;
}

/* One command line (without its line end). */
static enum lmtp_event command(struct lmtp_session *s, const char *line, size_t len,
                               struct buf *out)
{
    if (memchr(line, '\0', len))
        return bad(s, out, 500, "5.5.2", "Syntax error");
    if (is_cmd(line, "LHLO")) {
        const char *arg = line + 4;
        while (*arg == ' ')
            arg++;
        if (!*arg)
            return bad(s, out, 501, "5.5.4", "LHLO needs a domain");
        reset_tx(s);
        s->greeted = true;
        buf_printf(out,
                   "250-%s\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                   "250 SIZE %zu\r\n",
                   s->host, s->lim.max_size);
        return LMTP_MORE;
    }
    if (is_cmd(line, "HELO") || is_cmd(line, "EHLO"))
        return bad(s, out, 500, "5.5.1", "This is LMTP: say LHLO");
    if (is_cmd(line, "MAIL FROM:")) {
        if (!s->greeted)
            return bad(s, out, 503, "5.5.1", "LHLO first");
        if (s->in_mail)
            return bad(s, out, 503, "5.5.1", "Nested MAIL command");
        const char *rest;
        if (!parse_path(line + 10, s->from, sizeof(s->from), &rest))
            return bad(s, out, 501, "5.1.7", "Bad sender address syntax");
        if (mail_params(s, rest, out)) {
            s->from[0] = '\0';
            return LMTP_MORE;
        }
        s->in_mail = true;
        reply(out, 250, "2.1.0", "Sender ok");
        return LMTP_MORE;
    }
    if (is_cmd(line, "RCPT TO:")) {
        if (!s->in_mail)
            return bad(s, out, 503, "5.5.1", "MAIL first");
        char addr[320];
        const char *rest;
        if (!parse_path(line + 8, addr, sizeof(addr), &rest) || !addr[0])
            return bad(s, out, 501, "5.1.3", "Bad recipient address syntax");
        if (s->n_rcpt >= s->lim.max_rcpts) {
            reply(out, 452, "4.5.3", "Too many recipients");
            return LMTP_MORE;
        }
        switch (s->rcpt_ok ? s->rcpt_ok(s->ctx, addr) : LMTP_RCPT_OK) {
        case LMTP_RCPT_OK:
            s->n_rcpt++;
            reply(out, 250, "2.1.5", "Recipient ok");
            break;
        case LMTP_RCPT_UNKNOWN:
            reply(out, 550, "5.1.1", "No such mailbox here");
            break;
        case LMTP_RCPT_TEMPFAIL:
            reply(out, 451, "4.3.0", "Cannot look the recipient up now, try again later");
            break;
        }
        return LMTP_MORE;
    }
    if (is_cmd(line, "DATA")) {
        if (!s->in_mail || !s->n_rcpt)
            return bad(s, out, 503, "5.5.1", "No valid recipients");
        s->in_data = true;
        s->data_state = D_BOL;
        reply(out, 354, "", "Start mail input; end with <CRLF>.<CRLF>");
        return LMTP_MORE;
    }
    if (is_cmd(line, "RSET")) {
        reset_tx(s);
        reply(out, 250, "2.0.0", "Ok");
        return LMTP_MORE;
    }
    if (is_cmd(line, "NOOP")) {
        reply(out, 250, "2.0.0", "Ok");
        return LMTP_MORE;
    }
    if (is_cmd(line, "QUIT")) {
        buf_printf(out, "221 2.0.0 %s Bye\r\n", s->host);
        s->closed = true;
        return LMTP_CLOSE;
    }
    if (is_cmd(line, "VRFY") || is_cmd(line, "EXPN") || is_cmd(line, "HELP"))
        return bad(s, out, 502, "5.5.1", "Not implemented");
    if (len == 0)
        return bad(s, out, 500, "5.5.2", "Empty command");
    return bad(s, out, 500, "5.5.2", "Unknown command");
}

/* Keeps n bytes of message text, or only counts them past the cap or
 * once the shared budget is spent. */
static void keep(struct lmtp_session *s, const char *p, size_t n)
{
    s->size += n;
    if (s->too_big || s->no_room) return;
    struct lmtp_budget *b = s->lim.budget;
    if (b && atomic_fetch_add(&b->used, n) + n > b->cap) {
        atomic_fetch_sub(&b->used, n);
        s->no_room = true;
        return;
    }
    if (b) s->held += n;
    if (buf_append(&s->msg, p, n) != OP_OK) s->too_big = true;
}

/* Reads message text from p[0..n); returns the bytes used, *done when the
 * final dot was read. A leading dot is dropped from every line (RFC 5321
 * 4.5.2); a line of a lone dot ends the message (CRLF or a bare LF). */
static size_t data(struct lmtp_session *s, const char *p, size_t n, bool *done)
{
    size_t i = 0;
    *done = false;
    while (i < n) {
        switch (s->data_state) {
        case D_BOL:
            if (p[i] == '.') {
                s->data_state = D_DOT;
                i++;
            } else {
                s->data_state = D_MID;
            }
            break;
        case D_DOT:
            if (p[i] == '\r') {
                s->data_state = D_DOTCR;
                i++;
            } else if (p[i] == '\n') {
                *done = true;
                return i + 1;
            } else {
                s->data_state = D_MID; /* a stuffed dot: dropped */
            }
            break;
        case D_DOTCR:
            if (p[i] == '\n') {
                *done = true;
                return i + 1;
            }
            keep(s, "\r", 1);
            s->data_state = D_MID;
            break;
        case D_MID: {
            const char *nl = memchr(p + i, '\n', n - i);
            size_t k = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
            keep(s, p + i, k);
            i += k;
            if (nl)
                s->data_state = D_BOL;
            break;
        }
        }
    }
    return i;
}

size_t lmtp_feed(struct lmtp_session *s, const char *p, size_t n, struct buf *out,
                 enum lmtp_event *ev)
{
    size_t i = 0;
    *ev = LMTP_MORE;
    if (s->closed) {
        *ev = LMTP_CLOSE;
        return n;
    }
    while (i < n) {
        if (s->in_data) {
            bool done;
            i += data(s, p + i, n - i, &done);
            if (done) {
                s->in_data = false;
                *ev = LMTP_MESSAGE;
                return i;
            }
            continue;
        }
        const char *nl = memchr(p + i, '\n', n - i);
        size_t k = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
        if (!s->line_over && buf_append(&s->line, p + i, k) != OP_OK)
            s->line_over = true; /* the rest of the line is dropped */
        i += k;
        if (!nl)
            break;
        enum lmtp_event e;
        if (s->line_over) {
            s->line_over = false;
            e = bad(s, out, 500, "5.5.2", "Line too long");
        } else {
            size_t len = s->line.len;
            char *line = s->line.p;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                len--;
            line[len] = '\0'; /* over the '\r' or '\n' the buffer holds */
            e = command(s, line, len, out);
        }
        buf_clear(&s->line);
        if (e == LMTP_CLOSE) {
            *ev = LMTP_CLOSE;
            return n;
        }
        /* replies can outgrow the commands that asked for them (LHLO): let
         * the caller write them out before reading further */
        if (out->len > out->cap / 2)
            return i;
    }
    return i;
}

void lmtp_reply_all(struct lmtp_session *s, int code, const char *enh, const char *text,
                    struct buf *out)
{
    for (unsigned i = 0; i < s->n_rcpt; i++)
        reply(out, code, enh, text);
    reset_tx(s);
}

/* ---- addresses ---- */

op_rc lmtp_addr_parse(const char *spec, struct lmtp_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (!spec || !*spec)
        return OP_ERR_INVALID;
    if (!strncmp(spec, "unix:", 5))
        spec += 5;
    if (spec[0] == '/') {
        out->is_unix = true;
        int w = snprintf(out->path, sizeof(out->path), "%s", spec);
        return w > 0 && (size_t)w < sizeof(out->path) ? OP_OK : OP_ERR_INVALID;
    }
    const char *colon = strrchr(spec, ':');
    if (!colon || !colon[1] || strlen(colon + 1) >= sizeof(out->port))
        return OP_ERR_INVALID;
    const char *h = spec;
    size_t hl = (size_t)(colon - spec);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
        h++, hl -= 2;
    if (!hl || hl >= sizeof(out->host))
        return OP_ERR_INVALID;
    memcpy(out->host, h, hl);
    out->host[hl] = '\0';
    snprintf(out->port, sizeof(out->port), "%s", colon + 1);
    for (const char *q = out->port; *q; q++)
        if (!isdigit((unsigned char)*q))
            return OP_ERR_INVALID;
    return OP_OK;
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

static op_rc unix_sockaddr(const struct lmtp_addr *ad, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(ad->path) >= sizeof(sun->sun_path))
        return OP_ERR_INVALID;
    memcpy(sun->sun_path, ad->path, strlen(ad->path) + 1);
    return OP_OK;
}

op_rc lmtp_listen(const char *spec, bool allow_remote, int *fd, unsigned *port)
{
    struct lmtp_addr ad;
    struct addrinfo *res = NULL;
    int s = -1;
    op_rc rc = lmtp_addr_parse(spec, &ad);
    *fd = -1;
    *port = 0;
    if (rc)
        goto end;
    if (ad.is_unix) {
        struct sockaddr_un sun;
        if ((rc = unix_sockaddr(&ad, &sun)))
            goto end;
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) {
            rc = OP_ERR_IO;
            goto end;
        }
        struct stat st;
        if (lstat(ad.path, &st) == 0) {
            if (!S_ISSOCK(st.st_mode)) {
                rc = OP_ERR_CONFLICT; /* never remove what is not a socket */
                goto end;
            }
            /* a socket that answers belongs to a running server */
            int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0;
            if (probe >= 0)
                close(probe);
            if (live) {
                rc = OP_ERR_CONFLICT;
                goto end;
            }
            unlink(ad.path);
        }
        if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
            rc = errno == EADDRINUSE ? OP_ERR_CONFLICT : OP_ERR_IO;
            goto end;
        }
        /* the MTA's delivery agent runs as its own user: who may connect is
         * decided by the permissions of the socket's directory */
        chmod(ad.path, 0666);
    } else {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE};
        if (getaddrinfo(ad.host, ad.port, &hints, &res) != 0 || !res) {
            rc = OP_ERR_INVALID;
            goto end;
        }
        if (!allow_remote && !is_loopback(res->ai_addr)) {
            rc = OP_ERR_INVALID;
            goto end;
        }
        s = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
            rc = OP_ERR_IO;
            goto end;
        }
        if (bind(s, res->ai_addr, res->ai_addrlen) != 0) {
            rc = errno == EADDRINUSE ? OP_ERR_CONFLICT : OP_ERR_IO;
            goto end;
        }
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        if (getsockname(s, (struct sockaddr *)&ss, &sl) == 0)
            *port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                                   : ((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    if (listen(s, 128) != 0) {
        rc = OP_ERR_IO;
        goto end;
    }
    *fd = s;
    s = -1;
end:
    if (s >= 0)
        close(s);
    if (res)
        freeaddrinfo(res);
    return rc;
}

/* ---- the client ---- */

static op_rc connect_to(const struct lmtp_addr *ad, int *fd)
{
    int s = -1;
    op_rc rc = OP_ERR_UNAVAILABLE;
    struct addrinfo *res = NULL;
    if (ad->is_unix) {
        struct sockaddr_un sun;
        if (unix_sockaddr(ad, &sun))
            return OP_ERR_INVALID;
        s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s >= 0 && connect(s, (struct sockaddr *)&sun, sizeof(sun)) == 0)
            rc = OP_OK;
    } else {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        if (getaddrinfo(ad->host, ad->port, &hints, &res) != 0 || !res)
            return OP_ERR_UNAVAILABLE;
        s = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s >= 0 && connect(s, res->ai_addr, res->ai_addrlen) == 0)
            rc = OP_OK;
        freeaddrinfo(res);
    }
    if (rc) {
        if (s >= 0)
            close(s);
        return rc;
    }
    *fd = s;
    return OP_OK;
}

/* The client's side of one connection. */
struct lc {
    int fd;
    int timeout_ms;
    char in[4096];
    size_t len;
};

static op_rc lc_write(struct lc *c, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return OP_ERR_IO;
        p += w;
        n -= (size_t)w;
    }
    return OP_OK;
}

/* Reads one reply (all its lines) into out: the code and its last line. */
static op_rc lc_reply(struct lc *c, struct lmtp_reply *out)
{
    for (;;) {
        char *nl = memchr(c->in, '\n', c->len);
        if (nl) {
            size_t k = (size_t)(nl - c->in) + 1;
            size_t tl = k;
            while (tl && (c->in[tl - 1] == '\n' || c->in[tl - 1] == '\r'))
                tl--;
            if (tl < 3 || !isdigit((unsigned char)c->in[0]) ||
                !isdigit((unsigned char)c->in[1]) || !isdigit((unsigned char)c->in[2]))
                return OP_ERR_IO;
            bool last = tl == 3 || c->in[3] == ' ';
            out->code = (c->in[0] - '0') * 100 + (c->in[1] - '0') * 10 + (c->in[2] - '0');
            size_t from = tl > 4 ? 4 : tl;
            size_t tn = MIN(tl - from, sizeof(out->text) - 1);
            memcpy(out->text, c->in + from, tn);
            out->text[tn] = '\0';
            memmove(c->in, c->in + k, c->len - k);
            c->len -= k;
            if (last)
                return OP_OK;
            continue;
        }
        if (c->len == sizeof(c->in))
            return OP_ERR_IO; /* a reply line this long is not LMTP */
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, c->timeout_ms);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return OP_ERR_IO;
        ssize_t r = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return OP_ERR_IO;
        c->len += (size_t)r;
    }
}

/* Sends a command and reads its reply; *ok when it is 2xx (or 3xx for DATA). */
static op_rc lc_cmd(struct lc *c, const char *cmd, struct lmtp_reply *out)
{
    op_rc rc = lc_write(c, cmd, strlen(cmd));
    return rc ? rc : lc_reply(c, out);
}

/* The message dot-stuffed and ended with CRLF "." CRLF. */
static op_rc lc_data(struct lc *c, const char *p, size_t n)
{
    op_rc rc = OP_OK;
    size_t i = 0;
    while (i < n && !rc) {
        if (p[i] == '.' && (rc = lc_write(c, ".", 1)))
            break;
        const char *nl = memchr(p + i, '\n', n - i);
        size_t k = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
        rc = lc_write(c, p + i, k);
        i += k;
    }
    if (rc)
        return rc;
    bool eol = n && p[n - 1] == '\n';
    return eol ? lc_write(c, ".\r\n", 3) : lc_write(c, "\r\n.\r\n", 5);
}

op_rc lmtp_send(const char *spec, const char *from, const char *rcpt, const void *msg,
                size_t size, int timeout_ms, struct lmtp_reply *out)
{
    struct lmtp_addr ad;
    struct lc c = {.fd = -1, .timeout_ms = timeout_ms};
    char cmd[640];
    memset(out, 0, sizeof(*out));
    op_rc rc = lmtp_addr_parse(spec, &ad);
    if (rc)
        return rc;
    if ((rc = connect_to(&ad, &c.fd)))
        return rc;
    /* until the greeting, nothing is handed over: a server that is not
     * answering is "unavailable" */
    if ((rc = lc_reply(&c, out)) || out->code != 220) {
        rc = OP_ERR_UNAVAILABLE;
        goto end;
    }
    if ((rc = lc_cmd(&c, "LHLO localhost\r\n", out)) || out->code != 250)
        goto end;
    snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>\r\n", from ? from : "");
    if ((rc = lc_cmd(&c, cmd, out)) || out->code != 250)
        goto end;
    if (snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>\r\n", rcpt) >= (int)sizeof(cmd)) {
        rc = OP_ERR_INVALID;
        goto end;
    }
    if ((rc = lc_cmd(&c, cmd, out)) || out->code != 250)
        goto end;
    if ((rc = lc_cmd(&c, "DATA\r\n", out)) || out->code != 354)
        goto end;
    if ((rc = lc_data(&c, msg, size)))
        goto end;
    out->at_data = true;
    if ((rc = lc_reply(&c, out)))
        goto end;
    (void)lc_write(&c, "QUIT\r\n", 6);
end:
    if (c.fd >= 0)
        close(c.fd);
    return rc;
}
