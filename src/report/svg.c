/* svg.c - a chart as a standalone SVG document.
 *
 * Hand-written markup: the document has a fixed, small vocabulary, and every
 * piece of caller text passes through xml_text, which escapes it and
 * replaces what XML 1.0 cannot carry, so the output is always well-formed.
 * Numbers are written with '.' in the C locale: they are coordinates, and
 * the values in labels are the report's own (already formatted by the
 * caller where it matters). */
#include "base/common.h"

#include <math.h>

#include "report/chart.h"
#include "report/reportInt.h"

/* A sticky writer: after the first failure nothing more is written. */
struct svgw {
    struct buf *out;
    op_rc rc;
};

static void w_printf(struct svgw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void w_printf(struct svgw *w, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    if (w->rc != OP_OK)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        w->rc = OP_ERR_INVALID;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        w->rc = buf_append(w->out, tmp, (size_t)n);
        return;
    }
    /* Only numbers make a piece this long (1e300 has 301 digits). */
    char *big = malloc((size_t)n + 1);
    if (!big) {
        w->rc = OP_ERR_NOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    w->rc = buf_append(w->out, big, (size_t)n);
    free(big);
}

static void w_puts(struct svgw *w, const char *s)
{
    if (w->rc == OP_OK) w->rc = buf_puts(w->out, s);
}

/* Writes s as XML character data (also safe inside "-quoted attributes),
 * at most max_chars code points (0: all), ending a cut text with an
 * ellipsis. Bad bytes and control characters become U+FFFD / a space. */
static void xml_text(struct svgw *w, const char *s, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), chars = 0;
    while (n > 0 && w->rc == OP_OK) {
        if (max_chars && chars == max_chars) {
            w_puts(w, "\xE2\x80\xA6");
            return;
        }
        size_t len = chart_utf8_seq(p, n);
        chars++;
        if (len == 0) {
            w_puts(w, "\xEF\xBF\xBD");
            p++;
            n--;
            continue;
        }
        if (len == 1) {
            switch (p[0]) {
            case '<':
                w_puts(w, "&lt;");
                break;
            case '>':
                w_puts(w, "&gt;");
                break;
            case '&':
                w_puts(w, "&amp;");
                break;
            case '"':
                w_puts(w, "&quot;");
                break;
            case '\'':
                w_puts(w, "&#39;");
                break;
            default:
                if (p[0] < 0x20 || p[0] == 0x7F)
                    w_puts(w, " ");
                else if (w->rc == OP_OK)
                    w->rc = buf_putc(w->out, (char)p[0]);
            }
        } else if (w->rc == OP_OK) {
            w->rc = buf_append(w->out, p, len);
        }
        p += len;
        n -= len;
    }
}

/* A value for people: up to two decimals, no trailing zeros. */
static void fmt_value(char *dst, size_t n, double v)
{
    int k = snprintf(dst, n, "%.2f", v);
    if (k < 0 || (size_t)k >= n) {
        snprintf(dst, n, "%g", v);
        return;
    }
    char *dot = strchr(dst, '.');
    if (dot) {
        char *end = dst + k - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot) *end = '\0';
    }
    if (strcmp(dst, "-0") == 0) snprintf(dst, n, "0");
}

#define FONT_PX 12.0
#define CHAR_PX 7.0 /* average advance of DejaVu Sans at FONT_PX */
#define LABEL_MAX_CHARS 16

/* The tooltip of one bar or point: "label, series: value unit". */
static void point_title(struct svgw *w, const struct chart *c, size_t s, size_t i, double v)
{
    char num[64];
    fmt_value(num, sizeof num, v);
    w_puts(w, "<title>");
    xml_text(w, c->labels[i], 0);
    if (c->n_series > 1 || (c->series[s].name && *c->series[s].name)) {
        w_puts(w, ", ");
        xml_text(w, c->series[s].name, 0);
    }
    w_puts(w, ": ");
    w_puts(w, num);
    if (c->unit && *c->unit) {
        w_puts(w, strcmp(c->unit, "%") == 0 ? "" : " ");
        xml_text(w, c->unit, 0);
    }
    w_puts(w, "</title>");
}

op_rc chart_svg(const struct chart *c, int width, int height, struct buf *out)
{
    struct svgw w = {out, OP_OK};
    struct chart_axis ax;
    op_rc rc = chart_check(c);
    if (rc != OP_OK) goto end;
    if (!out || width < 100 || width > 10000 || height < 100 || height > 10000) {
        rc = OP_ERR_INVALID;
        goto end;
    }
    chart_axis_of(c, &ax);
    const char *unit = c->unit ? c->unit : "";
    const double W = width, H = height;

    /* Legend rows: items flow left to right and wrap. */
    int legend_rows = 1;
    double lx = 10.0;
    for (size_t s = 0; s < c->n_series; s++) {
        double iw = 18.0 + CHAR_PX * (double)MIN(chart_text_chars(c->series[s].name), 30) + 16.0;
        if (lx + iw > W - 10.0 && lx > 10.0) {
            legend_rows++;
            lx = 10.0;
        }
        lx += iw;
    }

    /* The left margin fits the widest tick label. */
    size_t tick_chars = 0;
    for (int t = 0; t < ax.n_ticks; t++) {
        char num[64];
        chart_tick_label(&ax, ax.lo + t * ax.step, num, sizeof num);
        tick_chars = MAX(tick_chars, strlen(num));
    }
    const double top = (c->title && *c->title ? 44.0 : 24.0);
    const double left = 14.0 + CHAR_PX * (double)tick_chars;
    const double right = W - 16.0;
    const double bottom = H - 30.0 - 20.0 * legend_rows;
    const double plot_w = right - left, plot_h = bottom - top;
    if (plot_w < 20.0 || plot_h < 20.0) {
        rc = OP_ERR_INVALID; /* too small for its legend */
        goto end;
    }
#define Y(v) (bottom - ((v)-ax.lo) / (ax.hi - ax.lo) * plot_h)

    w_printf(&w,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "viewBox=\"0 0 %d %d\" role=\"img\" "
             "font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"%.0f\">\n",
             width, height, width, height, FONT_PX);
    if (c->title && *c->title) {
        w_puts(&w, "<title>");
        xml_text(&w, c->title, 0);
        w_puts(&w, "</title>\n");
    }
    w_printf(&w, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
    if (c->title && *c->title) {
        w_printf(&w,
                 "<text x=\"%.1f\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" "
                 "font-weight=\"bold\" fill=\"#222222\">",
                 W / 2.0);
        xml_text(&w, c->title, 0);
        w_puts(&w, "</text>\n");
    }
    if (*unit) {
        w_printf(&w, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555555\">",
                 left - 6.0, top - 8.0);
        xml_text(&w, unit, 12);
        w_puts(&w, "</text>\n");
    }

    /* Grid lines and tick labels. */
    w_puts(&w, "<g class=\"axis-y\" fill=\"#555555\" text-anchor=\"end\">\n");
    for (int t = 0; t < ax.n_ticks; t++) {
        double v = ax.lo + t * ax.step;
        double y = Y(v);
        char num[64];
        chart_tick_label(&ax, v, num, sizeof num);
        w_printf(&w,
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                 left, y, right, y, fabs(v) < ax.step * 1e-9 ? "#888888" : "#e0e0e0", left - 6.0,
                 y + 4.0, num);
    }
    w_puts(&w, "</g>\n");
    w_printf(&w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>\n",
             left, top, left, bottom);

    /* X labels: every k-th one, so they do not overlap. */
    size_t label_chars = 1;
    for (size_t i = 0; i < c->n_labels; i++)
        label_chars = MAX(label_chars, MIN(chart_text_chars(c->labels[i]), LABEL_MAX_CHARS + 1));
    double gw = plot_w / (double)c->n_labels;
    size_t kstep = chart_label_step(c->n_labels, plot_w, CHAR_PX * (double)label_chars + 8.0);
    w_puts(&w, "<g class=\"axis-x\" fill=\"#555555\" text-anchor=\"middle\">\n");
    for (size_t i = 0; i < c->n_labels; i += kstep) {
        w_printf(&w, "<text x=\"%.1f\" y=\"%.1f\">", left + (i + 0.5) * gw, bottom + 16.0);
        xml_text(&w, c->labels[i], LABEL_MAX_CHARS);
        w_puts(&w, "</text>\n");
    }
    w_puts(&w, "</g>\n");

    /* The data. */
    double y0 = Y(0.0);
    for (size_t s = 0; s < c->n_series; s++) {
        const double *vals = c->series[s].values;
        w_printf(&w, "<g class=\"series\" fill=\"%s\" stroke=\"%s\">\n", chart_color(s),
                 chart_color(s));
        if (c->kind == CHART_BAR) {
            double bw = gw * 0.8 / (double)c->n_series;
            for (size_t i = 0; i < c->n_labels; i++) {
                if (!isfinite(vals[i])) continue;
                double y = Y(vals[i]);
                w_printf(&w,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "stroke-width=\"0\">",
                         left + i * gw + gw * 0.1 + s * bw, MIN(y, y0), MAX(bw - 1.0, 0.5),
                         fabs(y0 - y));
                point_title(&w, c, s, i, vals[i]);
                w_puts(&w, "</rect>\n");
            }
        } else {
            /* One path, broken where there is no data. */
            bool pen = false, any = false;
            for (size_t i = 0; i < c->n_labels; i++) {
                if (!isfinite(vals[i])) {
                    pen = false;
                    continue;
                }
                if (!any) w_puts(&w, "<path fill=\"none\" stroke-width=\"2\" d=\"");
                w_printf(&w, "%s%.1f %.1f ", pen ? "L" : "M", left + (i + 0.5) * gw, Y(vals[i]));
                pen = any = true;
            }
            if (any) w_puts(&w, "\"/>\n");
            for (size_t i = 0; i < c->n_labels; i++) {
                if (!isfinite(vals[i])) continue;
                w_printf(&w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">", left + (i + 0.5) * gw,
                         Y(vals[i]));
                point_title(&w, c, s, i, vals[i]);
                w_puts(&w, "</circle>\n");
            }
        }
        w_puts(&w, "</g>\n");
    }

    /* The legend. */
    w_puts(&w, "<g class=\"legend\" fill=\"#222222\">\n");
    lx = 10.0;
    double ly = bottom + 36.0;
    for (size_t s = 0; s < c->n_series; s++) {
        double iw = 18.0 + CHAR_PX * (double)MIN(chart_text_chars(c->series[s].name), 30) + 16.0;
        if (lx + iw > W - 10.0 && lx > 10.0) {
            ly += 20.0;
            lx = 10.0;
        }
        w_printf(&w,
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\">",
                 lx, ly - 10.0, chart_color(s), lx + 18.0, ly);
        xml_text(&w, c->series[s].name, 30);
        w_puts(&w, "</text>\n");
        lx += iw;
    }
    w_puts(&w, "</g>\n</svg>\n");
#undef Y
    rc = w.rc;
end:
    return rc;
}
