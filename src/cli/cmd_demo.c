/* cmd_demo.c - opora demo: a new database filled with the demo dataset. */
#include "base/common.h"

#include <getopt.h>
#include <unistd.h>

#include "cli/cli.h"
#include "demo/demo.h"

struct demo_cli {
    struct demo_options o;
    bool force;
};

static int number(const char *flag, const char *arg, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        char l[16], h[16];
        snprintf(l, sizeof(l), "%u", lo);
        snprintf(h, sizeof(h), "%u", hi);
        cli_say(MSG_CLI_BAD_NUMBER, flag, arg, l, h);
        return EXIT_USAGE;
    }
    *out = (unsigned)v;
    return EXIT_OK;
}

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct demo_cli *d = ctx;
    unsigned v;
    int r;
    switch (opt) {
    case 'f': d->force = true; return EXIT_OK;
    case 't': return number("--tickets", arg, 1, 10000000, &d->o.tickets);
    case 'u': return number("--customers", arg, 1, 10000000, &d->o.customers);
    case 'o': return number("--organizations", arg, 0, 1000000, &d->o.organizations);
    case 'd': return number("--days", arg, 1, 3650, &d->o.days);
    case 's':
        if ((r = number("--seed", arg, 0, UINT_MAX, &v)))
            return r;
        d->o.seed = v;
        return EXIT_OK;
    case 'b': return number("--batch", arg, 1, 1000000, &d->o.batch);
    }
    return EXIT_USAGE;
}

static void progress(unsigned done, unsigned total, void *ctx)
{
    UNUSED(ctx);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r%u / %u", done, total);
    if (done == total && isatty(STDERR_FILENO))
        fputc('\n', stderr);
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"force", no_argument, NULL, 'f'},           {"tickets", required_argument, NULL, 't'},
        {"customers", required_argument, NULL, 'u'}, {"organizations", required_argument, NULL, 'o'},
        {"days", required_argument, NULL, 'd'},      {"seed", required_argument, NULL, 's'},
        {"batch", required_argument, NULL, 'b'},     {0}};
    struct demo_cli d = {.o = {.tickets = 3000, .customers = 300, .organizations = 40,
                               .days = 90, .seed = 42, .password = "demo-password",
                               .progress = progress}};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc, argv, opts, MSG_CLI_USAGE_DEMO, &c, on_opt, &d);
    if (status)
        return status;
    const char *path = strncmp(c.db, "sqlite:", 7) == 0 ? c.db + 7 : c.db;
    if (access(path, F_OK) == 0) {
        if (!d.force) {
            cli_say(MSG_CLI_DEMO_EXISTS, path);
            return EXIT_FAIL;
        }
        char side[sizeof(c.db) + 8];
        unlink(path);
        snprintf(side, sizeof(side), "%.1016s-wal", path);
        unlink(side);
        snprintf(side, sizeof(side), "%.1016s-shm", path);
        unlink(side);
    }
    /* generated data can be made again: no fsync per batch */
    if ((status = cli_open(&env, &c, true, true, false)))
        return status;
    /* the app's clock: OPORA_TEST_CLOCK pins the dataset's dates in tests */
    d.o.now = app_now(&env.app);
    struct demo_summary sum;
    struct op_err err = {0};
    int64_t t0 = time_mono_us();
    op_rc rc = demo_generate(&env.app, &d.o, &sum, &err);
    if (rc) {
        cli_error(&err);
        cli_close(&env);
        return EXIT_FAIL;
    }
    char n1[16], n2[16], n3[16], n4[16], secs[24];
    snprintf(n1, sizeof(n1), "%u", sum.tickets);
    snprintf(n2, sizeof(n2), "%u", sum.customers);
    snprintf(n3, sizeof(n3), "%u", sum.organizations);
    snprintf(n4, sizeof(n4), "%u", sum.staff);
    snprintf(secs, sizeof(secs), "%.1f", (double)(time_mono_us() - t0) / 1e6);
    cli_say(MSG_CLI_DEMO_DONE, path, n1, secs);
    cli_say(MSG_CLI_DEMO_PEOPLE, n4, n2, n3);
    cli_say(MSG_CLI_DEMO_LOGINS, d.o.password);
    for (size_t i = 0; demo_logins[i][0]; i++)
        fprintf(stderr, "  %-32s %s\n", demo_logins[i][0], demo_logins[i][1]);
    cli_close(&env);
    return EXIT_OK;
}
