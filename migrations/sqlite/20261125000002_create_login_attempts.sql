-- Consecutive failed password checks per account; see migrations/postgres for why they are kept apart
-- from `users`. `locked_until` is integer microseconds since the epoch, like the users' timestamps.
CREATE TABLE login_attempts (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures     INTEGER NOT NULL CHECK (failures > 0),
    locked_until INTEGER
) STRICT;
