/* cmd_sla.c - opora calendar list|add|show|day, opora sla list|add: the
 * admin's business-hours calendars and SLA policies from the shell. */
#include "base/common.h"

#include <getopt.h>

#include "app/sla.h"
#include "cli/cli.h"

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

struct sla_opts {
    const char *name, *preset, *zone, *date, *day_hours, *priority, *channel;
    const char *hours[7 * 2];
    size_t n_hours;
    int64_t id, calendar, position, warn, target[SLA__METRICS];
    bool workday, calendar_time, id_set, warn_set;
};

static int number(const char *opt, const char *arg, int64_t min, int64_t max, int64_t *out)
{
    char *end, lo[24], hi[24];
    long long v = strtoll(arg, &end, 10);
    if (*end || !*arg || v < min || v > max) {
        snprintf(lo, sizeof(lo), "%" PRId64, min);
        snprintf(hi, sizeof(hi), "%" PRId64, max);
        cli_say(MSG_CLI_BAD_NUMBER, opt, arg, lo, hi);
        return EXIT_USAGE;
    }
    *out = v;
    return EXIT_OK;
}

static int on_opt(int opt, const char *arg, void *ctx)
{
    struct sla_opts *o = ctx;
    switch (opt) {
    case 'n': o->name = arg; return EXIT_OK;
    case 'p': o->preset = arg; return EXIT_OK;
    case 'z': o->zone = arg; return EXIT_OK;
    case 'd': o->date = arg; return EXIT_OK;
    case 'D': o->day_hours = arg; return EXIT_OK;
    case 'w': o->workday = true; return EXIT_OK;
    case 'P': o->priority = arg; return EXIT_OK;
    case 'C': o->channel = arg; return EXIT_OK;
    case 'T': o->calendar_time = true; return EXIT_OK;
    case 'H':
        if (o->n_hours == ARRAY_SIZE(o->hours))
            return EXIT_USAGE;
        o->hours[o->n_hours++] = arg;
        return EXIT_OK;
    case 'i': o->id_set = true; return number("--id", arg, 1, INT64_MAX, &o->id);
    case 'K': return number("--calendar", arg, 1, INT64_MAX, &o->calendar);
    case 'o': return number("--position", arg, 0, 1000000, &o->position);
    case 'W': o->warn_set = true; return number("--warn", arg, 0, 99, &o->warn);
    case 'f': return number("--first-response", arg, 0, SLA_TARGET_MAX_MIN, &o->target[0]);
    case 'x': return number("--next-response", arg, 0, SLA_TARGET_MAX_MIN, &o->target[1]);
    case 'r': return number("--resolution", arg, 0, SLA_TARGET_MAX_MIN, &o->target[2]);
    }
    return EXIT_USAGE;
}

static const struct option opts[] = {
    {"name", required_argument, NULL, 'n'},      {"preset", required_argument, NULL, 'p'},
    {"time-zone", required_argument, NULL, 'z'}, {"hours", required_argument, NULL, 'H'},
    {"id", required_argument, NULL, 'i'},        {"date", required_argument, NULL, 'd'},
    {"day-hours", required_argument, NULL, 'D'}, {"workday", no_argument, NULL, 'w'},
    {"calendar", required_argument, NULL, 'K'},  {"position", required_argument, NULL, 'o'},
    {"warn", required_argument, NULL, 'W'},      {"priority", required_argument, NULL, 'P'},
    {"channel", required_argument, NULL, 'C'},   {"calendar-time", no_argument, NULL, 'T'},
    {"first-response", required_argument, NULL, 'f'},
    {"next-response", required_argument, NULL, 'x'},
    {"resolution", required_argument, NULL, 'r'},
    {0}};

static int day_index(const char *s, size_t n)
{
    for (int d = 0; d < 7; d++)
        if (n == 3 && !strncmp(s, day_keys[d], 3))
            return d;
    return -1;
}

/* "mon-fri=09:00-13:00,14:00-18:00" or "sat=" into week. */
static op_rc parse_hours(const char *arg, struct cal_day week[7], struct op_err *err)
{
    const char *eq = strchr(arg, '=');
    int from = -1, to = -1;
    if (eq) {
        const char *dash = memchr(arg, '-', (size_t)(eq - arg));
        from = day_index(arg, (size_t)((dash ? dash : eq) - arg));
        to = dash ? day_index(dash + 1, (size_t)(eq - dash - 1)) : from;
    }
    if (from < 0 || to < from)
        return op_fail(err, OP_ERR_INVALID, "--hours", MSG_ERR_CALENDAR_SPAN);
    struct cal_day d;
    op_rc rc = cal_day_parse(eq + 1, "--hours", &d, err);
    for (int i = from; !rc && i <= to; i++)
        week[i] = d;
    return rc;
}

static int mask_of(const char *list, const char *opt, int (*parse)(const char *),
                   const char *(*names)(void), unsigned *out, struct op_err *err)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    *out = 0;
    for (char *save, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        int v = parse(p);
        if (v < 0) {
            op_fail(err, OP_ERR_INVALID, opt, MSG_ERR_ENUM, p, names());
            return EXIT_FAIL;
        }
        *out |= 1u << v;
    }
    return EXIT_OK;
}

static void print_calendar(const struct calendar_row *c, bool full)
{
    printf("%" PRId64 "\t%s\t%s\t%s\t%zu\n", c->id, c->name, c->time_zone,
           c->always ? "24x7" : "hours", c->n_exc);
    if (!full)
        return;
    for (int d = 0; d < 7; d++) {
        char day[CAL_DAY_TEXT_MAX];
        cal_day_format(&c->week[d], day);
        printf("%s\t%s\n", day_keys[d], day[0] ? day : "-");
    }
    for (size_t i = 0; i < c->n_exc; i++) {
        char date[11], hours[CAL_DAY_TEXT_MAX];
        cal_format_date(c->exc[i].date, date);
        cal_day_format(&c->exc[i].hours, hours);
        printf("%s\t%s\t%s\t%s\n", date, c->exc[i].kind == CAL_WORKDAY ? "workday" : "holiday",
               c->exc[i].kind == CAL_WORKDAY ? (hours[0] ? hours : "usual") : "-",
               cal_exception_name(&c->exc[i], cli_lang()));
    }
}

static int calendar_cmd(struct cli_env *env, const char *sub, struct sla_opts *o,
                        struct actor *sys)
{
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    op_rc rc = OP_OK;
    struct calendar_row c;
    if (!strcmp(sub, "list")) {
        struct calendar_row *v;
        size_t n;
        if (!(rc = app_calendar_list(&env->app, sys, &a, &v, &n, &err)))
            for (size_t i = 0; i < n; i++)
                print_calendar(&v[i], false);
    } else if (!strcmp(sub, "show")) {
        if (!(rc = app_calendar_get(&env->app, sys, o->id, &a, &c, &err)))
            print_calendar(&c, true);
    } else if (!strcmp(sub, "add")) {
        struct calendar_input in = {.set = CF_NAME, .name = o->name};
        if (o->preset) {
            in.set |= CF_PRESET;
            in.preset = o->preset;
        }
        if (o->zone) {
            in.set |= CF_TIME_ZONE;
            in.time_zone = o->zone;
        }
        if (o->n_hours)
            in.set |= CF_WEEK;
        for (size_t i = 0; !rc && i < o->n_hours; i++)
            rc = parse_hours(o->hours[i], in.week, &err);
        if (!rc && !(rc = app_calendar_create(&env->app, sys, &in, &a, &c, &err)))
            print_calendar(&c, false);
    } else { /* day: add or replace one dated exception */
        struct calendar_input in = {.set = CF_EXCEPTIONS};
        int32_t date;
        if (!o->date || cal_parse_date(o->date, &date)) {
            op_fail(&err, OP_ERR_INVALID, "--date", MSG_ERR_DATE);
            rc = OP_ERR_INVALID;
        } else if (!(rc = app_calendar_get(&env->app, sys, o->id, &a, &c, &err))) {
            struct cal_exception *v = arena_alloc(&a, (c.n_exc + 1) * sizeof(*v));
            size_t n = 0;
            if (!v)
                rc = OP_ERR_NOMEM;
            for (size_t i = 0; !rc && i < c.n_exc; i++)
                if (c.exc[i].date != date)
                    v[n++] = c.exc[i];
            if (!rc) {
                struct cal_exception *e = &v[n++];
                *e = (struct cal_exception){.date = date,
                                            .kind = o->workday ? CAL_WORKDAY : CAL_HOLIDAY,
                                            .name = o->name ? o->name : ""};
                if (o->day_hours)
                    rc = cal_day_parse(o->day_hours, "--day-hours", &e->hours, &err);
            }
            in.exc = v;
            in.n_exc = n;
            int64_t moved = 0;
            if (!rc && !(rc = app_calendar_update(&env->app, sys, o->id, &in, &a, &c, &moved,
                                                  &err)))
                print_calendar(&c, false);
        }
    }
    int status = rc ? cli_fail(&err, rc) : EXIT_OK;
    arena_release(&a);
    return status;
}

static void print_policy(const struct sla_policy *p)
{
    printf("%" PRId64 "\t%d\t%s\t%s", p->id, p->position, p->active ? "active" : "inactive",
           p->name);
    for (int m = 0; m < SLA__METRICS; m++)
        if (p->target[m].minutes)
            printf("\t%s=%" PRId64 "%s", sla_metric_name((enum sla_metric)m),
                   p->target[m].minutes, p->target[m].business ? "b" : "");
    printf("\n");
}

static int sla_cmd(struct cli_env *env, const char *sub, struct sla_opts *o, struct actor *sys)
{
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    op_rc rc = OP_OK;
    if (!strcmp(sub, "list")) {
        struct sla_policy *v;
        size_t n;
        if (!(rc = app_sla_policy_list(&env->app, sys, &a, &v, &n, &err)))
            for (size_t i = 0; i < n; i++)
                print_policy(&v[i]);
    } else {
        struct sla_policy_input in = {.set = PF_NAME | PF_TARGETS | PF_POSITION,
                                      .target_set = (1u << SLA__METRICS) - 1};
        in.p.name = (char *)o->name;
        in.p.position = (int)o->position;
        for (int m = 0; m < SLA__METRICS; m++)
            in.p.target[m] = (struct sla_target){o->target[m], !o->calendar_time};
        if (o->calendar) {
            in.set |= PF_CALENDAR;
            in.p.calendar_id = o->calendar;
        }
        if (o->warn_set) {
            in.set |= PF_WARN;
            in.p.warn_percent = (int)o->warn;
        }
        if (o->priority) {
            in.set |= PF_PRIORITIES;
            if (mask_of(o->priority, "--priority", priority_parse, priority_names_list,
                        &in.p.priority_mask, &err))
                rc = OP_ERR_INVALID;
        }
        if (!rc && o->channel) {
            in.set |= PF_CHANNELS;
            if (mask_of(o->channel, "--channel", channel_parse, channel_names_list,
                        &in.p.channel_mask, &err))
                rc = OP_ERR_INVALID;
        }
        struct sla_policy p;
        if (!rc && !(rc = app_sla_policy_create(&env->app, sys, &in, &a, &p, &err)))
            print_policy(&p);
    }
    int status = rc ? cli_fail(&err, rc) : EXIT_OK;
    arena_release(&a);
    return status;
}

static int run(int argc, char **argv, bool calendar, enum msg_id usage)
{
    static const char *const cal_subs[] = {"list", "add", "show", "day", NULL};
    static const char *const sla_subs[] = {"list", "add", NULL};
    const char *const *subs = calendar ? cal_subs : sla_subs;
    const char *sub = argc >= 2 ? argv[1] : "";
    bool known = false;
    for (size_t i = 0; subs[i]; i++)
        known |= !strcmp(sub, subs[i]);
    if (!known) {
        cli_say(usage);
        return !strcmp(sub, "--help") || !strcmp(sub, "-h") ? EXIT_OK : EXIT_USAGE;
    }
    struct sla_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc - 1, argv + 1, opts, usage, &c, on_opt, &o);
    if (status)
        return status;
    bool needs_id = calendar && (!strcmp(sub, "show") || !strcmp(sub, "day"));
    if ((!strcmp(sub, "add") && !o.name) || (needs_id && !o.id_set)) {
        cli_say(usage);
        return EXIT_USAGE;
    }
    if ((status = cli_open(&env, &c, false, false, true)))
        return status;
    struct actor sys;
    actor_system(&sys, VIA_CLI); /* an admin: whoever runs the CLI on the database's host */
    sys.lang = cli_lang();
    status = calendar ? calendar_cmd(&env, sub, &o, &sys) : sla_cmd(&env, sub, &o, &sys);
    cli_close(&env);
    return status;
}

int cmd_calendar(int argc, char **argv)
{
    return run(argc, argv, true, MSG_CLI_USAGE_CALENDAR);
}

int cmd_sla(int argc, char **argv)
{
    return run(argc, argv, false, MSG_CLI_USAGE_SLA);
}
