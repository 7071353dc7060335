-- PenguinMails.Infrastructure.Core schema, version 2: domain_ip_assignments (domains is a host table).

CREATE TABLE $(schema).domain_ip_assignments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID REFERENCES $(schema).domains(id) ON DELETE CASCADE,
    smtp_ip_address_id UUID REFERENCES $(schema).smtp_ip_addresses(id) ON DELETE CASCADE,
    status VARCHAR(50) CHECK (status IN ('active', 'warming', 'scheduled', 'expired')),
    assigned TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    expires TIMESTAMP WITH TIME ZONE,
    warmup_state VARCHAR(50) CHECK (warmup_state IN ('unwarmed', 'warming', 'warmed')),
    last_sent TIMESTAMP WITH TIME ZONE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE INDEX ix_domain_ip_assignments_domain_id ON $(schema).domain_ip_assignments (domain_id);
CREATE INDEX ix_domain_ip_assignments_smtp_ip_address_id ON $(schema).domain_ip_assignments (smtp_ip_address_id);
CREATE INDEX ix_domain_ip_assignments_status ON $(schema).domain_ip_assignments (status);
CREATE INDEX ix_domain_ip_assignments_expires ON $(schema).domain_ip_assignments (expires);

-- At most one assignment that is not expired per (domain, IP).
CREATE UNIQUE INDEX ux_domain_ip_assignments_domain_id_smtp_ip_address_id ON $(schema).domain_ip_assignments (domain_id, smtp_ip_address_id)
    WHERE status IS DISTINCT FROM 'expired';

CREATE TRIGGER trg_domain_ip_assignments_updated BEFORE UPDATE ON $(schema).domain_ip_assignments
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();
