/* cmd_rota.c - opora rota show|set|clear and opora shift add|list: the
 * monthly rota as a grid, one agent's day, shift templates. */
#include "base/common.h"

#include <getopt.h>

#include "app/team.h"
#include "cli/cli.h"

struct rota_opts {
    const char *month, *agent, *date, *shift, *name, *start, *duration, *time_zone;
    int64_t group;
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct rota_opts *o = ctx;
    char *end;
    switch (opt) {
    case 'm': o->month = arg; return EXIT_OK;
    case 'a': o->agent = arg; return EXIT_OK;
    case 'd': o->date = arg; return EXIT_OK;
    case 's': o->shift = arg; return EXIT_OK;
    case 'n': o->name = arg; return EXIT_OK;
    case 'S': o->start = arg; return EXIT_OK;
    case 'D': o->duration = arg; return EXIT_OK;
    case 'z': o->time_zone = arg; return EXIT_OK;
    case 'g':
        o->group = strtoll(arg, &end, 10);
        if (*end || o->group <= 0) {
            cli_say(MSG_CLI_BAD_ID, "--group", arg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    return EXIT_USAGE;
}

static const struct option opts[] = {
    {"month", required_argument, NULL, 'm'},    {"agent", required_argument, NULL, 'a'},
    {"date", required_argument, NULL, 'd'},     {"shift", required_argument, NULL, 's'},
    {"group", required_argument, NULL, 'g'},    {"name", required_argument, NULL, 'n'},
    {"start", required_argument, NULL, 'S'},    {"duration", required_argument, NULL, 'D'},
    {"time-zone", required_argument, NULL, 'z'}, {0}};

static int fail_field(const char *field, enum msg_id msg)
{
    struct op_err err;
    op_fail(&err, OP_ERR_INVALID, field, msg);
    return cli_fail(&err, OP_ERR_INVALID);
}

/* ---- rota show: agents down, days across ---- */

/* The text of msg in the CLI's language. */
static void say_to(FILE *f, enum msg_id msg, const char *arg)
{
    char line[256];
    const char *args[1] = {arg};
    i18n_format(cli_lang(), msg, args, arg ? 1 : 0, line, sizeof(line));
    fprintf(f, "%s", line);
}

/* A shift's mark in the grid: its first two characters (bytes of ASCII;
 * a name in another script shows its first character). */
static void mark(const char *name, char out[8])
{
    size_t n = 0, chars = 0;
    while (name[n] && chars < 2) {
        unsigned char c = (unsigned char)name[n];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (n + len > 6)
            break;
        n += len;
        chars++;
    }
    memcpy(out, name, n);
    if (chars < 2)
        out[n++] = ' ';
    out[n] = '\0';
}

static int rota_show(struct cli_env *env, const struct rota_opts *o, struct actor *sys)
{
    struct rota_filter f = {.group_id = o->group};
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    int status = EXIT_OK;
    if (!o->month || team_parse_month(o->month, &f.from, &f.to) != OP_OK)
        return fail_field("--month", MSG_ERR_TEAM_MONTH);
    if (o->agent) {
        struct user u;
        if (cli_find_user(env, o->agent, &a, &u)) {
            arena_release(&a);
            return EXIT_FAIL;
        }
        f.agent_id = u.id;
    }
    struct rota_entry *v;
    size_t n;
    struct shift_template *shifts;
    size_t ns;
    op_rc rc = app_rota_list(&env->app, sys, &f, &a, &v, &n, &err);
    if (!rc)
        rc = app_shift_list(&env->app, sys, &a, &shifts, &ns, &err);
    if (rc) {
        arena_release(&a);
        return cli_fail(&err, rc);
    }
    say_to(stdout, MSG_CLI_ROTA_TITLE, o->month);
    printf("\n\n");
    if (!n) {
        say_to(stdout, MSG_CLI_ROTA_EMPTY, NULL);
        printf("\n");
        arena_release(&a);
        return EXIT_OK;
    }
    /* header: day numbers, weekends marked with a * below */
    int days = f.to - f.from + 1;
    printf("%-24s", "");
    for (int d = 0; d < days; d++)
        printf("%3d", d + 1);
    printf("\n%-24s", "");
    for (int d = 0; d < days; d++)
        printf("%3s", team_weekday(f.from + d) >= 5 ? "*" : "");
    printf("\n");
    /* one row per agent, in the order of their ids (entries come by date) */
    int64_t done_upto = 0;
    for (;;) {
        int64_t agent = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].agent_id > done_upto && (!agent || v[i].agent_id < agent))
                agent = v[i].agent_id;
        if (!agent)
            break;
        struct user u;
        char label[64];
        if (app_user_get(&env->app, sys, agent, &a, &u, &err) == OP_OK)
            snprintf(label, sizeof(label), "%.23s", u.email && *u.email ? u.email : u.name);
        else
            snprintf(label, sizeof(label), "#%" PRId64, agent);
        printf("%-24s", label);
        for (int d = 0; d < days; d++) {
            const char *name = NULL;
            int count = 0;
            for (size_t i = 0; i < n; i++)
                if (v[i].agent_id == agent && v[i].date == f.from + d) {
                    name = v[i].shift_name;
                    count++;
                }
            char m[8] = " .";
            if (count > 1)
                snprintf(m, sizeof(m), "++"); /* two shifts start that day */
            else if (name)
                mark(name, m);
            printf(" %s", m);
        }
        printf("\n");
        done_upto = agent;
    }
    printf("\n");
    say_to(stdout, MSG_CLI_ROTA_LEGEND, NULL);
    printf("\n");
    for (size_t i = 0; i < ns; i++) {
        char m[8], hm[6];
        mark(shifts[i].name, m);
        team_format_hhmm(shifts[i].start_min, hm);
        printf("  %s  %s  %s +%dh%02dm%s%s\n", m, shifts[i].name, hm,
               shifts[i].duration_min / 60, shifts[i].duration_min % 60,
               *shifts[i].time_zone ? "  " : "", shifts[i].time_zone);
    }
    arena_release(&a);
    return status;
}

/* ---- rota set / clear ---- */

static int rota_day(struct cli_env *env, const struct rota_opts *o, struct actor *sys, bool set)
{
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    struct user u;
    int32_t date;
    int status = EXIT_OK;
    if (!o->date || team_parse_date(o->date, &date) != OP_OK)
        return fail_field("--date", MSG_ERR_TEAM_DATE);
    if (cli_find_user(env, o->agent, &a, &u)) {
        arena_release(&a);
        return EXIT_FAIL;
    }
    /* clear: whatever starts on that day; set adds one shift to the day */
    struct rota_filter f = {.agent_id = u.id, .from = date, .to = date};
    struct rota_entry *v;
    size_t n;
    op_rc rc = OP_OK;
    if (!set) {
        if (!(rc = app_rota_list(&env->app, sys, &f, &a, &v, &n, &err)))
            for (size_t i = 0; !rc && i < n; i++)
                rc = app_rota_remove(&env->app, sys, v[i].id, &err);
    } else {
        struct rota_input in = {.agent_id = u.id, .date = date, .shift_name = o->shift};
        struct rota_entry e;
        rc = app_rota_add(&env->app, sys, &in, &a, &e, &err);
        if (rc == OP_ERR_INVALID && !strcmp(err.field, "shift")) {
            cli_say(MSG_CLI_NO_SHIFT, o->shift);
            arena_release(&a);
            return EXIT_FAIL;
        }
        if (!rc) {
            char s[32], t[32];
            time_format_iso(e.start_at, s);
            time_format_iso(e.end_at, t);
            printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", e.id, o->date, e.shift_name, s, t);
        }
    }
    if (rc)
        status = cli_fail(&err, rc);
    arena_release(&a);
    return status;
}

/* ---- shift add / list ---- */

static int shift_add(struct cli_env *env, const struct rota_opts *o, struct actor *sys)
{
    struct shift_input in = {.set = SHF_NAME | SHF_START | SHF_DURATION, .name = o->name};
    if (team_parse_hhmm(o->start, &in.start_min) != OP_OK)
        return fail_field("--start", MSG_ERR_TEAM_HHMM);
    if (team_parse_duration(o->duration, &in.duration_min) != OP_OK ||
        in.duration_min > TEAM_DAY_MIN)
        return fail_field("--duration", MSG_ERR_TEAM_DURATION);
    if (o->time_zone) {
        in.set |= SHF_TIME_ZONE;
        in.time_zone = o->time_zone;
    }
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    struct shift_template s;
    int status = EXIT_OK;
    op_rc rc = app_shift_create(&env->app, sys, &in, &a, &s, &err);
    if (rc)
        status = cli_fail(&err, rc);
    else
        printf("%" PRId64 "\t%s\n", s.id, s.name);
    arena_release(&a);
    return status;
}

static int shift_list(struct cli_env *env, struct actor *sys)
{
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    struct shift_template *v;
    size_t n;
    op_rc rc = app_shift_list(&env->app, sys, &a, &v, &n, &err);
    if (rc) {
        arena_release(&a);
        return cli_fail(&err, rc);
    }
    for (size_t i = 0; i < n; i++) {
        char hm[6];
        team_format_hhmm(v[i].start_min, hm);
        printf("%" PRId64 "\t%s\t%s\t%d\t%s\n", v[i].id, v[i].name, hm, v[i].duration_min,
               *v[i].time_zone ? v[i].time_zone : "-");
    }
    arena_release(&a);
    return EXIT_OK;
}

/* ---- dispatch ---- */

static bool is_help(int argc, char **argv)
{
    return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

static int run(int argc, char **argv, enum msg_id usage, bool rota)
{
    static const char *const rota_subs[] = {"show", "set", "clear"};
    static const char *const shift_subs[] = {"add", "list"};
    const char *const *subs = rota ? rota_subs : shift_subs;
    size_t nsubs = rota ? ARRAY_SIZE(rota_subs) : ARRAY_SIZE(shift_subs);
    if (is_help(argc, argv)) {
        cli_say(usage);
        return EXIT_OK;
    }
    size_t k = nsubs;
    for (size_t i = 0; argc >= 2 && i < nsubs; i++)
        if (!strcmp(argv[1], subs[i]))
            k = i;
    if (k == nsubs) {
        cli_say(usage);
        return EXIT_USAGE;
    }
    struct rota_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc - 1, argv + 1, opts, usage, &c, on_opt, &o);
    if (status)
        return status;
    const char *sub = subs[k];
    bool ok = rota ? (!strcmp(sub, "show") ? o.month && !(o.group && o.agent)
                      : !strcmp(sub, "set") ? o.agent && o.date && o.shift
                                            : o.agent && o.date)
                   : (!strcmp(sub, "add") ? o.name && o.start && o.duration : true);
    if (!ok) {
        cli_say(usage);
        return EXIT_USAGE;
    }
    if ((status = cli_open(&env, &c, false, false, true)))
        return status;
    struct actor sys;
    actor_system(&sys, VIA_CLI);
    sys.lang = cli_lang();
    if (rota)
        status = !strcmp(sub, "show")  ? rota_show(&env, &o, &sys)
                 : !strcmp(sub, "set") ? rota_day(&env, &o, &sys, true)
                                       : rota_day(&env, &o, &sys, false);
    else
        status = !strcmp(sub, "add") ? shift_add(&env, &o, &sys) : shift_list(&env, &sys);
    cli_close(&env);
    return status;
}

int cmd_rota(int argc, char **argv)
{
    return run(argc, argv, MSG_CLI_USAGE_ROTA, true);
}

int cmd_shift(int argc, char **argv)
{
    return run(argc, argv, MSG_CLI_USAGE_SHIFT, false);
}
