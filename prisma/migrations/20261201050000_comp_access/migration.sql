-- Access to a tier that is not a subscription (issue 17): a comp (the owner
-- gives a tier for free, until a date or for good, with a note; revocable) or a
-- pass (bought with one payment, for some days or for life). The member's
-- standing and roles count it like a paid tier (lib/billing/member-standing.ts),
-- so roles, the portal and the dashboard agree. A tenant table: RLS enabled,
-- forced, one policy.
CREATE TABLE access_grants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id UUID NOT NULL,
    tier_id UUID NOT NULL,
    kind VARCHAR(10) NOT NULL DEFAULT 'comp' CHECK (kind IN ('comp', 'pass')),
    -- A pass: the payment that bought it (a full refund ends it), and its Checkout Session (once).
    payment_id UUID,
    stripe_checkout_session_id VARCHAR(100) UNIQUE,
    until TIMESTAMP WITH TIME ZONE,
    note VARCHAR(500),
    granted_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMP WITH TIME ZONE,
    revoked_by UUID REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE CASCADE,
    FOREIGN KEY (community_id, tier_id) REFERENCES subscription_tiers(community_id, id) ON DELETE CASCADE,
    FOREIGN KEY (community_id, payment_id) REFERENCES payments(community_id, id)
);
CREATE INDEX idx_access_grants_community_id_member_id ON access_grants(community_id, member_id);

SELECT enable_tenant_rls('access_grants');
GRANT SELECT, INSERT, UPDATE, DELETE ON access_grants TO communityos_app;
