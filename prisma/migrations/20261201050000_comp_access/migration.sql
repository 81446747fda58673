-- Comp access (issue 17): an owner gives a member a tier for free, until a date
-- or for good, with a note; revocable. The member's standing and roles count
-- it like a paid tier (lib/billing/member-standing.ts), so roles, the portal and
-- the dashboard agree. A tenant table: RLS enabled, forced, one policy.
CREATE TABLE comp_grants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id UUID NOT NULL,
    tier_id UUID NOT NULL,
    until TIMESTAMP WITH TIME ZONE,
    note VARCHAR(500),
    granted_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMP WITH TIME ZONE,
    revoked_by UUID REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE CASCADE,
    FOREIGN KEY (community_id, tier_id) REFERENCES subscription_tiers(community_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_comp_grants_community_id_member_id ON comp_grants(community_id, member_id);

SELECT enable_tenant_rls('comp_grants');
GRANT SELECT, INSERT, UPDATE, DELETE ON comp_grants TO communityos_app;
