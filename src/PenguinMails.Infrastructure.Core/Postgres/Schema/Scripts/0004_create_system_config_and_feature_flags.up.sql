-- PenguinMails.Infrastructure.Core schema, version 4: system_config and feature_flags (users is a host table).

CREATE TABLE $(schema).system_config (
    key VARCHAR(255) PRIMARY KEY,
    value JSONB,
    description VARCHAR(500),
    category VARCHAR(50),
    is_sensitive BOOLEAN DEFAULT FALSE,
    updated_by UUID REFERENCES $(schema).users(id),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

CREATE INDEX ix_system_config_category ON $(schema).system_config (category);
CREATE INDEX ix_system_config_updated_by ON $(schema).system_config (updated_by);

CREATE TRIGGER trg_system_config_updated BEFORE UPDATE ON $(schema).system_config
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();

CREATE TABLE $(schema).feature_flags (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    key VARCHAR(100) UNIQUE NOT NULL,
    description TEXT,
    is_enabled BOOLEAN DEFAULT FALSE,
    rollout_percentage INTEGER DEFAULT 0,
    updated_by UUID REFERENCES $(schema).users(id),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT ck_feature_flags_rollout_percentage CHECK (rollout_percentage BETWEEN 0 AND 100)
);

CREATE INDEX ix_feature_flags_updated_by ON $(schema).feature_flags (updated_by);

CREATE TRIGGER trg_feature_flags_updated BEFORE UPDATE ON $(schema).feature_flags
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();
