/* cmd_migrate.c - opora migrate: bring the database schema up to date. */
#include "base/common.h"

#include "cli/cli.h"

int cmd_migrate(int argc, char **argv)
{
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc, argv, NULL, MSG_CLI_USAGE_MIGRATE, &c, NULL, NULL);
    if (status)
        return status;
    /* opening with migrate=true applies what is pending */
    if ((status = cli_open(&env, &c, false, true, true)))
        return status;
    int current = 0, latest = 0;
    store_schema_version(env.store, &current, &latest);
    char v[16];
    snprintf(v, sizeof(v), "%d", current);
    cli_say(MSG_CLI_MIGRATED, c.db, v);
    cli_close(&env);
    return EXIT_OK;
}
