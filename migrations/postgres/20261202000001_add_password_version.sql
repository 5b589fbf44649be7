-- Sessions are bound to the password they were issued under: every password change bumps the version,
-- and a token carrying an older one is refused. Comparing issue times to `updated_at` instead left a
-- login that read the old hash just before a change with a token that outlived it.
ALTER TABLE users ADD COLUMN password_version BIGINT NOT NULL DEFAULT 1
    CONSTRAINT users_password_version_positive CHECK (password_version >= 1);
