-- Referrals: a member shares their link (/c/<slug>?ref=<code>); a buyer who
-- arrives through it and pays is theirs, and earns them the community's percent
-- of the buyer's payments for some months. Earnings are derived from payments
-- (net of refunds) at read time: nothing is written on a renewal. The percent
-- and months in force when the buyer joined are kept on the buyer's row, so an
-- owner's later change does not rewrite what was earned.

-- The member's share code: random, public (it is in their link), one per member
-- and community; 64 bits, so a clash within a community (which would refuse the
-- member's row) is not to be expected. Filled for existing rows by the ADD COLUMN itself.
ALTER TABLE community_members
  ADD COLUMN referral_code VARCHAR(16) NOT NULL DEFAULT substr(md5(random()::text || clock_timestamp()::text), 1, 16),
  ADD COLUMN referred_by_member_id UUID,
  ADD COLUMN referred_at TIMESTAMPTZ,
  ADD COLUMN referral_percent INTEGER CHECK (referral_percent BETWEEN 1 AND 50),
  ADD COLUMN referral_months INTEGER CHECK (referral_months BETWEEN 1 AND 24),
  -- A referrer of the same community; a member never refers themselves.
  ADD CONSTRAINT community_members_referred_by_fkey FOREIGN KEY (community_id, referred_by_member_id)
    REFERENCES community_members (community_id, id) ON DELETE SET NULL (referred_by_member_id),
  ADD CONSTRAINT community_members_not_self_referred CHECK (referred_by_member_id IS NULL OR referred_by_member_id <> id);
CREATE UNIQUE INDEX idx_community_members_referral_code ON community_members (community_id, referral_code);
CREATE INDEX idx_community_members_referred_by ON community_members (community_id, referred_by_member_id) WHERE referred_by_member_id IS NOT NULL;

-- What the owner paid a referrer (outside CommunityOS: bank, PayPal, a free
-- month), recorded so the page can say what is still owed: never more than is
-- owed. Financial records: append-only for the application.
-- A tenant table: RLS enabled, forced, keyed (community_id, id).
CREATE TABLE affiliate_payouts (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    referrer_member_id UUID NOT NULL,
    amount NUMERIC(10, 2) NOT NULL CHECK (amount > 0),
    currency VARCHAR(3) NOT NULL,
    note VARCHAR(200),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, referrer_member_id) REFERENCES community_members (community_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_affiliate_payouts_referrer ON affiliate_payouts (community_id, referrer_member_id);

SELECT enable_tenant_rls('affiliate_payouts');
GRANT SELECT, INSERT ON affiliate_payouts TO communityos_app;
