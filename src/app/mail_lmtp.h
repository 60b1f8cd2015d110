/* mail_lmtp.h - the LMTP listener of `opora serve`: an MTA (Postfix's
 * lmtp transport, or `opora mail-in`) hands messages over on a unix socket
 * or a loopback port, and each is imported in-process through
 * app_mail_import (the same parsing, threading, dedupe and rejections as
 * mail-in and IMAP), with no process per message.
 *
 * Connections are served on threads of their own (at most max_conns). A
 * message is answered (one reply per recipient, RFC 2033) only after its
 * import committed: concurrent connections' imports share the store's
 * group commit (one transaction, a savepoint each, one fsync per batch).
 *   250 2.0.0  imported (a ticket, a comment, or a duplicate/noise dropped)
 *   250 2.6.0  refused as bad input and logged in the rejections (as mail-in's
 *              exit 65, but accepted: no bounce goes back to a forged sender)
 *   552 5.3.4  over the size cap (logged in the rejections as too_big)
 *   451 4.3.0  a temporary failure (database busy, disk): the MTA retries
 * Recipients: the addresses of `lmtp_recipients` ("a@x, @domain" — a
 * leading @ takes a whole domain) and the user names of the configured
 * mailboxes that are addresses; others get 550 5.1.1. */
#ifndef OPORA_APP_MAIL_LMTP_H
#define OPORA_APP_MAIL_LMTP_H

#include "app/app.h"

struct lmtp_server_config {
    const char *listen;      /* "/path", "unix:/path", "127.0.0.1:port" */
    bool allow_remote;       /* a TCP address that is not loopback */
    const char *recipients;  /* comma-separated addresses or @domains; may be "" */
    unsigned max_conns;      /* 0: 64 */
    unsigned idle_timeout_s; /* 0: 300 (RFC 5321's server timeout) */
    unsigned memory_mb;      /* message text held by all connections at once; 0: 256 */
};

struct lmtp_server;

/* Listens on cfg->listen and serves connections until lmtp_server_stop.
 * app must outlive the server. Returns OP_OK with *out (yours: stop it),
 * OP_ERR_INVALID (bad or non-loopback address; err names "lmtp_listen"),
 * OP_ERR_CONFLICT (the address is in use), OP_ERR_IO, OP_ERR_NOMEM. */
op_rc lmtp_server_start(struct app *app, const struct lmtp_server_config *cfg,
                        struct lmtp_server **out, struct op_err *err);

/* The TCP port listened on (0 for a unix socket). */
unsigned lmtp_server_port(const struct lmtp_server *s);

/* Stops accepting, lets each connection finish the message it is
 * importing (and answer it), closes them, removes the unix socket, frees s. */
void lmtp_server_stop(struct lmtp_server *s);

#endif
