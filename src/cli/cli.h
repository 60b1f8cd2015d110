/* cli.h - what the commands share: configuration, opening the database and
 * the app, printing translated messages.
 *
 * Each command lives in cmd_<name>.c and exports cmd_<name>(argc, argv);
 * main.c dispatches from one table (as git does). A command returns its exit
 * status: 0 success, 1 failure, 2 wrong usage. */
#ifndef OPORA_CLI_H
#define OPORA_CLI_H

#include "app/app.h"
#include "base/rc.h"
#include "i18n/i18n.h"
#include "store/store.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_env;

/* Every setting of opora: defaults, then the INI file, then OPORA_*
 * environment variables, then command-line flags. */
struct config {
    char db[1024];             /* a path, "sqlite:PATH" */
    char listen[256];          /* host:port */
    unsigned threads;
    char files_dir[1024];      /* "" = the database path + ".files" */
    char public_url[512];      /* how customers reach the server: links in mail */
    size_t body_max;
    uint64_t attachment_max;
    enum agent_scope agent_scope;
    unsigned session_ttl_min;
    bool cookie_secure;
    unsigned long long pwhash_ops; /* 0 = libsodium's interactive cost */
    size_t pwhash_mem;
    unsigned login_max_failures;
    unsigned login_window_s;
    unsigned read_connections;
    bool request_log;
    unsigned live_streams;     /* live-update streams open at once per node; 0 = none */
    char log_level[16];
    char lmtp_listen[256];     /* "" = no LMTP listener; a unix socket path or host:port */
    char lmtp_recipients[1024]; /* addresses (or @domains) the LMTP listener accepts */
    bool lmtp_allow_remote;    /* let lmtp_listen be a non-loopback address */
    unsigned lmtp_idle_timeout; /* seconds an LMTP connection may stay silent; 0 = 300 */
    unsigned lmtp_memory_mb;    /* message text all LMTP connections hold at once; 0 = 256 */
};

/* Fills c from defaults, the INI file (path, or $OPORA_CONFIG, or ./opora.ini
 * when it exists) and the environment. Prints the problem and returns
 * EXIT_USAGE on a bad file or value, else EXIT_OK. */
int config_load(struct config *c, const char *path);

/* Sets one setting by its INI name ("listen", "threads", ...) from text;
 * flags use this too. Returns OP_OK or OP_ERR_INVALID (err names it). */
op_rc config_set(struct config *c, const char *name, const char *value, struct op_err *err);

/* The app configuration that follows from c. */
void config_app(const struct config *c, struct app_config *out);

/* Prints a translated message (with args) and a newline to stderr. */
void cli_say(enum msg_id id, ...);
/* Prints err translated ("opora: <field>: <message>") to stderr. */
void cli_error(const struct op_err *err);
/* Prints err (with rc when err carries none) and returns EXIT_FAIL. */
int cli_fail(const struct op_err *err, op_rc rc);
/* Looks a user up by email (strings from a); prints a message and returns
 * EXIT_FAIL when there is none. */
int cli_find_user(struct cli_env *env, const char *email, struct arena *a, struct user *out);
/* The language of this process's messages. */
enum lang cli_lang(void);

/* Opens the store at c->db (creating and migrating as asked) and the app
 * over it; prints the error and returns EXIT_FAIL when it cannot. Release
 * with cli_close. */
struct cli_env {
    struct store *store;
    struct app app;
    bool app_ready;
    struct config cfg;
};
int cli_open(struct cli_env *env, const struct config *c, bool create, bool migrate,
             bool durable);
void cli_close(struct cli_env *env);

/* Parses the common flags (--db, --config) and the command's own long
 * options; `opts` is a getopt_long table whose entries with a `val` of 0 and
 * a NULL flag are settings by their name (e.g. "listen"). Unknown options
 * print usage (msg) and return EXIT_USAGE. Returns EXIT_OK and leaves
 * optind at the first operand. */
struct option;
int cli_parse(int argc, char **argv, const struct option *extra, enum msg_id usage,
              struct config *c, int (*on_opt)(int opt, const char *arg, void *ctx), void *ctx);

/* Reads a password from stdin (one line, no echo when it is a terminal) into
 * buf. Returns false when there was none. */
bool cli_read_password(enum msg_id prompt, char *buf, size_t cap);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_migrate_data(int argc, char **argv); /* cmd_migrate_data.c */
int cmd_version(int argc, char **argv);
int cmd_rota(int argc, char **argv);  /* cmd_rota.c: also cmd_shift */
int cmd_shift(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_mail_in(int argc, char **argv);
int cmd_mailbox(int argc, char **argv);
int cmd_kpi(int argc, char **argv);

#endif
