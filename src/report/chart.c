/* chart.c - what every chart renderer shares: checks, the value axis, colours. */
#include "base/common.h"

#include <math.h>

#include "report/reportInt.h"

/* Okabe & Ito, "Color Universal Design": distinguishable with every common
 * colour-vision deficiency. Yellow and black come last: yellow is faint on
 * white and black reads as an axis. */
static const struct {
    const char *hex;
    unsigned char r, g, b;
} palette[] = {
    {"#0072B2", 0x00, 0x72, 0xB2}, {"#E69F00", 0xE6, 0x9F, 0x00}, {"#009E73", 0x00, 0x9E, 0x73},
    {"#D55E00", 0xD5, 0x5E, 0x00}, {"#CC79A7", 0xCC, 0x79, 0xA7}, {"#56B4E9", 0x56, 0xB4, 0xE9},
    {"#F0E442", 0xF0, 0xE4, 0x42}, {"#000000", 0x00, 0x00, 0x00},
};

const char *chart_color(size_t i)
{
    return palette[i % ARRAY_SIZE(palette)].hex;
}

void chart_color_rgb(size_t i, double *r, double *g, double *b)
{
    size_t k = i % ARRAY_SIZE(palette);
    *r = palette[k].r / 255.0;
    *g = palette[k].g / 255.0;
    *b = palette[k].b / 255.0;
}

op_rc chart_check(const struct chart *c)
{
    if (!c || c->n_labels == 0 || c->n_series == 0 || !c->series ||
        c->n_labels > CHART_MAX_LABELS || c->n_series > CHART_MAX_SERIES)
        return OP_ERR_INVALID;
    if (c->kind != CHART_BAR && c->kind != CHART_LINE) return OP_ERR_INVALID;
    for (size_t s = 0; s < c->n_series; s++)
        if (!c->series[s].values) return OP_ERR_INVALID;
    return OP_OK;
}

/* The nice step (1, 2 or 5 x 10^k) nearest above span / want. */
static double nice_step(double span, int want, int *decimals)
{
    double raw = span / want;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double step = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
    step *= mag;
    int d = (int)-floor(log10(step) + 1e-9);
    *decimals = d < 0 ? 0 : d > 6 ? 6 : d;
    return step;
}

void chart_axis_of(const struct chart *c, struct chart_axis *ax)
{
    double lo = 0.0, hi = 0.0;
    for (size_t s = 0; s < c->n_series; s++)
        for (size_t i = 0; i < c->n_labels; i++) {
            double v = c->series[s].values[i];
            if (!isfinite(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
    if (hi - lo < 1e-12) hi = lo + 1.0;
    ax->step = nice_step(hi - lo, 5, &ax->decimals);
    ax->lo = floor(lo / ax->step) * ax->step;
    ax->hi = ceil(hi / ax->step) * ax->step;
    /* Doubles like 1e300 would give absurd tick counts: widen the step. */
    while ((ax->hi - ax->lo) / ax->step > 11.5) {
        ax->step *= 2.0;
        ax->lo = floor(lo / ax->step) * ax->step;
        ax->hi = ceil(hi / ax->step) * ax->step;
    }
    ax->n_ticks = (int)lround((ax->hi - ax->lo) / ax->step) + 1;
}

void chart_tick_label(const struct chart_axis *ax, double v, char *out, size_t cap)
{
    if (fabs(v) < ax->step * 1e-9)
        v = 0.0; /* no "-0" */
    if (fabs(v) >= 1e15)
        snprintf(out, cap, "%.3g", v);
    else
        snprintf(out, cap, "%.*f", ax->decimals, v);
}

size_t chart_label_step(size_t n_labels, double plot_w, double label_px)
{
    if (n_labels == 0 || plot_w <= 0.0) return 1;
    size_t fit = (size_t)(plot_w / label_px);
    if (fit == 0) fit = 1;
    return n_labels <= fit ? 1 : (n_labels + fit - 1) / fit;
}

size_t chart_text_chars(const char *s)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        if ((*p & 0xC0) != 0x80) k++;
    return k;
}

/* The length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
size_t chart_utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned cp;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    /* U+FFFE and U+FFFF are not XML characters. */
    if (cp == 0xFFFE || cp == 0xFFFF) return 0;
    return len;
}

void chart_clean_text(const char *s, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), k = 0;
    while (n > 0) {
        size_t len = chart_utf8_seq(p, n);
        const char *put = (const char *)p;
        size_t put_len = len;
        if (len == 0) {
            put = "\xEF\xBF\xBD";
            put_len = 3;
            len = 1;
        } else if (len == 1 && (p[0] < 0x20 || p[0] == 0x7F)) {
            put = " ";
        }
        if (k + put_len >= cap) break;
        memcpy(out + k, put, put_len);
        k += put_len;
        p += len;
        n -= len;
    }
    out[k] = '\0';
}
