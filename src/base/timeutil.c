#include "base/common.h"
#include "base/timeutil.h"

#include <ctype.h>

op_time time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (op_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

size_t time_format_iso(op_time t, char out[32])
{
    time_t s = (time_t)(t >= 0 ? t / 1000 : (t - 999) / 1000);
    int ms = (int)(t - (op_time)s * 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    int n = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return n > 0 ? (size_t)n : 0;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return 0;
}

op_rc time_parse_iso(const char *s, op_time *out)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    const char *p = s;
    if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d))
        return OP_ERR_INVALID;
    long off = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            return OP_ERR_INVALID;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return OP_ERR_INVALID;
            if (*p == '.' || *p == ',') {
                p++;
                int scale = 100, nd = 0;
                while (isdigit((unsigned char)*p)) {
                    if (nd++ < 3) {
                        ms += (*p - '0') * scale;
                        scale /= 10;
                    }
                    p++;
                }
                if (nd == 0)
                    return OP_ERR_INVALID;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (digits(&p, 2, &oh))
                return OP_ERR_INVALID;
            if (*p == ':')
                p++;
            if (*p && digits(&p, 2, &om))
                return OP_ERR_INVALID;
            if (oh > 23 || om > 59)
                return OP_ERR_INVALID;
            off = sign * (oh * 3600L + om * 60L);
        }
    }
    if (*p)
        return OP_ERR_INVALID;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return OP_ERR_INVALID;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return OP_ERR_INVALID;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    *out = ((op_time)t - off) * 1000 + ms;
    return OP_OK;
}
