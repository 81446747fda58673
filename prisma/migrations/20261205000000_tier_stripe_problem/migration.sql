-- Why a tier's last save did not reach Stripe (Stripe refused it, or did not
-- answer); null once Stripe has the tier as saved. While set, the tier's Stripe
-- Price may be an older one, so checkout refuses the tier: a member never pays
-- other than what the page shows. A column of a tenant table: its RLS applies.
ALTER TABLE subscription_tiers ADD COLUMN stripe_problem VARCHAR(500);
