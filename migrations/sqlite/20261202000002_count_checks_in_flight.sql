-- Password checks admitted but not yet resolved, per account (see the PostgreSQL migration of the
-- same name). SQLite cannot change a CHECK constraint in place, so the table is rebuilt; nothing refers
-- to it, and its rows are copied as they are.
CREATE TABLE login_attempts_next (
    user_id         INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures        INTEGER NOT NULL CHECK (failures >= 0),
    locked_until    INTEGER,
    in_flight       INTEGER NOT NULL DEFAULT 0 CHECK (in_flight >= 0),
    in_flight_until INTEGER
) STRICT;
INSERT INTO login_attempts_next (user_id, failures, locked_until)
    SELECT user_id, failures, locked_until FROM login_attempts;
DROP TABLE login_attempts;
ALTER TABLE login_attempts_next RENAME TO login_attempts;
