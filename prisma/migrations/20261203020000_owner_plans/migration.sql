-- The owner's own CommunityOS plan (communities.subscription_tier), bought through
-- Stripe Checkout on the platform's account: the owner's customer and subscription
-- there, its status and the end of the paid period. A lapsed plan goes back to
-- 'free'; members' access never depends on it.
ALTER TABLE communities
  ADD COLUMN plan_customer_id VARCHAR(100),
  ADD COLUMN plan_subscription_id VARCHAR(100),
  ADD COLUMN plan_status VARCHAR(20),
  ADD COLUMN plan_period_end TIMESTAMPTZ;

CREATE UNIQUE INDEX communities_plan_subscription_id_key ON communities(plan_subscription_id);
