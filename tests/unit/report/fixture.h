/* fixture.h - one small report table with every column type, Cyrillic,
 * characters to escape and a formula-looking cell, shared by the report
 * tests. */
#ifndef OPORA_TEST_REPORT_FIXTURE_H
#define OPORA_TEST_REPORT_FIXTURE_H

#include <math.h>

#include "report/table.h"

static const struct report_col fixture_cols[] = {
    {"label", "Агент", RT_TEXT, 0, NULL},
    {"solved", "Решено", RT_INT, 0, NULL},
    {"sla", "Соблюдение SLA", RT_PERCENT, 1, NULL},
    {"aht", "Время обработки, мин", RT_MINUTES, 1, NULL},
    {"pay", "Премия", RT_MONEY, 0, "RUB"},
};

/* 3 rows x 5 columns, and the total. */
static struct report_cell fixture_cells[] = {
    {true, "Иванов <&>", 0, 0}, {true, NULL, 1234, 0},         {true, NULL, 0.955, 0},
    {true, NULL, 12.25, 0},     {true, NULL, 0, 1234567},      {true, "=HYPERLINK(\"x\")", 0, 0},
    {true, NULL, 7, 0},         {false, NULL, 0, 0},           {true, NULL, 3.5, 0},
    {true, NULL, 0, -250},      {true, "Петров, \"П\"", 0, 0}, {true, NULL, 0, 0},
    {true, NULL, 0.5, 0},       {false, NULL, 0, 0},           {false, NULL, 0, 0},
};

static struct report_cell fixture_total[] = {
    {true, "Итого", 0, 0}, {true, NULL, 1241, 0},    {true, NULL, 0.9, 0},
    {true, NULL, 7.9, 0},  {true, NULL, 0, 1234317},
};

static inline struct report_table fixture_table(enum lang lang)
{
    struct report_table t = {
        .lang = lang,
        .title = "Отчёт по KPI",
        .subtitle = "Период: 01.10.2026 – 31.10.2026",
        .name = "kpi-2026-10-01_2026-10-31",
        .cols = fixture_cols,
        .n_cols = 5,
        .cells = fixture_cells,
        .n_rows = 3,
        .total = fixture_total,
        .charts = {{CHART_BAR, "Решено по агентам", 0, {1}, 1}, {CHART_LINE, "SLA", 0, {2}, 1}},
        .n_charts = 2,
    };
    return t;
}

#endif
