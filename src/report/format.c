/* format.c - numbers and money per language (format.h). */
#include "base/common.h"

#include <math.h>

#include "report/format.h"

#define NBSP "\xC2\xA0"

/* Copies s into out (cap), truncating at a character boundary. */
static char *put(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* never leave half a UTF-8 character */
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* |v| with decimals digits, grouped: the digits come from snprintf in the
 * C locale and the separators are put in by hand, so the process locale
 * never matters. */
static void grouped(enum lang lang, double v, int decimals, bool *neg, char *dst, size_t cap)
{
    char raw[FMT_CAP * 2];
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    int n = snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    *neg = false;
    if (n < 0 || (size_t)n >= sizeof raw) {
        put(dst, cap, "");
        return;
    }
    /* -0.001 rounded to "0.00" is not negative. */
    for (const char *p = raw; *p; p++)
        if (*p >= '1' && *p <= '9') {
            *neg = v < 0;
            break;
        }
    const char *sep = lang == LANG_RU ? NBSP : ",";
    const char *point = lang == LANG_RU ? "," : ".";
    const char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : (size_t)n;
    char tmp[FMT_CAP * 8]; /* 127 digits, their separators, the point */
    size_t k = 0;
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            for (const char *s = sep; *s; s++)
                tmp[k++] = *s;
        tmp[k++] = raw[i];
    }
    if (dot) {
        tmp[k++] = *point;
        for (const char *s = dot + 1; *s; s++)
            tmp[k++] = *s;
    }
    tmp[k] = '\0';
    put(dst, cap, tmp);
}

char *fmt_number(enum lang lang, double v, int decimals, char *out, size_t cap)
{
    char g[FMT_CAP * 3], all[FMT_CAP * 3 + 2];
    bool neg;
    if (!isfinite(v)) return put(out, cap, "");
    grouped(lang, v, decimals, &neg, g, sizeof g);
    snprintf(all, sizeof all, "%s%s", neg ? "-" : "", g);
    return put(out, cap, all);
}

char *fmt_percent(enum lang lang, double ratio, int decimals, char *out, size_t cap)
{
    char num[FMT_CAP * 3], all[FMT_CAP * 3 + 8];
    if (!isfinite(ratio)) return put(out, cap, "");
    fmt_number(lang, ratio * 100.0, decimals, num, sizeof num);
    snprintf(all, sizeof all, "%s%s", num, lang == LANG_RU ? NBSP "%" : "%");
    return put(out, cap, all);
}

int fmt_currency_digits(const char *currency)
{
    if (currency && (strcmp(currency, "JPY") == 0 || strcmp(currency, "KRW") == 0)) return 0;
    return 2;
}

char *fmt_money(enum lang lang, int64_t minor, const char *currency, char *out, size_t cap)
{
    const char *cur = currency && *currency ? currency : "RUB";
    int digits = fmt_currency_digits(cur);
    /* Split in integers: a double would lose kopecks above 2^53. */
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t div = digits == 2 ? 100 : 1;
    char whole[32], g[FMT_CAP * 3], all[FMT_CAP * 3 + 24];
    snprintf(whole, sizeof whole, "%" PRIu64, mag / div);
    bool neg;
    grouped(lang, (double)(mag / div), 0, &neg, g, sizeof g);
    if (mag / div >= (UINT64_C(1) << 53)) /* the double above would round */
        put(g, sizeof g, whole);
    if (digits == 2) {
        size_t n = strlen(g);
        snprintf(g + n, sizeof g - n, "%s%02" PRIu64, lang == LANG_RU ? "," : ".", mag % div);
    }
    const char *sign = minor < 0 ? "-" : "";
    if (lang == LANG_RU)
        snprintf(all, sizeof all, "%s%s" NBSP "%s", sign, g,
                 strcmp(cur, "RUB") == 0 ? "\xE2\x82\xBD" : cur);
    else
        snprintf(all, sizeof all, "%s%s %s", sign, cur, g);
    return put(out, cap, all);
}

char *fmt_cell(enum lang lang, const struct report_col *col, const struct report_cell *cell,
               char *out, size_t cap)
{
    if (!cell->has) return put(out, cap, "");
    switch (col->type) {
    case RT_TEXT:
        return put(out, cap, cell->text ? cell->text : "");
    case RT_INT:
        return fmt_number(lang, cell->num, 0, out, cap);
    case RT_NUMBER:
    case RT_MINUTES:
        return fmt_number(lang, cell->num, col->decimals, out, cap);
    case RT_PERCENT:
        return fmt_percent(lang, cell->num, col->decimals, out, cap);
    case RT_MONEY:
        return fmt_money(lang, cell->minor, col->currency, out, cap);
    }
    return put(out, cap, "");
}
