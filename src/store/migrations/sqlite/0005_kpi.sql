-- KPI engine (docs/kpi.md): one row of facts per ticket, recomputed from the
-- ticket's whole event log whenever new events touch it, and the cursor of
-- the event feed the kpi job has processed. Durations are ms; NULL = did not
-- happen (yet).
CREATE TABLE kpi_facts (
    ticket_id        INTEGER PRIMARY KEY,
    created_at       INTEGER NOT NULL,
    solved_at        INTEGER,            -- the final solve; NULL when not solved now
    closed_at        INTEGER,
    first_response_at INTEGER,
    agent_id         INTEGER,            -- credited agent (assignee at the final solve)
    group_id         INTEGER,
    channel          INTEGER NOT NULL,
    organization_id  INTEGER,
    frt_cal INTEGER, frt_bus INTEGER,
    res_cal INTEGER, res_bus INTEGER,
    wait_cal INTEGER, wait_bus INTEGER,
    nr_worst_cal INTEGER, nr_worst_bus INTEGER,
    nr_n INTEGER NOT NULL DEFAULT 0, nr_sum_cal INTEGER NOT NULL DEFAULT 0,
    nr_sum_bus INTEGER NOT NULL DEFAULT 0,
    aht_ms INTEGER NOT NULL DEFAULT 0,
    public_replies INTEGER NOT NULL DEFAULT 0,
    reopens INTEGER NOT NULL DEFAULT 0,
    esc_l1_l2 INTEGER NOT NULL DEFAULT 0,
    esc_l2_tech INTEGER NOT NULL DEFAULT 0,
    esc_other INTEGER NOT NULL DEFAULT 0,
    handed_back INTEGER NOT NULL DEFAULT 0,
    sla_met_fr INTEGER NOT NULL DEFAULT 0, sla_br_fr INTEGER NOT NULL DEFAULT 0,
    sla_met_nr INTEGER NOT NULL DEFAULT 0, sla_br_nr INTEGER NOT NULL DEFAULT 0,
    sla_met_res INTEGER NOT NULL DEFAULT 0, sla_br_res INTEGER NOT NULL DEFAULT 0,
    last_event_id INTEGER NOT NULL DEFAULT 0
);
-- Reports read a period by solve, creation or close time. The team-wide
-- reads are answered from covering indexes alone, in time order (a month of
-- the 1M-ticket benchmark is 300,000+ solved rows: looking each one up in the
-- table would cost a random read per row); one agent's reads go through
-- (agent_id, time) indexes and the table.
CREATE INDEX kpi_facts_solved ON kpi_facts(solved_at, created_at, closed_at, first_response_at,
    agent_id, group_id, channel, organization_id, frt_cal, frt_bus, res_cal, res_bus, wait_cal,
    wait_bus, nr_worst_cal, nr_worst_bus, nr_n, nr_sum_cal, nr_sum_bus, aht_ms, public_replies,
    reopens, esc_l1_l2, esc_l2_tech, esc_other, handed_back, sla_met_fr, sla_br_fr, sla_met_nr,
    sla_br_nr, sla_met_res, sla_br_res, last_event_id) WHERE solved_at IS NOT NULL;
CREATE INDEX kpi_facts_created ON kpi_facts(created_at, solved_at, closed_at, agent_id, group_id,
    channel, organization_id);
CREATE INDEX kpi_facts_closed ON kpi_facts(closed_at, created_at, solved_at, agent_id, group_id,
    channel, organization_id) WHERE closed_at IS NOT NULL;
CREATE INDEX kpi_facts_agent_solved ON kpi_facts(agent_id, solved_at);
CREATE INDEX kpi_facts_agent_created ON kpi_facts(agent_id, created_at);
CREATE INDEX kpi_facts_agent_closed ON kpi_facts(agent_id, closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE kpi_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id INTEGER NOT NULL
);
INSERT INTO kpi_cursor(id, last_event_id) VALUES (1, 0);
