-- Keys a distributed database can enforce: with the tenant tables distributed by
-- community_id (Citus), a primary key or unique constraint is checked on one shard
-- only if it holds community_id (docs/scaling.md). Every tenant table's key becomes
-- (community_id, id); the Stripe ids, API key hashes and claim codes are unique per
-- community (each names one community's object: Stripe routes an account's events
-- to the one community that connected it). Foreign keys between tenant tables
-- already carry community_id; they now rest on the primary keys.

-- The (community_id, id) unique each table had for those foreign keys becomes its
-- primary key: the foreign keys resting on it are set aside and made again, same
-- name and rule, on the new key.
DO $$
DECLARE
  t text;
  fk record;
  again text[] := '{}';
  statement text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'access_grants', 'api_keys', 'audit_log', 'community_alerts', 'community_analytics_months', 'community_members',
    'community_monthly_stats', 'community_staff', 'discord_role_drift', 'discord_role_syncs', 'member_imports',
    'member_notices', 'payments', 'promotion_codes', 'stripe_events', 'stripe_imports', 'subscription_tiers',
    'subscriptions', 'webhook_deliveries', 'webhook_endpoints'
  ] LOOP
    FOR fk IN
      SELECT con.conrelid::regclass AS source, con.conname AS name, pg_get_constraintdef(con.oid) AS definition
        FROM pg_constraint con
       WHERE con.contype = 'f' AND con.conindid = format('public.%I', t || '_community_id_id_key')::regclass
    LOOP
      again := again || format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.source, fk.name, fk.definition);
      EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.source, fk.name);
    END LOOP;
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I, DROP CONSTRAINT %I, ADD CONSTRAINT %I PRIMARY KEY (community_id, id)',
                   t, t || '_pkey', t || '_community_id_id_key', t || '_pkey');
  END LOOP;
  FOREACH statement IN ARRAY again LOOP
    EXECUTE statement;
  END LOOP;
END $$;

-- One bot configuration per community: its key is the community's.
ALTER TABLE discord_bot_configs DROP CONSTRAINT discord_bot_configs_pkey, ADD CONSTRAINT discord_bot_configs_pkey PRIMARY KEY (community_id, id);

-- Partitioned by time: the key also holds the partition column.
ALTER TABLE analytics_events DROP CONSTRAINT analytics_events_pkey, ADD CONSTRAINT analytics_events_pkey PRIMARY KEY (community_id, id, "timestamp");

ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_stripe_subscription_id_key,
  ADD CONSTRAINT subscriptions_community_id_stripe_subscription_id_key UNIQUE (community_id, stripe_subscription_id);
ALTER TABLE subscription_tiers DROP CONSTRAINT subscription_tiers_stripe_price_id_key,
  ADD CONSTRAINT subscription_tiers_community_id_stripe_price_id_key UNIQUE (community_id, stripe_price_id);
ALTER TABLE payments DROP CONSTRAINT payments_stripe_invoice_id_key, DROP CONSTRAINT payments_stripe_payment_intent_id_key,
  ADD CONSTRAINT payments_community_id_stripe_invoice_id_key UNIQUE (community_id, stripe_invoice_id),
  ADD CONSTRAINT payments_community_id_stripe_payment_intent_id_key UNIQUE (community_id, stripe_payment_intent_id);
ALTER TABLE access_grants DROP CONSTRAINT access_grants_stripe_checkout_session_id_key,
  ADD CONSTRAINT access_grants_community_id_stripe_checkout_session_id_key UNIQUE (community_id, stripe_checkout_session_id);
ALTER TABLE promotion_codes DROP CONSTRAINT promotion_codes_stripe_promotion_code_id_key,
  ADD CONSTRAINT promotion_codes_community_id_stripe_promotion_code_id_key UNIQUE (community_id, stripe_promotion_code_id);
ALTER TABLE api_keys DROP CONSTRAINT api_keys_secret_hash_key,
  ADD CONSTRAINT api_keys_community_id_secret_hash_key UNIQUE (community_id, secret_hash);
ALTER TABLE member_imports DROP CONSTRAINT member_imports_claim_code_key,
  ADD CONSTRAINT member_imports_community_id_claim_code_key UNIQUE (community_id, claim_code);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_endpoint_id_event_id_key,
  ADD CONSTRAINT webhook_deliveries_community_id_endpoint_id_event_id_key UNIQUE (community_id, endpoint_id, event_id);
