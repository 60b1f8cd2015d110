/* i18n.c - message lookup, placeholder substitution, language negotiation. */
#include "base/common.h"

#include <ctype.h>
#include <pthread.h>

#include "i18n/i18n.h"

static const char *const texts[MSG_COUNT][LANG_COUNT] = {
#define M(id, en, ru) [id] = {en, ru},
#include "i18n/messages.def"
#undef M
};

static const char *const ids[MSG_COUNT] = {
#define M(id, en, ru) [id] = #id,
#include "i18n/messages.def"
#undef M
};

static char keys[MSG_COUNT][64];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void keys_init(void)
{
    for (int i = 0; i < MSG_COUNT; i++) {
        const char *s = ids[i];
        if (strncmp(s, "MSG_", 4) == 0)
            s += 4;
        size_t j = 0;
        for (; s[j] && j + 1 < sizeof(keys[i]); j++)
            keys[i][j] = (char)tolower((unsigned char)s[j]);
        keys[i][j] = '\0';
    }
}

const char *i18n_text(enum lang lang, enum msg_id id)
{
    if ((unsigned)id >= MSG_COUNT)
        id = MSG_NONE;
    if ((unsigned)lang >= LANG_COUNT)
        lang = LANG_EN;
    return texts[id][lang];
}

const char *i18n_key(enum msg_id id)
{
    if ((unsigned)id >= MSG_COUNT)
        id = MSG_NONE;
    pthread_once(&keys_once, keys_init);
    return keys[id];
}

int i18n_msg_nargs(enum msg_id id)
{
    const char *s = i18n_text(LANG_EN, id);
    int n = 0;
    for (; *s; s++)
        if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}' && s[1] - '0' > n)
            n = s[1] - '0';
    return n;
}

size_t i18n_format(enum lang lang, enum msg_id id, const char *const *args, size_t nargs,
                   char *out, size_t cap)
{
    const char *s = i18n_text(lang, id);
    size_t len = 0;
    bool cut = false;
    if (cap == 0)
        return 0;
    while (*s && !cut) {
        if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}') {
            size_t k = (size_t)(s[1] - '1');
            const char *a = k < nargs && args[k] ? args[k] : "";
            for (; *a; a++) {
                if (len + 1 >= cap) {
                    cut = true;
                    break;
                }
                out[len++] = *a;
            }
            s += 3;
            continue;
        }
        if (len + 1 >= cap) {
            cut = true;
            break;
        }
        out[len++] = *s++;
    }
    if (cut) {
        /* never end on half a UTF-8 character: drop trailing continuation
         * bytes and the lead byte they belong to */
        size_t k = len;
        while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0xC0) {
            unsigned char lead = (unsigned char)out[k - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (len - (k - 1) < need)
                len = k - 1;
        }
    }
    out[len] = '\0';
    return len;
}

int i18n_lang_parse(const char *s)
{
    if (!s || !s[0] || !s[1])
        return -1;
    char a = (char)tolower((unsigned char)s[0]), b = (char)tolower((unsigned char)s[1]);
    if (s[2] && s[2] != '-' && s[2] != '_' && s[2] != '.')
        return -1;
    if (a == 'r' && b == 'u')
        return LANG_RU;
    if (a == 'e' && b == 'n')
        return LANG_EN;
    return -1;
}

const char *i18n_lang_code(enum lang lang)
{
    return lang == LANG_RU ? "ru" : "en";
}

enum lang i18n_accept_language(const char *h, enum lang fallback)
{
    if (!h)
        return fallback;
    int best = -1;
    double best_q = 0.0;
    while (*h) {
        while (*h == ' ' || *h == ',')
            h++;
        const char *tag = h;
        while (*h && *h != ',' && *h != ';')
            h++;
        char tagbuf[16];
        size_t n = (size_t)(h - tag);
        while (n > 0 && tag[n - 1] == ' ')
            n--;
        if (n >= sizeof(tagbuf))
            n = sizeof(tagbuf) - 1;
        memcpy(tagbuf, tag, n);
        tagbuf[n] = '\0';
        double q = 1.0;
        while (*h == ';') {
            h++;
            while (*h == ' ')
                h++;
            if (h[0] == 'q' && h[1] == '=') {
                char *end;
                q = strtod(h + 2, &end);
                h = end;
            }
            while (*h && *h != ',' && *h != ';')
                h++;
        }
        int l = i18n_lang_parse(tagbuf);
        if (l >= 0 && q > best_q) {
            best = l;
            best_q = q;
        }
    }
    return best >= 0 ? (enum lang)best : fallback;
}

enum lang i18n_env_lang(void)
{
    const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const char *v = getenv(names[i]);
        if (v && *v) {
            int l = i18n_lang_parse(v);
            return l >= 0 ? (enum lang)l : LANG_EN;
        }
    }
    return LANG_EN;
}
