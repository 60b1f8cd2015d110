/* store_team.h - the team's tables behind the store: shift templates, the
 * rota, on-call periods, presence intervals and activity, agents'
 * languages, routing settings per group, reassign checks, team settings.
 *
 * Called as tx->ops->team->rota_insert(tx, ...). The contract of store.h
 * holds: strings and arrays from the caller's arena; a unique index
 * violated is OP_ERR_CONFLICT, a missing referenced row OP_ERR_NOTFOUND;
 * update and delete of a missing row OP_ERR_NOTFOUND. */
#ifndef OPORA_STORE_TEAM_H
#define OPORA_STORE_TEAM_H

#include "core/team.h"
#include "store/store.h"

/* A rota query: local dates [from, to] of one agent, or of the members of
 * a group, or (both 0) of everyone. */
struct rota_filter {
    int64_t agent_id;
    int64_t group_id;
    int32_t from, to;
};

/* An agent whose presence the sweep looks at: the open interval and the
 * latest activity any node recorded. */
struct presence_watch {
    struct presence_interval cur;
    op_time last_active_at;     /* 0: never recorded */
    bool live_session;          /* a session that has not expired at `now` */
};

/* A reassign check, as claimed. */
struct reassign_check {
    int64_t id;
    int64_t ticket_id;
    int64_t assignee_id;
    op_time assigned_at, due_at;
};

struct store_team_ops {
    /* shift templates; CONFLICT when the name is taken; delete of a
     * template the rota uses is CONFLICT */
    op_rc (*shift_insert)(struct store_tx *tx, struct shift_template *s);
    op_rc (*shift_update)(struct store_tx *tx, const struct shift_template *s);
    op_rc (*shift_get)(struct store_tx *tx, int64_t id, struct arena *a, struct shift_template *out);
    op_rc (*shift_get_by_name)(struct store_tx *tx, const char *name, struct arena *a,
                               struct shift_template *out);
    op_rc (*shift_list)(struct store_tx *tx, struct arena *a, struct shift_template **out,
                        size_t *n);
    op_rc (*shift_delete)(struct store_tx *tx, int64_t id);

    /* the rota; lists are ordered by date, agent, start; shift_name filled */
    op_rc (*rota_insert)(struct store_tx *tx, struct rota_entry *e);
    op_rc (*rota_get)(struct store_tx *tx, int64_t id, struct arena *a, struct rota_entry *out);
    op_rc (*rota_delete)(struct store_tx *tx, int64_t id);
    op_rc (*rota_list)(struct store_tx *tx, const struct rota_filter *f, struct arena *a,
                       struct rota_entry **out, size_t *n);
    /* The first entry of agent (other than except_id) that overlaps
     * [start, end) into *out; OP_ERR_NOTFOUND when there is none. */
    op_rc (*rota_overlap)(struct store_tx *tx, int64_t agent_id, op_time start, op_time end,
                          int64_t except_id, struct arena *a, struct rota_entry *out);

    /* on-call periods; list: those of agent (0: everyone) that overlap [from, to) */
    op_rc (*oncall_insert)(struct store_tx *tx, struct oncall *o);
    op_rc (*oncall_update)(struct store_tx *tx, const struct oncall *o);
    op_rc (*oncall_get)(struct store_tx *tx, int64_t id, struct arena *a, struct oncall *out);
    op_rc (*oncall_delete)(struct store_tx *tx, int64_t id);
    op_rc (*oncall_list)(struct store_tx *tx, int64_t agent_id, op_time from, op_time to,
                         struct arena *a, struct oncall **out, size_t *n);
    /* like rota_overlap */
    op_rc (*oncall_overlap)(struct store_tx *tx, int64_t agent_id, op_time start, op_time end,
                            int64_t except_id, struct oncall *out);

    /* presence. current: the open interval of agent (NOTFOUND: none, i.e.
     * offline since always). set: closes the open interval at `at` and opens
     * one with status (an interval that would start before the open one's
     * start begins at that start instead); *out is the new open interval.
     * list: the intervals of agent that overlap [from, to), by start.
     * open_all: every open interval whose status is not offline. */
    op_rc (*presence_current)(struct store_tx *tx, int64_t agent_id,
                              struct presence_interval *out);
    op_rc (*presence_set)(struct store_tx *tx, int64_t agent_id, enum presence_status status,
                          enum presence_source source, op_time at, struct presence_interval *out);
    op_rc (*presence_list)(struct store_tx *tx, int64_t agent_id, op_time from, op_time to,
                           struct arena *a, struct presence_interval **out, size_t *n);
    op_rc (*presence_open_all)(struct store_tx *tx, op_time now, struct arena *a,
                               struct presence_watch **out, size_t *n);
    /* Records activity at `at` (never moves it back). */
    op_rc (*activity_touch)(struct store_tx *tx, int64_t agent_id, op_time at);

    /* an agent's languages, sorted; set replaces them all */
    op_rc (*languages_get)(struct store_tx *tx, int64_t user_id, struct arena *a,
                           struct str_list *out);
    op_rc (*languages_set)(struct store_tx *tx, int64_t user_id, const struct str_list *langs);

    /* routing: get gives the defaults (mode off) for a group without a row */
    op_rc (*routing_get)(struct store_tx *tx, int64_t group_id, struct routing_settings *out);
    op_rc (*routing_put)(struct store_tx *tx, const struct routing_settings *s);
    /* Advances the round-robin pointer and stamps the agent's last assignment. */
    op_rc (*routing_picked)(struct store_tx *tx, int64_t group_id, int64_t agent_id, op_time at);
    /* The members of group who are active staff, with what routing needs
     * to know of each at now (core/team.h struct route_candidate; language
     * strings from a), by id. */
    op_rc (*routing_candidates)(struct store_tx *tx, int64_t group_id, op_time now,
                                struct arena *a, struct route_candidate **out, size_t *n);

    /* reassign checks. add: a new check (cancelling any unfired one of the
     * ticket); cancel: drops the unfired checks of the ticket; claim: up to
     * limit unfired checks due at now whose lease is free or expired, now
     * leased by owner until `until`; fire: marks the check fired at `at` if
     * owner still holds it (NOTFOUND otherwise: another node took it). */
    op_rc (*reassign_add)(struct store_tx *tx, int64_t ticket_id, int64_t assignee_id,
                          op_time assigned_at, op_time due_at);
    op_rc (*reassign_cancel)(struct store_tx *tx, int64_t ticket_id);
    op_rc (*reassign_claim)(struct store_tx *tx, const char *owner, op_time now, op_time until,
                            size_t limit, struct arena *a, struct reassign_check **out,
                            size_t *n);
    op_rc (*reassign_fire)(struct store_tx *tx, int64_t id, const char *owner, op_time at);
    /* The agent of the ticket's latest fired check (0: none): routing passes
     * over them when the ticket waits in the queue again. */
    op_rc (*reassign_passed_over)(struct store_tx *tx, int64_t ticket_id, int64_t *agent_id);
    /* Whether author wrote a public comment on ticket at or after since. */
    op_rc (*public_reply_since)(struct store_tx *tx, int64_t ticket_id, int64_t author_id,
                                op_time since, bool *out);

    /* the team's settings; get gives the defaults when none are stored */
    op_rc (*settings_get)(struct store_tx *tx, struct team_settings *out);
    op_rc (*settings_put)(struct store_tx *tx, const struct team_settings *s);
};

/* The SQLite implementation (sqlite_team.c). */
extern const struct store_team_ops sqlite_team_ops;

#endif
