-- Stripe webhooks: the event ledger (exactly-once effects), owner alerts, and
-- the columns the subscription and payment state machine needs. Both tables are
-- tenant tables: RLS enabled, forced, one tenant_isolation policy. (Jobs the
-- effects need are enqueued in graphile-worker's queue, in the same transaction.)

-- One row per Stripe event applied (or deliberately ignored) for a community.
-- Written in the same transaction as the event's effects: a row means "done";
-- no row means "not done, Stripe may retry".
CREATE TABLE stripe_events (
    id VARCHAR(255) PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    type VARCHAR(100) NOT NULL,
    stripe_account_id VARCHAR(100),
    object_id VARCHAR(255),
    livemode BOOLEAN NOT NULL DEFAULT FALSE,
    stripe_created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    processed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    outcome VARCHAR(20) NOT NULL,
    error TEXT,
    UNIQUE (community_id, id),
    CONSTRAINT stripe_events_outcome_check CHECK (outcome IN ('processed', 'ignored', 'rejected'))
);
CREATE INDEX idx_stripe_events_community_id_received_at ON stripe_events(community_id, received_at DESC);

-- What the owner must look at: a dispute, a tier sold past its cap.
CREATE TABLE community_alerts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind VARCHAR(50) NOT NULL,
    severity VARCHAR(10) NOT NULL DEFAULT 'warning',
    title TEXT NOT NULL,
    detail TEXT,
    dedupe_key VARCHAR(255) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    resolved_at TIMESTAMP WITH TIME ZONE,
    UNIQUE (community_id, id),
    UNIQUE (community_id, dedupe_key),
    CONSTRAINT community_alerts_severity_check CHECK (severity IN ('info', 'warning', 'critical'))
);
CREATE INDEX idx_community_alerts_community_id_open ON community_alerts(community_id, created_at DESC) WHERE resolved_at IS NULL;

-- Payments are keyed by their invoice (invoice.paid and invoice.payment_succeeded
-- describe the same payment); refunds are kept as an amount, never by rewriting it.
ALTER TABLE payments
  ADD COLUMN stripe_invoice_id VARCHAR(100) UNIQUE,
  ADD COLUMN amount_refunded DECIMAL(10,2) NOT NULL DEFAULT 0,
  ADD CONSTRAINT payments_amount_refunded_check CHECK (amount_refunded >= 0 AND amount_refunded <= amount);

-- The tier a subscription pays for (tier_name stays as the seed has it, a
-- snapshot for history); the grace period a failed payment opens.
ALTER TABLE subscriptions
  ADD COLUMN tier_id UUID,
  ADD COLUMN grace_period_ends_at TIMESTAMP WITH TIME ZONE,
  ADD CONSTRAINT subscriptions_tier_fkey FOREIGN KEY (community_id, tier_id)
      REFERENCES subscription_tiers(community_id, id) ON DELETE SET NULL (tier_id);
CREATE INDEX idx_subscriptions_community_id_tier_id ON subscriptions(community_id, tier_id);

SELECT enable_tenant_rls('stripe_events');
SELECT enable_tenant_rls('community_alerts');

GRANT SELECT, INSERT, UPDATE, DELETE ON stripe_events, community_alerts TO communityos_app;
