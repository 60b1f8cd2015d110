-- 0002_sla: business-hours calendars, SLA policies, each ticket's SLA clocks
-- (which are also its timers), in-app notifications, and leases for work
-- that one node at a time may do.

CREATE TABLE calendars (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL COLLATE NOCASE UNIQUE,
    time_zone       TEXT NOT NULL,
    always          INTEGER NOT NULL DEFAULT 0,
    -- seven days, Monday first, separated by '|'; a day is "HH:MM-HH:MM,..." or ""
    week            TEXT NOT NULL,
    recompute_after INTEGER NOT NULL DEFAULT -1,
    version         INTEGER NOT NULL DEFAULT 1,   -- +1 at every update: caches compare it
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- holidays (kind 0) and working days (kind 1); date = local days since 1970-01-01
CREATE TABLE calendar_days (
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    date        INTEGER NOT NULL,
    kind        INTEGER NOT NULL CHECK (kind IN (0, 1)),
    hours       TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (calendar_id, date)
) WITHOUT ROWID;

CREATE TABLE sla_policies (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL COLLATE NOCASE UNIQUE,
    position          INTEGER NOT NULL DEFAULT 0,
    active            INTEGER NOT NULL DEFAULT 1,
    priority_mask     INTEGER NOT NULL DEFAULT 0,
    channel_mask      INTEGER NOT NULL DEFAULT 0,
    type_mask         INTEGER NOT NULL DEFAULT 0,
    group_ids         TEXT NOT NULL DEFAULT '',   -- space-separated
    organization_ids  TEXT NOT NULL DEFAULT '',
    first_response_min INTEGER NOT NULL DEFAULT 0,
    first_response_business INTEGER NOT NULL DEFAULT 1,
    next_response_min INTEGER NOT NULL DEFAULT 0,
    next_response_business INTEGER NOT NULL DEFAULT 1,
    resolution_min    INTEGER NOT NULL DEFAULT 0,
    resolution_business INTEGER NOT NULL DEFAULT 1,
    calendar_id       INTEGER REFERENCES calendars(id),
    pause_on_pending  INTEGER NOT NULL DEFAULT 1,
    pause_on_hold     INTEGER NOT NULL DEFAULT 0,
    warn_percent      INTEGER NOT NULL DEFAULT 80,
    actions           INTEGER NOT NULL DEFAULT 0,
    escalate_group_id INTEGER REFERENCES groups(id),
    escalate_tier     INTEGER NOT NULL DEFAULT -1,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX sla_policies_calendar ON sla_policies(calendar_id);

-- One row per ticket in each of two tables: its clocks (core/sla.h, encoded),
-- and the narrow row the queues and the timer ask by: due_at (the soonest due
-- time: the "due" sort), breached (the "breached" view), next_at (the next
-- warning or breach: a timer, fired by the node named in lease_owner). A
-- calendar change rewrites only the narrow rows, a few pages per thousand.
CREATE TABLE ticket_sla (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id),
    policy_id   INTEGER REFERENCES sla_policies(id) ON DELETE SET NULL,
    calendar_id INTEGER,
    clocks      BLOB NOT NULL,
    running     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_sla_policy ON ticket_sla(policy_id) WHERE policy_id IS NOT NULL;
CREATE INDEX ticket_sla_calendar ON ticket_sla(calendar_id, ticket_id) WHERE running;

CREATE TABLE ticket_sla_due (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id),
    next_at     INTEGER,
    due_at      INTEGER,
    breached    INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until INTEGER
);
CREATE INDEX ticket_sla_due_next ON ticket_sla_due(next_at) WHERE next_at IS NOT NULL;
CREATE INDEX ticket_sla_due_due ON ticket_sla_due(due_at) WHERE due_at IS NOT NULL;

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    ticket_id  INTEGER REFERENCES tickets(id),
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE leases (
    name  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until INTEGER NOT NULL
) WITHOUT ROWID;
