-- PenguinMails.Infrastructure.Core schema, version 1: vps_instances and smtp_ip_addresses.
-- Tables, columns, defaults, CHECK lists and keys are those of the seed SQL; named additions are listed in docs/schema.md.

-- Keeps "updated" current: a value set explicitly by the UPDATE wins, otherwise the row gets now().
CREATE FUNCTION $(schema).penguinmails_touch_updated() RETURNS trigger
    LANGUAGE plpgsql
AS $body$
BEGIN
    IF NEW.updated IS NOT DISTINCT FROM OLD.updated THEN
        NEW.updated := now();
    END IF;
    RETURN NEW;
END;
$body$;

CREATE TABLE $(schema).vps_instances (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    hostwinds_instance_id VARCHAR(255) UNIQUE,
    ip_address VARCHAR(45),
    region VARCHAR(50),
    status VARCHAR(50) CHECK (status IN ('active', 'provisioning', 'scheduled_decommission', 'decommissioned')),
    monthly_cost DECIMAL(10,2),
    approximate_cost DECIMAL(8,2),
    hostwinds_billing_day INTEGER,
    current_billing_period_start TIMESTAMP WITH TIME ZONE,
    current_billing_period_end TIMESTAMP WITH TIME ZONE,
    decommission_scheduled_for TIMESTAMP WITH TIME ZONE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT ck_vps_instances_monthly_cost CHECK (monthly_cost >= 0),
    CONSTRAINT ck_vps_instances_approximate_cost CHECK (approximate_cost >= 0),
    CONSTRAINT ck_vps_instances_hostwinds_billing_day CHECK (hostwinds_billing_day BETWEEN 1 AND 31)
);

CREATE INDEX ix_vps_instances_status_region ON $(schema).vps_instances (status, region);
CREATE INDEX ix_vps_instances_region ON $(schema).vps_instances (region);

CREATE TRIGGER trg_vps_instances_updated BEFORE UPDATE ON $(schema).vps_instances
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();

CREATE TABLE $(schema).smtp_ip_addresses (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    vps_instance_id UUID REFERENCES $(schema).vps_instances(id) ON DELETE CASCADE,
    ip_address VARCHAR(45) NOT NULL,
    status VARCHAR(50) CHECK (status IN ('available', 'assigned', 'warming', 'warmed', 'degraded', 'burned', 'quarantined')),
    reputation_state VARCHAR(50) CHECK (reputation_state IN ('good', 'fair', 'poor', 'critical')),
    approximate_cost DECIMAL(6,2),
    last_reputation_check TIMESTAMP WITH TIME ZONE,
    assigned_count INTEGER DEFAULT 0,
    provider_blacklist_status JSONB,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT ck_smtp_ip_addresses_approximate_cost CHECK (approximate_cost >= 0),
    CONSTRAINT ck_smtp_ip_addresses_assigned_count CHECK (assigned_count >= 0)
);

CREATE INDEX ix_smtp_ip_addresses_vps_instance_id ON $(schema).smtp_ip_addresses (vps_instance_id);
CREATE INDEX ix_smtp_ip_addresses_status ON $(schema).smtp_ip_addresses (status);
CREATE INDEX ix_smtp_ip_addresses_reputation_state ON $(schema).smtp_ip_addresses (reputation_state);

CREATE TRIGGER trg_smtp_ip_addresses_updated BEFORE UPDATE ON $(schema).smtp_ip_addresses
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();
