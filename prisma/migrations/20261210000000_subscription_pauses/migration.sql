-- A subscription whose payment collection is paused at Stripe (pause_collection):
-- Stripe keeps it "active" and voids its invoices until resumes_at (or until
-- collection is resumed by hand, when resumes_at is null). We store its status as
-- paused: it gives no access and is not revenue while it lasts.
ALTER TABLE subscriptions
    ADD COLUMN collection_paused BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN resumes_at TIMESTAMPTZ;

-- A few days before a pause ends the member is told that access and billing resume.
ALTER TABLE member_notices DROP CONSTRAINT member_notices_kind_check,
    ADD CONSTRAINT member_notices_kind_check
        CHECK (kind IN ('receipt', 'welcome', 'dunning', 'lapse_restricted', 'lapse_removed', 'winback', 'pause_ending'));
