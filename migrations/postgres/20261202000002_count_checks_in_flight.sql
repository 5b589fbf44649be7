-- Password checks admitted but not yet resolved, per account. A check that finds the lockout
-- threshold taken by checks still in flight waits for them instead of being refused as wrong; a
-- success clears the failures, and each failure counts when it is known. `in_flight_until` bounds how
-- long a check a dead replica left unresolved holds its place: past it, such checks count as failures.
-- A row may now hold checks in flight and no failure yet.
ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_failures_check,
    ADD CONSTRAINT login_attempts_failures_check CHECK (failures >= 0),
    ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0 CHECK (in_flight >= 0),
    ADD COLUMN in_flight_until TIMESTAMPTZ;
