-- Imports (issue 18): memberships brought in from the owner's connected Stripe
-- account or from a CSV file, each waiting for its Discord account. A person
-- claims theirs with its link (e-mailed, or copied by the owner) by signing in
-- with Discord; a CSV row naming a Discord account that has signed in before
-- becomes a membership at once. A Stripe import is a run with a cursor, so it
-- resumes where it stopped. Tenant tables: RLS enabled, forced, one policy each.
CREATE TABLE member_imports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    source VARCHAR(10) NOT NULL CHECK (source IN ('stripe', 'csv')),
    tier_id UUID NOT NULL,
    discord_user_id VARCHAR(20) CHECK (discord_user_id ~ '^[0-9]{17,20}$'),
    email VARCHAR(255),
    -- CSV comp access: its last moment (NULL: for good).
    until TIMESTAMP WITH TIME ZONE,
    stripe_customer_id VARCHAR(100),
    stripe_subscription_id VARCHAR(100),
    -- The claim link's secret: a bearer code, readable by the owner to copy the link.
    claim_code VARCHAR(64) NOT NULL UNIQUE,
    claim_mailed_at TIMESTAMP WITH TIME ZONE,
    claimed_at TIMESTAMP WITH TIME ZONE,
    member_id UUID,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id),
    UNIQUE (community_id, stripe_subscription_id),
    -- Until claimed it must say whose it is (an erased claimer's row keeps no e-mail).
    CONSTRAINT member_imports_who CHECK (claimed_at IS NOT NULL OR discord_user_id IS NOT NULL OR email IS NOT NULL OR stripe_customer_id IS NOT NULL),
    FOREIGN KEY (community_id, tier_id) REFERENCES subscription_tiers(community_id, id) ON DELETE CASCADE,
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE SET NULL (member_id)
);
CREATE INDEX idx_member_imports_community_id_discord_user_id ON member_imports(community_id, discord_user_id);

CREATE TABLE stripe_imports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    status VARCHAR(10) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    -- Stripe price id -> our tier id.
    mapping JSONB NOT NULL,
    send_emails BOOLEAN NOT NULL DEFAULT true,
    cursor VARCHAR(100),
    seen INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    error VARCHAR(500),
    started_by UUID REFERENCES users(id) ON DELETE SET NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    finished_at TIMESTAMP WITH TIME ZONE,
    UNIQUE (community_id, id)
);
-- One run at a time per community.
CREATE UNIQUE INDEX stripe_imports_one_running ON stripe_imports(community_id) WHERE status = 'running';

SELECT enable_tenant_rls('member_imports');
SELECT enable_tenant_rls('stripe_imports');
GRANT SELECT, INSERT, UPDATE, DELETE ON member_imports, stripe_imports TO communityos_app;
