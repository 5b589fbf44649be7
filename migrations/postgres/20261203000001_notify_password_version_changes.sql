-- Every replica keeps its users' password versions in memory, so that a guarded request does not read
-- its caller's row. This trigger tells them all when one changes: a NOTIFY is delivered when its
-- transaction commits, to every session listening (adapters' users/postgres/version_feed.rs).
-- It fires on the version, not on the hash: a rehash at a new bcrypt cost invalidates nothing.
CREATE FUNCTION notify_password_version_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('jobber_auth_password_version', '*');
    ELSE
        PERFORM pg_notify('jobber_auth_password_version', OLD.id::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_password_version_changed
    AFTER UPDATE OF password_version ON users
    FOR EACH ROW
    WHEN (OLD.password_version IS DISTINCT FROM NEW.password_version)
    EXECUTE FUNCTION notify_password_version_change();

CREATE TRIGGER users_deleted
    AFTER DELETE ON users
    FOR EACH ROW
    EXECUTE FUNCTION notify_password_version_change();

CREATE TRIGGER users_truncated
    AFTER TRUNCATE ON users
    FOR EACH STATEMENT
    EXECUTE FUNCTION notify_password_version_change();
