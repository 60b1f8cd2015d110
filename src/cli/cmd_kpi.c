/* cmd_kpi.c - opora kpi rebuild: recompute every ticket's KPI facts from the
 * event log (docs/kpi.md). */
#include "base/common.h"

#include <getopt.h>

#include "app/kpi.h"
#include "cli/cli.h"

static int on_opt(int opt, const char *arg, void *ctx)
{
    (void)opt;
    (void)arg;
    (void)ctx;
    return EXIT_USAGE;
}

int cmd_kpi(int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *sub = argc >= 2 ? argv[1] : "";
    if (strcmp(sub, "rebuild") != 0) {
        cli_say(MSG_CLI_USAGE_KPI);
        return !strcmp(sub, "--help") || !strcmp(sub, "-h") ? EXIT_OK : EXIT_USAGE;
    }
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc - 1, argv + 1, opts, MSG_CLI_USAGE_KPI, &c, on_opt, NULL);
    if (status) return status;
    /* not durable per batch: a crash mid-way leaves a rebuild to run again */
    if ((status = cli_open(&env, &c, false, true, false))) return status;
    struct op_err err = {0};
    int64_t n = 0, t0 = time_mono_us();
    op_rc rc = kpi_rebuild(&env.app, &n, &err);
    if (rc) {
        cli_close(&env);
        return cli_fail(&err, rc);
    }
    char nb[24], ms[24];
    snprintf(nb, sizeof(nb), "%" PRId64, n);
    snprintf(ms, sizeof(ms), "%" PRId64, (time_mono_us() - t0) / 1000);
    cli_say(MSG_CLI_KPI_REBUILT, nb, ms);
    cli_close(&env);
    return EXIT_OK;
}
