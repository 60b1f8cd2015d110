/* format.h - numbers and money as people of each language write them, in
 * one place for the exports and the web pages.
 *
 *   ru: "12 345,67"  "12 345,67 ₽"     "95,5 %"
 *   en: "12,345.67"  "RUB 12,345.67"  "95.5%"
 *
 * The Russian group separator and the space before ₽ and % are U+00A0 (a
 * no-break space), so a number never breaks across lines. Every function
 * writes at most cap bytes including the NUL (truncating, never
 * overflowing) and returns out; cap must be at least 1. */
#ifndef OPORA_REPORT_FORMAT_H
#define OPORA_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "i18n/i18n.h"
#include "report/table.h"

#define FMT_CAP 64 /* enough for any value below */

/* v rounded to decimals (0..6) digits, grouped by thousands. Non-finite: "". */
char *fmt_number(enum lang lang, double v, int decimals, char *out, size_t cap);

/* A ratio (0.955) as a percentage ("95.5%") with decimals digits. */
char *fmt_percent(enum lang lang, double ratio, int decimals, char *out, size_t cap);

/* minor units of currency (ISO 4217; NULL = "RUB") with the currency's
 * digits (2, or 0 for JPY and KRW): ru "12 345,67 ₽" (other currencies: the
 * code after the number), en "RUB 12,345.67" (negative: "-RUB 12,345.67"). */
char *fmt_money(enum lang lang, int64_t minor, const char *currency, char *out, size_t cap);

/* The digits after the point that currency's minor unit has. */
int fmt_currency_digits(const char *currency);

/* A cell of column col as shown to people ("" when the cell has no data;
 * RT_TEXT cells: their text, truncated to cap). */
char *fmt_cell(enum lang lang, const struct report_col *col, const struct report_cell *cell,
               char *out, size_t cap);

#endif
