-- Users of the auth service.
--
-- `email` holds the normalised form (trimmed, lower-cased) produced by the domain, so a plain unique
-- constraint is the case-insensitive uniqueness rule. The constraint name is stable because the adapter
-- and operators refer to it.
CREATE TABLE users (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_updated_at_not_before_created_at CHECK (updated_at >= created_at)
);
