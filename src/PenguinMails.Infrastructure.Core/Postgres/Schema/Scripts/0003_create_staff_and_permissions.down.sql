-- Reverts version 3.
DROP TABLE $(schema).staff_role_permissions;
DROP TABLE $(schema).staff_members;
DROP TABLE $(schema).permissions;
DROP TABLE $(schema).staff_roles;
