-- Sessions are bound to the password they were issued under: every password change bumps the version,
-- and a token carrying an older one is refused (see the PostgreSQL migration of the same name).
ALTER TABLE users ADD COLUMN password_version INTEGER NOT NULL DEFAULT 1
    CHECK (password_version >= 1);
