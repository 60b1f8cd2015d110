/* thread.c - subject tags, Message-IDs and reply tokens (see thread.h). */
#include "base/common.h"

#include <ctype.h>
#include <sodium.h>

#include "channels/mail/thread.h"

int64_t mail_subject_ticket(const char *subject)
{
    for (const char *p = subject ? strstr(subject, "[#") : NULL; p; p = strstr(p + 1, "[#")) {
        const char *d = p + 2;
        int64_t v = 0;
        int digits = 0;
        while (isdigit((unsigned char)*d) && digits < 15) {
            v = v * 10 + (*d - '0');
            d++;
            digits++;
        }
        if (digits && *d == ']' && v > 0)
            return v;
    }
    return 0;
}

char *mail_message_id(struct arena *a, const char *domain, int64_t ticket_id, const char *kind)
{
    uint8_t r[9];
    char hex[sizeof(r) * 2 + 1];
    randombytes_buf(r, sizeof(r));
    sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
    return arena_printf(a, "opora.t%" PRId64 ".%s.%s@%s", ticket_id, kind, hex, domain);
}

#define MAC_BYTES 12 /* 96 bits: forging one takes 2^96 tries */

/* The MAC of "t<ticket>.a<agent>.<nonce>" as hex into out. */
static void token_mac(const uint8_t key[MAIL_KEY_BYTES], const char *signed_part, size_t n,
                      char out[MAC_BYTES * 2 + 1])
{
    uint8_t mac[crypto_auth_BYTES];
    crypto_auth(mac, (const unsigned char *)signed_part, n, key);
    sodium_bin2hex(out, MAC_BYTES * 2 + 1, mac, MAC_BYTES);
}

char *mail_agent_message_id(struct arena *a, const uint8_t key[MAIL_KEY_BYTES],
                            const char *domain, int64_t ticket_id, int64_t agent_id)
{
    uint8_t r[6];
    char nonce[sizeof(r) * 2 + 1], part[96], mac[MAC_BYTES * 2 + 1];
    randombytes_buf(r, sizeof(r));
    sodium_bin2hex(nonce, sizeof(nonce), r, sizeof(r));
    int n = snprintf(part, sizeof(part), "t%" PRId64 ".a%" PRId64 ".%s", ticket_id, agent_id,
                     nonce);
    if (n < 0 || (size_t)n >= sizeof(part))
        return NULL;
    token_mac(key, part, (size_t)n, mac);
    return arena_printf(a, "opora.%s.%s@%s", part, mac, domain);
}

bool mail_agent_token_check(const uint8_t key[MAIL_KEY_BYTES], const char *message_id,
                            int64_t *ticket_id, int64_t *agent_id)
{
    if (!message_id || strncmp(message_id, "opora.t", 7) != 0)
        return false;
    const char *part = message_id + 6;
    const char *at = strchr(part, '@');
    if (!at)
        return false;
    /* part = t<digits>.a<digits>.<nonce>.<mac> */
    const char *mac = NULL;
    for (const char *p = at - 1; p > part; p--)
        if (*p == '.') {
            mac = p + 1;
            break;
        }
    if (!mac || (size_t)(at - mac) != MAC_BYTES * 2)
        return false;
    size_t n = (size_t)(mac - 1 - part);
    char *end;
    errno = 0;
    long long t = strtoll(part + 1, &end, 10);
    if (errno || t <= 0 || end[0] != '.' || end[1] != 'a')
        return false;
    long long ag = strtoll(end + 2, &end, 10);
    if (errno || ag <= 0 || *end != '.')
        return false;
    char want[MAC_BYTES * 2 + 1], got[MAC_BYTES * 2 + 1];
    token_mac(key, part, n, want);
    memcpy(got, mac, MAC_BYTES * 2);
    got[MAC_BYTES * 2] = '\0';
    for (char *c = got; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (sodium_memcmp(want, got, MAC_BYTES * 2) != 0)
        return false;
    *ticket_id = t;
    *agent_id = ag;
    return true;
}
