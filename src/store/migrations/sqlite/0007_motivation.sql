-- 0007_motivation: level plans (pay band, bonus cap, KPI goals), agents'
-- pay, approved monthly bonus statements. No levels stored means the
-- defaults of core/motivation.c (level_plan_defaults) are in force.

CREATE TABLE level_plans (
    id            INTEGER PRIMARY KEY,
    rank          INTEGER NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    pay_min       INTEGER NOT NULL,
    pay_max       INTEGER NOT NULL,
    bonus_cap_pct INTEGER NOT NULL
);

CREATE TABLE level_goals (
    level_id        INTEGER NOT NULL REFERENCES level_plans(id),
    position        INTEGER NOT NULL,
    key             TEXT NOT NULL,
    lower_is_better INTEGER NOT NULL,
    target          REAL NOT NULL,
    threshold       REAL NOT NULL,
    weight          INTEGER NOT NULL,
    PRIMARY KEY (level_id, position)
);

CREATE TABLE agent_pay (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    level_rank INTEGER NOT NULL DEFAULT 0,   -- 0: the rank of users.level
    base_pay   INTEGER NOT NULL,             -- minor units
    currency   TEXT NOT NULL DEFAULT 'RUB',
    updated_at INTEGER NOT NULL
);

CREATE TABLE bonus_months (
    month          TEXT PRIMARY KEY,         -- YYYY-MM
    tz             TEXT NOT NULL,
    from_at        INTEGER NOT NULL,
    to_at          INTEGER NOT NULL,
    events_through INTEGER NOT NULL,
    approved_at    INTEGER NOT NULL,
    approved_by    INTEGER NOT NULL,
    summary        TEXT NOT NULL
);

CREATE TABLE bonus_statements (
    month   TEXT NOT NULL REFERENCES bonus_months(month),
    user_id INTEGER NOT NULL,
    body    TEXT NOT NULL,                   -- the statement as approved, JSON
    PRIMARY KEY (month, user_id)
);
