/* cmd_user.c - opora user add|list|passwd */
#include "base/common.h"

#include <getopt.h>
#include <sodium.h>

#include "cli/cli.h"

struct user_opts {
    const char *email, *name, *role, *level, *password, *language, *phone;
    int64_t org;
    bool org_set;
    bool bad;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct user_opts *o = ctx;
    char *end;
    switch (opt) {
    case 'e': o->email = arg; return EXIT_OK;
    case 'n': o->name = arg; return EXIT_OK;
    case 'r': o->role = arg; return EXIT_OK;
    case 'l': o->level = arg; return EXIT_OK;
    case 'p': o->password = arg; return EXIT_OK;
    case 'L': o->language = arg; return EXIT_OK;
    case 'P': o->phone = arg; return EXIT_OK;
    case 'o':
        o->org = strtoll(arg, &end, 10);
        o->org_set = true;
        if (*end || o->org <= 0) {
            cli_say(MSG_CLI_BAD_ID, "--organization", arg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    return EXIT_USAGE;
}

static const struct option opts[] = {
    {"email", required_argument, NULL, 'e'},    {"name", required_argument, NULL, 'n'},
    {"role", required_argument, NULL, 'r'},     {"level", required_argument, NULL, 'l'},
    {"password", required_argument, NULL, 'p'}, {"language", required_argument, NULL, 'L'},
    {"phone", required_argument, NULL, 'P'},    {"organization", required_argument, NULL, 'o'},
    {0}};

static int user_add(struct cli_env *env, const struct user_opts *o, struct actor *sys)
{
    struct user_input in = {.set = UF_NAME | UF_EMAIL, .name = o->name ? o->name : o->email,
                            .email = o->email};
    struct op_err err = {0};
    if (o->role) {
        int r = role_parse(o->role);
        if (r < 0) {
            op_fail(&err, OP_ERR_INVALID, "--role", MSG_ERR_ENUM, o->role, role_names_list());
            return cli_fail(&err, OP_ERR_INVALID);
        }
        in.set |= UF_ROLE;
        in.role = (enum user_role)r;
    }
    if (o->level) {
        int l = level_parse(o->level);
        if (l < 0) {
            op_fail(&err, OP_ERR_INVALID, "--level", MSG_ERR_ENUM, o->level, level_names_list());
            return cli_fail(&err, OP_ERR_INVALID);
        }
        in.set |= UF_LEVEL;
        in.level = (enum staff_level)l;
    }
    if (o->password) {
        in.set |= UF_PASSWORD;
        in.password = o->password;
    }
    if (o->language) {
        in.set |= UF_LANGUAGE;
        in.language = o->language;
    }
    if (o->phone) {
        in.set |= UF_PHONE;
        in.phone = o->phone;
    }
    if (o->org_set) {
        in.set |= UF_ORGANIZATION;
        in.organization_id = o->org;
    }
    struct arena a = ARENA_INIT(0);
    struct user u;
    op_rc rc = app_user_create(&env->app, sys, &in, &a, &u, &err);
    int status = EXIT_OK;
    if (rc)
        status = cli_fail(&err, rc);
    else
        printf("%" PRId64 "\t%s\t%s\t%s\n", u.id, role_name(u.role), u.email ? u.email : "",
               u.name);
    arena_release(&a);
    return status;
}

static int user_list(struct cli_env *env, const struct user_opts *o, struct actor *sys)
{
    struct user_filter f = {.limit = 1000};
    struct op_err err = {0};
    if (o->role) {
        int r = role_parse(o->role);
        if (r < 0) {
            op_fail(&err, OP_ERR_INVALID, "--role", MSG_ERR_ENUM, o->role, role_names_list());
            return cli_fail(&err, OP_ERR_INVALID);
        }
        f.role_mask = 1u << r;
    }
    if (o->org_set)
        f.organization_id = o->org;
    for (;;) {
        struct arena a = ARENA_INIT(0);
        struct user *us;
        size_t n;
        op_rc rc = app_user_list(&env->app, sys, &f, &a, &us, &n, &err);
        if (rc) {
            arena_release(&a);
            return cli_fail(&err, rc);
        }
        for (size_t i = 0; i < n; i++)
            printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", us[i].id, role_name(us[i].role),
                   us[i].role == ROLE_CUSTOMER ? "-" : level_name(us[i].level),
                   us[i].email ? us[i].email : "", us[i].name);
        if (n < f.limit) {
            arena_release(&a);
            return EXIT_OK;
        }
        f.after_id = us[n - 1].id;
        arena_release(&a);
    }
}

static int user_passwd(struct cli_env *env, const struct user_opts *o, struct actor *sys)
{
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    struct user found;
    if (cli_find_user(env, o->email, &a, &found)) {
        arena_release(&a);
        return EXIT_FAIL;
    }
    op_rc rc = OP_OK;
    char pw[300];
    if (o->password)
        snprintf(pw, sizeof(pw), "%s", o->password);
    else if (!cli_read_password(MSG_CLI_PASSWORD_PROMPT, pw, sizeof(pw))) {
        cli_say(MSG_CLI_NO_PASSWORD);
        arena_release(&a);
        return EXIT_USAGE;
    }
    struct user_input in = {.set = UF_PASSWORD, .password = pw};
    struct user u;
    int status = EXIT_OK;
    rc = app_user_update(&env->app, sys, found.id, &in, &a, &u, &err);
    if (rc)
        status = cli_fail(&err, rc);
    else
        cli_say(MSG_CLI_PASSWORD_SET, u.email);
    sodium_memzero(pw, sizeof(pw));
    arena_release(&a);
    return status;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "passwd"))) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            cli_say(MSG_CLI_USAGE_USER);
            return EXIT_OK;
        }
        cli_say(MSG_CLI_USAGE_USER);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    struct user_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc - 1, argv + 1, opts, MSG_CLI_USAGE_USER, &c, on_opt, &o);
    if (status)
        return status;
    if (strcmp(sub, "list") && !o.email) {
        cli_say(MSG_CLI_USAGE_USER);
        return EXIT_USAGE;
    }
    if ((status = cli_open(&env, &c, false, false, true)))
        return status;
    struct actor sys;
    actor_system(&sys, VIA_CLI);
    sys.lang = cli_lang();
    if (!strcmp(sub, "add"))
        status = user_add(&env, &o, &sys);
    else if (!strcmp(sub, "list"))
        status = user_list(&env, &o, &sys);
    else
        status = user_passwd(&env, &o, &sys);
    cli_close(&env);
    return status;
}
