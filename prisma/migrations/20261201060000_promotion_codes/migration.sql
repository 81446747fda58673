-- Promotion codes made in the dashboard (issue 17): a coupon and a promotion
-- code on the community's connected Stripe account, mirrored here so the
-- community page can check a shared link's code and checkout can apply it.
-- A tenant table: RLS enabled, forced, one policy.
CREATE TABLE promotion_codes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    code VARCHAR(40) NOT NULL,
    stripe_coupon_id VARCHAR(100) NOT NULL,
    stripe_promotion_code_id VARCHAR(100) NOT NULL UNIQUE,
    percent_off NUMERIC(5, 2),
    amount_off NUMERIC(10, 2),
    currency VARCHAR(3),
    duration VARCHAR(10) NOT NULL CHECK (duration IN ('once', 'repeating', 'forever')),
    duration_in_months INTEGER,
    max_redemptions INTEGER,
    first_time_only BOOLEAN NOT NULL DEFAULT false,
    expires_at TIMESTAMP WITH TIME ZONE,
    -- Empty: every tier.
    tier_ids UUID[] NOT NULL DEFAULT '{}',
    active BOOLEAN NOT NULL DEFAULT true,
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id),
    UNIQUE (community_id, code),
    CONSTRAINT promotion_codes_one_discount CHECK ((percent_off IS NULL) <> (amount_off IS NULL)),
    CONSTRAINT promotion_codes_code_check CHECK (code ~ '^[A-Z0-9_-]{3,40}$')
);

SELECT enable_tenant_rls('promotion_codes');
GRANT SELECT, INSERT, UPDATE, DELETE ON promotion_codes TO communityos_app;
