/* cmd_init.c - opora init: a new database with its first administrator. */
#include "base/common.h"

#include <getopt.h>
#include <sodium.h>

#include "cli/cli.h"

struct init_opts {
    const char *email, *name, *password;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct init_opts *o = ctx;
    switch (opt) {
    case 'e': o->email = arg; return EXIT_OK;
    case 'n': o->name = arg; return EXIT_OK;
    case 'p': o->password = arg; return EXIT_OK;
    }
    return EXIT_USAGE;
}

struct count_job {
    int64_t users;
};

static op_rc count_fn(struct store_tx *tx, void *arg)
{
    struct store_counts counts;
    op_rc rc = tx->ops->counts(tx, &counts);
    ((struct count_job *)arg)->users = counts.users;
    return rc;
}

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"admin-email", required_argument, NULL, 'e'},
                                         {"admin-name", required_argument, NULL, 'n'},
                                         {"admin-password", required_argument, NULL, 'p'},
                                         {0}};
    struct init_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc, argv, opts, MSG_CLI_USAGE_INIT, &c, on_opt, &o);
    if (status)
        return status;
    if (!o.email) {
        cli_say(MSG_CLI_USAGE_INIT);
        return EXIT_USAGE;
    }
    char pwbuf[300], generated[40] = "";
    const char *password = o.password ? o.password : getenv("OPORA_ADMIN_PASSWORD");
    if (!password) {
        /* a strong one, printed once */
        uint8_t raw[15];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(generated, sizeof(generated), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        password = generated;
    }
    snprintf(pwbuf, sizeof(pwbuf), "%s", password);

    if ((status = cli_open(&env, &c, true, true, true)))
        return status;
    struct count_job cj = {0};
    if (store_read(env.store, count_fn, &cj) == OP_OK && cj.users > 0) {
        cli_say(MSG_CLI_INIT_EXISTS, c.db);
        cli_close(&env);
        return EXIT_FAIL;
    }
    struct actor sys;
    actor_system(&sys, VIA_CLI);
    sys.lang = cli_lang();
    struct user_input in = {.set = UF_NAME | UF_EMAIL | UF_ROLE | UF_LEVEL | UF_PASSWORD,
                            .name = o.name ? o.name : "Administrator",
                            .email = o.email,
                            .role = ROLE_ADMIN,
                            .level = LEVEL_SENIOR,
                            .password = pwbuf};
    struct arena a = ARENA_INIT(0);
    struct user u;
    struct op_err err = {0};
    op_rc rc = app_user_create(&env.app, &sys, &in, &a, &u, &err);
    if (rc) {
        status = cli_fail(&err, rc);
    } else {
        cli_say(MSG_CLI_INIT_DONE, c.db, u.email);
        if (generated[0])
            printf("%s\n", generated);
    }
    sodium_memzero(pwbuf, sizeof(pwbuf));
    arena_release(&a);
    cli_close(&env);
    return status;
}
