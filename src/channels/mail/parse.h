/* parse.h - one email (RFC 5322 + MIME) into a plain struct mail_msg.
 *
 * GMime does the MIME work; this module adds what a helpdesk needs on top:
 * caps checked before GMime sees the bytes (size, header length, number of
 * parts, nesting), every text converted to clean UTF-8 (the charsets of
 * Russian mail included: KOI8-R, windows-1251, ISO-8859-5), HTML turned into
 * plain text through an allow-list (nothing of the HTML survives as markup, so
 * no script, event attribute or javascript: URL can reach a browser), and the
 * signs of machine-sent mail (auto-replies, bounces, lists).
 *
 * Untrusted input: every path is fuzzed (fuzz/mail_parse.c). */
#ifndef OPORA_CHANNELS_MAIL_PARSE_H
#define OPORA_CHANNELS_MAIL_PARSE_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/types.h"

/* The caps; over any of them a message is rejected (OP_ERR_TOOBIG). */
struct mail_limits {
    size_t max_size;        /* the whole message, bytes */
    size_t max_header_line; /* one header field, unfolded, bytes */
    size_t max_headers;     /* the whole header block of the message, bytes */
    unsigned max_parts;     /* MIME parts, all levels */
    unsigned max_depth;     /* nesting of multiparts and attached messages */
    size_t max_text;        /* the body text kept, bytes (longer text is cut, not rejected) */
};

/* 25 MiB, 16 KiB per header, 256 KiB of headers, 200 parts, depth 10, 60 KB text. */
void mail_limits_default(struct mail_limits *l);

/* Why a message is machine-sent: never answered, never reopens a ticket. */
enum mail_noise {
    MAIL_NOISE_NONE,
    MAIL_NOISE_AUTOREPLY, /* Auto-Submitted, X-Autoreply, X-Autorespond, out-of-office */
    MAIL_NOISE_BULK,      /* Precedence: bulk / junk / list, List-Id with bulk */
    MAIL_NOISE_BOUNCE     /* a delivery status notification, MAILER-DAEMON */
};
const char *mail_noise_name(enum mail_noise n);

/* The longest address taken (RFC 5321's path limit); longer ones are
 * skipped, never cut (a cut address would be somebody else's). */
#define MAIL_ADDR_MAX 254

struct mail_addr {
    char *addr;  /* lower-cased "local@domain"; "" when there is none */
    char *name;  /* the display name, decoded, "" when none */
    bool addr_too_long; /* an address over MAIL_ADDR_MAX was skipped */
};

struct mail_part {
    char *filename;      /* decoded (RFC 2047 / 2231), path-free; never "" */
    char *content_type;  /* "type/subtype", lower case */
    char *content_id;    /* without <>, "" when none */
    bool is_inline;      /* an inline image (Content-ID or disposition inline) */
    const unsigned char *data; /* decoded bytes, owned by the arena */
    size_t size;
};

struct mail_msg {
    char *message_id;          /* without <>; synthesized from the content when missing */
    bool message_id_made;      /* true when synthesized */
    char *in_reply_to;         /* the first id of In-Reply-To, "" when none */
    struct str_list references;/* References then In-Reply-To, oldest first, no <> */
    struct mail_addr from;
    struct mail_addr reply_to; /* "" when none */
    char *to;                  /* addresses, comma-separated, "" when none */
    char *cc;
    char *subject;             /* decoded UTF-8, one line, "" when none */
    op_time date;              /* the Date header, or received when missing or broken */
    bool date_missing;
    char *text;                /* the body as clean UTF-8 text ("" when none) */
    bool text_from_html;       /* the text came from an HTML part */
    bool text_cut;             /* the text was longer than max_text and was cut */
    struct mail_part *parts;   /* attachments and inline images */
    size_t n_parts;
    enum mail_noise noise;
    char *noise_why;           /* the header that told, for the log; "" when none */
};

/* Parses raw[0..size) (received at `received`, used when Date is missing)
 * under lim into out; everything out points to is allocated from a (the
 * arena needs room for about three times the message). Returns OP_OK,
 * OP_ERR_TOOBIG over a cap or OP_ERR_INVALID for something that is not a
 * message at all (no header, no sender); *why is then a short reason for
 * the log and the rejections table ("too_big", "header_too_long",
 * "too_many_parts", "too_deep", "no_from", "from_too_long", "unparsable").
 * OP_ERR_NOMEM when a or the heap ran out. Thread-safe. */
op_rc mail_parse(const void *raw, size_t size, op_time received, const struct mail_limits *lim,
                 struct arena *a, struct mail_msg *out, const char **why);

/* HTML into plain text: tags dropped (block tags give line breaks), the
 * content of script, style, head, title, template, iframe and object
 * dropped, entities decoded, links kept as "text <url>" when their scheme
 * is http, https or mailto. The result is UTF-8 from a; NULL when a is full.
 * Exposed for the tests. */
char *mail_html_to_text(const char *html, size_t n, struct arena *a);

/* s[0..n) as clean UTF-8 from a: invalid sequences become U+FFFD, NUL and
 * control characters other than \n and \t are dropped, \r\n becomes \n. */
char *mail_clean_text(const char *s, size_t n, struct arena *a);

#endif
