-- Member e-mail and revenue recovery (issue 16): what was sent to a member
-- (each send recorded once, so a retried job never sends twice), the lapse
-- stages of a failed payment, and which failed payments were recovered.

-- One row per message and channel. A job claims its row before sending
-- (status 'sending'), marks it 'sent' after; the unique key is what makes a
-- retried or doubled job a no-op.
CREATE TABLE member_notices (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id UUID NOT NULL,
    kind VARCHAR(30) NOT NULL CHECK (kind IN ('receipt', 'welcome', 'dunning', 'lapse_restricted', 'lapse_removed', 'winback')),
    channel VARCHAR(10) NOT NULL CHECK (channel IN ('email', 'discord')),
    dedupe_key VARCHAR(200) NOT NULL,
    status VARCHAR(10) NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent')),
    details JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    sent_at TIMESTAMP WITH TIME ZONE,
    UNIQUE (community_id, dedupe_key, channel),
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_member_notices_community_id_member_id ON member_notices(community_id, member_id, created_at DESC);

SELECT enable_tenant_rls('member_notices');
GRANT SELECT, INSERT, UPDATE, DELETE ON member_notices TO communityos_app;
-- A member's own data export lists what was sent to them.
CREATE POLICY member_self_read ON member_notices FOR SELECT TO communityos_member_self
  USING (member_id IN (SELECT id FROM community_members
                       WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid)));
GRANT SELECT ON member_notices TO communityos_member_self;

-- Non-transactional mail (win-back) stops when a member unsubscribes; a
-- community's save offer (a discount instead of cancelling) is taken once.
ALTER TABLE community_members
  ADD COLUMN email_opt_out_at TIMESTAMP WITH TIME ZONE,
  ADD COLUMN save_offer_redeemed_at TIMESTAMP WITH TIME ZONE;

-- A failed payment's path: grace (roles kept) until grace_period_ends_at, then
-- restricted (paid roles off, the lapsed role on) until restricted_until, then removed.
ALTER TABLE subscriptions ADD COLUMN restricted_until TIMESTAMP WITH TIME ZONE;

-- Recovery: when an invoice first failed, and when it was paid after all.
ALTER TABLE payments
  ADD COLUMN failed_at TIMESTAMP WITH TIME ZONE,
  ADD COLUMN recovered_at TIMESTAMP WITH TIME ZONE,
  ADD COLUMN hosted_invoice_url TEXT;
UPDATE payments SET failed_at = COALESCE(processed_at, created_at) WHERE status = 'failed';
CREATE INDEX idx_payments_community_id_failed_at ON payments(community_id, failed_at);

-- The restricted stage's Discord side: a role that sees only the pay channel.
ALTER TABLE discord_bot_configs
  ADD COLUMN lapsed_role_id VARCHAR(20),
  ADD COLUMN pay_channel_id VARCHAR(20);

-- What was sent to members is kept a year (GDPR retention), then purged like the rest.
ALTER TABLE data_retention_policies
  DROP CONSTRAINT data_retention_policies_table_check,
  ADD CONSTRAINT data_retention_policies_table_check CHECK (table_name IN (
    'analytics_events', 'stripe_events', 'discord_role_syncs', 'community_alerts',
    'audit_log', 'sessions', 'verification_tokens', 'member_notices'));
INSERT INTO data_retention_policies (table_name, retention_days, deletion_criteria) VALUES ('member_notices', 365, NULL)
ON CONFLICT (table_name) DO NOTHING;
