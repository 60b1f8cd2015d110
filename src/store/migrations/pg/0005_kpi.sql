-- 0005_kpi: per-ticket KPI facts and the kpi job's cursor (as
-- migrations/sqlite/0005_kpi.sql). Durations are NULL when not measured.

CREATE TABLE kpi_facts (
    ticket_id         bigint PRIMARY KEY,
    created_at        bigint NOT NULL,
    solved_at         bigint,
    closed_at         bigint,
    first_response_at bigint,
    agent_id          bigint,
    group_id          bigint,
    channel           integer NOT NULL,
    organization_id   bigint,
    frt_cal bigint, frt_bus bigint,
    res_cal bigint, res_bus bigint,
    wait_cal bigint, wait_bus bigint,
    nr_worst_cal bigint, nr_worst_bus bigint,
    nr_n bigint NOT NULL DEFAULT 0, nr_sum_cal bigint NOT NULL DEFAULT 0,
    nr_sum_bus bigint NOT NULL DEFAULT 0,
    aht_ms bigint NOT NULL DEFAULT 0,
    public_replies integer NOT NULL DEFAULT 0,
    reopens integer NOT NULL DEFAULT 0,
    esc_l1_l2 integer NOT NULL DEFAULT 0,
    esc_l2_tech integer NOT NULL DEFAULT 0,
    esc_other integer NOT NULL DEFAULT 0,
    handed_back integer NOT NULL DEFAULT 0,
    sla_met_fr integer NOT NULL DEFAULT 0, sla_br_fr integer NOT NULL DEFAULT 0,
    sla_met_nr integer NOT NULL DEFAULT 0, sla_br_nr integer NOT NULL DEFAULT 0,
    sla_met_res integer NOT NULL DEFAULT 0, sla_br_res integer NOT NULL DEFAULT 0,
    last_event_id bigint NOT NULL DEFAULT 0
);
-- period reads by solve, creation and close; PostgreSQL reads the heap
-- rows it needs (INCLUDE would double the index for little gain here)
CREATE INDEX kpi_facts_solved ON kpi_facts(solved_at) WHERE solved_at IS NOT NULL;
CREATE INDEX kpi_facts_created ON kpi_facts(created_at);
CREATE INDEX kpi_facts_closed ON kpi_facts(closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX kpi_facts_agent_solved ON kpi_facts(agent_id, solved_at);
CREATE INDEX kpi_facts_agent_created ON kpi_facts(agent_id, created_at);
CREATE INDEX kpi_facts_agent_closed ON kpi_facts(agent_id, closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE kpi_cursor (
    id            integer PRIMARY KEY CHECK (id = 1),
    last_event_id bigint NOT NULL
);
INSERT INTO kpi_cursor(id, last_event_id) VALUES (1, 0);
