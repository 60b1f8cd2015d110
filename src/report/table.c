/* table.c - checks on a report table, and charts made from its columns. */
#include "base/common.h"

#include <math.h>

#include "i18n/i18n.h"
#include "report/format.h"
#include "report/table.h"

static bool numeric(enum report_type t)
{
    return t != RT_TEXT;
}

op_rc report_table_check(const struct report_table *t)
{
    if (!t || !t->title || !t->cols || t->n_cols == 0 || t->n_cols > REPORT_MAX_COLS ||
        (t->n_rows > 0 && !t->cells) || t->n_charts > REPORT_MAX_CHARTS)
        return OP_ERR_INVALID;
    for (size_t c = 0; c < t->n_cols; c++) {
        const struct report_col *col = &t->cols[c];
        if (!col->key || !*col->key || !col->header || col->decimals < 0 || col->decimals > 6 ||
            col->type < RT_TEXT || col->type > RT_MONEY)
            return OP_ERR_INVALID;
    }
    for (size_t i = 0; i < t->n_charts; i++) {
        const struct report_chart *ch = &t->charts[i];
        if (ch->label_col >= t->n_cols || ch->n_values == 0 || ch->n_values > CHART_MAX_SERIES)
            return OP_ERR_INVALID;
        for (size_t k = 0; k < ch->n_values; k++)
            if (ch->value_cols[k] >= t->n_cols || !numeric(t->cols[ch->value_cols[k]].type) ||
                t->cols[ch->value_cols[k]].type != t->cols[ch->value_cols[0]].type)
                return OP_ERR_INVALID;
    }
    return OP_OK;
}

int report_col_find(const struct report_table *t, const char *key)
{
    for (size_t c = 0; c < t->n_cols && key; c++)
        if (strcmp(t->cols[c].key, key) == 0) return (int)c;
    return -1;
}

/* The value of a numeric cell on the chart's axis; NAN when absent. */
static double chart_value(const struct report_col *col, const struct report_cell *cell)
{
    if (!cell->has) return NAN;
    switch (col->type) {
    case RT_PERCENT:
        return cell->num * 100.0;
    case RT_MONEY: {
        int d = fmt_currency_digits(col->currency);
        return (double)cell->minor / (d == 2 ? 100.0 : 1.0);
    }
    default:
        return cell->num;
    }
}

static const char *unit_of(const struct report_table *t, const struct report_col *col)
{
    switch (col->type) {
    case RT_PERCENT:
        return "%";
    case RT_MINUTES:
        return i18n_text(t->lang, MSG_REPORT_UNIT_MIN);
    case RT_MONEY:
        return col->currency ? col->currency : "RUB";
    default:
        return "";
    }
}

op_rc report_chart_make(const struct report_table *t, const struct report_chart *ch,
                        struct arena *a, struct chart *out)
{
    op_rc rc = report_table_check(t);
    if (rc != OP_OK) goto end;
    if (!ch || t->n_rows == 0 || ch->label_col >= t->n_cols || ch->n_values == 0 ||
        ch->n_values > CHART_MAX_SERIES || t->n_rows > CHART_MAX_LABELS) {
        rc = OP_ERR_INVALID;
        goto end;
    }
    const char **labels = arena_alloc(a, t->n_rows * sizeof *labels);
    struct chart_series *series = arena_alloc(a, ch->n_values * sizeof *series);
    if (!labels || !series) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    const struct report_col *lcol = &t->cols[ch->label_col];
    for (size_t r = 0; r < t->n_rows; r++) {
        char tmp[FMT_CAP];
        const struct report_cell *cell = report_cell(t, r, ch->label_col);
        labels[r] = lcol->type == RT_TEXT
                        ? (cell->has && cell->text ? cell->text : "")
                        : arena_strdup(a, fmt_cell(t->lang, lcol, cell, tmp, sizeof tmp));
        if (!labels[r]) {
            rc = OP_ERR_NOMEM;
            goto end;
        }
    }
    for (size_t k = 0; k < ch->n_values; k++) {
        size_t c = ch->value_cols[k];
        if (c >= t->n_cols || !numeric(t->cols[c].type)) {
            rc = OP_ERR_INVALID;
            goto end;
        }
        double *v = arena_alloc(a, t->n_rows * sizeof *v);
        if (!v) {
            rc = OP_ERR_NOMEM;
            goto end;
        }
        for (size_t r = 0; r < t->n_rows; r++)
            v[r] = chart_value(&t->cols[c], report_cell(t, r, c));
        series[k] = (struct chart_series){.name = t->cols[c].header, .values = v};
    }
    *out = (struct chart){.kind = ch->kind,
                          .title = ch->title,
                          .unit = unit_of(t, &t->cols[ch->value_cols[0]]),
                          .labels = labels,
                          .n_labels = t->n_rows,
                          .series = series,
                          .n_series = ch->n_values};
end:
    return rc;
}

op_rc report_chart_of_col(const struct report_table *t, size_t col, enum chart_kind kind,
                          struct arena *a, struct chart *out)
{
    if (!t || col >= t->n_cols || !numeric(t->cols[col].type)) return OP_ERR_INVALID;
    struct report_chart ch = {.kind = kind,
                              .title = t->cols[col].header,
                              .label_col = 0,
                              .value_cols = {col},
                              .n_values = 1};
    return report_chart_make(t, &ch, a, out);
}
