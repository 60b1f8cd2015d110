/* demo.c - the demo generator: plan every ticket's life, then replay all
 * steps in time order through the use cases with the clock set to each. */
#include "base/common.h"

#include "base/log.h"
#include "base/rng.h"
#include "base/tz.h"
#include "app/sla.h"
#include "core/calendar.h"
#include "demo/demo.h"
#include "demo/demo_data.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

const char *const demo_logins[][2] = {
    {"admin@opora.demo", "admin"},
    {"natalia.orlova@opora.demo", "lead"},
    {"anna.smirnova@opora.demo", "agent L1 (junior)"},
    {"elena.volkova@opora.demo", "agent L2 (middle)"},
    {"alexey.lebedev@opora.demo", "agent Development (senior)"},
    {"customer@opora.demo", "customer"},
    {NULL, NULL},
};

static bool chance(struct rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

/* minutes in [lo, hi], as ms */
static op_time minutes(struct rng *r, unsigned lo, unsigned hi)
{
    return (op_time)(lo + rng_below(r, hi - lo + 1)) * MIN_MS + rng_below(r, 60) * 1000;
}

/* ---- the plan ---- */

enum step_kind {
    S_CREATE, S_TRIAGE, S_REPLY, S_MACRO, S_NOTE, S_CUSTOMER_REPLY, S_PENDING, S_ESCALATE,
    S_HANDBACK, S_SOLVE, S_ANSWER, S_CLOSE, S_LINK, S_MERGE
};

/* S_MACRO's other: which of make_macros' macros (the greeting is the one
 * in the ticket's language) */
enum { MACRO_GREETING = 0, MACRO_SOLVED = 3 };

struct step {
    op_time at;
    uint32_t ticket;  /* plan index */
    uint32_t seq;     /* order within the ticket, to keep it when times tie */
    uint8_t kind;
    uint8_t text;     /* which text of its kind */
    int16_t who;      /* staff index, or -1: the requester, -2: the system */
    int32_t other;    /* a group index, another ticket, a macro index, a staff index */
};

struct planned {
    uint32_t customer;
    uint16_t tmpl;
    uint8_t channel, priority;
    int64_t id;       /* once created */
    bool closed;
    bool around_clock; /* staff act on it at any hour (see at_work) */
};

struct gen {
    struct app *app;
    const struct demo_options *o;
    struct rng r;
    struct arena a;   /* lives through the run: actors, names */
    int64_t group_ids[3];
    int64_t *staff_ids;
    struct actor *staff_actors;
    int64_t *customer_ids;
    bool *customer_ru;
    struct actor *customer_actors;
    int64_t macro_ids[4];
    struct planned *tickets;
    struct step *steps;
    size_t nsteps, capsteps;
    struct calendar cal; /* the hours staff work: the SLA policies' calendar */
    op_time clock;
    op_time fired_at;  /* SLA timers fired up to here, as the replay goes */
    struct demo_summary *sum;
    struct op_err *err;
};

static op_time demo_clock(void *ctx)
{
    return ((struct gen *)ctx)->clock;
}

static op_rc add_step(struct gen *g, op_time at, uint32_t ticket, uint32_t *seq,
                      enum step_kind kind, int who, int other)
{
    if (at > g->o->now)
        return OP_OK; /* the future has not happened yet */
    if (g->nsteps == g->capsteps) {
        size_t cap = g->capsteps ? g->capsteps * 2 : 1024;
        struct step *s = realloc(g->steps, cap * sizeof(*s));
        if (!s)
            return OP_ERR_NOMEM;
        g->steps = s;
        g->capsteps = cap;
    }
    g->steps[g->nsteps++] = (struct step){at, ticket, (*seq)++, (uint8_t)kind,
                                          (uint8_t)rng_below(&g->r, 8), (int16_t)who, other};
    return OP_OK;
}

/* staff indexes by group bit */
static int pick_staff(struct gen *g, unsigned group_bit, enum staff_level level)
{
    int found[32], n = 0;
    for (size_t i = 0; i < demo_staff_count && n < 32; i++)
        if (demo_staff[i].role == ROLE_AGENT && (demo_staff[i].groups & group_bit) &&
            (level == LEVEL_NONE || demo_staff[i].level == level))
            found[n++] = (int)i;
    return n ? found[rng_below(&g->r, (size_t)n)] : 1;
}

/* ---- when people act ---- */

/* The moment `ms` of work after t. Staff work the hours of the SLA calendar
 * (Moscow 5/2 with the Russian holidays, g->cal): the KPI and SLA clocks
 * run on that calendar, so a team that answered at night would show a
 * business-time response of zero. Tickets worked around the clock (urgent
 * ones, whose policy is 24/7, and a few taken by whoever is on duty) go on
 * calendar time. */
static op_time at_work(const struct gen *g, const struct planned *p, op_time t, op_time ms)
{
    if (p->around_clock)
        return t + ms;
    op_time w = cal_add(&g->cal, t, ms);
    return w == OP_TIME_NEVER ? t + ms : w;
}

/* The first response, in working time from creation: mostly well inside
 * the targets of make_sla (30 min urgent, 1 h high, 4 h standard), with a
 * tail that breaches them. */
static op_time first_response_delay(struct rng *r, unsigned priority)
{
    unsigned d = rng_below(r, 100);
    if (priority == PRIO_URGENT)
        return d < 85 ? minutes(r, 3, 25) : minutes(r, 25, 90);
    if (priority == PRIO_HIGH)
        return d < 70 ? minutes(r, 5, 40) : d < 92 ? minutes(r, 40, 75) : minutes(r, 75, 240);
    return d < 45 ? minutes(r, 5, 60) : d < 80 ? minutes(r, 60, 180)
         : d < 94 ? minutes(r, 180, 300) : minutes(r, 300, 960);
}

/* From the last reply to the solve of a ticket that took more than one
 * contact, in working time: mostly the same or the next day, some a week or
 * more (a fix to wait for), so the team has a backlog at any moment. */
static op_time solve_delay(struct rng *r)
{
    unsigned d = rng_below(r, 100);
    return d < 55 ? minutes(r, 30, 480) : d < 85 ? minutes(r, 480, 2400) : minutes(r, 2400, 7200);
}

/* ---- the life of one ticket ---- */

/* The ways a ticket goes, as cumulative percentages of tickets (what a
 * first-line team sees; the rest are escalated): most are answered and
 * solved in one reply, which with the reopens gives a first-contact
 * resolution of about 60 %. */
enum { PATH_FIRST_CONTACT = 64, PATH_NEEDS_INFO = 76, PATH_CONVERSATION = 86 };

#define STEP(at, kind, who, other)                                                              \
    do {                                                                                        \
        if ((rc = add_step(g, (at), i, &seq, (kind), (who), (other))))                          \
            return rc;                                                                          \
    } while (0)

/* A staff reply that is not the solution: the greeting macro or a text. */
static op_rc acknowledge(struct gen *g, uint32_t i, uint32_t *seq, op_time t, int who)
{
    bool macro = chance(&g->r, 35);
    return add_step(g, t, i, seq, macro ? S_MACRO : S_REPLY, who, MACRO_GREETING);
}

/* Escalation from L1 to L2, sometimes on to Development and back,
 * sometimes bounced back to L1; a ticket L2 took itself goes to Development.
 * *owner: who has the ticket, before and after; *t_io: the time of the last
 * step. */
static op_rc escalate(struct gen *g, struct planned *p, uint32_t i, uint32_t *seq_io,
                      op_time *t_io, int *owner, bool at_l2)
{
    struct rng *r = &g->r;
    uint32_t seq = *seq_io;
    op_time t = *t_io;
    op_rc rc;
    int taker = *owner;
    if (!at_l2) {
        int l2 = pick_staff(g, 2, LEVEL_MIDDLE);
        t = at_work(g, p, t, minutes(r, 10, 240));
        STEP(t, S_ESCALATE, taker, l2);
        *owner = l2;
        t = at_work(g, p, t, minutes(r, 20, 480));
        STEP(t, S_REPLY, l2, 0);
    }
    if (at_l2 || chance(r, 30)) {
        int dev = pick_staff(g, 4, LEVEL_SENIOR);
        t = at_work(g, p, t, minutes(r, 60, 960));
        STEP(t, S_ESCALATE, *owner, dev);
        t = at_work(g, p, t, minutes(r, 30, 300));
        STEP(t, S_NOTE, dev, 0); /* what they found, before they hand it back */
        t = at_work(g, p, t, minutes(r, 240, 2400));
        STEP(t, S_HANDBACK, dev, 0); /* back to the L2 agent who sent it */
    }
    if (!at_l2 && chance(r, 15)) { /* a bounce back to L1 */
        t = at_work(g, p, t, minutes(r, 10, 300));
        STEP(t, S_HANDBACK, *owner, 0);
        *owner = taker;
    }
    *seq_io = seq;
    *t_io = t;
    return OP_OK;
}

/* The life of one ticket. Times only move forward; steps after now are not
 * taken, so recent tickets are still open. Customers write at any hour;
 * staff act in working time (at_work). */
static op_rc plan_ticket(struct gen *g, uint32_t i, op_time t)
{
    struct rng *r = &g->r;
    struct planned *p = &g->tickets[i];
    uint32_t seq = 0;
    op_rc rc;
    /* now and then a customer writes again about the same thing: a
     * duplicate that the team lead merges into the first ticket */
    int dup_of = i > 10 && chance(r, 2) ? (int)(i - 1 - rng_below(r, 10)) : -1;
    if (dup_of >= 0) {
        p->customer = g->tickets[dup_of].customer;
        p->tmpl = g->tickets[dup_of].tmpl;
    } else {
        p->customer = rng_below(r, g->o->customers);
        /* a template in the customer's language */
        do
            p->tmpl = (uint16_t)rng_below(r, demo_templates_count);
        while (demo_templates[p->tmpl].ru != g->customer_ru[p->customer]);
    }
    static const uint8_t channels[] = {CH_EMAIL, CH_EMAIL, CH_EMAIL, CH_EMAIL, CH_CHAT, CH_CHAT,
                                       CH_WEB,   CH_WEB,   CH_PHONE, CH_TELEGRAM, CH_TELEGRAM,
                                       CH_API};
    p->channel = channels[rng_below(r, sizeof(channels))];
    static const uint8_t prios[] = {PRIO_LOW, PRIO_LOW, PRIO_NORMAL, PRIO_NORMAL, PRIO_NORMAL,
                                    PRIO_NORMAL, PRIO_NORMAL, PRIO_HIGH, PRIO_HIGH, PRIO_URGENT};
    p->priority = prios[rng_below(r, sizeof(prios))];
    p->around_clock = p->priority == PRIO_URGENT || chance(r, 4);
    /* nobody takes calls out of hours: those customers write instead */
    if (p->channel == CH_PHONE && !p->around_clock && !cal_is_working(&g->cal, t))
        p->channel = CH_EMAIL;
    bool phone = p->channel == CH_PHONE;

    /* second-line questions (some of the high and urgent ones) go straight to
     * L2, so its agents have first contacts of their own too */
    bool to_l2 = !phone && p->priority >= PRIO_HIGH && chance(r, 30);
    int owner = to_l2 ? pick_staff(g, 2, LEVEL_MIDDLE) : pick_staff(g, 1, LEVEL_JUNIOR);
    op_time created = t;
    STEP(t, S_CREATE, phone ? owner : -1, 0);
    /* the first response counts from creation; triage comes before it */
    op_time fr = first_response_delay(r, p->priority);
    if (!phone)
        STEP(at_work(g, p, created, fr * (10 + rng_below(r, 50)) / 100), S_TRIAGE, owner,
             to_l2 ? 1 : 0);
    t = at_work(g, p, created, fr);
    if (dup_of >= 0) /* the team lead sees every group */
        return add_step(g, t, i, &seq, S_MERGE, 1, dup_of);

    unsigned path = rng_below(r, 100);
    if (path < PATH_FIRST_CONTACT) {
        /* answered and solved in one reply; a call is often wrapped up with
         * the English "solved" macro */
        if (phone && !demo_templates[p->tmpl].ru && chance(r, 50))
            STEP(t, S_MACRO, owner, MACRO_SOLVED);
        else
            STEP(t, S_ANSWER, owner, 0);
    } else if (path < PATH_NEEDS_INFO) {
        /* asks for details; the customer sends them, some only days later */
        STEP(t, S_PENDING, owner, 0);
        unsigned d = rng_below(r, 100);
        t += d < 40   ? minutes(r, 20, 480)
             : d < 75 ? minutes(r, 480, 4320)
                      : minutes(r, 4320, 14400);
        STEP(t, S_CUSTOMER_REPLY, -1, 0);
        /* not solved at once: the agent answers the customer meanwhile */
        op_time solve = solve_delay(r);
        if (solve > 240 * MIN_MS)
            STEP(at_work(g, p, t, minutes(r, 5, 180)), S_REPLY, owner, 0);
        t = at_work(g, p, t, solve);
        STEP(t, S_SOLVE, owner, 0);
    } else {
        if ((rc = acknowledge(g, i, &seq, t, owner)))
            return rc;
        if (chance(r, 25)) { /* before anything else: an escalation hides it from them */
            t = at_work(g, p, t, minutes(r, 1, 20));
            STEP(t, S_NOTE, owner, 0);
        }
        if (path < PATH_CONVERSATION) {
            /* a conversation of a round or two */
            for (unsigned k = 1 + rng_below(r, 2); k > 0; k--) {
                t += minutes(r, 30, 1440);
                STEP(t, S_CUSTOMER_REPLY, -1, 0);
                t = at_work(g, p, t, minutes(r, 5, 240));
                STEP(t, S_REPLY, owner, 0);
            }
        } else if ((rc = escalate(g, p, i, &seq, &t, &owner, to_l2))) {
            return rc;
        }
        t = at_work(g, p, t, solve_delay(r));
        STEP(t, S_SOLVE, owner, 0);
    }
    /* related tickets: the team lead links one of the tickets just before */
    if (i > 10 && chance(r, 2))
        STEP(at_work(g, p, t, minutes(r, 1, 60)), S_LINK, 1, (int)(i - 1 - rng_below(r, 10)));
    /* the problem comes back: the customer's reply reopens it */
    if (chance(r, 7)) {
        t += minutes(r, 60, 4320);
        STEP(t, S_CUSTOMER_REPLY, -1, 0);
        t = at_work(g, p, t, minutes(r, 10, 480));
        STEP(t, S_SOLVE, owner, 0);
    }
    /* closed by the system four days after the solve */
    t += 4 * DAY_MS + minutes(r, 0, 600);
    return add_step(g, t, i, &seq, S_CLOSE, -2, 0);
}

#undef STEP

static int time_cmp(const void *a, const void *b)
{
    op_time x = *(const op_time *)a, y = *(const op_time *)b;
    return x < y ? -1 : x > y;
}

static int step_cmp(const void *a, const void *b)
{
    const struct step *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->ticket != y->ticket)
        return x->ticket < y->ticket ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- making the people ---- */

static op_rc make_people(struct gen *g)
{
    struct app *app = g->app;
    struct actor sys;
    struct op_err *err = g->err;
    op_rc rc;
    actor_system(&sys, VIA_CLI);
    struct arena *a = &g->a;

    static const char *const gnames[3] = {"L1", "L2", "Development"};
    static const char *const gdesc[3] = {"Первая линия поддержки / First line",
                                         "Вторая линия поддержки / Second line",
                                         "Разработка — технический отдел / Engineering"};
    g->staff_ids = arena_alloc(a, demo_staff_count * sizeof(int64_t));
    g->staff_actors = arena_alloc(a, demo_staff_count * sizeof(struct actor));
    if (!g->staff_ids || !g->staff_actors)
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < demo_staff_count; i++) {
        const struct demo_staff *d = &demo_staff[i];
        struct user_input in = {.set = UF_NAME | UF_EMAIL | UF_ROLE | UF_LEVEL | UF_LANGUAGE |
                                       UF_PASSWORD | UF_TIME_ZONE,
                                .name = d->name, .email = d->email, .role = d->role,
                                .level = d->level, .language = d->lang,
                                .password = g->o->password, .time_zone = "Europe/Moscow"};
        struct user u;
        if ((rc = app_user_create(app, &sys, &in, a, &u, err)))
            return rc;
        g->staff_ids[i] = u.id;
    }
    for (int k = 0; k < 3; k++) {
        struct group_input in = {.set = GF_NAME | GF_TIER | GF_DESCRIPTION | GF_MEMBERS,
                                 .name = gnames[k], .tier = (enum group_tier)k,
                                 .description = gdesc[k]};
        in.members.v = arena_alloc(a, demo_staff_count * sizeof(int64_t));
        if (!in.members.v)
            return OP_ERR_NOMEM;
        for (size_t i = 0; i < demo_staff_count; i++)
            if (demo_staff[i].groups & (1u << k))
                in.members.v[in.members.n++] = g->staff_ids[i];
        struct group gr;
        if ((rc = app_group_create(app, &sys, &in, a, &gr, err)))
            return rc;
        g->group_ids[k] = gr.id;
        g->sum->groups++;
    }
    g->sum->staff = (unsigned)demo_staff_count;

    /* organizations: half Russian, half English */
    unsigned norgs = g->o->organizations;
    int64_t *org_ids = arena_alloc(a, (norgs + 1) * sizeof(int64_t));
    bool *org_ru = arena_alloc(a, (norgs + 1) * sizeof(bool));
    if (!org_ids || !org_ru)
        return OP_ERR_NOMEM;
    for (unsigned i = 0; i < norgs; i++) {
        bool ru = i % 2 == 0;
        size_t k = i / 2;
        const char *base = ru ? demo_orgs_ru[k % demo_orgs_ru_count]
                              : demo_orgs_en[k % demo_orgs_en_count];
        size_t round = k / (ru ? demo_orgs_ru_count : demo_orgs_en_count);
        char *name = round ? arena_printf(a, "%s %zu", base, round + 1) : (char *)base;
        char *domain = arena_printf(a, "%s%u.example", ru ? "ru-client" : "client", i + 1);
        if (!name || !domain)
            return OP_ERR_NOMEM;
        struct org_input in = {.set = OF_NAME | OF_DOMAINS | OF_SHARED, .name = name,
                               .domains = domain, .shared_tickets = i % 5 == 0};
        struct organization o;
        if ((rc = app_org_create(app, &sys, &in, a, &o, err)))
            return rc;
        org_ids[i] = o.id;
        org_ru[i] = ru;
    }
    g->sum->organizations = norgs;

    /* customers: most in an organization, speaking its language */
    unsigned nc = g->o->customers;
    g->customer_ids = arena_alloc(a, nc * sizeof(int64_t));
    g->customer_ru = arena_alloc(a, nc * sizeof(bool));
    g->customer_actors = arena_alloc(a, nc * sizeof(struct actor));
    if (!g->customer_ids || !g->customer_ru || !g->customer_actors)
        return OP_ERR_NOMEM;
    for (unsigned i = 0; i < nc; i++) {
        int org = chance(&g->r, 85) && norgs ? (int)rng_below(&g->r, norgs) : -1;
        bool ru = org >= 0 ? org_ru[org] : chance(&g->r, 60);
        unsigned f = rng_below(&g->r, 15), l = rng_below(&g->r, 15);
        char *name, *email;
        if (ru) {
            /* women's surnames take -а: Иванова, Воробьёва */
            bool woman = f % 2 == 1;
            name = arena_printf(a, "%s %s%s", demo_first_ru[f], demo_last_ru[l], woman ? "а" : "");
            email = arena_printf(a, "%s.%s%s.%u@%s", demo_translit_first[f], demo_translit_last[l],
                                 woman ? "a" : "", i + 1,
                                 org >= 0 ? arena_printf(a, "ru-client%d.example", org + 1)
                                          : "mail.example");
        } else {
            name = arena_printf(a, "%s %s", demo_first_en[f], demo_last_en[l]);
            email = arena_printf(a, "%s.%s.%u@%s", demo_first_en[f], demo_last_en[l], i + 1,
                                 org >= 0 ? arena_printf(a, "client%d.example", org + 1)
                                          : "mail.example");
            for (char *p = email; p && *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
        }
        if (i == 0) /* the portal's demo login */
            email = "customer@opora.demo";
        if (!name || !email)
            return OP_ERR_NOMEM;
        struct user_input in = {.set = UF_NAME | UF_EMAIL | UF_LANGUAGE, .name = name,
                                .email = email, .language = ru ? "ru" : "en"};
        if (org >= 0) {
            in.set |= UF_ORGANIZATION;
            in.organization_id = org_ids[org];
        }
        if (i == 0) {
            in.set |= UF_PASSWORD;
            in.password = g->o->password;
        }
        if (chance(&g->r, 30)) {
            in.set |= UF_PHONE;
            in.phone = arena_printf(a, "+7 9%02u %03u-%02u-%02u", rng_below(&g->r, 100),
                                    rng_below(&g->r, 1000), rng_below(&g->r, 100), rng_below(&g->r, 100));
        }
        struct user u;
        if ((rc = app_user_create(app, &sys, &in, a, &u, err)))
            return rc;
        g->customer_ids[i] = u.id;
        g->customer_ru[i] = ru;
    }
    g->sum->customers = nc;

    /* the actors every step acts as */
    for (size_t i = 0; i < demo_staff_count; i++)
        if ((rc = app_actor_for_user(app, g->staff_ids[i], VIA_WEB, a, &g->staff_actors[i], err)))
            return rc;
    for (unsigned i = 0; i < nc; i++)
        if ((rc = app_actor_for_user(app, g->customer_ids[i], VIA_WEB, a, &g->customer_actors[i],
                                     err)))
            return rc;
    return OP_OK;
}

static op_rc make_macros(struct gen *g)
{
    struct actor sys;
    actor_system(&sys, VIA_CLI);
    static struct macro_action greet_ru[] = {
        {MA_PUBLIC_REPLY,
         "Здравствуйте, {{ticket.requester.first_name}}!\n\nМеня зовут {{current_user.first_name}}, "
         "я занимаюсь вашим обращением №{{ticket.id}} «{{ticket.subject}}». Вернусь с ответом "
         "в ближайшее время.",
         NULL},
        {MA_SET_STATUS, "open", NULL},
    };
    static struct macro_action greet_en[] = {
        {MA_PUBLIC_REPLY,
         "Hello {{ticket.requester.first_name}},\n\nI am {{current_user.first_name}} and I am "
         "working on your request #{{ticket.id}} \"{{ticket.subject}}\". I will get back to you "
         "shortly.",
         NULL},
        {MA_SET_STATUS, "open", NULL},
    };
    static struct macro_action ask_ru[] = {
        {MA_PUBLIC_REPLY,
         "{{ticket.requester.first_name}}, чтобы разобраться, пришлите, пожалуйста, скриншот "
         "ошибки и точное время, когда она возникла.",
         NULL},
        {MA_SET_STATUS, "pending", NULL},
        {MA_ADD_TAGS, "need_info", NULL},
    };
    static struct macro_action solved_en[] = {
        {MA_PUBLIC_REPLY,
         "Glad we could help, {{ticket.requester.first_name}}! If anything else comes up, just "
         "reply to this message.\n\n{{current_user.name}}",
         NULL},
        {MA_SET_STATUS, "solved", NULL},
        {MA_ADD_TAGS, "solved_by_macro", NULL},
    };
    struct {
        const char *name, *desc;
        struct macro_action *acts;
        size_t n;
    } defs[4] = {
        {"Приветствие", "Первый ответ клиенту на русском", greet_ru, ARRAY_SIZE(greet_ru)},
        {"Greeting", "First reply to a customer in English", greet_en, ARRAY_SIZE(greet_en)},
        {"Запрос информации", "Просим скриншот и ждём клиента", ask_ru, ARRAY_SIZE(ask_ru)},
        {"Solved, thanks", "Closing reply in English, marks solved", solved_en,
         ARRAY_SIZE(solved_en)},
    };
    for (int i = 0; i < 4; i++) {
        struct macro_input in = {.set = MF_NAME | MF_DESCRIPTION | MF_ACTIONS,
                                 .name = defs[i].name, .description = defs[i].desc,
                                 .actions = defs[i].acts, .n_actions = defs[i].n};
        struct macro m;
        op_rc rc = app_macro_create(g->app, &sys, &in, &g->a, &m, g->err);
        if (rc)
            return rc;
        g->macro_ids[i] = m.id;
    }
    g->sum->macros = 4;
    return OP_OK;
}

/* ---- SLA: the Russian production calendar and three policies ---- */

static op_rc make_sla(struct gen *g)
{
    struct actor sys;
    actor_system(&sys, VIA_SYSTEM);
    struct calendar_input ci = {.set = CF_NAME | CF_PRESET, .name = "Москва, 5/2",
                                .preset = "ru-production"};
    struct calendar_row cal;
    op_rc rc = app_calendar_create(g->app, &sys, &ci, &g->a, &cal, g->err);
    if (rc)
        return rc;
    static const struct {
        const char *name;
        unsigned priorities;
        int64_t fr, nr, rs;
        bool business;
        unsigned actions;
    } pol[] = {
        /* urgent: around the clock; the others in Moscow business hours */
        {"Urgent / Срочные", 1u << PRIO_URGENT, 30, 60, 240, false,
         SLA_ACT_NOTIFY_ASSIGNEE | SLA_ACT_NOTIFY_LEAD},
        {"High / Высокий", 1u << PRIO_HIGH, 60, 120, 960, true,
         SLA_ACT_NOTIFY_ASSIGNEE | SLA_ACT_NOTIFY_LEAD},
        {"Standard / Обычные", 0, 240, 480, 2400, true, SLA_ACT_NOTIFY_ASSIGNEE},
    };
    for (size_t i = 0; i < ARRAY_SIZE(pol); i++) {
        struct sla_policy_input in = {
            .set = PF_NAME | PF_POSITION | PF_PRIORITIES | PF_TARGETS | PF_CALENDAR |
                   PF_ACTIONS,
            .target_set = (1u << SLA__METRICS) - 1};
        in.p.name = (char *)pol[i].name;
        in.p.position = (int)i;
        in.p.priority_mask = pol[i].priorities;
        in.p.target[SLA_FIRST_RESPONSE] = (struct sla_target){pol[i].fr, pol[i].business};
        in.p.target[SLA_NEXT_RESPONSE] = (struct sla_target){pol[i].nr, pol[i].business};
        in.p.target[SLA_RESOLUTION] = (struct sla_target){pol[i].rs, pol[i].business};
        in.p.calendar_id = cal.id;
        in.p.actions = pol[i].actions;
        struct sla_policy p;
        if ((rc = app_sla_policy_create(g->app, &sys, &in, &g->a, &p, g->err)))
            return rc;
    }
    return OP_OK;
}

/* ---- replaying the plan ---- */

static const char *text(const char *const (*texts)[2], size_t n, unsigned k, bool ru)
{
    return texts[k % n][ru ? 1 : 0];
}

static op_rc run_step(struct gen *g, const struct step *s, struct arena *a)
{
    struct planned *p = &g->tickets[s->ticket];
    const struct demo_template *tp = &demo_templates[p->tmpl];
    bool ru = tp->ru;
    struct op_err err = {0};
    struct ticket t;
    op_rc rc = OP_OK;
    g->clock = s->at;
    if (s->kind != S_CREATE && (!p->id || p->closed))
        return OP_ERR_CONFLICT;
    struct actor *who = s->who >= 0 ? &g->staff_actors[s->who]
                                    : &g->customer_actors[p->customer];
    struct actor sys;
    if (s->who == -2) {
        actor_system(&sys, VIA_SYSTEM);
        who = &sys;
    }
    int l1 = s->who;
    switch (s->kind) {
    case S_CREATE: {
        struct ticket_create c = {0};
        c.in.set = TF_SUBJECT | TF_DESCRIPTION | TF_TYPE;
        c.in.subject = tp->subject;
        c.in.description = tp->description;
        c.in.type = tp->type;
        enum via via = p->channel == CH_EMAIL      ? VIA_EMAIL
                       : p->channel == CH_CHAT     ? VIA_CHAT
                       : p->channel == CH_TELEGRAM ? VIA_TELEGRAM
                       : p->channel == CH_API      ? VIA_API
                       : p->channel == CH_PHONE    ? VIA_PHONE
                                                   : VIA_WEB;
        struct actor as = *who;
        as.via = via;
        if (s->who >= 0) { /* a phone call, logged by the agent who took it */
            c.in.set |= TF_REQUESTER | TF_CHANNEL | TF_GROUP | TF_ASSIGNEE | TF_PRIORITY | TF_TAGS;
            c.in.requester_id = g->customer_ids[p->customer];
            c.in.channel = CH_PHONE;
            c.in.group_id = g->group_ids[0];
            c.in.assignee_id = g->staff_ids[l1];
            c.in.priority = p->priority;
            c.in.tags.v = (char **)&tp->tag;
            c.in.tags.n = 1;
        }
        rc = app_ticket_create(g->app, &as, &c, a, &t, &err);
        if (!rc)
            p->id = t.id;
        break;
    }
    case S_TRIAGE: {
        struct ticket_input in = {.set = TF_GROUP | TF_ASSIGNEE | TF_PRIORITY | TF_ADD_TAGS,
                                  .group_id = g->group_ids[s->other], .assignee_id = who->id,
                                  .priority = p->priority};
        in.add_tags.v = (char **)&tp->tag;
        in.add_tags.n = 1;
        rc = app_ticket_update(g->app, who, p->id, &in, NULL, a, &t, NULL, &err);
        break;
    }
    case S_REPLY:
    case S_NOTE:
    case S_CUSTOMER_REPLY: {
        struct comment_input c = {.public = s->kind != S_NOTE};
        c.body = (char *)(s->kind == S_REPLY  ? text(demo_replies, demo_replies_count, s->text, ru)
                          : s->kind == S_NOTE ? text(demo_notes, demo_notes_count, s->text, ru)
                                              : text(demo_customer_replies,
                                                     demo_customer_replies_count, s->text, ru));
        struct comment cm;
        rc = app_comment_add(g->app, who, p->id, &c, a, &cm, &err);
        break;
    }
    case S_MACRO: {
        struct comment *cs;
        size_t n;
        int64_t macro = s->other == MACRO_SOLVED ? g->macro_ids[MACRO_SOLVED]
                                                 : g->macro_ids[ru ? 0 : 1];
        rc = app_macro_apply(g->app, who, p->id, macro, false, a, &t, &cs, &n, &err);
        break;
    }
    case S_PENDING: {
        struct ticket_input in = {.set = TF_STATUS, .status = STATUS_PENDING};
        struct comment_input c = {
            .body = text(demo_pending_asks, demo_pending_asks_count, s->text, ru), .public = true};
        struct comment cm;
        rc = app_ticket_update(g->app, who, p->id, &in, &c, a, &t, &cm, &err);
        break;
    }
    case S_ESCALATE: {
        int target = demo_staff[s->other].groups & 2 && demo_staff[s->other].level == LEVEL_MIDDLE
                         ? 1
                         : 2;
        rc = app_ticket_escalate(g->app, who, p->id, g->group_ids[target], g->staff_ids[s->other],
                                 text(demo_escalation_reasons, demo_escalation_reasons_count,
                                      s->text, ru),
                                 a, &t, &err);
        break;
    }
    case S_HANDBACK:
        rc = app_ticket_handback(g->app, who, p->id, 0,
                                 text(demo_handback_reasons, demo_handback_reasons_count, s->text,
                                      ru),
                                 a, &t, &err);
        break;
    case S_SOLVE:
    case S_ANSWER: { /* the answer that solves it at once, or the closing words */
        struct ticket_input in = {.set = TF_STATUS, .status = STATUS_SOLVED};
        struct comment_input c = {
            .body = s->kind == S_ANSWER ? text(demo_answers, demo_answers_count, s->text, ru)
                                        : text(demo_solutions, demo_solutions_count, s->text, ru),
            .public = true};
        struct comment cm;
        rc = app_ticket_update(g->app, who, p->id, &in, &c, a, &t, &cm, &err);
        break;
    }
    case S_CLOSE: {
        struct ticket_input in = {.set = TF_STATUS, .status = STATUS_CLOSED};
        rc = app_ticket_update(g->app, who, p->id, &in, NULL, a, &t, NULL, &err);
        if (!rc)
            p->closed = true;
        break;
    }
    case S_LINK:
    case S_MERGE: {
        struct planned *o = &g->tickets[s->other];
        if (!o->id || o->closed)
            return OP_ERR_CONFLICT;
        if (s->kind == S_LINK) {
            struct link l;
            rc = app_link_add(g->app, who, p->id, LV_RELATED, o->id, a, &l, &err);
        } else {
            struct id_list src = {&p->id, 1};
            rc = app_ticket_merge(g->app, who, o->id, &src, a, &t, &err);
            if (!rc)
                p->closed = true;
        }
        break;
    }
    }
    if (rc && rc != OP_ERR_NOMEM && rc != OP_ERR_IO)
        log_debug("msg=\"demo step refused\" kind=%d ticket=%" PRId64 " rc=%s field=%s", s->kind,
                  p->id, op_rc_name(rc), err.field);
    return rc;
}

struct chunk {
    struct gen *g;
    size_t from, to;
};

static op_rc chunk_fn(struct store_tx *tx, void *arg)
{
    struct chunk *c = arg;
    struct gen *g = c->g;
    op_rc rc = OP_OK;
    g->app->batch_tx = tx;
    for (size_t i = c->from; i < c->to; i++) {
        struct arena a = ARENA_INIT(0);
        /* the SLA timers fire as time goes by, as the server's job would */
        if (g->steps[i].at >= g->fired_at + 60000) {
            g->clock = g->steps[i].at;
            if ((rc = sla_fire_due(g->app, g->clock, NULL)))
                break;
            g->fired_at = g->clock;
        }
        op_rc r = run_step(g, &g->steps[i], &a);
        arena_release(&a);
        if (r == OP_ERR_NOMEM || r == OP_ERR_IO) {
            rc = r;
            break;
        }
        if (r)
            g->sum->skipped++;
        else
            g->sum->operations++;
    }
    g->app->batch_tx = NULL;
    return rc;
}

op_rc demo_generate(struct app *app, const struct demo_options *o, struct demo_summary *out,
                    struct op_err *err)
{
    struct gen g = {.app = app, .o = o, .r = {o->seed}, .sum = out, .err = err};
    op_rc rc;
    memset(out, 0, sizeof(*out));
    arena_init(&g.a, 0);
    op_time (*saved_clock)(void *) = app->clock;
    void *saved_ctx = app->clock_ctx;
    app->clock = demo_clock;
    app->clock_ctx = &g;

    const struct tz *moscow;
    if ((rc = tz_load("Europe/Moscow", &moscow)) ||
        (rc = cal_preset("ru-production", moscow, &g.cal)))
        goto end;
    op_time span = (op_time)o->days * DAY_MS;
    op_time start = o->now - span;
    g.clock = start - DAY_MS; /* people and settings exist before the first ticket */
    if ((rc = make_people(&g)) || (rc = make_macros(&g)) || (rc = make_sla(&g)))
        goto end;
    g.tickets = calloc(o->tickets, sizeof(*g.tickets));
    if (!g.tickets) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    /* creation times first, in order, so that "the tickets just before this
     * one" are the ones that came in just before it */
    op_time *created = calloc(o->tickets, sizeof(op_time));
    if (!created) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (uint32_t i = 0; i < o->tickets; i++) {
        /* mostly in the daytime (Moscow, UTC+3) */
        op_time t = start + (op_time)(rng_next(&g.r) % (uint64_t)span);
        int hour = (int)(((t / HOUR_MS) + 3) % 24);
        if ((hour < 8 || hour > 21) && chance(&g.r, 70))
            t = t - (t % DAY_MS) + (op_time)(6 + rng_below(&g.r, 12)) * HOUR_MS +
                rng_below(&g.r, 3600) * 1000;
        created[i] = MIN(MAX(t, start), o->now - 1);
    }
    qsort(created, o->tickets, sizeof(op_time), time_cmp);
    for (uint32_t i = 0; i < o->tickets && !rc; i++)
        rc = plan_ticket(&g, i, created[i]);
    free(created);
    if (rc)
        goto end;
    qsort(g.steps, g.nsteps, sizeof(*g.steps), step_cmp);
    size_t batch = o->batch ? o->batch : 2000;
    for (size_t i = 0; i < g.nsteps; i += batch) {
        struct chunk c = {&g, i, MIN(i + batch, g.nsteps)};
        if ((rc = store_write(app->store, chunk_fn, &c)))
            goto end;
        if (o->progress)
            o->progress((unsigned)c.to, (unsigned)g.nsteps, o->progress_ctx);
    }
    g.clock = o->now; /* what fell due after the last step */
    if ((rc = sla_fire_due(app, o->now, NULL)))
        goto end;
    for (uint32_t i = 0; i < o->tickets; i++)
        out->tickets += g.tickets[i].id != 0;
end:
    app->clock = saved_clock;
    app->clock_ctx = saved_ctx;
    free(g.steps);
    free(g.tickets);
    arena_release(&g.a);
    if (rc && !err->rc)
        err->rc = rc;
    return rc;
}
