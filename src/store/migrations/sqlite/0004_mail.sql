-- 0004_mail: the email channel. Mailboxes polled by IMAP, the map of
-- Message-IDs to tickets (threading, dedup and the import ledger in one),
-- the outbox of notifications, the rejected messages, the signing key.

CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    url           TEXT NOT NULL,             -- imap://host:port/INBOX or imaps://...
    username      TEXT NOT NULL DEFAULT '',
    password      TEXT NOT NULL DEFAULT '',  -- kept as given: IMAP needs it in clear
    starttls      INTEGER NOT NULL DEFAULT 0,
    move_to       TEXT NOT NULL DEFAULT '',  -- '' = flag \Seen, else move there
    active        INTEGER NOT NULL DEFAULT 1,
    uidvalidity   INTEGER NOT NULL DEFAULT 0,
    last_uid      INTEGER NOT NULL DEFAULT 0,
    polled_at     INTEGER,
    last_error    TEXT NOT NULL DEFAULT '',
    lease_owner   TEXT,
    lease_until   INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX mailboxes_name ON mailboxes(name COLLATE NOCASE);

-- Every message seen, in or out. An incoming message is recorded in the
-- transaction that stores its ticket or comment (or drops it as noise), so
-- a message is imported once whatever dies when.
CREATE TABLE mail_messages (
    message_id   TEXT PRIMARY KEY,
    direction    INTEGER NOT NULL,           -- 0 in, 1 out
    ticket_id    INTEGER REFERENCES tickets(id),
    comment_id   INTEGER REFERENCES comments(id),
    outcome      TEXT NOT NULL,              -- ticket, comment, autoreply, bounce, bulk, sent, ...
    mailbox_id   INTEGER,
    uidvalidity  INTEGER,
    uid          INTEGER,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX mail_messages_uid ON mail_messages(mailbox_id, uidvalidity, uid)
    WHERE mailbox_id IS NOT NULL;
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER REFERENCES tickets(id),
    kind            TEXT NOT NULL,           -- received, reply, solved, assigned, escalated
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    headers         TEXT NOT NULL DEFAULT '',-- further header lines, CRLF-separated
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    failed_at       INTEGER,                 -- given up (a permanent refusal)
    last_error      TEXT NOT NULL DEFAULT '',
    lease_owner     TEXT,
    lease_until     INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE mail_rejections (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,               -- "mail-in" or the mailbox name
    message_id  TEXT NOT NULL DEFAULT '',
    sender      TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    size        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

-- The key that signs the Message-IDs of agent notifications (reply tokens).
CREATE TABLE mail_keys (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    key  BLOB NOT NULL
);
INSERT INTO mail_keys(id, key) VALUES (1, randomblob(32));
