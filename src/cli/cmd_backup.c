/* cmd_backup.c - opora backup --to FILE: an online copy of the database. */
#include "base/common.h"

#include <getopt.h>
#include <unistd.h>

#include "cli/cli.h"

struct backup_opts {
    const char *to;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct backup_opts *o = ctx;
    if (opt == 't') {
        o->to = arg;
        return EXIT_OK;
    }
    return EXIT_USAGE;
}

int cmd_backup(int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 't'}, {0}};
    struct backup_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc, argv, opts, MSG_CLI_USAGE_BACKUP, &c, on_opt, &o);
    if (status)
        return status;
    if (!o.to) {
        cli_say(MSG_CLI_USAGE_BACKUP);
        return EXIT_USAGE;
    }
    if (access(o.to, F_OK) == 0) {
        cli_say(MSG_CLI_BACKUP_EXISTS, o.to);
        return EXIT_FAIL;
    }
    if ((status = cli_open(&env, &c, false, false, true)))
        return status;
    struct op_err err = {0};
    op_rc rc = store_backup(env.store, o.to, &err);
    if (rc) {
        cli_close(&env);
        return cli_fail(&err, rc);
    }
    cli_say(MSG_CLI_BACKUP_DONE, c.db, o.to);
    cli_close(&env);
    return EXIT_OK;
}
