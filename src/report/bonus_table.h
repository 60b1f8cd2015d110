/* bonus_table.h - a month's bonus statements (app/motivation.h) as report
 * tables, in the user's language, for the exports and the web pages. */
#ifndef OPORA_REPORT_BONUS_TABLE_H
#define OPORA_REPORT_BONUS_TABLE_H

#include "app/motivation.h"
#include "base/arena.h"
#include "i18n/i18n.h"
#include "report/table.h"

/* The translated name of the motivation KPI called key (core/motivation.h's
 * motivation_kpis); key itself for one this file does not know. Static
 * storage or key. */
const char *report_kpi_name(enum lang lang, const char *key);

/* The digits a value of that KPI is shown with: 0 for counts and NPS, 2
 * for scores, rates per hour and unknown keys, 1 otherwise. */
int report_kpi_decimals(const char *key);

/* The statements of m, one row per agent: name, level, total attainment,
 * base pay, bonus, currency, then for every KPI any statement has a goal on
 * (in order of first appearance) its actual and attainment (empty for
 * agents without that goal or without data); a total row with the base
 * pay and bonus sums; a bar chart of the bonus by agent.
 * Money columns are in m's currency; when the statements mix currencies
 * they are plain numbers in each row's major units (read with the currency
 * column) and the total row leaves them empty. Everything the table points
 * at is m's or allocated from a. Its name is "bonus-YYYY-MM". OP_ERR_NOMEM
 * when a is out of memory. */
op_rc report_bonus_table(const struct bonus_month_report *m, enum lang lang, struct arena *a,
                         struct report_table *out);

/* m's summary by level: level, rank, agents, base pay, bonus, with a total
 * row (money as in report_bonus_table). Its name is "bonus-levels-YYYY-MM".
 * OP_ERR_NOMEM when a is out of memory. */
op_rc report_bonus_summary_table(const struct bonus_month_report *m, enum lang lang,
                                 struct arena *a, struct report_table *out);

#endif
