/* pdf.c - a report table and its charts as a PDF (table.h), drawn with cairo.
 *
 * Text goes through cairo's toy font API with fontconfig choosing "DejaVu
 * Sans" (fonts-dejavu-core): it has Cyrillic and ₽, and cairo embeds the
 * subset it uses, so the PDF reads the same everywhere. Every text passes
 * chart_clean_text first: cairo refuses invalid UTF-8 for good (the context
 * goes into an error state). */
#include "base/common.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>

#include "i18n/i18n.h"
#include "report/format.h"
#include "report/reportInt.h"
#include "report/table.h"

#define PAGE_W 841.89 /* A4 landscape, in points */
#define PAGE_H 595.28
#define MARGIN 36.0
#define FONT "DejaVu Sans"
#define TEXT_CAP 512
#define TEXT_COL_MAX 180.0 /* a text column wider than this is cut with "…" */

/* cairo and fontconfig keep the fonts they loaded for the life of the
 * process. They are handed back at exit, so that the leak checker of the
 * sanitizer builds sees a clean exit; by then the server's threads are
 * stopped (atexit runs after main returns or exit is called). */
static void release_fonts(void)
{
    cairo_debug_reset_static_data();
    /* FcFini is looked up rather than linked: fontconfig is cairo's
     * dependency, not one of ours. */
    void (*fc_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");
    if (fc_fini) fc_fini();
}

static void register_release(void)
{
    atexit(release_fonts);
}

static pthread_once_t release_once = PTHREAD_ONCE_INIT;

struct sink {
    struct buf *out;
    op_rc rc;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct sink *s = closure;
    if (s->rc == OP_OK) s->rc = buf_append(s->out, data, length);
    return s->rc == OP_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_w(cairo_t *cr, const char *clean)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, clean, &e);
    return e.x_advance;
}

/* Shows s with its left (align 0), centre (1) or right (2) edge at x,
 * cut with an ellipsis to max_w (0: no limit). */
static void show(cairo_t *cr, const char *s, double x, double y, int align, double max_w)
{
    char t[TEXT_CAP];
    chart_clean_text(s, t, sizeof t);
    if (max_w > 0 && text_w(cr, t) > max_w) {
        size_t n = strlen(t);
        while (n > 0) {
            do
                n--;
            while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80);
            if (n + 4 > sizeof t) continue;
            memcpy(t + n, "\xE2\x80\xA6", 4); /* "…" and the NUL */
            if (text_w(cr, t) <= max_w) break;
        }
    }
    double w = text_w(cr, t);
    cairo_move_to(cr, align == 0 ? x : align == 1 ? x - w / 2 : x - w, y);
    cairo_show_text(cr, t);
}

/* Shows the number s right-aligned at x, whole: a number cut with "…" would
 * read as another number, so one wider than max_w (a row past those plan()
 * measured, or hinting at a small size) is drawn at a smaller size instead.
 * The font is size (bold when bold) again afterwards. */
static void show_number(cairo_t *cr, const char *s, double x, double y, double max_w, double size,
                        bool bold)
{
    char t[TEXT_CAP];
    chart_clean_text(s, t, sizeof t);
    double w = text_w(cr, t);
    if (w > max_w && max_w > 0) {
        /* 0.98: widths are not quite linear in the size */
        font(cr, MAX(size * max_w / w * 0.98, 1.0), bold);
        show(cr, t, x, y, 2, 0);
        font(cr, size, bold);
        return;
    }
    show(cr, t, x, y, 2, 0);
}

/* ---- the table ---- */

struct layout {
    double size; /* font size */
    double row_h, line_h;
    double x[REPORT_MAX_COLS + 1]; /* column edges */
    int head_lines;
};

/* The widest word of a header: headers wrap at spaces, never inside a word. */
static double widest_word(cairo_t *cr, const char *s)
{
    char t[TEXT_CAP];
    double best = 0;
    chart_clean_text(s, t, sizeof t);
    for (char *w = t; *w;) {
        char *sp = strchr(w, ' ');
        char save = 0;
        if (sp) {
            save = *sp;
            *sp = '\0';
        }
        best = MAX(best, text_w(cr, w));
        if (!sp) break;
        *sp = save;
        w = sp + 1;
    }
    return best;
}

/* Greedy word wrap of header s into width w: the number of lines, and with
 * draw set, the lines shown from (x, y) down. */
static int wrap(cairo_t *cr, const char *s, double x, double y, double w, double line_h, bool draw)
{
    char t[TEXT_CAP], line[TEXT_CAP];
    int lines = 0;
    chart_clean_text(s, t, sizeof t);
    line[0] = '\0';
    for (char *word = t; *word;) {
        char *sp = strchr(word, ' ');
        if (sp) *sp = '\0';
        /* line and word are parts of t, so cand fits in TEXT_CAP. */
        char cand[2 * TEXT_CAP + 2];
        snprintf(cand, sizeof cand, "%s%s%s", line, *line ? " " : "", word);
        cand[TEXT_CAP - 1] = '\0';
        if (*line && text_w(cr, cand) > w) {
            if (draw) show(cr, line, x, y + lines * line_h, 0, w);
            lines++;
            snprintf(line, sizeof line, "%s", word);
        } else {
            memcpy(line, cand, strlen(cand) + 1); /* < TEXT_CAP, cut above */
        }
        if (!sp) break;
        word = sp + 1;
    }
    if (*line) {
        if (draw) show(cr, line, x, y + lines * line_h, 0, w);
        lines++;
    }
    return lines;
}

static void plan(cairo_t *cr, const struct report_table *t, struct layout *L)
{
    const double avail = PAGE_W - 2 * MARGIN;
    double nat[REPORT_MAX_COLS], sum = 0.0;
    size_t rows = t->n_rows + (t->total ? 1 : 0);
    /* Natural widths at 10 pt; a scan of up to 2000 rows is enough for a
     * good guess and keeps a huge report from measuring every cell. */
    font(cr, 10, true);
    for (size_t c = 0; c < t->n_cols; c++)
        nat[c] = widest_word(cr, t->cols[c].header);
    for (size_t r = 0; r < rows; r++) {
        /* the total row is drawn bold, which is wider: measured so, and
         * always, even past the first 2000 rows */
        bool total = r == t->n_rows;
        if (r >= 2000 && !total) continue;
        font(cr, 10, total);
        for (size_t c = 0; c < t->n_cols; c++) {
            char s[FMT_CAP * 4], clean[TEXT_CAP];
            fmt_cell(t->lang, &t->cols[c], report_cell(t, r, c), s, sizeof s);
            chart_clean_text(s, clean, sizeof clean);
            nat[c] = MAX(nat[c], MIN(text_w(cr, clean), TEXT_COL_MAX));
        }
    }
    /* Text shrinks with the font, the padding of 8 pt does not. */
    const double pad = 8.0;
    for (size_t c = 0; c < t->n_cols; c++) {
        nat[c] *= 1.03; /* hinting: widths are not quite linear in the size */
        sum += nat[c];
    }
    double room = avail - pad * (double)t->n_cols;
    L->size = sum > room ? MAX(4.5, 10.0 * room / sum) : 10.0;
    double scale = L->size / 10.0;
    double used = sum * scale + pad * (double)t->n_cols;
    /* Extra room goes to every column alike, but a table of few columns
     * need not stretch across the page. */
    double extra = used < avail ? MIN((avail - used) / (double)t->n_cols, 60.0) : 0.0;
    /* Still too wide at the smallest size: the columns are narrowed to the
     * page rather than the last ones running off it. The number columns
     * first (their numbers are then drawn smaller, whole: show_number), the
     * texts too (cut with "…") only when that is not enough. */
    double fit_num = 1.0, fit_text = 1.0;
    if (used > avail) {
        double texts = 0.0;
        for (size_t c = 0; c < t->n_cols; c++)
            if (t->cols[c].type == RT_TEXT) texts += nat[c] * scale;
        double nums = sum * scale - texts;
        if (nums > 0.0 && room - texts > nums * 0.25) {
            fit_num = (room - texts) / nums;
        } else {
            fit_num = fit_text = room / (sum * scale);
        }
    }
    L->x[0] = MARGIN;
    for (size_t c = 0; c < t->n_cols; c++)
        L->x[c + 1] = L->x[c] + nat[c] * scale * (t->cols[c].type == RT_TEXT ? fit_text : fit_num) +
                      pad + extra;
    L->line_h = L->size * 1.25;
    L->row_h = L->size * 1.7;
    font(cr, L->size, true);
    L->head_lines = 1;
    for (size_t c = 0; c < t->n_cols; c++)
        L->head_lines = MAX(L->head_lines, wrap(cr, t->cols[c].header, 0, 0,
                                                L->x[c + 1] - L->x[c] - 6.0, L->line_h, false));
}

static double draw_header(cairo_t *cr, const struct report_table *t, const struct layout *L,
                          double y)
{
    double h = L->head_lines * L->line_h + L->size * 0.8;
    cairo_set_source_rgb(cr, 0.92, 0.93, 0.95);
    cairo_rectangle(cr, L->x[0], y, L->x[t->n_cols] - L->x[0], h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    font(cr, L->size, true);
    for (size_t c = 0; c < t->n_cols; c++)
        wrap(cr, t->cols[c].header, L->x[c] + 3.0, y + L->size * 1.1, L->x[c + 1] - L->x[c] - 6.0,
             L->line_h, true);
    return y + h;
}

static void footer(cairo_t *cr, const struct report_table *t, int page)
{
    char num[16], text[128];
    snprintf(num, sizeof num, "%d", page);
    const char *args[] = {num};
    i18n_format(t->lang, MSG_REPORT_PAGE, args, 1, text, sizeof text);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    font(cr, 8, false);
    show(cr, t->title, MARGIN, PAGE_H - MARGIN / 2, 0, PAGE_W / 2);
    show(cr, text, PAGE_W - MARGIN, PAGE_H - MARGIN / 2, 2, 0);
}

static void draw_table(cairo_t *cr, const struct report_table *t, int *page)
{
    struct layout L;
    plan(cr, t, &L);
    double y = MARGIN + 52;
    y = draw_header(cr, t, &L, y);
    size_t rows = t->n_rows + (t->total ? 1 : 0);
    for (size_t r = 0; r < rows; r++) {
        bool total = r == t->n_rows;
        if (y + L.row_h > PAGE_H - MARGIN - 6) {
            footer(cr, t, *page);
            cairo_show_page(cr);
            ++*page;
            y = draw_header(cr, t, &L, MARGIN);
        }
        if (r % 2 == 1 && !total) {
            cairo_set_source_rgb(cr, 0.97, 0.97, 0.98);
            cairo_rectangle(cr, L.x[0], y, L.x[t->n_cols] - L.x[0], L.row_h);
            cairo_fill(cr);
        }
        if (total) {
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            cairo_set_line_width(cr, 0.8);
            cairo_move_to(cr, L.x[0], y + 0.4);
            cairo_line_to(cr, L.x[t->n_cols], y + 0.4);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        font(cr, L.size, total);
        for (size_t c = 0; c < t->n_cols; c++) {
            char s[FMT_CAP * 4];
            fmt_cell(t->lang, &t->cols[c], report_cell(t, r, c), s, sizeof s);
            double w = L.x[c + 1] - L.x[c] - 6.0;
            double base = y + L.row_h * 0.68;
            if (t->cols[c].type == RT_TEXT)
                show(cr, s, L.x[c] + 3.0, base, 0, w);
            else
                show_number(cr, s, L.x[c + 1] - 3.0, base, w, L.size, total);
        }
        y += L.row_h;
    }
    footer(cr, t, *page);
}

/* ---- charts ---- */

static void draw_chart(cairo_t *cr, const struct chart *c, double X, double Y, double W, double H)
{
    struct chart_axis ax;
    chart_axis_of(c, &ax);
    double top = Y, left, right = X + W - 10, bottom = Y + H - 50;
    char num[64];
    if (c->title) {
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        font(cr, 14, true);
        show(cr, c->title, X + W / 2, Y + 14, 1, W);
        top += 34;
    }
    font(cr, 9, false);
    double tick_w = 0;
    for (int i = 0; i < ax.n_ticks; i++) {
        chart_tick_label(&ax, ax.lo + i * ax.step, num, sizeof num);
        tick_w = MAX(tick_w, text_w(cr, num));
    }
    left = X + tick_w + 12;
    double pw = right - left, ph = bottom - top;
#define VY(v) (bottom - ((v)-ax.lo) / (ax.hi - ax.lo) * ph)
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    if (c->unit && *c->unit) show(cr, c->unit, left - 6, top - 8, 2, 0);
    cairo_set_line_width(cr, 0.5);
    for (int i = 0; i < ax.n_ticks; i++) {
        double v = ax.lo + i * ax.step;
        if (fabs(v) < ax.step * 1e-9) v = 0.0;
        double y = VY(v);
        cairo_set_source_rgb(cr, v == 0.0 ? 0.5 : 0.85, v == 0.0 ? 0.5 : 0.85,
                             v == 0.0 ? 0.5 : 0.85);
        cairo_move_to(cr, left, y);
        cairo_line_to(cr, right, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        chart_tick_label(&ax, v, num, sizeof num);
        show(cr, num, left - 6, y + 3, 2, 0);
    }
    double gw = pw / (double)c->n_labels;
    double lab_w = 0;
    for (size_t i = 0; i < c->n_labels; i++) {
        char clean[TEXT_CAP];
        chart_clean_text(c->labels[i], clean, sizeof clean);
        lab_w = MAX(lab_w, MIN(text_w(cr, clean), 110.0));
    }
    size_t k = chart_label_step(c->n_labels, pw, lab_w + 8);
    for (size_t i = 0; i < c->n_labels; i += k)
        show(cr, c->labels[i], left + (i + 0.5) * gw, bottom + 13, 1, MAX(gw * k - 4, 20.0));
    double y0 = VY(0.0);
    for (size_t s = 0; s < c->n_series; s++) {
        double r, g, b;
        chart_color_rgb(s, &r, &g, &b);
        cairo_set_source_rgb(cr, r, g, b);
        const double *v = c->series[s].values;
        if (c->kind == CHART_BAR) {
            double bw = gw * 0.8 / (double)c->n_series;
            for (size_t i = 0; i < c->n_labels; i++) {
                if (!isfinite(v[i])) continue;
                double y = VY(v[i]);
                cairo_rectangle(cr, left + i * gw + gw * 0.1 + s * bw, MIN(y, y0),
                                MAX(bw - 0.8, 0.4), fabs(y0 - y));
            }
            cairo_fill(cr);
        } else {
            bool pen = false;
            cairo_set_line_width(cr, 1.8);
            for (size_t i = 0; i < c->n_labels; i++) {
                if (!isfinite(v[i])) {
                    pen = false;
                    continue;
                }
                double x = left + (i + 0.5) * gw;
                if (pen)
                    cairo_line_to(cr, x, VY(v[i]));
                else
                    cairo_move_to(cr, x, VY(v[i]));
                pen = true;
            }
            cairo_stroke(cr);
            for (size_t i = 0; i < c->n_labels; i++)
                if (isfinite(v[i])) {
                    cairo_new_sub_path(cr);
                    cairo_arc(cr, left + (i + 0.5) * gw, VY(v[i]), 2.6, 0, 2 * M_PI);
                }
            cairo_fill(cr);
        }
    }
#undef VY
    /* The legend, in one row below the labels. */
    double lx = left, ly = bottom + 34;
    font(cr, 9, false);
    for (size_t s = 0; s < c->n_series; s++) {
        double r, g, b;
        char clean[TEXT_CAP];
        chart_clean_text(c->series[s].name, clean, sizeof clean);
        double w = MIN(text_w(cr, clean), 200.0);
        if (lx + 14 + w > right && lx > left) {
            lx = left;
            ly += 13;
        }
        chart_color_rgb(s, &r, &g, &b);
        cairo_set_source_rgb(cr, r, g, b);
        cairo_rectangle(cr, lx, ly - 8, 9, 9);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        show(cr, clean, lx + 13, ly, 0, 200.0);
        lx += 13 + w + 16;
    }
}

op_rc report_pdf(const struct report_table *t, struct buf *out)
{
    struct sink sink = {out, OP_OK};
    struct arena a = ARENA_INIT(64u << 20);
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    int page = 1;
    op_rc rc = report_table_check(t);
    if (rc != OP_OK) goto end;
    pthread_once(&release_once, register_release);
    surf = cairo_pdf_surface_create_for_stream(sink_write, &sink, PAGE_W, PAGE_H);
    cr = cairo_create(surf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    if (t->title) {
        char clean[TEXT_CAP];
        chart_clean_text(t->title, clean, sizeof clean);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, clean);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    font(cr, 16, true);
    show(cr, t->title, MARGIN, MARGIN + 14, 0, PAGE_W - 2 * MARGIN);
    if (t->subtitle) {
        font(cr, 10, false);
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        show(cr, t->subtitle, MARGIN, MARGIN + 32, 0, PAGE_W - 2 * MARGIN);
    }
    draw_table(cr, t, &page);
    for (size_t i = 0; i < t->n_charts && t->n_rows > 0; i++) {
        struct chart c;
        if ((rc = report_chart_make(t, &t->charts[i], &a, &c))) goto end;
        cairo_show_page(cr);
        page++;
        draw_chart(cr, &c, MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN - 14);
        footer(cr, t, page);
    }
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surf);
    if (sink.rc)
        rc = sink.rc;
    else if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        rc = OP_ERR_IO;
end:
    if (cr) cairo_destroy(cr);
    if (surf) cairo_surface_destroy(surf);
    arena_release(&a);
    return rc;
}
