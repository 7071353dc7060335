-- Reverts version 6.
DROP TABLE $(schema).tenant_policies;
DROP TABLE $(schema).tenant_config;
