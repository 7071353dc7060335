-- PenguinMails.Infrastructure.Core schema, version 3: staff_roles, permissions, staff_members, staff_role_permissions
-- (users is a host table).

CREATE TABLE $(schema).staff_roles (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) UNIQUE,
    description TEXT,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE $(schema).permissions (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) UNIQUE,
    description TEXT,
    category VARCHAR(50) DEFAULT 'general',
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TABLE $(schema).staff_members (
    user_id UUID PRIMARY KEY REFERENCES $(schema).users(id),
    role_id INTEGER REFERENCES $(schema).staff_roles(id),
    notes TEXT,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE INDEX ix_staff_members_role_id ON $(schema).staff_members (role_id);

CREATE TRIGGER trg_staff_members_updated BEFORE UPDATE ON $(schema).staff_members
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();

CREATE TABLE $(schema).staff_role_permissions (
    role_id INTEGER REFERENCES $(schema).staff_roles(id),
    permission_id INTEGER REFERENCES $(schema).permissions(id),
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    PRIMARY KEY (role_id, permission_id)
);

-- The primary key (role_id, permission_id) serves role_id; this one serves permission_id.
CREATE INDEX ix_staff_role_permissions_permission_id ON $(schema).staff_role_permissions (permission_id);
