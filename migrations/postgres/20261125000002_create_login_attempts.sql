-- Consecutive failed password checks per account, for the temporary lockout.
--
-- Kept apart from `users` so that counting a failure never moves `users.updated_at`, which dates the
-- last password change and so revokes session tokens issued before it. The count lives here, in the
-- shared database, so that it holds across every replica of the service. A success deletes the row.
CREATE TABLE login_attempts (
    user_id      BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures     INTEGER     NOT NULL CHECK (failures > 0),
    locked_until TIMESTAMPTZ
);
