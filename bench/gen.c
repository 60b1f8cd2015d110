/* gen.c - the benchmark dataset: a big helpdesk written straight through the
 * storage interface (no SQL here, and not through the use cases: this is a
 * bulk loader, so it writes the final state of every ticket together with
 * the events that would have led to it).
 *
 *   build/bench/gen --db bench.db [--tickets 1000000] [--comments 5] [--seed 1]
 *
 * Defaults: 1,000,000 tickets over the last 365 days, about 5 comments each
 * (5,000,000) and an event per change (created, status, group, assignee,
 * priority, every comment, solve and close) - about 11,000,000 events; 100
 * agents in 10 groups, 100,000 customers in 5,000 organizations. Tickets of
 * the last weeks are still open, so queues are full. Prints what it made
 * and how long it took. */
#include "base/common.h"

#include <getopt.h>

#include "base/rng.h"
#include "core/ticket.h"
#include "demo/demo_data.h"
#include "store/store.h"

#define DAY_MS (24LL * 3600 * 1000)
#define NGROUPS 10
#define AGENTS_PER_GROUP 10
#define BATCH 10000

struct gen {
    struct rng r;
    unsigned tickets, comments, customers, orgs;
    op_time now, start;
    int64_t admin_id, group_ids[NGROUPS], agent_ids[NGROUPS][AGENTS_PER_GROUP];
    int64_t first_customer, first_org;
    unsigned done;
    uint64_t n_comments, n_events;
};

static op_rc must(op_rc rc, const char *what)
{
    if (rc)
        fprintf(stderr, "gen: %s failed: %s\n", what, op_rc_name(rc));
    return rc;
}

static op_rc add_event(struct store_tx *tx, struct gen *g, int64_t ticket, op_time at,
                       int64_t actor, enum event_kind kind, const char *field, const char *old,
                       const char *new_value)
{
    struct event e = {.entity = ENTITY_TICKET, .entity_id = ticket, .at = at, .actor_id = actor,
                      .via = VIA_WEB, .kind = kind, .field = (char *)field,
                      .old_value = (char *)old, .new_value = (char *)new_value, .data = ""};
    g->n_events++;
    return tx->ops->event_append(tx, &e);
}

/* people and groups */
static op_rc setup_fn(struct store_tx *tx, void *arg)
{
    struct gen *g = arg;
    op_time t = g->start - DAY_MS;
    op_rc rc;
    struct user admin = {.role = ROLE_ADMIN, .level = LEVEL_SENIOR, .name = "Bench Admin",
                         .email = "admin@bench.local", .phone = "", .telegram = "",
                         .language = "en", .time_zone = "", .active = true, .password_hash = "",
                         .created_at = t, .updated_at = t};
    if ((rc = must(tx->ops->user_insert(tx, &admin), "admin")))
        return rc;
    g->admin_id = admin.id;
    for (int k = 0; k < NGROUPS; k++) {
        char name[32];
        snprintf(name, sizeof(name), "%s %d", k < 4 ? "L1" : k < 8 ? "L2" : "Tech", k + 1);
        struct group gr = {.name = name, .tier = k < 4 ? TIER_L1 : k < 8 ? TIER_L2 : TIER_TECH,
                           .description = "", .created_at = t, .updated_at = t};
        if ((rc = must(tx->ops->group_insert(tx, &gr), "group")))
            return rc;
        g->group_ids[k] = gr.id;
        int64_t ids[AGENTS_PER_GROUP];
        for (int a = 0; a < AGENTS_PER_GROUP; a++) {
            char uname[64], email[64];
            snprintf(uname, sizeof(uname), "Agent %d-%d", k + 1, a + 1);
            snprintf(email, sizeof(email), "agent%d.%d@bench.local", k + 1, a + 1);
            struct user u = {.role = ROLE_AGENT, .level = (enum staff_level)(1 + a % 3),
                             .name = uname, .email = email, .phone = "", .telegram = "",
                             .language = a % 2 ? "en" : "ru", .time_zone = "", .active = true,
                             .password_hash = "", .created_at = t, .updated_at = t};
            if ((rc = must(tx->ops->user_insert(tx, &u), "agent")))
                return rc;
            ids[a] = g->agent_ids[k][a] = u.id;
        }
        struct id_list members = {ids, AGENTS_PER_GROUP};
        if ((rc = must(tx->ops->group_set_members(tx, gr.id, &members), "members")))
            return rc;
    }
    for (unsigned i = 0; i < g->orgs; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%s %u",
                 i % 2 ? demo_orgs_en[i % demo_orgs_en_count] : demo_orgs_ru[i % demo_orgs_ru_count],
                 i + 1);
        struct organization o = {.name = name, .domains = "", .notes = "", .created_at = t,
                                 .updated_at = t};
        if ((rc = must(tx->ops->org_insert(tx, &o), "organization")))
            return rc;
        if (i == 0)
            g->first_org = o.id;
    }
    for (unsigned i = 0; i < g->customers; i++) {
        char name[96], email[96];
        bool ru = i % 3 != 0;
        if (ru)
            snprintf(name, sizeof(name), "%s %s", demo_first_ru[i % demo_first_ru_count],
                     demo_last_ru[(i / 15) % demo_last_ru_count]);
        else
            snprintf(name, sizeof(name), "%s %s", demo_first_en[i % demo_first_en_count],
                     demo_last_en[(i / 15) % demo_last_en_count]);
        snprintf(email, sizeof(email), "customer%u@bench.local", i + 1);
        struct user u = {.role = ROLE_CUSTOMER, .name = name, .email = email, .phone = "",
                         .telegram = "", .organization_id = g->orgs ? g->first_org + i % g->orgs : 0,
                         .language = ru ? "ru" : "en", .time_zone = "", .active = true,
                         .password_hash = "", .created_at = t, .updated_at = t};
        if ((rc = must(tx->ops->user_insert(tx, &u), "customer")))
            return rc;
        if (i == 0)
            g->first_customer = u.id;
    }
    return OP_OK;
}

static const char *const words_ru[] = {
    "заказ", "оплата", "картой", "счёт", "доставка", "возврат", "приложение", "ошибка",
    "пароль", "вход", "кабинет", "тариф", "роутер", "скорость", "интеграция", "отчёт",
    "выгрузка", "номер", "SMS", "код", "обновление", "настройка", "подписка", "баланс",
};
static const char *const words_en[] = {
    "order", "payment", "card", "invoice", "delivery", "refund", "app", "error", "password",
    "login", "account", "plan", "router", "speed", "integration", "report", "export", "number",
    "SMS", "code", "update", "settings", "subscription", "balance",
};

/* one batch of tickets, in time order */
static op_rc tickets_fn(struct store_tx *tx, void *arg)
{
    struct gen *g = arg;
    struct rng *r = &g->r;
    op_rc rc = OP_OK;
    unsigned end = MIN(g->done + BATCH, g->tickets);
    op_time span = g->now - g->start;
    for (unsigned i = g->done; i < end; i++) {
        struct arena a = ARENA_INIT(0);
        op_time created = g->start + (op_time)((double)span * i / g->tickets) + rng_below(r, 60000);
        op_time age = g->now - created;
        const struct demo_template *tp = &demo_templates[rng_below(r, (unsigned)demo_templates_count)];
        int grp = rng_below(r, NGROUPS);
        int64_t agent = g->agent_ids[grp][rng_below(r, AGENTS_PER_GROUP)];
        int64_t requester = g->first_customer + rng_below(r, g->customers);
        /* the older a ticket, the likelier it is done */
        enum ticket_status st;
        unsigned d = rng_below(r, 100);
        if (age > 14 * DAY_MS)
            st = d < 97 ? STATUS_CLOSED : d < 98 ? STATUS_SOLVED : STATUS_OPEN;
        else if (age > 4 * DAY_MS)
            st = d < 55 ? STATUS_SOLVED : d < 80 ? STATUS_OPEN : d < 92 ? STATUS_PENDING
                                                                : STATUS_ON_HOLD;
        else
            st = d < 15 ? STATUS_NEW : d < 65 ? STATUS_OPEN : d < 80 ? STATUS_PENDING
                                                            : d < 85 ? STATUS_ON_HOLD
                                                                     : STATUS_SOLVED;
        const char *const *words = tp->ru ? words_ru : words_en;
        char subject[256];
        snprintf(subject, sizeof(subject), "%s (%s)", tp->subject, words[rng_below(r, 24)]);
        char *tag = (char *)tp->tag;
        struct ticket t = {
            .subject = subject, .description = (char *)tp->description, .status = st,
            .priority = (enum ticket_priority)(d % 10 < 2 ? 0 : d % 10 < 7 ? 1 : d % 10 < 9 ? 2 : 3),
            .type = tp->type, .channel = (enum channel)rng_below(r, CH__COUNT),
            .requester_id = requester, .organization_id = g->orgs ? g->first_org + (requester - g->first_customer) % g->orgs : 0,
            .group_id = g->group_ids[grp], .assignee_id = st == STATUS_NEW ? 0 : agent,
            .tags = {&tag, 1}, .custom_fields = "{}", .created_at = created,
        };
        unsigned nc = g->comments ? rng_below(r, 2 * g->comments + 1) : 0;
        op_time step = MAX(age / (nc + 3), 1);
        if (st == STATUS_SOLVED || st == STATUS_CLOSED)
            t.solved_at = created + step * (nc + 1);
        if (st == STATUS_CLOSED)
            t.closed_at = t.solved_at + 4 * DAY_MS;
        t.updated_at = t.closed_at ? t.closed_at : t.solved_at ? t.solved_at : created + step * nc;
        if (t.updated_at > g->now)
            t.updated_at = g->now;
        if ((rc = must(tx->ops->ticket_insert(tx, &t), "ticket")))
            goto end;
        char idbuf[24], agentbuf[24], grpbuf[24], reqbuf[24];
        snprintf(idbuf, sizeof(idbuf), "%" PRId64, t.id);
        snprintf(agentbuf, sizeof(agentbuf), "%" PRId64, agent);
        snprintf(grpbuf, sizeof(grpbuf), "%" PRId64, t.group_id);
        snprintf(reqbuf, sizeof(reqbuf), "%" PRId64, requester);
        if ((rc = add_event(tx, g, t.id, created, requester, EV_CREATED, "", "", idbuf)) ||
            (rc = add_event(tx, g, t.id, created, requester, EV_CHANGED, "status", "", "new")) ||
            (rc = add_event(tx, g, t.id, created, requester, EV_CHANGED, "requester_id", "",
                            reqbuf)) ||
            (rc = add_event(tx, g, t.id, created + 60000, agent, EV_CHANGED, "group_id", "",
                            grpbuf)) ||
            (rc = add_event(tx, g, t.id, created + 60000, agent, EV_CHANGED, "priority",
                            "normal", priority_name(t.priority))))
            goto end;
        if (st != STATUS_NEW &&
            ((rc = add_event(tx, g, t.id, created + 60000, agent, EV_CHANGED, "assignee_id", "",
                             agentbuf)) ||
             (rc = add_event(tx, g, t.id, created + 60000, agent, EV_CHANGED, "status", "new",
                             "open"))))
            goto end;
        for (unsigned c = 0; c < nc; c++) {
            bool staff = c % 2 == 0;
            char body[512];
            const char *const(*texts)[2] = staff ? demo_replies : demo_customer_replies;
            size_t ntexts = staff ? demo_replies_count : demo_customer_replies_count;
            snprintf(body, sizeof(body), "%s %s %s", texts[rng_below(r, (unsigned)ntexts)][tp->ru],
                     words[rng_below(r, 24)], words[rng_below(r, 24)]);
            struct comment cm = {.ticket_id = t.id, .author_id = staff ? agent : requester,
                                 .public = staff ? rng_below(r, 5) != 0 : true, .body = body,
                                 .via = VIA_WEB, .created_at = created + step * (c + 1)};
            if ((rc = must(tx->ops->comment_insert(tx, &cm), "comment")))
                goto end;
            g->n_comments++;
            char cid[24];
            snprintf(cid, sizeof(cid), "%" PRId64, cm.id);
            if ((rc = add_event(tx, g, t.id, cm.created_at, cm.author_id, EV_COMMENT,
                                cm.public ? "public" : "note", "", cid)))
                goto end;
        }
        if (st != STATUS_NEW && st != STATUS_OPEN &&
            (rc = add_event(tx, g, t.id, t.updated_at, agent, EV_CHANGED, "status", "open",
                            status_name(st == STATUS_CLOSED ? STATUS_SOLVED : st))))
            goto end;
        if (st == STATUS_CLOSED &&
            (rc = add_event(tx, g, t.id, t.closed_at, 0, EV_CHANGED, "status", "solved",
                            "closed")))
            goto end;
    end:
        arena_release(&a);
        if (rc)
            return rc;
    }
    g->done = end;
    return OP_OK;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"tickets", required_argument, NULL, 't'},
                                         {"comments", required_argument, NULL, 'c'},
                                         {"seed", required_argument, NULL, 's'},
                                         {0}};
    const char *db = NULL;
    struct gen g = {.r = {1}, .tickets = 1000000, .comments = 5};
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db = optarg; break;
        case 't': g.tickets = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'c': g.comments = (unsigned)strtoul(optarg, NULL, 10) / 2; break;
        case 's': g.r.s = strtoull(optarg, NULL, 10); break;
        default:
            fprintf(stderr, "usage: gen --db PATH [--tickets N] [--comments N] [--seed N]\n");
            return 2;
        }
    }
    if (!db || !g.tickets) {
        fprintf(stderr, "usage: gen --db PATH [--tickets N] [--comments N] [--seed N]\n");
        return 2;
    }
    g.customers = MAX(g.tickets / 10, 10u);
    g.orgs = MAX(g.tickets / 200, 1u);
    g.now = time_now_ms();
    g.start = g.now - 365 * DAY_MS;

    struct store *s;
    struct op_err err = {0};
    struct store_options opt = {.migrate = true, .create = true, .durable = false};
    int64_t t0 = time_mono_us();
    if (store_open(db, &opt, &s, &err)) {
        fprintf(stderr, "gen: cannot open %s (%s)\n", db, op_rc_name(err.rc));
        return 1;
    }
    if (store_write(s, setup_fn, &g)) {
        store_close(s);
        return 1;
    }
    while (g.done < g.tickets) {
        if (store_write(s, tickets_fn, &g)) {
            store_close(s);
            return 1;
        }
        if (g.done % 100000 == 0)
            fprintf(stderr, "gen: %u tickets, %.0f s\n", g.done,
                    (double)(time_mono_us() - t0) / 1e6);
    }
    store_close(s);
    double secs = (double)(time_mono_us() - t0) / 1e6;
    printf("gen: %u tickets, %" PRIu64 " comments, %" PRIu64 " events, %u customers, %u "
           "organizations, %d agents in %.1f s\n",
           g.tickets, g.n_comments, g.n_events, g.customers, g.orgs, NGROUPS * AGENTS_PER_GROUP,
           secs);
    return 0;
}
