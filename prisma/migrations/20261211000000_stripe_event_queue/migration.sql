-- Stripe's Connect events are answered once stored, and applied by the worker
-- (the job stripe:apply, queued in the same statement): a row 'queued' means
-- "received, not applied yet"; its claim by the worker sets the outcome and
-- processed_at in the transaction of the event's effects.
ALTER TABLE stripe_events ALTER COLUMN processed_at DROP NOT NULL,
    DROP CONSTRAINT stripe_events_outcome_check,
    ADD CONSTRAINT stripe_events_outcome_check CHECK (outcome IN ('queued', 'processed', 'ignored', 'rejected')),
    ADD CONSTRAINT stripe_events_processed_check CHECK ((outcome = 'queued') = (processed_at IS NULL));
