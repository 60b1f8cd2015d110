/* cli.c - helpers every command uses. */
#include "base/common.h"

#include <getopt.h>
#include <termios.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/cli.h"

enum lang cli_lang(void)
{
    static int lang = -1;
    if (lang < 0)
        lang = (int)i18n_env_lang();
    return (enum lang)lang;
}

void cli_say(enum msg_id id, ...)
{
    const char *args[9] = {0}; /* {1}..{9}: every placeholder a message can have */
    int n = i18n_msg_nargs(id);
    va_list ap;
    va_start(ap, id);
    for (int i = 0; i < n && i < (int)ARRAY_SIZE(args); i++)
        args[i] = va_arg(ap, const char *);
    va_end(ap);
    char out[2048];
    i18n_format(cli_lang(), id, args, (size_t)n, out, sizeof(out));
    fprintf(stderr, "%s\n", out);
}

void cli_error(const struct op_err *err)
{
    const char *args[OP_ERR_NARGS] = {err->arg[0], err->arg[1], err->arg[2]};
    char out[2048];
    enum msg_id msg = err->msg;
    if (msg == MSG_NONE) /* no detail: say what kind of failure it was */
        msg = err->rc == OP_ERR_IO ? MSG_CLI_ERR_IO
              : err->rc == OP_ERR_NOMEM ? MSG_CLI_ERR_NOMEM
              : err->rc == OP_ERR_NOTFOUND ? MSG_ERR_NOT_FOUND
              : MSG_CLI_ERR_FAILED;
    i18n_format(cli_lang(), msg, args, OP_ERR_NARGS, out, sizeof(out));
    if (err->field[0])
        fprintf(stderr, "opora: %s: %s\n", err->field, out);
    else
        fprintf(stderr, "opora: %s\n", out);
}

int cli_fail(const struct op_err *err, op_rc rc)
{
    struct op_err e = *err;
    if (!e.rc)
        e.rc = rc;
    cli_error(&e);
    return EXIT_FAIL;
}

struct find_job {
    const char *email;
    struct arena *a;
    struct user *out;
};

static op_rc find_fn(struct store_tx *tx, void *arg)
{
    struct find_job *j = arg;
    return tx->ops->user_get_by_email(tx, j->email, j->a, j->out);
}

int cli_find_user(struct cli_env *env, const char *email, struct arena *a, struct user *out)
{
    struct find_job j = {email, a, out};
    op_rc rc = store_read(env->store, find_fn, &j);
    if (rc == OP_ERR_NOTFOUND) {
        cli_say(MSG_CLI_NO_USER, email);
        return EXIT_FAIL;
    }
    return rc ? cli_fail(&(struct op_err){0}, rc) : EXIT_OK;
}

int cli_open(struct cli_env *env, const struct config *c, bool create, bool migrate,
             bool durable)
{
    struct op_err err = {0};
    memset(env, 0, sizeof(*env));
    env->cfg = *c;
    if (!env->cfg.files_dir[0]) {
        /* beside an SQLite file; for a database server's URL, in the working
         * directory (nodes sharing one database must share it: set files_dir) */
        bool url = strstr(c->db, "://") != NULL;
        const char *path = strncmp(c->db, "sqlite:", 7) == 0 ? c->db + 7 : c->db;
        snprintf(env->cfg.files_dir, sizeof(env->cfg.files_dir), "%.1000s.files",
                 url ? "opora" : path);
    }
    if (!strcmp(c->log_level, "debug"))
        log_set_level(LOG_DEBUG);
    else if (!strcmp(c->log_level, "warn"))
        log_set_level(LOG_WARN);
    else if (!strcmp(c->log_level, "error"))
        log_set_level(LOG_ERROR);
    struct store_options opt = {.migrate = migrate, .create = create,
                                .read_connections = (int)c->read_connections,
                                .durable = durable};
    op_rc rc = store_open(c->db, &opt, &env->store, &err);
    if (rc) {
        if (!err.rc)
            op_fail(&err, rc, "db", MSG_ERR_DB_OPEN, c->db, "");
        cli_error(&err);
        return EXIT_FAIL;
    }
    struct app_config ac;
    config_app(&env->cfg, &ac);
    if ((rc = app_init(&env->app, env->store, &ac, &err))) {
        cli_error(&err);
        store_close(env->store);
        env->store = NULL;
        return EXIT_FAIL;
    }
    env->app_ready = true;
    return EXIT_OK;
}

void cli_close(struct cli_env *env)
{
    if (env->app_ready)
        app_release(&env->app);
    store_close(env->store);
    memset(env, 0, sizeof(*env));
}

/* The options every command takes: settings by name, --config and --help. */
static const struct option common[] = {
    {"config", required_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},
    {"db", required_argument, NULL, 0},
    {"listen", required_argument, NULL, 0},
    {"threads", required_argument, NULL, 0},
    {"files-dir", required_argument, NULL, 0},
    {"log-level", required_argument, NULL, 0},
};

int cli_parse(int argc, char **argv, const struct option *extra, enum msg_id usage,
              struct config *c, int (*on_opt)(int opt, const char *arg, void *ctx), void *ctx)
{
    size_t nextra = 0;
    while (extra && extra[nextra].name)
        nextra++;
    struct option *opts = calloc(ARRAY_SIZE(common) + nextra + 1, sizeof(*opts));
    if (!opts)
        return EXIT_FAIL;
    memcpy(opts, common, sizeof(common));
    if (nextra)
        memcpy(opts + ARRAY_SIZE(common), extra, nextra * sizeof(*opts));

    /* the configuration file first, so that flags override it */
    const char *config_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config_path = argv[i + 1];
        else if (!strncmp(argv[i], "--config=", 9))
            config_path = argv[i] + 9;
    }
    int status = config_load(c, config_path);
    if (status) {
        free(opts);
        return status;
    }

    optind = 1;
    opterr = 0;
    int idx, ch;
    while ((ch = getopt_long(argc, argv, "+:h", opts, &idx)) != -1) {
        if (ch == 'h') {
            cli_say(usage);
            free(opts);
            exit(EXIT_OK);
        }
        if (ch == 'c')
            continue;
        if (ch == '?' || ch == ':') {
            cli_say(ch == ':' ? MSG_CLI_MISSING_ARG : MSG_CLI_UNKNOWN_OPTION,
                    argv[optind - 1] ? argv[optind - 1] : "");
            cli_say(usage);
            free(opts);
            return EXIT_USAGE;
        }
        if (ch == 0 && idx < (int)ARRAY_SIZE(common)) {
            char name[64];
            snprintf(name, sizeof(name), "%s", opts[idx].name);
            for (char *p = name; *p; p++)
                if (*p == '-')
                    *p = '_';
            struct op_err err;
            if (config_set(c, name, optarg, &err)) {
                cli_error(&err);
                free(opts);
                return EXIT_USAGE;
            }
            continue;
        }
        int r = on_opt ? on_opt(ch, optarg, ctx) : EXIT_USAGE;
        if (r) {
            if (r == EXIT_USAGE)
                cli_say(usage);
            free(opts);
            return r;
        }
    }
    free(opts);
    return EXIT_OK;
}

bool cli_read_password(enum msg_id prompt, char *buf, size_t cap)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        cli_say(prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    bool ok = fgets(buf, (int)cap, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (!ok)
        return false;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf[0] != '\0';
}
