-- Stripe Tax (issue 17): the tax Stripe computed on a payment, shown on
-- payments and receipts (amount includes it; tax_amount is its part).
ALTER TABLE payments ADD COLUMN tax_amount NUMERIC(10, 2) NOT NULL DEFAULT 0;
