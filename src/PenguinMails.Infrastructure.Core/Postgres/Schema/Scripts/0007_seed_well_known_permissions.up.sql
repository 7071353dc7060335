-- PenguinMails.Infrastructure.Core schema, version 7: the catalog of well-known permissions.
-- Ids 1..999 are reserved for this package; application permissions use ids from 1000 on.
-- One row per line: a unit test holds these rows against PenguinMails.Infrastructure.Core.Staff.WellKnownPermissions.

INSERT INTO $(schema).permissions (id, name, category, description) VALUES
    (1, 'vps.read', 'vps', 'View VPS instances.'),
    (2, 'vps.manage', 'vps', 'Create, change, schedule for decommission and decommission VPS instances.'),
    (3, 'smtp_ips.read', 'smtp_ips', 'View SMTP IP addresses and their reputation.'),
    (4, 'smtp_ips.manage', 'smtp_ips', 'Add SMTP IP addresses and change their status and reputation.'),
    (5, 'assignments.read', 'assignments', 'View domain-IP assignments.'),
    (6, 'assignments.manage', 'assignments', 'Assign SMTP IPs to domains, change and expire assignments.'),
    (7, 'system_config.read', 'system_config', 'View system configuration; sensitive values stay masked.'),
    (8, 'system_config.read_sensitive', 'system_config', 'View the values of sensitive system configuration entries.'),
    (9, 'system_config.manage', 'system_config', 'Create, change and delete system configuration entries.'),
    (10, 'feature_flags.read', 'feature_flags', 'View feature flags and their rollout.'),
    (11, 'feature_flags.manage', 'feature_flags', 'Create, change and delete feature flags.'),
    (12, 'staff.read', 'staff', 'View staff members, roles and their permissions.'),
    (13, 'staff.manage', 'staff', 'Add and remove staff members, manage roles and grant permissions.'),
    (14, 'tenant_config.read', 'tenants', 'View tenant configuration.'),
    (15, 'tenant_config.manage', 'tenants', 'Change tenant configuration.'),
    (16, 'tenant_policies.read', 'tenants', 'View tenant security and membership policies.'),
    (17, 'tenant_policies.manage', 'tenants', 'Change tenant security and membership policies.');
