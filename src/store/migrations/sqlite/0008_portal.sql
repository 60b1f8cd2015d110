-- 0008_portal: the customer portal's single-use sign-in links (hash only).

CREATE TABLE portal_magic_links (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX portal_magic_links_expires ON portal_magic_links(expires_at);
