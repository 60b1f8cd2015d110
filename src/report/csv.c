/* csv.c - a report table as CSV (table.h).
 *
 * For people opening the file in a spreadsheet: a BOM (Excel reads UTF-8
 * without one as the ANSI code page and garbles Cyrillic), translated
 * headers, and plain C-locale numbers that every program parses. The
 * machine CSV of /reports/kpi (raw milliseconds, stable keys) stays in
 * h_reports.c. */
#include "base/common.h"

#include <math.h>

#include "report/format.h"
#include "report/table.h"

/* One field: quoted when it must be, and guarded against formula
 * injection (a spreadsheet runs "=HYPERLINK(...)" typed by a customer). */
static op_rc field(struct buf *out, const char *s)
{
    op_rc rc = OP_OK;
    bool guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = guard || strpbrk(s, ",\"\r\n") != NULL;
    if (quote && (rc = buf_putc(out, '"'))) return rc;
    if (guard && (rc = buf_putc(out, '\''))) return rc;
    for (const char *p = s; *p && !rc; p++) {
        if (*p == '"') rc = buf_putc(out, '"');
        if (!rc) rc = buf_putc(out, *p);
    }
    if (!rc && quote) rc = buf_putc(out, '"');
    return rc;
}

/* A numeric cell in the C locale: no grouping, '.' as the point. */
static op_rc number(struct buf *out, const struct report_col *col, const struct report_cell *cell)
{
    if (!cell->has || (col->type != RT_MONEY && !isfinite(cell->num))) return OP_OK;
    switch (col->type) {
    case RT_INT:
        return buf_printf(out, "%.0f", cell->num);
    case RT_NUMBER:
    case RT_MINUTES:
        return buf_printf(out, "%.*f", col->decimals, cell->num);
    case RT_PERCENT:
        return buf_printf(out, "%.*f", col->decimals, cell->num * 100.0);
    case RT_MONEY: {
        int64_t m = cell->minor;
        uint64_t mag = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
        if (fmt_currency_digits(col->currency) == 0)
            return buf_printf(out, "%s%" PRIu64, m < 0 ? "-" : "", mag);
        return buf_printf(out, "%s%" PRIu64 ".%02" PRIu64, m < 0 ? "-" : "", mag / 100, mag % 100);
    }
    case RT_TEXT:
        break;
    }
    return OP_OK;
}

op_rc report_csv(const struct report_table *t, struct buf *out)
{
    op_rc rc = report_table_check(t);
    if (rc != OP_OK) goto end;
    if ((rc = buf_puts(out, "\xEF\xBB\xBF"))) goto end;
    for (size_t c = 0; c < t->n_cols && !rc; c++) {
        if (c > 0) rc = buf_putc(out, ',');
        if (!rc) rc = field(out, t->cols[c].header);
    }
    if (!rc) rc = buf_puts(out, "\r\n");
    size_t rows = t->n_rows + (t->total ? 1 : 0);
    for (size_t r = 0; r < rows && !rc; r++) {
        for (size_t c = 0; c < t->n_cols && !rc; c++) {
            const struct report_cell *cell = report_cell(t, r, c);
            if (c > 0) rc = buf_putc(out, ',');
            if (rc) break;
            if (t->cols[c].type == RT_TEXT)
                rc = field(out, cell->has && cell->text ? cell->text : "");
            else
                rc = number(out, &t->cols[c], cell);
        }
        if (!rc) rc = buf_puts(out, "\r\n");
    }
end:
    return rc;
}
