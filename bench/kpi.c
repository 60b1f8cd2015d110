/* kpi.c - the KPI benchmark of issue 4.
 *
 *   build/bench/kpi [--db FILE] [--rebuild] [--month YYYY-MM] [--runs N]
 *
 * On a database made by build/bench/gen (1M tickets): with --rebuild,
 * recomputes every ticket's KPI facts from the event log first (what
 * `opora kpi rebuild` does) and prints how long it took; then times the
 * month's KPI report for the whole team (by agent, and one total) and for
 * one agent, N runs each (default 5), through the same use case the API
 * runs. The month defaults to the last full month before the newest ticket.
 * Prints the figures and the command line; bench/RESULTS.md keeps them. */
#include "base/common.h"

#include <getopt.h>

#include "app/kpi.h"
#include "base/tz.h"
#include "store/store_kpi.h"

static void die(const char *what, op_rc rc)
{
    fprintf(stderr, "kpi bench: %s: %s\n", what, op_rc_name(rc));
    exit(1);
}

struct probe {
    op_time newest;
    int64_t agent;
};

static op_rc probe_fn(struct store_tx *tx, void *arg)
{
    struct probe *p = arg;
    struct arena a = ARENA_INIT(0);
    int64_t max_t = 0, max_e = 0;
    struct ticket t;
    struct user *u;
    size_t n = 0;
    struct user_filter f = {.role_mask = 1u << ROLE_AGENT, .limit = 1};
    op_rc rc = tx->ops->kpi->max_ids(tx, &max_t, &max_e);
    if (!rc && max_t) rc = tx->ops->ticket_get(tx, max_t, &a, &t);
    if (!rc && max_t) p->newest = t.created_at;
    if (!rc) rc = tx->ops->user_list(tx, &f, &a, &u, &n);
    if (!rc && n) p->agent = u[0].id;
    arena_release(&a);
    return rc;
}

/* CPU time of this process, µs: on a machine shared with other work the
 * wall time of a run says as much about the neighbours as about the report. */
static int64_t cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_us(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Runs the report `runs` times; prints min and median wall time. */
static void time_report(struct app *app, const struct actor *who, const char *what,
                        const struct kpi_request *req, int runs)
{
    int64_t us[64], cpu[64];
    struct kpi_report rep = {0};
    for (int i = 0; i < runs; i++) {
        struct arena a = ARENA_INIT(0);
        struct op_err err = {0};
        int64_t t0 = time_mono_us(), c0 = cpu_us();
        op_rc rc = kpi_report(app, who, req, &a, &rep, &err);
        us[i] = time_mono_us() - t0;
        cpu[i] = cpu_us() - c0;
        if (rc) die(what, rc);
        if (i == runs - 1)
            printf("%-34s rows %4zu  created %7" PRId64 "  solved %7" PRId64 "  frt median %" PRId64
                   " ms  resolution p90 %" PRId64 " ms\n",
                   what, rep.n, rep.total.created, rep.total.solved,
                   rep.total.first_response.cal.median, rep.total.resolution.cal.p90);
        arena_release(&a);
    }
    qsort(us, (size_t)runs, sizeof(us[0]), cmp_us);
    qsort(cpu, (size_t)runs, sizeof(cpu[0]), cmp_us);
    printf("%-34s wall min %.1f ms, median %.1f ms; cpu min %.1f ms, median %.1f ms (%d runs)\n",
           what, us[0] / 1000.0, us[runs / 2] / 1000.0, cpu[0] / 1000.0, cpu[runs / 2] / 1000.0,
           runs);
}

int main(int argc, char **argv)
{
    const char *db = "bench.db", *month = NULL;
    bool rebuild = false;
    int runs = 5;
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"rebuild", no_argument, NULL, 'r'},
                                         {"month", required_argument, NULL, 'm'},
                                         {"runs", required_argument, NULL, 'n'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'r':
            rebuild = true;
            break;
        case 'm':
            month = optarg;
            break;
        case 'n':
            runs = (int)strtol(optarg, NULL, 10);
            break;
        default:
            fprintf(stderr, "usage: kpi [--db FILE] [--rebuild] [--month YYYY-MM] [--runs N]\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 64) runs = 5;
    struct store *s;
    struct op_err err = {0};
    struct store_options opt = {.migrate = true, .durable = false};
    op_rc rc = store_open(db, &opt, &s, &err);
    if (rc) die("open", rc);
    struct app app;
    struct app_config cfg;
    char files[600];
    app_config_defaults(&cfg);
    snprintf(files, sizeof(files), "%s.files", db);
    cfg.files_dir = files;
    if ((rc = app_init(&app, s, &cfg, &err))) die("app", rc);
    struct actor sys;
    actor_system(&sys, VIA_CLI);

    printf("command: ");
    for (int i = 0; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
    if (rebuild) {
        int64_t n = 0, t0 = time_mono_us();
        if ((rc = kpi_rebuild(&app, &n, &err))) die("rebuild", rc);
        printf("rebuild: %" PRId64 " tickets in %.1f s\n", n, (time_mono_us() - t0) / 1e6);
    }
    struct probe p = {0};
    if ((rc = store_read(s, probe_fn, &p))) die("probe", rc);
    char from[11], to[11];
    int y, m, d;
    if (month) {
        if (sscanf(month, "%d-%d", &y, &m) != 2 || m < 1 || m > 12) {
            fprintf(stderr, "kpi bench: --month YYYY-MM\n");
            return 2;
        }
    } else {
        cal_ymd((int32_t)(p.newest / 86400000), &y, &m, &d);
        if (--m == 0) {
            m = 12;
            y--;
        }
    }
    int32_t first = cal_date(y, m, 1);
    int32_t last = (m == 12 ? cal_date(y + 1, 1, 1) : cal_date(y, m + 1, 1)) - 1;
    cal_format_date(first, from);
    cal_format_date(last, to);
    printf("month: %s .. %s (UTC); one agent: %" PRId64 "\n", from, to, p.agent);

    struct kpi_request team = {.from = from, .to = to, .group_by = "agent"};
    struct kpi_request total = {.from = from, .to = to};
    struct kpi_request one = {.from = from, .to = to, .agent_id = p.agent};
    struct kpi_request one_days = {
        .from = from, .to = to, .agent_id = p.agent, .group_by = "day", .tz = "Europe/Moscow"};
    time_report(&app, &sys, "team, by agent", &team, runs);
    time_report(&app, &sys, "team, total", &total, runs);
    time_report(&app, &sys, "one agent", &one, runs);
    time_report(&app, &sys, "one agent, by day (Moscow)", &one_days, runs);

    app_release(&app);
    store_close(s);
    tz_cleanup();
    return 0;
}
