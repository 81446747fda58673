-- The owner dashboard's reads: members sorted by what they spent, payments by
-- when they were processed (revenue charts), open failures and disputes.
CREATE INDEX idx_community_members_community_id_total_spent ON community_members(community_id, total_spent DESC, id DESC);
CREATE INDEX idx_payments_community_id_processed_at ON payments(community_id, processed_at DESC);
CREATE INDEX idx_payments_community_id_status ON payments(community_id, status, created_at DESC);
CREATE INDEX idx_subscriptions_community_id_status ON subscriptions(community_id, status);
