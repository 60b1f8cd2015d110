-- 0001_init: the ticket core.
-- Enumerations are stored as small integers in the order of core/types.h;
-- times are milliseconds since the epoch (UTC); 0 / NULL mean "not set".

CREATE TABLE organizations (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    domains        TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    shared_tickets INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations(name COLLATE NOCASE);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    role            INTEGER NOT NULL,
    level           INTEGER NOT NULL DEFAULT 0,
    name            TEXT NOT NULL,
    email           TEXT,             -- NULL for customers known only by phone or Telegram
    phone           TEXT NOT NULL DEFAULT '',
    telegram        TEXT NOT NULL DEFAULT '',
    organization_id INTEGER REFERENCES organizations(id),
    language        TEXT NOT NULL DEFAULT 'en',
    time_zone       TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    password_hash   TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX users_org ON users(organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX users_role ON users(role, id);

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    tier        INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups(name COLLATE NOCASE);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members(user_id, group_id);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    subject         TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    status          INTEGER NOT NULL,
    priority        INTEGER NOT NULL,
    type            INTEGER NOT NULL,
    channel         INTEGER NOT NULL,
    requester_id    INTEGER NOT NULL REFERENCES users(id),
    organization_id INTEGER REFERENCES organizations(id),
    group_id        INTEGER REFERENCES groups(id),
    assignee_id     INTEGER REFERENCES users(id),
    tags            TEXT NOT NULL DEFAULT '',   -- space-separated copy of ticket_tags, for reads
    custom_fields   TEXT NOT NULL DEFAULT '{}',
    merged_into     INTEGER REFERENCES tickets(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    solved_at       INTEGER,
    closed_at       INTEGER
);
-- queues: a group's tickets in a status by priority, oldest first
CREATE INDEX tickets_queue ON tickets(group_id, status, priority DESC, id);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status, updated_at);
CREATE INDEX tickets_requester ON tickets(requester_id, created_at);
CREATE INDEX tickets_org ON tickets(organization_id, created_at) WHERE organization_id IS NOT NULL;
CREATE INDEX tickets_updated ON tickets(updated_at, id);
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_status ON tickets(status, priority DESC, id);

CREATE TABLE ticket_tags (
    tag       TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    PRIMARY KEY (tag, ticket_id)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_ticket ON ticket_tags(ticket_id);

-- requesters beyond the first (merged tickets' requesters, CCs)
CREATE TABLE ticket_requesters (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (ticket_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ticket_requesters_user ON ticket_requesters(user_id, ticket_id);

CREATE TABLE comments (
    id               INTEGER PRIMARY KEY,
    ticket_id        INTEGER NOT NULL REFERENCES tickets(id),
    author_id        INTEGER NOT NULL REFERENCES users(id),
    public           INTEGER NOT NULL,
    body             TEXT NOT NULL,
    via              INTEGER NOT NULL,
    origin_ticket_id INTEGER REFERENCES tickets(id),
    created_at       INTEGER NOT NULL
);
CREATE INDEX comments_ticket ON comments(ticket_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT NOT NULL,
    uploader_id  INTEGER NOT NULL REFERENCES users(id),
    comment_id   INTEGER REFERENCES comments(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_comment ON attachments(comment_id) WHERE comment_id IS NOT NULL;

CREATE TABLE links (
    id         INTEGER PRIMARY KEY,
    kind       INTEGER NOT NULL,
    a_id       INTEGER NOT NULL REFERENCES tickets(id),
    b_id       INTEGER NOT NULL REFERENCES tickets(id),
    creator_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (a_id <> b_id)
);
-- One link of a kind per pair of tickets, whichever way round: "related" is
-- symmetric, and a parent or duplicate link both ways would be a cycle.
CREATE UNIQUE INDEX links_unique ON links(kind, min(a_id, b_id), max(a_id, b_id));
CREATE INDEX links_a ON links(a_id);
CREATE INDEX links_b ON links(b_id);

CREATE TABLE macros (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    actions     TEXT NOT NULL,     -- JSON array of {"action": ..., "value": ..., "field": ...}
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX macros_name ON macros(name COLLATE NOCASE);

-- The event log: every change to every object, append only.
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    action_id INTEGER,          -- NULL: the action's first event, whose action_id is its id
    entity    INTEGER NOT NULL,
    entity_id INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    actor_id  INTEGER,
    via       INTEGER NOT NULL,
    kind      INTEGER NOT NULL,
    field     TEXT NOT NULL DEFAULT '',
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_entity ON events(entity, entity_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Full-text search over subjects, descriptions and comments, with the
-- stemming tokenizer "opora" (Russian and English word forms, see fts_stem.c).
-- Contentless (the text lives in tickets and comments); rowid = the id.
CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, description, content='', tokenize='opora');
CREATE VIRTUAL TABLE comments_fts USING fts5(body, content='', tokenize='opora');

-- The store keeps both indexes itself (sq_fts_ticket, comment_insert): triggers
-- would make every ticket and comment write need a statement journal.
