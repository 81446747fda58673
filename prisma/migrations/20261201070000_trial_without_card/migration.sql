-- Trials without a card (issue 17): the tier's free trial starts at Checkout
-- without a payment method (payment_method_collection=if_required); a trial
-- that ends without one is cancelled by Stripe, and access ends with it.
ALTER TABLE subscription_tiers
  ADD COLUMN trial_without_card BOOLEAN NOT NULL DEFAULT false,
  ADD CONSTRAINT subscription_tiers_trial_without_card_check CHECK (NOT trial_without_card OR trial_days > 0);
