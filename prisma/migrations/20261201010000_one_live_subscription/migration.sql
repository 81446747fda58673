-- One live subscription per member per community. When two checkouts race and
-- both are paid, the later one is marked as a duplicate of the one the member
-- keeps; it gives no access and is cancelled and refunded at Stripe by a job.
ALTER TABLE subscriptions ADD COLUMN duplicate_of UUID;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_duplicate_of_fkey
  FOREIGN KEY (community_id, duplicate_of) REFERENCES subscriptions (community_id, id);
