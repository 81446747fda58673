-- Gift memberships: a member pays once (Checkout in payment mode) for some
-- months of a tier and gets a link to hand on; whoever signs in through it
-- claims the months as an access grant paid by the gift's payment, so the
-- member's standing, roles, the sweep at its end and a refund treat it as a pass.
-- A tenant table: RLS enabled, forced, keyed (community_id, id).
CREATE TABLE gifts (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    -- The link's secret: whoever holds it may claim the gift (122 random bits).
    code VARCHAR(32) NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    tier_id UUID NOT NULL,
    months INTEGER NOT NULL CHECK (months BETWEEN 1 AND 24),
    buyer_member_id UUID,
    payment_id UUID NOT NULL,
    stripe_checkout_session_id VARCHAR(100) NOT NULL,
    -- The buyer's words to the recipient, shown on the claim page.
    message VARCHAR(200),
    claimed_by_member_id UUID,
    claimed_at TIMESTAMP WITH TIME ZONE,
    grant_id UUID,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, code),
    UNIQUE (community_id, stripe_checkout_session_id),
    FOREIGN KEY (community_id, tier_id) REFERENCES subscription_tiers (community_id, id) ON DELETE CASCADE,
    FOREIGN KEY (community_id, payment_id) REFERENCES payments (community_id, id) ON DELETE CASCADE,
    FOREIGN KEY (community_id, buyer_member_id) REFERENCES community_members (community_id, id) ON DELETE SET NULL (buyer_member_id),
    FOREIGN KEY (community_id, claimed_by_member_id) REFERENCES community_members (community_id, id) ON DELETE SET NULL (claimed_by_member_id),
    FOREIGN KEY (community_id, grant_id) REFERENCES access_grants (community_id, id) ON DELETE SET NULL (grant_id)
);
CREATE INDEX idx_gifts_created ON gifts (community_id, created_at DESC);
CREATE INDEX idx_gifts_buyer ON gifts (community_id, buyer_member_id) WHERE buyer_member_id IS NOT NULL;

SELECT enable_tenant_rls('gifts');
-- Claiming and erasure update a gift; a gift is never deleted by the application.
GRANT SELECT, INSERT, UPDATE ON gifts TO communityos_app;
-- A member's own data export lists the gifts they bought and claimed.
CREATE POLICY member_self_read ON gifts FOR SELECT TO communityos_member_self
  USING ((community_id, buyer_member_id) IN (SELECT community_id, id FROM community_members
                                              WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid))
      OR (community_id, claimed_by_member_id) IN (SELECT community_id, id FROM community_members
                                                   WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid)));
GRANT SELECT ON gifts TO communityos_member_self;
