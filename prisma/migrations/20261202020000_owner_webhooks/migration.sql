-- Owner webhooks (issue 18): endpoints an owner registers, each with its own
-- signing secret (sealed like bot tokens, AES-256-GCM bound to the community),
-- and one delivery row per event and endpoint, with its attempts. Tenant
-- tables: RLS enabled, forced, one policy each.
CREATE TABLE webhook_endpoints (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    url VARCHAR(500) NOT NULL,
    description VARCHAR(200),
    secret_encrypted TEXT NOT NULL,
    -- Empty: every event type.
    events TEXT[] NOT NULL DEFAULT '{}',
    active BOOLEAN NOT NULL DEFAULT true,
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id)
);
CREATE INDEX idx_webhook_endpoints_community_id ON webhook_endpoints(community_id);

CREATE TABLE webhook_deliveries (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    endpoint_id UUID NOT NULL,
    event_id UUID NOT NULL,
    event_type VARCHAR(40) NOT NULL,
    payload JSONB NOT NULL,
    status VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    response_status INTEGER,
    -- The latest attempts, newest last: when, the HTTP status or the error, how long.
    attempt_log JSONB NOT NULL DEFAULT '[]',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    delivered_at TIMESTAMP WITH TIME ZONE,
    UNIQUE (community_id, id),
    UNIQUE (endpoint_id, event_id),
    FOREIGN KEY (community_id, endpoint_id) REFERENCES webhook_endpoints(community_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_webhook_deliveries_community_id_endpoint_id ON webhook_deliveries(community_id, endpoint_id, created_at DESC);

SELECT enable_tenant_rls('webhook_endpoints');
SELECT enable_tenant_rls('webhook_deliveries');
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries TO communityos_app;

-- Every delivery row gets its job in the same transaction, so an event can be
-- recorded inside the statement that records the change (one round trip on
-- the webhook hot path). 21 attempts on graphile-worker's backoff
-- (exp(min(attempt, 10)) seconds) span about three days.
CREATE FUNCTION enqueue_webhook_delivery() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM graphile_worker.add_job('webhooks:deliver',
    json_build_object('communityId', NEW.community_id, 'deliveryId', NEW.id),
    max_attempts => 21, job_key => 'webhook_delivery:' || NEW.id);
  RETURN NEW;
END
$$;
CREATE TRIGGER webhook_deliveries_enqueue AFTER INSERT ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION enqueue_webhook_delivery();

-- The delivery log is kept 90 days (GDPR retention: its payloads name members).
ALTER TABLE data_retention_policies
  DROP CONSTRAINT data_retention_policies_table_check,
  ADD CONSTRAINT data_retention_policies_table_check CHECK (table_name IN (
    'analytics_events', 'stripe_events', 'discord_role_syncs', 'community_alerts',
    'audit_log', 'sessions', 'verification_tokens', 'member_notices', 'webhook_deliveries'));
INSERT INTO data_retention_policies (table_name, retention_days, deletion_criteria) VALUES ('webhook_deliveries', 90, NULL)
ON CONFLICT (table_name) DO NOTHING;
