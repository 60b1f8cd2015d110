-- 0010_account: staff invitations and password resets, mailed as single-use
-- links. Only the SHA-256 hash of a link's secret is kept.

CREATE TABLE account_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    kind       TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, id);
CREATE INDEX account_tokens_expires ON account_tokens(expires_at);
