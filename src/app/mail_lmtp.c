/* mail_lmtp.c - the LMTP listener: sockets, a thread per connection, and
 * each message imported through app_mail_import (mail_lmtp.h). */
#include "base/common.h"

#include <stdatomic.h>

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/mail_int.h"
#include "app/mail_lmtp.h"
#include "base/log.h"
#include "channels/mail/lmtp.h"

/* Replies of one pipelined burst; a client that sends more without
 * reading has its session cut short. */
#define LMTP_OUT_MAX (64u << 10)

struct lmtp_conn {
    struct lmtp_server *srv;
    int fd;
    size_t slot;
};

struct lmtp_server {
    struct app *app;
    int lfd;
    int wake[2];            /* written to on stop: wakes the accept loop */
    unsigned port;
    char unix_path[108];    /* removed on stop; "" for TCP */
    char *recipients;       /* the configured list, lower-cased */
    unsigned max_conns;
    unsigned idle_timeout_s;
    struct lmtp_budget budget; /* the connections' message text at once */
    char host[256];
    pthread_t acceptor;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* signalled when a connection ends */
    int *fds;               /* the open connections' sockets, -1 when free */
    unsigned nconns;
    bool stopping;
};

/* ---- recipients ---- */

/* addr in the comma-separated list (case-insensitively; "@domain" takes
 * every address of the domain). */
static bool in_list(const char *list, const char *addr)
{
    const char *at = strrchr(addr, '@');
    size_t alen = strlen(addr);
    for (const char *p = list; p && *p;) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *e = p;
        while (*e && *e != ',' && !isspace((unsigned char)*e))
            e++;
        size_t n = (size_t)(e - p);
        bool domain = n && p[0] == '@';
        if (domain ? (at && strlen(at) == n && !strncasecmp(at, p, n))
                   : (n && n == alen && !strncasecmp(addr, p, n)))
            return true;
        p = e;
    }
    return false;
}

struct rcpt_job {
    const char *addr;
    bool found;
};

static op_rc rcpt_fn(struct store_tx *tx, void *arg)
{
    struct rcpt_job *j = arg;
    struct arena a = ARENA_INIT(0);
    struct mailbox *v;
    size_t n;
    op_rc rc = tx->ops->mail->mailbox_list(tx, &a, &v, &n);
    for (size_t i = 0; !rc && i < n && !j->found; i++)
        j->found = v[i].active && strchr(v[i].username, '@') &&
                   !strcasecmp(v[i].username, j->addr);
    arena_release(&a);
    return rc;
}

static enum lmtp_rcpt rcpt_ok(void *ctx, const char *addr)
{
    struct lmtp_server *s = ctx;
    if (in_list(s->recipients, addr))
        return LMTP_RCPT_OK;
    struct rcpt_job j = {addr, false};
    if (store_read(s->app->store, rcpt_fn, &j) != OP_OK)
        return LMTP_RCPT_TEMPFAIL;
    return j.found ? LMTP_RCPT_OK : LMTP_RCPT_UNKNOWN;
}

/* ---- one connection ---- */

static bool write_all(int fd, struct buf *out)
{
    const char *p = out->p;
    size_t n = out->len;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    buf_clear(out);
    return true;
}

/* Imports the message the session holds and answers it. The import writes
 * its attachment files on this thread before its transaction (mail_prepare),
 * so the connections' fsyncs overlap instead of queueing behind the writer. */
static void deliver(struct lmtp_server *srv, struct lmtp_session *ls, struct buf *out)
{
    struct arena a = ARENA_INIT(0);
    struct mail_source src = {"lmtp", 0, 0, 0};
    struct mail_result res = {.reason = ""};
    op_rc rc;
    if (ls->no_room) {
        /* the other connections hold the memory: the MTA keeps it and retries */
        lmtp_reply_all(ls, 452, "4.3.1", "Insufficient system storage, try again later", out);
        log_warn("msg=\"lmtp message deferred: the memory for messages is in use\" "
                 "size=%zu held=%zu cap=%zu from=\"%s\"",
                 ls->size, (size_t)atomic_load(&srv->budget.used), srv->budget.cap, ls->from);
        return;
    }
    if (ls->too_big) {
        /* as mail-in: a message over the cap is never parsed, only recorded */
        rc = app_mail_reject(srv->app, &src, "too_big", ls->size, &a);
        if (rc == OP_OK)
            lmtp_reply_all(ls, 552, "5.3.4", "Message too big", out);
        else
            lmtp_reply_all(ls, 451, "4.3.0", "Temporary failure, try again later", out);
        log_info("msg=\"lmtp message refused\" reason=too_big size=%zu from=\"%s\" rc=%s",
                 ls->size, ls->from, op_rc_name(rc));
        arena_release(&a);
        return;
    }
    rc = app_mail_import(srv->app, ls->msg.p ? ls->msg.p : "", ls->msg.len, &src, &a, &res);
    char text[160];
    if (rc == OP_OK) {
        snprintf(text, sizeof(text), "Ok: %s %" PRId64, mail_outcome_name(res.outcome),
                 res.ticket_id);
        lmtp_reply_all(ls, 250, "2.0.0", text, out);
    } else if (rc == OP_ERR_TOOBIG || rc == OP_ERR_INVALID) {
        /* refused as bad input and kept in the rejections: accepted, so
         * that no bounce goes to whoever the message claims to be from */
        snprintf(text, sizeof(text), "Refused and logged: %s",
                 res.reason && *res.reason ? res.reason : op_rc_name(rc));
        lmtp_reply_all(ls, 250, "2.6.0", text, out);
    } else {
        log_warn("msg=\"lmtp import failed, the client will retry\" rc=%s from=\"%s\"",
                 op_rc_name(rc), ls->from);
        lmtp_reply_all(ls, 451, "4.3.0", "Temporary failure, try again later", out);
    }
    arena_release(&a);
}

static void *conn_main(void *p)
{
    struct lmtp_conn *c = p;
    struct lmtp_server *srv = c->srv;
    struct lmtp_limits lim;
    struct lmtp_session ls;
    struct buf out = BUF_INIT(LMTP_OUT_MAX);
    char chunk[65536];
    lmtp_limits_default(&lim);
    lim.budget = &srv->budget;
    lmtp_session_init(&ls, &lim, srv->host, rcpt_ok, srv);

    struct timeval idle = {.tv_sec = srv->idle_timeout_s}, wr = {.tv_sec = 60};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &wr, sizeof(wr));
    lmtp_greeting(&ls, &out);
    bool open = write_all(c->fd, &out);
    while (open) {
        ssize_t r = recv(c->fd, chunk, sizeof(chunk), 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            buf_printf(&out, "421 4.4.2 %s Idle too long, closing\r\n", srv->host);
            write_all(c->fd, &out);
            break;
        }
        if (r <= 0)
            break; /* closed (or stopping: a message in the middle is not answered) */
        size_t off = 0;
        while (open && off < (size_t)r) {
            enum lmtp_event ev;
            off += lmtp_feed(&ls, chunk + off, (size_t)r - off, &out, &ev);
            if (ev == LMTP_MESSAGE) {
                /* what came before the final dot goes out first */
                open = write_all(c->fd, &out);
                if (open)
                    deliver(srv, &ls, &out);
            }
            if (ev == LMTP_CLOSE) {
                write_all(c->fd, &out);
                open = false;
            }
            if (open && out.len > out.cap / 2)
                open = write_all(c->fd, &out); /* a long pipelined burst */
        }
        if (open)
            open = write_all(c->fd, &out);
    }
    lmtp_session_release(&ls);
    buf_release(&out);
    pthread_mutex_lock(&srv->mu);
    close(c->fd); /* under the lock: stop never shuts down a reused descriptor */
    srv->fds[c->slot] = -1;
    srv->nconns--;
    pthread_cond_broadcast(&srv->cv);
    pthread_mutex_unlock(&srv->mu);
    free(c);
    return NULL;
}

/* ---- accepting ---- */

static void refuse(int fd, const char *host)
{
    char line[320];
    int n = snprintf(line, sizeof(line), "421 4.3.2 %s Too many connections, try later\r\n", host);
    if (n > 0)
        (void)!send(fd, line, (size_t)n, MSG_NOSIGNAL);
    close(fd);
}

static void *accept_main(void *p)
{
    struct lmtp_server *srv = p;
    pthread_setname_np(pthread_self(), "opora-lmtp");
    for (;;) {
        struct pollfd pf[2] = {{.fd = srv->lfd, .events = POLLIN},
                               {.fd = srv->wake[0], .events = POLLIN}};
        int pr = poll(pf, 2, -1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0 || pf[1].revents)
            break;
        int fd = accept4(srv->lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
                poll(NULL, 0, 100); /* out of descriptors: let some close */
            continue;
        }
        pthread_mutex_lock(&srv->mu);
        size_t slot = 0;
        while (slot < srv->max_conns && srv->fds[slot] >= 0)
            slot++;
        if (srv->stopping || slot == srv->max_conns) {
            pthread_mutex_unlock(&srv->mu);
            refuse(fd, srv->host);
            continue;
        }
        struct lmtp_conn *c = malloc(sizeof(*c));
        pthread_t th;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (c) {
            *c = (struct lmtp_conn){srv, fd, slot};
            srv->fds[slot] = fd;
            srv->nconns++;
        }
        if (!c || pthread_create(&th, &at, conn_main, c) != 0) {
            if (c) {
                srv->fds[slot] = -1;
                srv->nconns--;
            }
            free(c);
            pthread_mutex_unlock(&srv->mu);
            pthread_attr_destroy(&at);
            refuse(fd, srv->host);
            continue;
        }
        pthread_attr_destroy(&at);
        pthread_mutex_unlock(&srv->mu);
    }
    return NULL;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

op_rc lmtp_server_start(struct app *app, const struct lmtp_server_config *cfg,
                        struct lmtp_server **out, struct op_err *err)
{
    op_rc rc = OP_ERR_NOMEM;
    struct lmtp_server *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s)
        return OP_ERR_NOMEM;
    s->app = app;
    s->lfd = -1;
    s->wake[0] = s->wake[1] = -1;
    s->max_conns = cfg->max_conns ? cfg->max_conns : 64;
    s->idle_timeout_s = cfg->idle_timeout_s ? cfg->idle_timeout_s : 300;
    s->budget.cap = (size_t)(cfg->memory_mb ? cfg->memory_mb : 256) << 20;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    gethostname(s->host, sizeof(s->host) - 1);
    if (!s->host[0])
        snprintf(s->host, sizeof(s->host), "localhost");
    s->recipients = strdup(cfg->recipients ? cfg->recipients : "");
    s->fds = malloc(s->max_conns * sizeof(int));
    if (!s->recipients || !s->fds)
        goto fail;
    lower(s->recipients);
    for (unsigned i = 0; i < s->max_conns; i++)
        s->fds[i] = -1;
    rc = lmtp_listen(cfg->listen, cfg->allow_remote, &s->lfd, &s->port);
    if (rc == OP_ERR_INVALID) {
        op_fail(err, rc, "lmtp_listen", MSG_ERR_LMTP_ADDRESS, cfg->listen);
        goto fail;
    }
    if (rc == OP_ERR_CONFLICT) {
        op_fail(err, rc, "lmtp_listen", MSG_ERR_LMTP_IN_USE, cfg->listen);
        goto fail;
    }
    if (rc) {
        op_fail(err, rc, "lmtp_listen", MSG_ERR_LMTP_LISTEN, cfg->listen, strerror(errno));
        goto fail;
    }
    struct lmtp_addr ad;
    if (lmtp_addr_parse(cfg->listen, &ad) == OP_OK && ad.is_unix)
        snprintf(s->unix_path, sizeof(s->unix_path), "%s", ad.path);
    if (pipe2(s->wake, O_CLOEXEC) != 0 || pthread_create(&s->acceptor, NULL, accept_main, s)) {
        rc = OP_ERR_IO;
        op_fail(err, rc, "lmtp_listen", MSG_ERR_LMTP_LISTEN, cfg->listen, strerror(errno));
        goto fail;
    }
    if (!*s->recipients)
        log_warn("msg=\"lmtp: no lmtp_recipients configured; only the addresses of mailboxes "
                 "are accepted\"");
    *out = s;
    return OP_OK;
fail:
    if (s->lfd >= 0)
        close(s->lfd);
    if (s->unix_path[0])
        unlink(s->unix_path);
    for (int i = 0; i < 2; i++)
        if (s->wake[i] >= 0)
            close(s->wake[i]);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->fds);
    free(s->recipients);
    free(s);
    return rc;
}

unsigned lmtp_server_port(const struct lmtp_server *s)
{
    return s->port;
}

void lmtp_server_stop(struct lmtp_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_mutex_unlock(&s->mu);
    (void)!write(s->wake[1], "x", 1);
    pthread_join(s->acceptor, NULL);
    close(s->lfd);
    if (s->unix_path[0])
        unlink(s->unix_path);
    /* reading ends at once; a message being imported is still answered */
    pthread_mutex_lock(&s->mu);
    for (unsigned i = 0; i < s->max_conns; i++)
        if (s->fds[i] >= 0)
            shutdown(s->fds[i], SHUT_RD);
    while (s->nconns)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    close(s->wake[0]);
    close(s->wake[1]);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->fds);
    free(s->recipients);
    free(s);
}
