/* chart.h - a chart of report data, drawn as SVG (here), in PDF (pdf.c) and
 * as a native Excel chart (xlsx.c).
 *
 * The struct only points at the caller's data: labels, series and values
 * stay owned by the caller and must live while a chart function runs. */
#ifndef OPORA_REPORT_CHART_H
#define OPORA_REPORT_CHART_H

#include <stddef.h>

#include "base/buf.h"
#include "base/rc.h"

enum chart_kind { CHART_BAR, CHART_LINE };

struct chart_series {
    const char *name;     /* translated; shown in the legend */
    const double *values; /* n_labels values; NAN = no data */
};

struct chart {
    enum chart_kind kind;
    const char *title;         /* translated; NULL: none */
    const char *unit;          /* "%", "min", "" ... shown on the axis; NULL = "" */
    const char *const *labels; /* the x axis, n_labels */
    size_t n_labels;
    const struct chart_series *series;
    size_t n_series;
};

/* The most labels and series a chart may have: more would not be readable,
 * and the caps keep hostile query strings from making huge documents. */
#define CHART_MAX_LABELS 1000
#define CHART_MAX_SERIES 16

/* Appends a standalone SVG document (width x height px) of c to out: axes
 * with nice ticks, bars (grouped) or lines with points, a legend, every text
 * XML-escaped (invalid UTF-8 and control characters are replaced, so the
 * document is always well-formed). No script and no external references.
 * Returns OP_ERR_INVALID for no labels or no series, over the caps above, a
 * NULL values array, or a size outside 100..10000 px; OP_ERR_TOOBIG/NOMEM from
 * out (which then holds a partial document: the caller discards it). */
op_rc chart_svg(const struct chart *c, int width, int height, struct buf *out);

#endif
