/* table.h - a report as a table, the one shape every export is made from
 * (CSV, XLSX and PDF here; the web pages read it too).
 *
 * A table is built by the caller (kpi_table.c for the KPI reports), usually
 * in a request's arena, and only points at its texts: everything it points
 * at must live as long as the table. Headers and titles are already
 * translated; numbers are stored as numbers and formatted per language by
 * format.c at the edge. */
#ifndef OPORA_REPORT_TABLE_H
#define OPORA_REPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/rc.h"
#include "i18n/i18n.h"
#include "report/chart.h"

enum report_type {
    RT_TEXT,    /* cell.text */
    RT_INT,     /* cell.num, a whole number */
    RT_NUMBER,  /* cell.num with col.decimals digits */
    RT_PERCENT, /* cell.num as a ratio: 0.955 is shown "95.5%" (col.decimals digits) */
    RT_MINUTES, /* cell.num minutes (col.decimals digits) */
    RT_MONEY    /* cell.minor in minor units of col.currency */
};

struct report_col {
    const char *key;    /* machine name: [a-z0-9_], unique in the table */
    const char *header; /* translated */
    enum report_type type;
    int decimals;         /* 0..6; RT_NUMBER, RT_PERCENT, RT_MINUTES */
    const char *currency; /* RT_MONEY: ISO 4217 code ("RUB"); NULL = "RUB" */
};

struct report_cell {
    bool has;         /* false: no data (shown empty) */
    const char *text; /* RT_TEXT */
    double num;       /* RT_INT, RT_NUMBER, RT_PERCENT, RT_MINUTES */
    int64_t minor;    /* RT_MONEY */
};

/* A chart over the table's rows (the total row is left out): the x axis is
 * the text of label_col, one series per value column, named by its header. */
struct report_chart {
    enum chart_kind kind;
    const char *title; /* translated; NULL: none */
    size_t label_col;
    size_t value_cols[CHART_MAX_SERIES];
    size_t n_values; /* 1..CHART_MAX_SERIES; all of one type, so one axis */
};

#define REPORT_MAX_COLS 64
#define REPORT_MAX_CHARTS 8

struct report_table {
    enum lang lang;
    const char *title;    /* translated */
    const char *subtitle; /* the period, translated; NULL: none */
    const char *name;     /* file name stem, e.g. "kpi-2026-10-01_2026-10-31" */
    const struct report_col *cols;
    size_t n_cols;
    struct report_cell *cells; /* n_rows x n_cols, row by row */
    size_t n_rows;
    struct report_cell *total; /* n_cols cells, or NULL: no total row */
    struct report_chart charts[REPORT_MAX_CHARTS];
    size_t n_charts;
};

/* The cell of row r (r == n_rows: the total row, which must exist) in col c. */
static inline const struct report_cell *report_cell(const struct report_table *t, size_t r,
                                                    size_t c)
{
    return r == t->n_rows ? &t->total[c] : &t->cells[r * t->n_cols + c];
}

/* Checks a table before it is rendered: columns 1..REPORT_MAX_COLS, keys and
 * headers set, decimals in range, charts naming existing columns of one
 * numeric type. OP_OK or OP_ERR_INVALID. Every renderer calls it. */
op_rc report_table_check(const struct report_table *t);

/* The index of the column named key, or -1. */
int report_col_find(const struct report_table *t, const char *key);

/* Fills out with chart i of t (or, for report_chart_of_col, a chart of one
 * numeric column over the rows). Percent columns are scaled to 0..100 with
 * unit "%", money to major units with the currency code as unit, minutes
 * get the translated unit. The values and labels are allocated from a.
 * OP_ERR_INVALID for a bad index/column or a table without rows,
 * OP_ERR_NOMEM when a is out of memory. */
op_rc report_chart_make(const struct report_table *t, const struct report_chart *ch,
                        struct arena *a, struct chart *out);
op_rc report_chart_of_col(const struct report_table *t, size_t col, enum chart_kind kind,
                          struct arena *a, struct chart *out);

/* ---- renderers: each appends a whole document to out (a capped buffer
 * the caller owns and releases). OP_ERR_INVALID for a bad table,
 * OP_ERR_TOOBIG/NOMEM from out, OP_ERR_IO when the library fails; on
 * failure out may hold a partial document, which the caller discards. */

/* CSV (RFC 4180: CRLF, fields with , " CR LF quoted, quotes doubled),
 * UTF-8 with a byte order mark so that Excel reads Cyrillic correctly. A
 * header row of translated headers, then the rows, then the total row.
 * Numbers are plain (C locale: '.', no grouping; percent as 0..100; money
 * in major units) so that every program can read them. Text cells that
 * start with = + - @ TAB or CR get a leading ' (formula injection). */
op_rc report_csv(const struct report_table *t, struct buf *out);

/* An XLSX workbook: one sheet with the title, the period, the table with
 * typed cells (numbers with formats, money with the currency's format), a
 * bold frozen header row, column widths, and each chart as a native Excel
 * chart over the sheet's ranges. libxlsxwriter writes only to files, so the
 * workbook goes through a private temporary file in $TMPDIR (or /tmp),
 * removed on every path. */
op_rc report_xlsx(const struct report_table *t, struct buf *out);

/* A PDF, A4 landscape: title and period, the table (paged, the header
 * repeated on every page, the total row bold), then each chart on its own
 * page. Text in DejaVu Sans, so Cyrillic is correct. */
op_rc report_pdf(const struct report_table *t, struct buf *out);

#endif
