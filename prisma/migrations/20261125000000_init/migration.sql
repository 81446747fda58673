-- CommunityOS initial schema: the seed data model (shared/SEED-database-schema.md),
-- the Auth.js tables, tenant-consistent composite keys and row-level security.
-- Deviations from the seed are listed in lib/db/README.md.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- Privileges for the runtime live on a NOLOGIN group role; scripts/db-migrate.ts
-- creates the login role (APP_DATABASE_URL's user) and makes it a member.
-- communityos_member_self is what a transaction in the user scope runs as (SET
-- LOCAL ROLE): the self-read policies apply to it alone. communityos_app is
-- NOINHERIT, so the login role can switch to it but never inherits its policies:
-- a permissive policy it inherited would be OR'd into every community-scoped
-- query and cost it the (community_id, ...) index order.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'communityos_app') THEN
    CREATE ROLE communityos_app NOLOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'communityos_member_self') THEN
    CREATE ROLE communityos_member_self NOLOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;
ALTER ROLE communityos_app NOINHERIT;
GRANT communityos_member_self TO communityos_app;

-- ---------------------------------------------------------------- users (global)
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    discord_id VARCHAR(20) UNIQUE NOT NULL,
    username VARCHAR(100) NOT NULL,
    discriminator VARCHAR(10),
    email VARCHAR(255),
    email_verified TIMESTAMP WITH TIME ZONE,
    avatar_url TEXT,
    global_name VARCHAR(100),
    locale VARCHAR(10) DEFAULT 'en-US',
    premium_type INTEGER DEFAULT 0,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    last_login TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

-- ---------------------------------------------------------------- Auth.js
CREATE TABLE accounts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type VARCHAR(50) NOT NULL,
    provider VARCHAR(50) NOT NULL,
    provider_account_id VARCHAR(100) NOT NULL,
    refresh_token TEXT,
    access_token TEXT,
    expires_at INTEGER,
    token_type VARCHAR(50),
    scope TEXT,
    id_token TEXT,
    session_state TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (provider, provider_account_id)
);
CREATE INDEX idx_accounts_user_id ON accounts(user_id);

CREATE TABLE sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_token VARCHAR(255) UNIQUE NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_sessions_user_id ON sessions(user_id);

CREATE TABLE verification_tokens (
    identifier VARCHAR(255) NOT NULL,
    token VARCHAR(255) NOT NULL,
    expires TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (identifier, token)
);

-- ---------------------------------------------------------------- communities (the tenants)
CREATE TABLE communities (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(100) UNIQUE NOT NULL,
    discord_guild_id VARCHAR(20) UNIQUE NOT NULL,
    owner_id UUID NOT NULL REFERENCES users(id),
    description TEXT,
    avatar_url TEXT,
    subscription_tier VARCHAR(50) NOT NULL DEFAULT 'free',
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    settings JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT communities_status_check CHECK (status IN ('active', 'paused', 'archived'))
);
CREATE INDEX idx_communities_discord_guild_id ON communities(discord_guild_id);
CREATE INDEX idx_communities_owner_id ON communities(owner_id);

-- ---------------------------------------------------------------- tenant tables
CREATE TABLE community_members (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    discord_user_id VARCHAR(20) NOT NULL,
    nickname VARCHAR(100),
    roles TEXT[] NOT NULL DEFAULT '{}',
    joined_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    subscription_status VARCHAR(20) NOT NULL DEFAULT 'none',
    subscription_tier VARCHAR(50),
    subscription_expires_at TIMESTAMP WITH TIME ZONE,
    total_spent DECIMAL(10,2) NOT NULL DEFAULT 0.00,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, user_id),
    UNIQUE (community_id, id)
);
CREATE INDEX idx_community_members_community_id ON community_members(community_id);
CREATE INDEX idx_community_members_user_id ON community_members(user_id);
CREATE INDEX idx_community_members_discord_user_id ON community_members(discord_user_id);
-- The members page reads newest first, 50 at a time, with a keyset on (joined_at, id).
CREATE INDEX idx_community_members_community_id_joined_at ON community_members(community_id, joined_at DESC, id DESC);

CREATE TABLE subscription_tiers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    price DECIMAL(10,2) NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    interval VARCHAR(20) NOT NULL,
    stripe_price_id VARCHAR(100) UNIQUE,
    features JSONB NOT NULL DEFAULT '[]',
    discord_role_id VARCHAR(20),
    max_members INTEGER,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, name),
    UNIQUE (community_id, id),
    CONSTRAINT subscription_tiers_interval_check CHECK (interval IN ('monthly', 'yearly')),
    CONSTRAINT subscription_tiers_price_check CHECK (price > 0),
    CONSTRAINT subscription_tiers_max_members_check CHECK (max_members IS NULL OR max_members > 0)
);

CREATE TABLE subscriptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id UUID NOT NULL,
    stripe_subscription_id VARCHAR(100) UNIQUE,
    stripe_customer_id VARCHAR(100) NOT NULL,
    tier_name VARCHAR(100) NOT NULL,
    status VARCHAR(20) NOT NULL,
    current_period_start TIMESTAMP WITH TIME ZONE NOT NULL,
    current_period_end TIMESTAMP WITH TIME ZONE NOT NULL,
    cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
    canceled_at TIMESTAMP WITH TIME ZONE,
    trial_start TIMESTAMP WITH TIME ZONE,
    trial_end TIMESTAMP WITH TIME ZONE,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_subscriptions_community_id_member_id ON subscriptions(community_id, member_id);
CREATE INDEX idx_subscriptions_stripe_subscription_id ON subscriptions(stripe_subscription_id);
CREATE INDEX idx_subscriptions_status ON subscriptions(status);
CREATE INDEX idx_subscriptions_current_period_end ON subscriptions(current_period_end);

CREATE TABLE payments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id),
    member_id UUID NOT NULL,
    subscription_id UUID,
    stripe_payment_intent_id VARCHAR(100) UNIQUE,
    stripe_charge_id VARCHAR(100),
    amount DECIMAL(10,2) NOT NULL,
    currency VARCHAR(3) NOT NULL,
    status VARCHAR(20) NOT NULL,
    description TEXT,
    metadata JSONB NOT NULL DEFAULT '{}',
    processed_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id),
    FOREIGN KEY (community_id, subscription_id) REFERENCES subscriptions(community_id, id)
);
CREATE INDEX idx_payments_community_id_created_at ON payments(community_id, created_at DESC);
CREATE INDEX idx_payments_stripe_payment_intent_id ON payments(stripe_payment_intent_id);
CREATE INDEX idx_payments_community_id_member_id ON payments(community_id, member_id);
CREATE INDEX idx_payments_community_id_subscription_id ON payments(community_id, subscription_id);

CREATE TABLE discord_bot_configs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    bot_token_encrypted TEXT NOT NULL,
    client_id VARCHAR(20) NOT NULL,
    permissions BIGINT NOT NULL,
    prefix VARCHAR(10) NOT NULL DEFAULT '!',
    welcome_message TEXT,
    farewell_message TEXT,
    auto_role_assignment BOOLEAN NOT NULL DEFAULT TRUE,
    payment_verification_channel VARCHAR(20),
    admin_channel VARCHAR(20),
    settings JSONB NOT NULL DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    last_online TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id)
);

-- Range-partitioned by month; the partition key must be part of the primary key
-- and NOT NULL, so "timestamp" is NOT NULL here (the seed leaves it nullable).
CREATE TABLE analytics_events (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id),
    event_type VARCHAR(50) NOT NULL,
    event_name VARCHAR(100) NOT NULL,
    user_id UUID REFERENCES users(id),
    discord_user_id VARCHAR(20),
    properties JSONB NOT NULL DEFAULT '{}',
    "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    session_id VARCHAR(100),
    ip_address INET,
    user_agent TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (id, "timestamp")
) PARTITION BY RANGE ("timestamp");
CREATE INDEX idx_analytics_events_community_id_timestamp ON analytics_events(community_id, "timestamp" DESC);
CREATE INDEX idx_analytics_events_event_type ON analytics_events(event_type);
CREATE TABLE analytics_events_default PARTITION OF analytics_events DEFAULT;

-- ---------------------------------------------------------------- GDPR (platform-wide)
CREATE TABLE data_retention_policies (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    table_name VARCHAR(100) NOT NULL,
    retention_days INTEGER NOT NULL,
    deletion_criteria JSONB,
    last_cleanup TIMESTAMP WITH TIME ZONE,
    CONSTRAINT data_retention_policies_days_check CHECK (retention_days > 0)
);

-- ---------------------------------------------------------------- row-level security
-- One policy per tenant table, for every role: the row's community must be the
-- transaction's scope. An unset scope is NULL (or '' on a reused connection),
-- which matches no row and admits no write. The sub-select makes the setting an
-- InitPlan evaluated once per statement instead of once per row.
CREATE FUNCTION enable_tenant_rls(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s FOR ALL
       USING (community_id = (SELECT nullif(current_setting(''app.current_community_id'', true), '''')::uuid))
       WITH CHECK (community_id = (SELECT nullif(current_setting(''app.current_community_id'', true), '''')::uuid))',
    target);
END
$$;

SELECT enable_tenant_rls('community_members');
SELECT enable_tenant_rls('subscription_tiers');
SELECT enable_tenant_rls('subscriptions');
SELECT enable_tenant_rls('payments');
SELECT enable_tenant_rls('discord_bot_configs');
SELECT enable_tenant_rls('analytics_events');
SELECT enable_tenant_rls('analytics_events_default');

-- The user scope: a signed-in member reads their own memberships, subscriptions
-- and payments across communities. Read-only; writes need the community scope.
CREATE POLICY member_self_read ON community_members FOR SELECT TO communityos_member_self
  USING (user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid));
CREATE POLICY member_self_read ON subscriptions FOR SELECT TO communityos_member_self
  USING (member_id IN (SELECT id FROM community_members
                       WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid)));
CREATE POLICY member_self_read ON payments FOR SELECT TO communityos_member_self
  USING (member_id IN (SELECT id FROM community_members
                       WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid)));

-- ---------------------------------------------------------------- monthly partitions
-- Creates the monthly partitions from from_month up to months_ahead months after
-- the current one, moving any rows the default partition already holds for a new
-- month. SECURITY DEFINER so the application role (which owns nothing) can call
-- it from a job; it does only this, with a pinned search_path.
CREATE FUNCTION ensure_analytics_partitions(from_month date, months_ahead integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  month_start date := date_trunc('month', from_month)::date;
  last_month date := (date_trunc('month', now()) + make_interval(months => months_ahead))::date;
  partition_name text;
  created integer := 0;
BEGIN
  IF months_ahead < 0 OR months_ahead > 36 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 36, got %', months_ahead;
  END IF;
  WHILE month_start <= last_month LOOP
    partition_name := format('analytics_events_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE analytics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
      -- FORCE would hide the default partition's rows from a non-superuser owner.
      ALTER TABLE analytics_events_default NO FORCE ROW LEVEL SECURITY;
      EXECUTE format(
        'WITH moved AS (DELETE FROM analytics_events_default WHERE "timestamp" >= %L AND "timestamp" < %L RETURNING *)
         INSERT INTO %I SELECT * FROM moved',
        month_start, (month_start + interval '1 month')::date, partition_name);
      ALTER TABLE analytics_events_default FORCE ROW LEVEL SECURITY;
      EXECUTE format('ALTER TABLE analytics_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, (month_start + interval '1 month')::date);
      PERFORM enable_tenant_rls(partition_name::regclass);
      created := created + 1;
    END IF;
    month_start := (month_start + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION ensure_analytics_partitions(date, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION enable_tenant_rls(regclass) FROM PUBLIC;

SELECT ensure_analytics_partitions(DATE '2025-01-01', 3);

-- ---------------------------------------------------------------- runtime privileges
GRANT USAGE ON SCHEMA public TO communityos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  users, accounts, sessions, verification_tokens, communities,
  community_members, subscription_tiers, subscriptions, payments,
  discord_bot_configs, analytics_events, data_retention_policies
  TO communityos_app;
GRANT EXECUTE ON FUNCTION ensure_analytics_partitions(date, integer) TO communityos_app;
GRANT USAGE ON SCHEMA public TO communityos_member_self;
GRANT SELECT ON community_members, subscriptions, payments, communities TO communityos_member_self;
