/* notify.c - notification texts and messages on the wire (see notify.h). */
#include "base/common.h"

#include <sodium.h>

#include "channels/mail/notify.h"

static const char *const kind_names[MAIL_KIND__COUNT] = {"received", "reply", "solved",
                                                          "assigned", "escalated", "sla"};

const char *mail_kind_name(enum mail_kind k)
{
    return k < MAIL_KIND__COUNT ? kind_names[k] : "?";
}

static const struct {
    enum msg_id subject, body;
} templates[MAIL_KIND__COUNT] = {
    [MAIL_KIND_RECEIVED] = {MSG_MAIL_SUBJECT_RECEIVED, MSG_MAIL_BODY_RECEIVED},
    [MAIL_KIND_REPLY] = {MSG_MAIL_SUBJECT_REPLY, MSG_MAIL_BODY_REPLY},
    [MAIL_KIND_SOLVED] = {MSG_MAIL_SUBJECT_SOLVED, MSG_MAIL_BODY_SOLVED},
    [MAIL_KIND_ASSIGNED] = {MSG_MAIL_SUBJECT_ASSIGNED, MSG_MAIL_BODY_ASSIGNED},
    [MAIL_KIND_ESCALATED] = {MSG_MAIL_SUBJECT_ESCALATED, MSG_MAIL_BODY_ESCALATED},
    [MAIL_KIND_SLA] = {MSG_MAIL_SUBJECT_SLA, MSG_MAIL_BODY_SLA},
};

/* The text of id in lang with args, from a (a body can be as long as a comment). */
static char *render(enum lang lang, enum msg_id id, const char *const *args, size_t nargs,
                    struct arena *a)
{
    size_t cap = 16;
    for (size_t i = 0; i < nargs; i++)
        cap += strlen(args[i]) * 2;
    cap += strlen(i18n_text(lang, id)) + 1;
    char *out = arena_alloc(a, cap);
    if (!out)
        return NULL;
    i18n_format(lang, id, args, nargs, out, cap);
    return out;
}

op_rc mail_render(enum mail_kind kind, enum lang lang, const struct mail_vars *v,
                  struct arena *a, char **subject, char **body)
{
    if (kind >= MAIL_KIND__COUNT)
        return OP_ERR_INVALID;
    char id[24];
    snprintf(id, sizeof(id), "%" PRId64, v->ticket_id);
    const char *args[6] = {id,
                           v->subject ? v->subject : "",
                           v->name ? v->name : "",
                           v->author ? v->author : "",
                           v->text ? v->text : "",
                           kind == MAIL_KIND_SOLVED ? (v->csat_link ? v->csat_link : "")
                                                    : (v->group ? v->group : "")};
    /* the catalogue takes {1}..{3}: subjects get (id, subject); bodies
     * get (id, subject, one more) chosen per kind */
    *subject = render(lang, templates[kind].subject, args, 2, a);
    /* "Re: " is the reply marker of RFC 5322 (3.6.5), the same in every
     * language, so it is not in the catalogue; the rest of the subject is */
    if (kind == MAIL_KIND_REPLY && *subject)
        *subject = arena_printf(a, "Re: %s", *subject);
    const char *b3[3] = {args[0], args[1], ""};
    switch (kind) {
    case MAIL_KIND_RECEIVED: b3[2] = args[2]; break;
    case MAIL_KIND_REPLY: b3[2] = args[4]; break;
    case MAIL_KIND_SOLVED: b3[2] = args[5]; break;
    case MAIL_KIND_ASSIGNED: b3[2] = args[3]; break;
    case MAIL_KIND_ESCALATED: b3[2] = args[4]; break;
    case MAIL_KIND_SLA: b3[2] = args[4]; break;
    default: break;
    }
    *body = render(lang, templates[kind].body, b3, 3, a);
    if (kind == MAIL_KIND_REPLY && *body && v->author && *v->author)
        *body = arena_printf(a, "%s:\n\n%s", v->author, *body);
    return *subject && *body ? OP_OK : OP_ERR_NOMEM;
}

/* RFC 2047 B-encoding of a header value that is not plain ASCII, in
 * encoded words of at most 45 input bytes cut at character boundaries. */
static void put_header_text(struct buf *out, const char *s)
{
    bool ascii = true;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x80 || *p == '\r' || *p == '\n')
            ascii = false;
    if (ascii) {
        buf_puts(out, s);
        return;
    }
    size_t n = strlen(s), i = 0;
    bool first = true;
    while (i < n) {
        size_t take = MIN((size_t)45, n - i);
        while (i + take < n && ((unsigned char)s[i + take] & 0xC0) == 0x80)
            take--;
        char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
        first = false;
        i += take;
    }
}

op_rc mail_compose(struct buf *out, const char *from, const char *to, const char *subject,
                   const char *message_id, const char *extra_headers, const char *body,
                   op_time date)
{
    char when[64];
    time_t secs = (time_t)(date / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    buf_clear(out);
    buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", from, to);
    put_header_text(out, subject);
    buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <%s>\r\n", when, message_id);
    if (extra_headers && *extra_headers)
        buf_puts(out, extra_headers);
    buf_puts(out, "Auto-Submitted: auto-generated\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n");
    /* base64 in lines of 76 */
    size_t n = strlen(body);
    for (size_t i = 0; i < n; i += 57) {
        size_t take = MIN((size_t)57, n - i);
        char line[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(line, sizeof(line), (const unsigned char *)body + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_puts(out, line);
        buf_puts(out, "\r\n");
    }
    /* a buf keeps failing once over its cap: one check at the end suffices
     * only if the last append failed too, so test the length we expect */
    return out->len && out->p[out->len - 1] == '\n' ? OP_OK : OP_ERR_TOOBIG;
}
