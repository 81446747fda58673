-- The member's answers to the community's checkout questions (Stripe Checkout's
-- custom fields), as the completed Checkout Session carried them: each answer
-- with its question's label at the time, so renaming a question later loses
-- nothing. Personal data: erased with the member, in their data export.
-- A column of a tenant table: its RLS applies.
ALTER TABLE community_members ADD COLUMN checkout_answers JSONB;
