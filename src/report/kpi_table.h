/* kpi_table.h - the KPI and backlog reports (app/kpi.h) as report tables,
 * in the user's language, with their charts. */
#ifndef OPORA_REPORT_KPI_TABLE_H
#define OPORA_REPORT_KPI_TABLE_H

#include "app/kpi.h"
#include "base/arena.h"
#include "i18n/i18n.h"
#include "report/table.h"

/* The table of rep: a label column named by the grouping, then counts,
 * FCR and SLA rates, medians in business minutes, solved per online hour,
 * CSAT, CSI and NPS (empty where the report has no surveys);
 * a total row; charts "created and solved" and "SLA compliance" (lines for
 * day/week/month, bars otherwise). Everything the table points at is rep's
 * or allocated from a. Its name is "kpi-FROM_TO". OP_ERR_NOMEM when a is
 * out of memory. */
op_rc report_kpi_table(const struct kpi_report *rep, enum lang lang, struct arena *a,
                       struct report_table *out);

/* The table of bl: label, open tickets and the age buckets, a total row and
 * a bar chart of the ages. Its name is "backlog-YYYY-MM-DD" (UTC). */
op_rc report_backlog_table(const struct kpi_backlog *bl, enum lang lang, struct arena *a,
                           struct report_table *out);

#endif
