/* lmtp.h - LMTP (RFC 2033), the protocol alone: a server session's state
 * machine fed with the bytes a client sent and writing its replies into a
 * buffer, and a client that hands one message over (opora mail-in). No
 * storage: the caller owns the socket and decides what becomes of each
 * message (src/app/mail_lmtp.c).
 *
 * The session speaks LHLO (PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME,
 * SIZE), MAIL FROM, RCPT TO, DATA (dot-unstuffed, capped), RSET, NOOP and
 * QUIT. Command lines are capped; a line over the cap, an unknown command
 * or a command out of order is answered with an error, and after
 * max_errors of them the session ends (421). */
#ifndef OPORA_CHANNELS_MAIL_LMTP_H
#define OPORA_CHANNELS_MAIL_LMTP_H

#include <stdatomic.h>

#include "base/buf.h"
#include "base/rc.h"

/* Bytes of message text held at once by all the sessions that share it
 * (one listener's): each session reserves what it keeps and gives it back
 * at the end of its transaction. */
struct lmtp_budget {
    _Atomic size_t used;
    size_t cap;
};

struct lmtp_limits {
    struct lmtp_budget *budget; /* NULL: only max_size bounds a session */
    size_t max_size;      /* a message, after unstuffing, bytes (advertised as SIZE) */
    size_t max_line;      /* a command line with its CRLF, bytes */
    unsigned max_rcpts;   /* recipients of one transaction */
    unsigned max_errors;  /* bad commands before the session is ended */
};

/* 25 MiB messages (the parser's cap), 2048-byte command lines, 100
 * recipients, 20 errors. */
void lmtp_limits_default(struct lmtp_limits *l);

/* What a recipient is to the caller: one of its addresses, unknown (550
 * 5.1.1), or not known now (451 4.3.0: the lookup failed). */
enum lmtp_rcpt { LMTP_RCPT_OK, LMTP_RCPT_UNKNOWN, LMTP_RCPT_TEMPFAIL };
typedef enum lmtp_rcpt (*lmtp_rcpt_fn)(void *ctx, const char *addr);

/* What lmtp_feed stopped at. */
enum lmtp_event {
    LMTP_MORE,     /* the input is used up; feed more */
    LMTP_MESSAGE,  /* a message is complete: answer it with lmtp_reply_all */
    LMTP_CLOSE     /* QUIT, or too many errors: write out, then close */
};

struct lmtp_session {
    struct lmtp_limits lim;
    char host[256];
    lmtp_rcpt_fn rcpt_ok;
    void *ctx;
    bool greeted;          /* LHLO seen */
    bool in_mail;          /* MAIL FROM accepted */
    bool in_data;          /* between DATA's 354 and the final dot */
    bool closed;
    unsigned n_rcpt;       /* accepted recipients of the transaction */
    unsigned errors;
    int data_state;        /* where the DATA reader is in a line (lmtp.c) */
    bool line_over;        /* the command line in progress went past the cap */
    struct buf line;       /* the command line in progress */
    /* the transaction's message, dot-unstuffed; valid after LMTP_MESSAGE */
    char from[320];        /* the envelope sender; "" for <> */
    struct buf msg;
    bool too_big;          /* msg went over max_size: only its size is kept */
    bool no_room;          /* the budget was spent: the message must be retried later */
    size_t held;           /* bytes reserved from the budget */
    size_t size;           /* bytes of the message received, also those past the cap */
};

/* Sets s up for one connection; host names this server in replies;
 * rcpt_ok(ctx, addr) judges each RCPT TO. Release with lmtp_session_release. */
void lmtp_session_init(struct lmtp_session *s, const struct lmtp_limits *lim, const char *host,
                       lmtp_rcpt_fn rcpt_ok, void *ctx);
void lmtp_session_release(struct lmtp_session *s);

/* Appends the greeting (220) to out. Returns OP_ERR_TOOBIG when out is full. */
op_rc lmtp_greeting(struct lmtp_session *s, struct buf *out);

/* Consumes p[0..n) up to the next event and appends the replies to out.
 * Returns how many bytes it used: all of them with LMTP_MORE, unless out
 * is over half its cap (write it out, then feed the rest); the caller
 * feeds the rest after handling *ev too. After LMTP_CLOSE nothing more is
 * read. */
size_t lmtp_feed(struct lmtp_session *s, const char *p, size_t n, struct buf *out,
                 enum lmtp_event *ev);

/* Answers the message of LMTP_MESSAGE: one reply per accepted recipient
 * (code, enhanced code, text, e.g. 250 "2.0.0" "Ok"), as RFC 2033 wants
 * after the final dot, and ends the transaction. */
void lmtp_reply_all(struct lmtp_session *s, int code, const char *enh, const char *text,
                    struct buf *out);

/* ---- addresses ---- */

/* An LMTP address: "/path" or "unix:/path" (a unix socket), or
 * "host:port" / "[v6]:port". */
struct lmtp_addr {
    bool is_unix;
    char path[108];   /* sun_path's size */
    char host[256];
    char port[16];
};

/* Parses spec into out. OP_ERR_INVALID when it is neither form. */
op_rc lmtp_addr_parse(const char *spec, struct lmtp_addr *out);

/* Opens a listening socket on spec. A TCP address must be a loopback one
 * (127.0.0.0/8, ::1) unless allow_remote. A unix socket left behind by a
 * server that is gone is replaced; one that answers is OP_ERR_CONFLICT.
 * Returns OP_OK with *fd (yours to close; *port the TCP port bound, 0 for
 * unix), OP_ERR_INVALID (bad or non-loopback address), OP_ERR_IO. */
op_rc lmtp_listen(const char *spec, bool allow_remote, int *fd, unsigned *port);

/* ---- the client ---- */

/* What the server said last: its code and text (one line, up to 511 bytes). */
struct lmtp_reply {
    int code;
    char text[512];
    bool at_data;    /* the reply to the message itself (after the final dot) */
};

/* Hands msg[0..size) over to the LMTP server at spec for one recipient:
 * LHLO, MAIL FROM:<from>, RCPT TO:<rcpt>, DATA (dot-stuffed). Waits up to
 * timeout_ms for each reply. Returns OP_OK with the first reply that was
 * not a success, or the final one, in out; OP_ERR_UNAVAILABLE when the
 * server cannot be reached (nothing was sent: another way may be tried);
 * OP_ERR_IO when the connection broke or timed out after the message
 * started (the server may have it). */
op_rc lmtp_send(const char *spec, const char *from, const char *rcpt, const void *msg,
                size_t size, int timeout_ms, struct lmtp_reply *out);

#endif
