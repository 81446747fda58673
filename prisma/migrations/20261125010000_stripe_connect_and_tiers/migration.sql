-- Stripe Connect: each community is paid out to its owner's connected account.
ALTER TABLE communities
  ADD COLUMN stripe_account_id VARCHAR(100) UNIQUE,
  ADD COLUMN stripe_charges_enabled BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN stripe_details_submitted BOOLEAN NOT NULL DEFAULT FALSE;

-- Tiers are mirrored as a Stripe Product + Price on the connected account.
ALTER TABLE subscription_tiers
  ADD COLUMN stripe_product_id VARCHAR(100),
  ADD COLUMN trial_days INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN extra_role_ids TEXT[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT subscription_tiers_trial_days_check CHECK (trial_days BETWEEN 0 AND 730),
  ADD CONSTRAINT subscription_tiers_currency_check CHECK (currency ~ '^[A-Z]{3}$');
