/* reportInt.h - the insides shared by the report output files. */
#ifndef OPORA_REPORT_INT_H
#define OPORA_REPORT_INT_H

#include <stddef.h>

#include "report/chart.h"

/* A value axis: ticks from lo to hi (both multiples of step). */
struct chart_axis {
    double lo, hi, step;
    int n_ticks;  /* ticks including both ends, at most 12 */
    int decimals; /* digits after the point that tick labels need */
};

/* Checks the chart's shape (see chart_svg); OP_OK or OP_ERR_INVALID. */
op_rc chart_check(const struct chart *c);

/* A "nice" axis (steps of 1, 2 or 5 times a power of ten, about 5 ticks) that
 * covers every finite value of c and zero. All-NAN data gives 0..1. */
void chart_axis_of(const struct chart *c, struct chart_axis *ax);

/* The label of the tick at v: ax->decimals digits, or "%.3g" for values
 * of 1e15 and more, which would not fit beside the axis. */
void chart_tick_label(const struct chart_axis *ax, double v, char *out, size_t cap);

/* The colour of series i, "#RRGGBB", from a colour-blind safe palette
 * (Okabe & Ito); r, g, b in 0..1 for cairo. */
const char *chart_color(size_t i);
void chart_color_rgb(size_t i, double *r, double *g, double *b);

/* Every k-th x label is shown, so that labels (about label_px wide) fit in
 * plot_w; returns k >= 1. */
size_t chart_label_step(size_t n_labels, double plot_w, double label_px);

/* Characters (code points) in s, as a rough width: bytes that are not
 * lead bytes are not counted. */
size_t chart_text_chars(const char *s);

/* The length of the well-formed UTF-8 sequence at s (n > 0 bytes left) that
 * XML may carry, or 0 (a bad byte). */
size_t chart_utf8_seq(const unsigned char *s, size_t n);

/* s made safe for a font renderer into out (cap >= 1 bytes, truncated at a
 * character boundary): bad bytes become U+FFFD, control characters spaces. */
void chart_clean_text(const char *s, char *out, size_t cap);

#endif
