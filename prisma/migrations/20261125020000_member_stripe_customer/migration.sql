-- The member's Stripe customer on the community's connected account, reused by every checkout.
ALTER TABLE community_members ADD COLUMN stripe_customer_id VARCHAR(100);
CREATE INDEX idx_community_members_community_id_stripe_customer_id ON community_members(community_id, stripe_customer_id);
