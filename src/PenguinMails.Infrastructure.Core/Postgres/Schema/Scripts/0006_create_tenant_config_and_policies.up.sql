-- PenguinMails.Infrastructure.Core schema, version 6: tenant_config and tenant_policies (tenants is a host table).

CREATE TABLE $(schema).tenant_config (
    tenant_id UUID PRIMARY KEY REFERENCES $(schema).tenants(id),
    stripe_customer_id VARCHAR(255),
    billing_email VARCHAR(255),
    billing_address JSONB,
    notify_on_billing_changes BOOLEAN DEFAULT FALSE,
    notify_on_system_updates BOOLEAN DEFAULT FALSE,
    notify_on_security_alerts BOOLEAN DEFAULT FALSE,
    theme_primary_color VARCHAR(7),
    theme_logo_url VARCHAR(500),
    theme_favicon_url VARCHAR(500),
    ui_sidebar_default_collapsed BOOLEAN DEFAULT FALSE,
    ui_date_format VARCHAR(20),
    ui_timezone VARCHAR(50),
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TRIGGER trg_tenant_config_updated BEFORE UPDATE ON $(schema).tenant_config
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();

CREATE TABLE $(schema).tenant_policies (
    tenant_id UUID PRIMARY KEY REFERENCES $(schema).tenants(id),
    password_min_length INTEGER DEFAULT 8,
    password_require_uppercase BOOLEAN DEFAULT FALSE,
    password_require_numbers BOOLEAN DEFAULT FALSE,
    password_require_symbols BOOLEAN DEFAULT FALSE,
    session_timeout_hours INTEGER DEFAULT 8,
    max_login_attempts INTEGER DEFAULT 5,
    two_factor_required BOOLEAN DEFAULT FALSE,
    company_default_status VARCHAR(50) DEFAULT 'active',
    company_allow_member_invites BOOLEAN DEFAULT TRUE,
    company_auto_approve_members BOOLEAN DEFAULT FALSE,
    company_require_email_verification BOOLEAN DEFAULT TRUE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE TRIGGER trg_tenant_policies_updated BEFORE UPDATE ON $(schema).tenant_policies
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();
