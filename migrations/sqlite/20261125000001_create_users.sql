-- Users of the auth service, for the embedded SQLite store. Same rules as migrations/postgres.
--
-- AUTOINCREMENT so that an id is never reused after a delete, like PostgreSQL's identity column.
-- Timestamps are integer microseconds since the Unix epoch: PostgreSQL's precision, and they compare
-- and order as numbers (sqlx would otherwise store RFC 3339 text of varying length).
-- `email` holds the domain's normalised form (trimmed, lower-cased), so a plain unique constraint is the
-- case-insensitive uniqueness rule.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_updated_at_not_before_created_at CHECK (updated_at >= created_at)
) STRICT;
