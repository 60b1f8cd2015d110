/* main.c - opora's one binary: the command table. */
#include "base/common.h"

#include "cli/cli.h"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    enum msg_id help;
} commands[] = {
    {"init", cmd_init, MSG_CLI_HELP_INIT},
    {"serve", cmd_serve, MSG_CLI_HELP_SERVE},
    {"user", cmd_user, MSG_CLI_HELP_USER},
    {"token", cmd_token, MSG_CLI_HELP_TOKEN},
    {"demo", cmd_demo, MSG_CLI_HELP_DEMO},
    {"migrate", cmd_migrate, MSG_CLI_HELP_MIGRATE},
    {"backup", cmd_backup, MSG_CLI_HELP_BACKUP},
    {"migrate-data", cmd_migrate_data, MSG_CLI_HELP_MIGRATE_DATA},
    {"rota", cmd_rota, MSG_CLI_HELP_ROTA},
    {"shift", cmd_shift, MSG_CLI_HELP_SHIFT},
    {"version", cmd_version, MSG_CLI_HELP_VERSION},
    {"calendar", cmd_calendar, MSG_CLI_HELP_CALENDAR},
    {"sla", cmd_sla, MSG_CLI_HELP_SLA},
    {"mail-in", cmd_mail_in, MSG_CLI_HELP_MAIL_IN},
    {"mailbox", cmd_mailbox, MSG_CLI_HELP_MAILBOX},
    {"kpi", cmd_kpi, MSG_CLI_HELP_KPI},
};

static int usage(int status)
{
    cli_say(MSG_CLI_USAGE);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        char line[512];
        const char *args[1] = {NULL};
        i18n_format(cli_lang(), commands[i].help, args, 0, line, sizeof(line));
        fprintf(stderr, "  %-9s %s\n", commands[i].name, line);
    }
    cli_say(MSG_CLI_USAGE_MORE);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(EXIT_USAGE);
    const char *name = argv[1];
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"))
        return usage(EXIT_OK);
    if (!strcmp(name, "--version"))
        name = "version";
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].fn(argc - 1, argv + 1);
    cli_say(MSG_CLI_UNKNOWN_COMMAND, name);
    return EXIT_USAGE;
}
