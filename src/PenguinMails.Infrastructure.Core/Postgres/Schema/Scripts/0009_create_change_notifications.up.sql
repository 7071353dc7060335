-- Version 9: change notifications for the caches of other processes (feature-flag snapshot, permission cache).
-- After every statement that changes feature_flags or the staff/permission tables, the trigger sends
--   NOTIFY penguinmails_infra, '<schema>.<table>'
-- Notifications are delivered at commit (none for a rolled-back transaction). A listener reloads its snapshot; when
-- LISTEN is unavailable (PgBouncer in transaction mode) the caches fall back to their refresh interval.
CREATE FUNCTION $(schema).penguinmails_notify_change() RETURNS trigger
    LANGUAGE plpgsql
AS $body$
BEGIN
    PERFORM pg_notify('penguinmails_infra', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
    RETURN NULL;
END
$body$;

CREATE TRIGGER trg_feature_flags_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON $(schema).feature_flags
    FOR EACH STATEMENT EXECUTE FUNCTION $(schema).penguinmails_notify_change();

CREATE TRIGGER trg_staff_members_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON $(schema).staff_members
    FOR EACH STATEMENT EXECUTE FUNCTION $(schema).penguinmails_notify_change();

CREATE TRIGGER trg_staff_roles_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON $(schema).staff_roles
    FOR EACH STATEMENT EXECUTE FUNCTION $(schema).penguinmails_notify_change();

CREATE TRIGGER trg_permissions_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON $(schema).permissions
    FOR EACH STATEMENT EXECUTE FUNCTION $(schema).penguinmails_notify_change();

CREATE TRIGGER trg_staff_role_permissions_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON $(schema).staff_role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION $(schema).penguinmails_notify_change();
