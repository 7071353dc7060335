-- PenguinMails.Infrastructure.Core schema, version 5: user_preferences (users is a host table).

CREATE TABLE $(schema).user_preferences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES $(schema).users(id),
    theme VARCHAR(50) DEFAULT 'light',
    language VARCHAR(10) DEFAULT 'en',
    timezone VARCHAR(100) DEFAULT 'UTC',
    email_notifications BOOLEAN DEFAULT TRUE,
    push_notifications BOOLEAN DEFAULT TRUE,
    weekly_reports BOOLEAN DEFAULT FALSE,
    marketing_emails BOOLEAN DEFAULT FALSE,
    created TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    -- One preferences row per user; also serves the foreign key and the lookup by user.
    CONSTRAINT ux_user_preferences_user_id UNIQUE (user_id)
);

CREATE TRIGGER trg_user_preferences_updated BEFORE UPDATE ON $(schema).user_preferences
    FOR EACH ROW EXECUTE FUNCTION $(schema).penguinmails_touch_updated();
