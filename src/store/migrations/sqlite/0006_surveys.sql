-- 0006_surveys: customer surveys (CSAT after a solve, NPS on a schedule),
-- the CSI questions and their weights, and the key that signs survey links.

CREATE TABLE survey_keys (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO survey_keys(id, key) VALUES (1, randomblob(32));

CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY,
    kind        INTEGER NOT NULL CHECK (kind IN (0, 1)),   -- 0 CSAT, 1 NPS
    ticket_id   INTEGER REFERENCES tickets(id),            -- CSAT: the solved ticket
    customer_id INTEGER NOT NULL REFERENCES users(id),
    agent_id    INTEGER REFERENCES users(id),              -- CSAT: the assignee at the solve
    group_id    INTEGER REFERENCES groups(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    answered_at INTEGER,
    score       INTEGER,
    comment     TEXT NOT NULL DEFAULT '',
    answers     TEXT NOT NULL DEFAULT ''                   -- CSI: "question_id=score ..."
);
CREATE INDEX surveys_ticket ON surveys(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX surveys_customer ON surveys(customer_id, kind, created_at);
CREATE INDEX surveys_answered ON surveys(answered_at) WHERE answered_at IS NOT NULL;

CREATE TABLE csi_questions (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    text_en  TEXT NOT NULL,
    text_ru  TEXT NOT NULL,
    weight   INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    active   INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE survey_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    csat_enabled    INTEGER NOT NULL DEFAULT 1,
    answer_days     INTEGER NOT NULL DEFAULT 14,  -- a link works this long
    nps_enabled     INTEGER NOT NULL DEFAULT 0,
    nps_period_days INTEGER NOT NULL DEFAULT 90,  -- at most one NPS survey per customer per period
    updated_at      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO survey_settings(id) VALUES (1);
