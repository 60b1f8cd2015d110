-- 0003_team: shifts and the rota, on-call duty, presence, agents' languages,
-- routing settings per group and the checks that reassign unanswered tickets.
-- Times are ms since the epoch (UTC); local dates are days since 1970-01-01.

CREATE TABLE shift_templates (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    start_min    INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
    duration_min INTEGER NOT NULL CHECK (duration_min >= 1 AND duration_min <= 1440),
    time_zone    TEXT NOT NULL DEFAULT '',   -- '' = each agent's own zone
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX shift_templates_name ON shift_templates(name COLLATE NOCASE);

-- One planned shift of one agent; start_at/end_at are the shift expanded in
-- the agent's zone when it was planned.
CREATE TABLE rota_entries (
    id         INTEGER PRIMARY KEY,
    agent_id   INTEGER NOT NULL REFERENCES users(id),
    date       INTEGER NOT NULL,
    shift_id   INTEGER NOT NULL REFERENCES shift_templates(id),
    start_at   INTEGER NOT NULL,
    end_at     INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (end_at > start_at)
);
-- a month of one agent; overlap checks (agent, start before the new end)
CREATE INDEX rota_agent_date ON rota_entries(agent_id, date);
CREATE INDEX rota_agent_start ON rota_entries(agent_id, start_at, end_at);
-- a month of everyone; who is on shift now
CREATE INDEX rota_date ON rota_entries(date, agent_id);
CREATE INDEX rota_start ON rota_entries(start_at, end_at, agent_id);
CREATE INDEX rota_shift ON rota_entries(shift_id);

CREATE TABLE oncall_periods (
    id         INTEGER PRIMARY KEY,
    agent_id   INTEGER NOT NULL REFERENCES users(id),
    start_at   INTEGER NOT NULL,
    end_at     INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX oncall_agent ON oncall_periods(agent_id, start_at, end_at);
CREATE INDEX oncall_start ON oncall_periods(start_at, end_at);

-- Presence as intervals; the open one (end_at NULL) is the current status.
CREATE TABLE presence_intervals (
    id       INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES users(id),
    status   INTEGER NOT NULL,       -- core/team.h enum presence_status
    source   INTEGER NOT NULL,       -- enum presence_source: who or what set it
    start_at INTEGER NOT NULL,
    end_at   INTEGER,
    CHECK (end_at IS NULL OR end_at >= start_at)
);
CREATE INDEX presence_agent ON presence_intervals(agent_id, start_at);
-- at most one open interval per agent
CREATE UNIQUE INDEX presence_open ON presence_intervals(agent_id) WHERE end_at IS NULL;

-- The last request an agent made, written at most once a minute per agent by
-- each node; last_assigned_at is when routing last gave them a ticket.
CREATE TABLE agent_activity (
    agent_id         INTEGER PRIMARY KEY REFERENCES users(id),
    last_active_at   INTEGER NOT NULL DEFAULT 0,
    last_assigned_at INTEGER NOT NULL DEFAULT 0
);

-- The languages an agent speaks to customers (users.language is the UI's).
CREATE TABLE agent_languages (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    language TEXT NOT NULL,
    PRIMARY KEY (user_id, language)
) WITHOUT ROWID;
CREATE INDEX agent_languages_lang ON agent_languages(language, user_id);

CREATE TABLE group_routing (
    group_id           INTEGER PRIMARY KEY REFERENCES groups(id),
    mode               INTEGER NOT NULL DEFAULT 0,  -- enum routing_mode
    cap                INTEGER NOT NULL DEFAULT 0,  -- 0 = no cap
    reassign_after_min INTEGER NOT NULL DEFAULT 0,  -- 0 = never
    lang_rule          INTEGER NOT NULL DEFAULT 0,  -- enum routing_lang
    rr_last_agent_id   INTEGER NOT NULL DEFAULT 0,  -- the round-robin pointer
    updated_at         INTEGER NOT NULL
);

-- "Reassign when the assignee has not replied within X minutes": one check per
-- assignment, claimed by a node (lease_owner until lease_until) and fired once.
CREATE TABLE reassign_checks (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    assignee_id INTEGER NOT NULL REFERENCES users(id),
    assigned_at INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    fired_at    INTEGER
);
CREATE INDEX reassign_due ON reassign_checks(due_at) WHERE fired_at IS NULL;
CREATE INDEX reassign_ticket ON reassign_checks(ticket_id) WHERE fired_at IS NULL;

-- Settings of the whole team: one row.
CREATE TABLE team_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    away_after_min INTEGER NOT NULL,
    grace_min      INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
