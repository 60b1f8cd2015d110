/* cmd_token.c - opora token create --user EMAIL --name NAME */
#include "base/common.h"

#include <getopt.h>

#include "cli/cli.h"

struct token_opts {
    const char *user, *name;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct token_opts *o = ctx;
    if (opt == 'u')
        o->user = arg;
    else if (opt == 'n')
        o->name = arg;
    else
        return EXIT_USAGE;
    return EXIT_OK;
}

int cmd_token(int argc, char **argv)
{
    static const struct option opts[] = {{"user", required_argument, NULL, 'u'},
                                         {"name", required_argument, NULL, 'n'},
                                         {0}};
    if (argc < 2 || strcmp(argv[1], "create")) {
        bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        cli_say(MSG_CLI_USAGE_TOKEN);
        return help ? EXIT_OK : EXIT_USAGE;
    }
    struct token_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc - 1, argv + 1, opts, MSG_CLI_USAGE_TOKEN, &c, on_opt, &o);
    if (status)
        return status;
    if (!o.user) {
        cli_say(MSG_CLI_USAGE_TOKEN);
        return EXIT_USAGE;
    }
    if ((status = cli_open(&env, &c, false, false, true)))
        return status;
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    struct user u;
    if ((status = cli_find_user(&env, o.user, &a, &u)))
        goto end;
    struct actor sys;
    actor_system(&sys, VIA_CLI);
    struct api_token t;
    char *secret;
    op_rc rc = app_token_create(&env.app, &sys, u.id, o.name ? o.name : "cli", &a, &t, &secret,
                                &err);
    if (rc) {
        status = cli_fail(&err, rc);
        goto end;
    }
    printf("%s\n", secret);
end:
    arena_release(&a);
    cli_close(&env);
    return status;
}
