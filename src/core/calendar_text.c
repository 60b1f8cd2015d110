/* calendar_text.c - a day's working hours as text, for storage, the API and
 * the CLI: "09:00-13:00,14:00-18:00". */
#include "base/common.h"

#include "core/calendar.h"
#include "i18n/i18n.h"

void cal_day_format(const struct cal_day *d, char out[CAL_DAY_TEXT_MAX])
{
    size_t at = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < d->n && i < CAL_SPANS_MAX; i++) {
        char a[6], b[6];
        cal_format_hhmm(d->s[i].from, a);
        cal_format_hhmm(d->s[i].to, b);
        int w = snprintf(out + at, CAL_DAY_TEXT_MAX - at, "%s%s-%s", i ? "," : "", a, b);
        if (w < 0 || (size_t)w >= CAL_DAY_TEXT_MAX - at)
            break;
        at += (size_t)w;
    }
}

op_rc cal_day_parse(const char *s, const char *field, struct cal_day *out, struct op_err *err)
{
    char max[8];
    memset(out, 0, sizeof(*out));
    snprintf(max, sizeof(max), "%d", CAL_SPANS_MAX);
    while (s && *s == ' ')
        s++;
    if (!s || !*s)
        return OP_OK;
    while (*s) {
        char a[8] = "", b[8] = "";
        const char *dash = strchr(s, '-');
        if (!dash || dash - s >= (ptrdiff_t)sizeof(a))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CALENDAR_SPAN);
        memcpy(a, s, (size_t)(dash - s));
        const char *end = dash + 1;
        while (*end && *end != ',')
            end++;
        if (end - dash - 1 >= (ptrdiff_t)sizeof(b))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CALENDAR_SPAN);
        memcpy(b, dash + 1, (size_t)(end - dash - 1));
        int from, to;
        if (cal_parse_hhmm(a, &from) || cal_parse_hhmm(b, &to) || from >= to ||
            (out->n && from <= out->s[out->n - 1].to))
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CALENDAR_SPAN);
        if (out->n == CAL_SPANS_MAX)
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_CALENDAR_SPANS_MAX, max);
        out->s[out->n++] = (struct cal_span){(int16_t)from, (int16_t)to};
        s = *end ? end + 1 : end;
    }
    return OP_OK;
}
