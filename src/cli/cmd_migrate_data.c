/* cmd_migrate_data.c - opora migrate-data --from sqlite:FILE --to
 * postgres://...: a whole installation into PostgreSQL (store/pg_copy.h). */
#include "base/common.h"

#include <getopt.h>

#include "cli/cli.h"
#include "store/pg_copy.h"

struct migrate_data_opts {
    const char *from, *to;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct migrate_data_opts *o = ctx;
    if (opt == 'f')
        o->from = arg;
    else if (opt == 't')
        o->to = arg;
    else
        return EXIT_USAGE;
    return EXIT_OK;
}

int cmd_migrate_data(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'}, {0}};
    struct migrate_data_opts o = {0};
    struct config c;
    int status = cli_parse(argc, argv, opts, MSG_CLI_USAGE_MIGRATE_DATA, &c, on_opt, &o);
    if (status) return status;
    if (!o.from || !o.to || strncmp(o.to, "postgres", 8) != 0 ||
        strncmp(o.from, "postgres", 8) == 0) {
        cli_say(MSG_CLI_USAGE_MIGRATE_DATA);
        return EXIT_USAGE;
    }
    struct op_err err = {0};
    struct store_counts n;
    op_rc rc = pg_copy_from_sqlite(o.from, o.to, &n, &err);
    if (rc) return cli_fail(&err, rc);
    char what[256];
    snprintf(what, sizeof(what),
             "users=%" PRId64 " organizations=%" PRId64 " groups=%" PRId64 " tickets=%" PRId64
             " comments=%" PRId64 " events=%" PRId64 " macros=%" PRId64,
             n.users, n.organizations, n.groups, n.tickets, n.comments, n.events, n.macros);
    char to[256];
    pg_url_redact(o.to, to, sizeof(to));
    cli_say(MSG_CLI_MIGRATE_DATA_DONE, o.from, to, what);
    return EXIT_OK;
}
