/* cmd_migrate_data.c - opora migrate-data --from sqlite:FILE --to
 * postgres://...: a whole installation into PostgreSQL (store/pg_copy.h). */
#include "base/common.h"

#include <getopt.h>

#include "cli/cli.h"
#include "store/pg_copy.h"

struct migrate_data_opts {
    const char *from, *to, *files_from, *files_to;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct migrate_data_opts *o = ctx;
    if (opt == 'f')
        o->from = arg;
    else if (opt == 't')
        o->to = arg;
    else if (opt == 'F')
        o->files_from = arg;
    else if (opt == 'T')
        o->files_to = arg;
    else
        return EXIT_USAGE;
    return EXIT_OK;
}

int cmd_migrate_data(int argc, char **argv)
{
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"files-from", required_argument, NULL, 'F'},
                                         {"files-to", required_argument, NULL, 'T'},
                                         {0}};
    struct migrate_data_opts o = {0};
    struct config c;
    int status = cli_parse(argc, argv, opts, MSG_CLI_USAGE_MIGRATE_DATA_FILES, &c, on_opt, &o);
    if (status) return status;
    if (!o.from || !o.to || strncmp(o.to, "postgres", 8) != 0 ||
        strncmp(o.from, "postgres", 8) == 0) {
        cli_say(MSG_CLI_USAGE_MIGRATE_DATA_FILES);
        return EXIT_USAGE;
    }
    struct op_err err = {0};
    struct store_counts n;
    struct pg_copy_files f;
    /* the files first: their copy can be repeated, the records' cannot (the
     * target must be empty), so a run cut short in the files runs again */
    char files_from[1100];
    const char *path = strncmp(o.from, "sqlite:", 7) == 0 ? o.from + 7 : o.from;
    snprintf(files_from, sizeof(files_from), "%.1000s.files", path);
    const char *files_to = o.files_to ? o.files_to : c.files_dir[0] ? c.files_dir : "opora.files";
    op_rc rc = pg_copy_files_from_sqlite(o.from, o.files_from ? o.files_from : files_from, files_to,
                                         &f, &err);
    if (!rc) rc = pg_copy_from_sqlite(o.from, o.to, &n, &err);
    if (rc) return cli_fail(&err, rc);
    char what[400];
    snprintf(what, sizeof(what),
             "users=%" PRId64 " organizations=%" PRId64 " groups=%" PRId64 " tickets=%" PRId64
             " comments=%" PRId64 " events=%" PRId64 " macros=%" PRId64 " files=%" PRId64
             " (copied=%" PRId64 " present=%" PRId64 " bytes=%" PRIu64 ") files_dir=%.100s",
             n.users, n.organizations, n.groups, n.tickets, n.comments, n.events, n.macros, f.files,
             f.copied, f.skipped, f.bytes, files_to);
    char to[256];
    pg_url_redact(o.to, to, sizeof(to));
    cli_say(MSG_CLI_MIGRATE_DATA_DONE, o.from, to, what);
    return EXIT_OK;
}
