-- Passes (issue 17): a tier sold with one payment ('once') gives access for
-- some days or for life (access_days NULL), at a fixed price or at what the
-- member chooses above a minimum (pay what you want: price is the minimum).
ALTER TABLE subscription_tiers
  DROP CONSTRAINT subscription_tiers_interval_check,
  ADD CONSTRAINT subscription_tiers_interval_check CHECK (interval IN ('monthly', 'yearly', 'once')),
  ADD COLUMN access_days INTEGER CHECK (access_days IS NULL OR access_days BETWEEN 1 AND 3650),
  ADD COLUMN pay_what_you_want BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN suggested_price NUMERIC(10, 2),
  ADD CONSTRAINT subscription_tiers_pass_check CHECK (
    interval = 'once' OR (access_days IS NULL AND NOT pay_what_you_want AND suggested_price IS NULL)),
  ADD CONSTRAINT subscription_tiers_pass_trial_check CHECK (interval <> 'once' OR trial_days = 0);
