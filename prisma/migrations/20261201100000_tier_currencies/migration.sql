-- Several currencies per tier (issue 17): a tier's price in other currencies
-- ({"EUR": "9.00"}), sold through one Stripe Price with currency_options; a
-- subscription remembers the currency it is billed in (MRR per currency).
ALTER TABLE subscription_tiers ADD COLUMN currency_prices JSONB NOT NULL DEFAULT '{}';
ALTER TABLE subscriptions ADD COLUMN currency VARCHAR(3);
