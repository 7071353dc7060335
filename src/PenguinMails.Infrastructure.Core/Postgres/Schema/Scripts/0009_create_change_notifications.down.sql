-- Reverts version 9.
DROP TRIGGER IF EXISTS trg_staff_role_permissions_notify ON $(schema).staff_role_permissions;
DROP TRIGGER IF EXISTS trg_permissions_notify ON $(schema).permissions;
DROP TRIGGER IF EXISTS trg_staff_roles_notify ON $(schema).staff_roles;
DROP TRIGGER IF EXISTS trg_staff_members_notify ON $(schema).staff_members;
DROP TRIGGER IF EXISTS trg_feature_flags_notify ON $(schema).feature_flags;
DROP FUNCTION IF EXISTS $(schema).penguinmails_notify_change();
