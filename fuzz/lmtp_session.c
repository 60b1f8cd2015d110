/* lmtp_session.c - libFuzzer target for the LMTP session reader (lmtp.h):
 * any bytes, cut into reads of any sizes, must give replies and messages
 * within the limits, never a crash, a hang or a message over the cap.
 *
 * The limits are tiny so that every cap (line, message, recipients, errors,
 * the reply buffer) is reached within a short input. The first input byte
 * chooses the read size and the recipients' fate, as a client and a
 * database would. */
#include "base/common.h"

#include "channels/mail/lmtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 'u...' is unknown, 't...' a failed lookup, anything else accepted. */
static enum lmtp_rcpt rcpt(void *ctx, const char *addr)
{
    UNUSED(ctx);
    if (addr[0] == 'u')
        return LMTP_RCPT_UNKNOWN;
    return addr[0] == 't' ? LMTP_RCPT_TEMPFAIL : LMTP_RCPT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct lmtp_limits lim = {.max_size = 64, .max_line = 32, .max_rcpts = 3, .max_errors = 4};
    struct lmtp_session s;
    struct buf out = BUF_INIT(256);
    size_t step = (size_t)(data[0] & 31) + 1; /* bytes per read: 1..32 */
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    lmtp_session_init(&s, &lim, "fuzz.example", rcpt, NULL);
    if (lmtp_greeting(&s, &out))
        abort();
    bool open = true;
    for (size_t off = 0; open && off < n;) {
        size_t chunk = MIN(step, n - off), used = 0;
        int stuck = 0;
        while (open && used < chunk) {
            enum lmtp_event ev;
            size_t k = lmtp_feed(&s, p + off + used, chunk - used, &out, &ev);
            if (k > chunk - used)
                abort(); /* used more than it was given */
            used += k;
            if (ev == LMTP_MESSAGE) {
                if (!s.too_big && (s.msg.len > lim.max_size || s.msg.len != s.size))
                    abort(); /* a message over the cap, or counted wrong */
                if (s.too_big && s.size <= lim.max_size)
                    abort(); /* refused though within the cap */
                if (s.n_rcpt == 0 || s.n_rcpt > lim.max_rcpts)
                    abort(); /* DATA without a recipient, or too many */
                lmtp_reply_all(&s, 250, "2.0.0", "Ok", &out);
            }
            if (ev == LMTP_CLOSE)
                open = false;
            /* the caller's part: write the replies out (here: drop them) */
            if (out.len > out.cap / 2 || ev != LMTP_MORE || !k)
                buf_clear(&out);
            /* no progress twice with the replies written out: a hang */
            stuck = k || ev != LMTP_MORE ? 0 : stuck + 1;
            if (stuck > 2)
                abort();
        }
        off += chunk;
    }
    lmtp_session_release(&s);
    buf_release(&out);
    return 0;
}
