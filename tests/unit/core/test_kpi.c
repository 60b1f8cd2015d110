/* test_kpi.c - one ticket's KPI facts from its events (src/core/kpi.c) and
 * the statistics of reports, with every value worked out by hand below.
 *
 * The business calendar is Europe/Berlin, Monday-Friday 09:00-17:00. In
 * March 2026 Berlin is UTC+1 until Sunday 29 March 02:00, then UTC+2 (the
 * DST change). 2026-03-02 is a Monday. Staff: 10 and 11 (agents), 12 (a
 * lead), 13 (an agent with no tickets: nothing to compute, and nothing in
 * the statistics below comes from them). Customers: 100, 101. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "base/tz.h"
#include "core/kpi.h"

#define MINUTE 60000LL

/* Berlin wall time on day d of March (or April when d > 31) 2026. */
static op_time bt(int d, int h, int m)
{
    int64_t utc_off = d >= 30 ? 2 : 1; /* after the change of 29 March */
    /* 2026-03-01 00:00 UTC is 1772323200 s */
    return (1772323200LL + (int64_t)(d - 1) * 86400 + (h - utc_off) * 3600 + m * 60) * 1000;
}

static struct calendar berlin(void)
{
    const struct tz *z;
    assert_int_equal(tz_load("Europe/Berlin", &z), OP_OK);
    struct calendar c = {.id = 1, .name = "berlin", .tz = z};
    for (int d = 0; d < 5; d++)
        c.week[d] = (struct cal_day){1, {{9 * 60, 17 * 60}}};
    return c;
}

static bool is_staff(void *ctx, int64_t id)
{
    (void)ctx;
    return id >= 10 && id <= 13;
}

/* ---- building a log ---- */

struct log {
    struct event v[64];
    size_t n;
    int64_t ticket;
    int64_t action; /* the current action's first event id */
};

static int64_t next_id = 1;

/* Starts a new action. */
static void act(struct log *l)
{
    l->action = 0;
}

static void ev(struct log *l, op_time at, int64_t actor, enum event_kind k, const char *field,
               const char *old, const char *nv)
{
    assert_true(l->n < 64);
    int64_t id = next_id++;
    if (!l->action) l->action = id;
    l->v[l->n++] = (struct event){.id = id,
                                  .action_id = l->action,
                                  .entity = ENTITY_TICKET,
                                  .entity_id = l->ticket,
                                  .at = at,
                                  .actor_id = actor,
                                  .via = VIA_WEB,
                                  .kind = k,
                                  .field = (char *)field,
                                  .old_value = (char *)old,
                                  .new_value = (char *)nv,
                                  .data = ""};
}

static void created(struct log *l, op_time at, int64_t who)
{
    act(l);
    ev(l, at, who, EV_CREATED, "", "", "");
    ev(l, at, who, EV_CHANGED, "status", "", "new");
}

static void status(struct log *l, op_time at, int64_t who, const char *from, const char *to)
{
    act(l);
    ev(l, at, who, EV_CHANGED, "status", from, to);
}

static void reply(struct log *l, op_time at, int64_t who, bool pub)
{
    act(l);
    ev(l, at, who, EV_COMMENT, pub ? "public" : "note", "", "1");
}

static struct kpi_facts compute(struct log *l, op_time created_at, int64_t assignee,
                                const struct calendar *cal)
{
    struct kpi_ticket t = {.id = l->ticket,
                           .channel = CH_EMAIL,
                           .organization_id = 5,
                           .assignee_id = assignee,
                           .group_id = 1,
                           .created_at = created_at};
    struct kpi_facts f;
    kpi_facts_compute(&t, l->v, l->n, cal, is_staff, NULL, &f);
    return f;
}

/* Ticket 1: answered and solved in half an hour, inside working hours.
 *   Mon 2 Mar 10:00 customer 100 creates it
 *          10:05 agent 10 takes it (assignee 10, group 1, new -> open)
 *          10:30 agent 10 replies publicly
 *          10:31 agent 10 solves it
 * first response 30 min (business 30: all inside 09-17); resolution 31 min
 * both; requester wait: new/open 10:00-10:31 = 31 min; FCR under both rules
 * (one public reply, no reopen, no escalation); credited agent 10.
 * AHT: 10:05 - 10:00 = 5; 10:30 - 10:05 = 25, capped at 15; 10:31 - 10:30
 * = 1: 21 min. */
static void test_simple_ticket(void **state)
{
    (void)state;
    struct calendar cal = berlin();
    struct log l = {.ticket = 1};
    created(&l, bt(2, 10, 0), 100);
    act(&l);
    ev(&l, bt(2, 10, 5), 10, EV_CHANGED, "assignee_id", "", "10");
    ev(&l, bt(2, 10, 5), 10, EV_CHANGED, "group_id", "", "1");
    ev(&l, bt(2, 10, 5), 10, EV_CHANGED, "status", "new", "open");
    reply(&l, bt(2, 10, 30), 10, true);
    status(&l, bt(2, 10, 31), 10, "open", "solved");
    struct kpi_facts f = compute(&l, bt(2, 10, 0), 10, &cal);
    assert_int_equal(f.first_response.cal, 30 * MINUTE);
    assert_int_equal(f.first_response.bus, 30 * MINUTE);
    assert_int_equal(f.first_response_at, bt(2, 10, 30));
    assert_int_equal(f.resolution.cal, 31 * MINUTE);
    assert_int_equal(f.resolution.bus, 31 * MINUTE);
    assert_int_equal(f.requester_wait.cal, 31 * MINUTE);
    assert_int_equal(f.requester_wait.bus, 31 * MINUTE);
    assert_int_equal(f.solved_at, bt(2, 10, 31));
    assert_int_equal(f.agent_id, 10);
    assert_int_equal(f.group_id, 1);
    assert_int_equal(f.public_replies, 1);
    assert_int_equal(f.reopens, 0);
    assert_int_equal(f.next_n, 0);
    assert_int_equal(f.next_worst.cal, KPI_NONE);
    assert_int_equal(f.aht_ms, 21 * MINUTE);
    assert_true(kpi_fcr(&f, KPI_FCR_ONE_REPLY));
    assert_true(kpi_fcr(&f, KPI_FCR_NO_REOPEN));
    assert_int_equal(f.last_event_id, l.v[l.n - 1].id);
}

/* Ticket 2: a pause (pending), two next-response cycles, a reopen.
 *   Mon 2 Mar 16:00 customer 101 creates it
 *          16:10 agent 11: assignee 11, new -> open
 *          16:20 agent 11 replies publicly      first response 20 min (bus 20)
 *          16:21 agent 11: open -> pending      waited 16:00-16:21 = 21 (bus 21)
 *   Tue 3  08:00 customer writes; pending -> open (one action): a next-
 *                response cycle starts at 08:00, waiting again
 *          09:30 agent 11 replies               cycle 1: 90 min, bus 30 (09-09:30)
 *          09:40 agent 11 solves                waited 08:00-09:40 = 100, bus 40
 *   Wed 4  10:00 customer writes; solved -> open: reopen 1, cycle 2 starts
 *          10:20 agent 11 replies               cycle 2: 20 min, bus 20
 *          10:25 agent 11 solves                waited 10:00-10:25 = 25, bus 25
 * resolution: Mon 16:00 -> Wed 10:25 = 42 h 25 min = 2545 min; business
 * Mon 16-17 (60) + Tue 9-17 (480) + Wed 9-10:25 (85) = 625 min.
 * requester wait: 21 + 100 + 25 = 146 min; business 21 + 40 + 25 = 86.
 * next response: n 2, sums 110 / 50, worst 90 / 30. Replies 3. FCR: no.
 * AHT: 10 (16:10-16:00) + 10 (16:20-16:10) + 1 + 15 (09:30 after 08:00,
 * capped) + 10 + 15 (10:20 after 10:00, capped) + 5 = 66 min. */
static void test_pause_reopen_next_response(void **state)
{
    (void)state;
    struct calendar cal = berlin();
    struct log l = {.ticket = 2};
    created(&l, bt(2, 16, 0), 101);
    act(&l);
    ev(&l, bt(2, 16, 10), 11, EV_CHANGED, "assignee_id", "", "11");
    ev(&l, bt(2, 16, 10), 11, EV_CHANGED, "status", "new", "open");
    reply(&l, bt(2, 16, 20), 11, true);
    status(&l, bt(2, 16, 21), 11, "open", "pending");
    act(&l);
    ev(&l, bt(3, 8, 0), 101, EV_COMMENT, "public", "", "2");
    ev(&l, bt(3, 8, 0), 101, EV_CHANGED, "status", "pending", "open");
    reply(&l, bt(3, 9, 30), 11, true);
    status(&l, bt(3, 9, 40), 11, "open", "solved");
    act(&l);
    ev(&l, bt(4, 10, 0), 101, EV_COMMENT, "public", "", "3");
    ev(&l, bt(4, 10, 0), 101, EV_CHANGED, "status", "solved", "open");
    reply(&l, bt(4, 10, 20), 11, true);
    status(&l, bt(4, 10, 25), 11, "open", "solved");
    struct kpi_facts f = compute(&l, bt(2, 16, 0), 11, &cal);
    assert_int_equal(f.first_response.cal, 20 * MINUTE);
    assert_int_equal(f.first_response.bus, 20 * MINUTE);
    assert_int_equal(f.resolution.cal, 2545 * MINUTE);
    assert_int_equal(f.resolution.bus, 625 * MINUTE);
    assert_int_equal(f.requester_wait.cal, 146 * MINUTE);
    assert_int_equal(f.requester_wait.bus, 86 * MINUTE);
    assert_int_equal(f.next_n, 2);
    assert_int_equal(f.next_sum_cal, 110 * MINUTE);
    assert_int_equal(f.next_sum_bus, 50 * MINUTE);
    assert_int_equal(f.next_worst.cal, 90 * MINUTE);
    assert_int_equal(f.next_worst.bus, 30 * MINUTE);
    assert_int_equal(f.public_replies, 3);
    assert_int_equal(f.reopens, 1);
    assert_int_equal(f.solved_at, bt(4, 10, 25));
    assert_int_equal(f.agent_id, 11);
    assert_int_equal(f.aht_ms, 66 * MINUTE);
    assert_false(kpi_fcr(&f, KPI_FCR_ONE_REPLY));
    assert_false(kpi_fcr(&f, KPI_FCR_NO_REOPEN));

    /* calendar time only (no SLA calendar): business equals calendar */
    struct kpi_facts g = compute(&l, bt(2, 16, 0), 11, NULL);
    assert_int_equal(g.resolution.bus, 2545 * MINUTE);
    assert_int_equal(g.requester_wait.bus, 146 * MINUTE);
}

/* Ticket 3: escalation, a bounce-back, SLA verdicts, across the DST change.
 *   Fri 27 Mar 16:00 (UTC+1) customer 100 creates it
 *          16:05 agent 10: assignee 10, group 1, new -> open
 *          16:30 agent 10 escalates l1>l2 (group 1 -> 2, assignee cleared)
 *          17:00 the system: sla_breached first_response (its own action)
 *   Mon 30 Mar 09:00 (UTC+2) agent 11 hands it back l2>l1 (group 2 -> 1)
 *          10:00 agent 10 replies publicly
 *          10:05 agent 10: assignee 10, open -> solved
 *          10:05 the system: sla_met resolution
 * first response: 15:00Z Fri -> 08:00Z Mon = 65 h = 3900 min (not 66: the
 * clocks went forward); business Fri 16-17 (60) + Mon 9-10 (60) = 120.
 * resolution and requester wait (never paused): 3905 min, business 125.
 * escalations l1>l2 1, handed back 1; FCR no (escalated), even with one reply.
 * SLA: breached first_response 1, met resolution 1.
 * AHT: 5 + 15 (25, capped) + 15 (Mon 09:00 after the 17:00 verdict, capped)
 * + 15 (60, capped) + 5 = 55 min; the system's actions add nothing. */
static void test_escalation_dst(void **state)
{
    (void)state;
    struct calendar cal = berlin();
    struct log l = {.ticket = 3};
    created(&l, bt(27, 16, 0), 100);
    act(&l);
    ev(&l, bt(27, 16, 5), 10, EV_CHANGED, "assignee_id", "", "10");
    ev(&l, bt(27, 16, 5), 10, EV_CHANGED, "group_id", "", "1");
    ev(&l, bt(27, 16, 5), 10, EV_CHANGED, "status", "new", "open");
    act(&l);
    ev(&l, bt(27, 16, 30), 10, EV_ESCALATED, "l1>l2", "1", "2");
    ev(&l, bt(27, 16, 30), 10, EV_CHANGED, "group_id", "1", "2");
    ev(&l, bt(27, 16, 30), 10, EV_CHANGED, "assignee_id", "10", "");
    act(&l);
    ev(&l, bt(27, 17, 0), 0, EV_SLA_BREACHED, "first_response", "3600000", "3600000");
    act(&l);
    ev(&l, bt(30, 9, 0), 11, EV_HANDED_BACK, "l2>l1", "2", "1");
    ev(&l, bt(30, 9, 0), 11, EV_CHANGED, "group_id", "2", "1");
    reply(&l, bt(30, 10, 0), 10, true);
    act(&l);
    ev(&l, bt(30, 10, 5), 10, EV_CHANGED, "assignee_id", "", "10");
    ev(&l, bt(30, 10, 5), 10, EV_CHANGED, "status", "open", "solved");
    act(&l);
    ev(&l, bt(30, 10, 5), 0, EV_SLA_MET, "resolution", "0", "0");
    struct kpi_facts f = compute(&l, bt(27, 16, 0), 10, &cal);
    assert_int_equal(f.first_response.cal, 3900 * MINUTE);
    assert_int_equal(f.first_response.bus, 120 * MINUTE);
    assert_int_equal(f.resolution.cal, 3905 * MINUTE);
    assert_int_equal(f.resolution.bus, 125 * MINUTE);
    assert_int_equal(f.requester_wait.cal, 3905 * MINUTE);
    assert_int_equal(f.requester_wait.bus, 125 * MINUTE);
    assert_int_equal(f.esc_l1_l2, 1);
    assert_int_equal(f.esc_l2_tech, 0);
    assert_int_equal(f.handed_back, 1);
    assert_int_equal(f.sla_breached[0], 1);
    assert_int_equal(f.sla_met[2], 1);
    assert_int_equal(f.sla_met[0] + f.sla_met[1] + f.sla_breached[1] + f.sla_breached[2], 0);
    assert_int_equal(f.agent_id, 10);
    assert_int_equal(f.group_id, 1);
    assert_int_equal(f.aht_ms, 55 * MINUTE);
    assert_false(kpi_fcr(&f, KPI_FCR_ONE_REPLY));
    assert_false(kpi_fcr(&f, KPI_FCR_NO_REOPEN));
}

/* Ticket 4: opened by lead 12 with a public message (the opening, not a
 * response), a customer answer, never solved, and never rated (CSAT comes
 * with surveys: nothing in the facts depends on a rating).
 *   Tue 31 Mar 17:00 lead 12 creates it with a public comment (one action)
 *   Wed  1 Apr 09:30 customer 100 writes
 * no first response (the opening does not count, and a customer message
 * before the first response opens no next-response cycle); not solved:
 * resolution and wait not measured; credited: the current assignee (12);
 * AHT 0 (the creating action is at the creation instant). */
static void test_unsolved_opening(void **state)
{
    (void)state;
    struct calendar cal = berlin();
    struct log l = {.ticket = 4};
    created(&l, bt(31, 17, 0), 12);
    ev(&l, bt(31, 17, 0), 12, EV_COMMENT, "public", "", "9");
    reply(&l, bt(32, 9, 30), 100, true);
    struct kpi_facts f = compute(&l, bt(31, 17, 0), 12, &cal);
    assert_int_equal(f.first_response.cal, KPI_NONE);
    assert_int_equal(f.first_response_at, 0);
    assert_int_equal(f.public_replies, 0);
    assert_int_equal(f.solved_at, 0);
    assert_int_equal(f.resolution.cal, KPI_NONE);
    assert_int_equal(f.requester_wait.bus, KPI_NONE);
    assert_int_equal(f.next_n, 0);
    assert_int_equal(f.agent_id, 12);
    assert_int_equal(f.aht_ms, 0);
    assert_false(kpi_fcr(&f, KPI_FCR_NO_REOPEN));
}

/* Ticket 5: two public replies, solved, never reopened: FCR under
 * no_reopen but not under the default one_reply. Internal notes are no
 * replies. A ticket closed without a solve counts as solved at the close.
 *   Mon 2 Mar 11:00 customer creates; 11:10 agent 10 replies; 11:15 agent
 *   10 writes a note; 11:20 customer writes; 11:30 agent 10 replies (next
 *   response 10 min); 11:31 agent 10 closes it (open -> closed). */
static void test_fcr_variants_and_close(void **state)
{
    (void)state;
    struct log l = {.ticket = 5};
    created(&l, bt(2, 11, 0), 100);
    reply(&l, bt(2, 11, 10), 10, true);
    reply(&l, bt(2, 11, 15), 10, false);
    reply(&l, bt(2, 11, 20), 100, true);
    reply(&l, bt(2, 11, 30), 10, true);
    status(&l, bt(2, 11, 31), 10, "new", "closed");
    struct kpi_facts f = compute(&l, bt(2, 11, 0), 10, NULL);
    assert_int_equal(f.public_replies, 2);
    assert_int_equal(f.next_n, 1);
    assert_int_equal(f.next_sum_cal, 10 * MINUTE);
    assert_int_equal(f.solved_at, bt(2, 11, 31));
    assert_int_equal(f.closed_at, bt(2, 11, 31));
    assert_false(kpi_fcr(&f, KPI_FCR_ONE_REPLY));
    assert_true(kpi_fcr(&f, KPI_FCR_NO_REOPEN));
    assert_int_equal(kpi_fcr_parse("no_reopen"), KPI_FCR_NO_REOPEN);
    assert_int_equal(kpi_fcr_parse("sometimes"), -1);
}

/* Statistics. First responses of tickets 1, 2, 3 in calendar time: 30,
 * 20, 3900 min. Sorted 20, 30, 3900: median 30; mean 3950 / 3 =
 * 1316.67 min = 79,000,000 ms exactly; p90: rank ceil(2.7) = 3: 3900.
 * Even n {1, 2, 3, 4}: median (2 + 3) / 2 floored = 2; mean 2.5 rounds
 * half up to 3; p90 rank ceil(3.6) = 4. 1..10: p90 rank 9 = 9, median 5
 * (5.5 floored). An agent with no tickets: n 0, everything KPI_NONE. */
static void test_stats(void **state)
{
    (void)state;
    struct kpi_stat s;
    int64_t frt[] = {30 * MINUTE, 20 * MINUTE, 3900 * MINUTE};
    kpi_stat_of(frt, 3, &s);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.median, 30 * MINUTE);
    assert_int_equal(s.mean, 79000000);
    assert_int_equal(s.p90, 3900 * MINUTE);
    int64_t four[] = {4, 1, 3, 2};
    kpi_stat_of(four, 4, &s);
    assert_int_equal(s.median, 2);
    assert_int_equal(s.mean, 3);
    assert_int_equal(s.p90, 4);
    int64_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    kpi_stat_of(ten, 10, &s);
    assert_int_equal(s.p90, 9);
    assert_int_equal(s.median, 5);
    assert_int_equal(s.sum, 55);
    kpi_stat_of(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_int_equal(s.median, KPI_NONE);
    assert_int_equal(s.mean, KPI_NONE);
    assert_int_equal(s.p90, KPI_NONE);

    struct kpi_vec v = {0};
    for (int i = 0; i < 100; i++)
        assert_int_equal(kpi_vec_push(&v, i % 7 ? i : KPI_NONE), OP_OK);
    assert_int_equal(v.n, 85); /* 15 of 0..99 are multiples of 7: skipped */
    assert_int_equal(v.v[0], 1);
    kpi_vec_release(&v);
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Selection gives what a full sort gives, for every n up to 300 and
 * values with many repeats. */
static void test_stats_match_sorting(void **state)
{
    (void)state;
    uint64_t seed = 12345;
    int64_t v[300], w[300];
    for (size_t n = 1; n <= 300; n++) {
        for (int round = 0; round < 5; round++) {
            for (size_t i = 0; i < n; i++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                v[i] = (int64_t)((seed >> 33) % (round == 0 ? 3 : round == 1 ? n : 1000000));
                w[i] = v[i];
            }
            qsort(w, n, sizeof(w[0]), cmp64);
            struct kpi_stat s;
            kpi_stat_of(v, n, &s);
            int64_t med = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
            assert_int_equal(s.median, med);
            assert_int_equal(s.p90, w[(9 * n + 9) / 10 - 1]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_ticket),
        cmocka_unit_test(test_pause_reopen_next_response),
        cmocka_unit_test(test_escalation_dst),
        cmocka_unit_test(test_unsolved_opening),
        cmocka_unit_test(test_fcr_variants_and_close),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_stats_match_sorting),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tz_cleanup();
    return rc;
}
