-- The Analytics tab's closed-month views (MRR movements, churn by cause,
-- cohorts) per community and currency, computed once when a month has closed
-- (on first view, and again by the nightly job) and read from here after: at
-- a million payments they take seconds to compute and milliseconds to read.
-- A tenant table: RLS enabled, forced, one policy.
CREATE TABLE community_analytics_months (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    -- The last closed month the views end with.
    month DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    payload JSONB NOT NULL,
    computed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, month, currency),
    UNIQUE (community_id, id)
);

SELECT enable_tenant_rls('community_analytics_months');
GRANT SELECT, INSERT, UPDATE, DELETE ON community_analytics_months TO communityos_app;
