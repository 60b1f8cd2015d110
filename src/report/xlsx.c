/* xlsx.c - a report table as an XLSX workbook with native charts (table.h).
 *
 * libxlsxwriter 1.1.4 has no output_buffer option (1.1.5 added it), so the
 * workbook is written to a private temporary file and read back. */
#include "base/common.h"

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/utf8.h"
#include "i18n/i18n.h"
#include "report/format.h"
#include "report/reportInt.h"
#include "report/table.h"

#define HEADER_ROW 3 /* rows 0-1: title and period, 2: a gap */
#define MAX_WIDTH 40.0

/* The Excel number format of a column; money per language and currency. */
static void num_format(enum lang lang, const struct report_col *col, char *out, size_t cap)
{
    static const char *const zeros = "000000";
    int d = col->decimals;
    switch (col->type) {
    case RT_INT:
        snprintf(out, cap, "#,##0");
        break;
    case RT_NUMBER:
    case RT_MINUTES:
        snprintf(out, cap, d ? "#,##0.%.*s" : "#,##0", d, zeros);
        break;
    case RT_PERCENT:
        snprintf(out, cap, d ? "0.%.*s%%" : "0%%", d, zeros);
        break;
    case RT_MONEY: {
        const char *cur = col->currency && *col->currency ? col->currency : "RUB";
        const char *num = fmt_currency_digits(cur) == 2 ? "#,##0.00" : "#,##0";
        /* The grouping and decimal marks in a format are placeholders that
         * Excel shows per the reader's locale; only the symbol is ours. */
        if (lang == LANG_RU)
            snprintf(out, cap, "%s\\ \"%s\"", num, strcmp(cur, "RUB") == 0 ? "\xE2\x82\xBD" : cur);
        else
            snprintf(out, cap, "\"%s \"%s", cur, num);
        break;
    }
    case RT_TEXT:
        snprintf(out, cap, "@");
        break;
    }
}

/* Writes text as a string cell. Invalid UTF-8 or control characters would
 * make the sheet's XML invalid (Excel then offers to "repair" the file), so
 * such text is cleaned first. */
static lxw_error write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                            lxw_format *f)
{
    size_t n = strlen(s);
    if (utf8_valid(s, n) && !utf8_has_control(s, n))
        return worksheet_write_string(ws, row, col, s, f);
    char *clean = malloc(3 * n + 1); /* each bad byte becomes U+FFFD */
    if (!clean)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    chart_clean_text(s, clean, 3 * n + 1);
    lxw_error e = worksheet_write_string(ws, row, col, clean, f);
    free(clean);
    return e;
}

/* Reads the whole file fd into out. */
static op_rc slurp(int fd, struct buf *out)
{
    char chunk[65536];
    if (lseek(fd, 0, SEEK_SET) < 0) return OP_ERR_IO;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return OP_ERR_IO;
        if (n == 0) return OP_OK;
        op_rc rc = buf_append(out, chunk, (size_t)n);
        if (rc) return rc;
    }
}

/* Writes the title, the period and the table into ws. */
static op_rc write_sheet(const struct report_table *t, lxw_workbook *wb, lxw_worksheet *ws)
{
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *title = workbook_add_format(wb);
    lxw_format *head = workbook_add_format(wb);
    lxw_format *fmts[REPORT_MAX_COLS], *fmts_total[REPORT_MAX_COLS];
    double widths[REPORT_MAX_COLS];
    lxw_error e = LXW_NO_ERROR;
    if (!bold || !title || !head) return OP_ERR_NOMEM;
    format_set_bold(bold);
    format_set_bold(title);
    format_set_font_size(title, 14);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bottom(head, LXW_BORDER_THIN);
    for (size_t c = 0; c < t->n_cols; c++) {
        char nf[64];
        num_format(t->lang, &t->cols[c], nf, sizeof nf);
        fmts[c] = workbook_add_format(wb);
        fmts_total[c] = workbook_add_format(wb);
        if (!fmts[c] || !fmts_total[c]) return OP_ERR_NOMEM;
        if (t->cols[c].type != RT_TEXT) {
            format_set_num_format(fmts[c], nf);
            format_set_num_format(fmts_total[c], nf);
        }
        format_set_bold(fmts_total[c]);
        format_set_top(fmts_total[c], LXW_BORDER_THIN);
        widths[c] = 8.0;
    }

    e = write_text(ws, 0, 0, t->title, title);
    if (!e && t->subtitle) e = write_text(ws, 1, 0, t->subtitle, NULL);
    for (size_t c = 0; c < t->n_cols && !e; c++) {
        e = write_text(ws, HEADER_ROW, (lxw_col_t)c, t->cols[c].header, head);
        /* Headers wrap: they set the width only up to a point. */
        widths[c] =
            MAX(widths[c], MIN(18.0, (double)chart_text_chars(t->cols[c].header) * 0.6 + 2));
    }
    size_t rows = t->n_rows + (t->total ? 1 : 0);
    for (size_t r = 0; r < rows && !e; r++) {
        lxw_row_t row = (lxw_row_t)(HEADER_ROW + 1 + r);
        bool total = r == t->n_rows;
        for (size_t c = 0; c < t->n_cols && !e; c++) {
            const struct report_col *col = &t->cols[c];
            const struct report_cell *cell = report_cell(t, r, c);
            lxw_format *f = total ? fmts_total[c] : fmts[c];
            char shown[FMT_CAP * 4];
            fmt_cell(t->lang, col, cell, shown, sizeof shown);
            widths[c] = MAX(widths[c], MIN(MAX_WIDTH, (double)chart_text_chars(shown) * 1.1 + 2));
            if (!cell->has)
                e = worksheet_write_blank(ws, row, (lxw_col_t)c, f);
            else if (col->type == RT_TEXT)
                e = write_text(ws, row, (lxw_col_t)c, cell->text ? cell->text : "", f);
            else if (col->type == RT_MONEY)
                e = worksheet_write_number(
                    ws, row, (lxw_col_t)c,
                    (double)cell->minor / (fmt_currency_digits(col->currency) == 2 ? 100.0 : 1.0),
                    f);
            else if (isfinite(cell->num))
                e = worksheet_write_number(ws, row, (lxw_col_t)c, cell->num, f);
            else
                e = worksheet_write_blank(ws, row, (lxw_col_t)c, f);
        }
    }
    for (size_t c = 0; c < t->n_cols && !e; c++)
        e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    if (!e) e = worksheet_set_row(ws, HEADER_ROW, 45, NULL);
    if (e) return e == LXW_ERROR_MEMORY_MALLOC_FAILED ? OP_ERR_NOMEM : OP_ERR_INVALID;
    worksheet_freeze_panes(ws, HEADER_ROW + 1, 1);
    return OP_OK;
}

/* Each chart of t as a native chart over the sheet's cells, below the table. */
static op_rc write_charts(const struct report_table *t, const char *sheet, lxw_workbook *wb,
                          lxw_worksheet *ws)
{
    if (t->n_rows == 0) return OP_OK; /* nothing to draw */
    lxw_row_t first = HEADER_ROW + 1, last = (lxw_row_t)(HEADER_ROW + t->n_rows);
    lxw_row_t at = last + (t->total ? 3 : 2);
    for (size_t i = 0; i < t->n_charts; i++) {
        const struct report_chart *ch = &t->charts[i];
        lxw_chart *chart =
            workbook_add_chart(wb, ch->kind == CHART_BAR ? LXW_CHART_COLUMN : LXW_CHART_LINE);
        if (!chart) return OP_ERR_NOMEM;
        if (ch->title) chart_title_set_name(chart, ch->title);
        for (size_t k = 0; k < ch->n_values; k++) {
            lxw_col_t vc = (lxw_col_t)ch->value_cols[k];
            lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
            if (!s) return OP_ERR_NOMEM;
            chart_series_set_categories(s, sheet, first, (lxw_col_t)ch->label_col, last,
                                        (lxw_col_t)ch->label_col);
            chart_series_set_values(s, sheet, first, vc, last, vc);
            chart_series_set_name_range(s, sheet, HEADER_ROW, vc);
            double r, g, b;
            chart_color_rgb(k, &r, &g, &b);
            lxw_color_t rgb = ((lxw_color_t)lround(r * 255) << 16) |
                              ((lxw_color_t)lround(g * 255) << 8) | (lxw_color_t)lround(b * 255);
            if (ch->kind == CHART_BAR) {
                lxw_chart_fill fill = {.color = rgb};
                chart_series_set_fill(s, &fill);
            } else {
                lxw_chart_line line = {.color = rgb, .width = 2.25};
                chart_series_set_line(s, &line);
                chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
            }
        }
        chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options opt = {.x_scale = 1.6, .y_scale = 1.3};
        if (worksheet_insert_chart_opt(ws, at, 0, chart, &opt)) return OP_ERR_INVALID;
        at += 21; /* 15 rows at y_scale 1.3, and a gap */
    }
    return OP_OK;
}

op_rc report_xlsx(const struct report_table *t, struct buf *out)
{
    char path[4096];
    int fd = -1;
    lxw_workbook *wb = NULL;
    op_rc rc = report_table_check(t);
    if (rc != OP_OK) goto end;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    int n = snprintf(path, sizeof path, "%s/opora-xlsx-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        rc = OP_ERR_IO;
        goto end;
    }
    /* mkstemp makes the name ours (0600, O_EXCL); libxlsxwriter then
     * reopens it by name and truncates it. */
    fd = mkstemp(path);
    if (fd < 0) {
        rc = OP_ERR_IO;
        goto end;
    }
    lxw_workbook_options wopt = {.tmpdir = (char *)dir};
    wb = workbook_new_opt(path, &wopt);
    if (!wb) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    const char *sheet = i18n_text(t->lang, MSG_REPORT_SHEET);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    if (!ws) {
        rc = OP_ERR_INVALID;
        goto end;
    }
    if ((rc = write_sheet(t, wb, ws)) || (rc = write_charts(t, sheet, wb, ws))) goto end;
    lxw_error e = workbook_close(wb);
    wb = NULL;
    if (e) {
        rc = OP_ERR_IO;
        goto end;
    }
    rc = slurp(fd, out);
end:
    if (wb) {
        /* The only way to free a workbook is to close it: it writes the
         * file, which is removed below anyway. */
        workbook_close(wb);
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    return rc;
}
