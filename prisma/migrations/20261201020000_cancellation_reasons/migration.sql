-- Why a member cancelled, as they told us in the portal and Stripe keeps it
-- (subscription.cancellation_details): shown to the community's owner.
ALTER TABLE subscriptions
  ADD COLUMN cancellation_feedback VARCHAR(40),
  ADD COLUMN cancellation_comment VARCHAR(500);
