-- Per-month totals of a community for the overview's 12-month charts: closed
-- months are read from here (kept by a nightly job, filled on first view) and
-- only the current month is computed live. A tenant table like the others.
CREATE TABLE community_monthly_stats (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    month DATE NOT NULL,
    -- Net revenue (received less refunded) by currency: {"USD": "123.45"}.
    revenue JSONB NOT NULL DEFAULT '{}',
    members_total INTEGER NOT NULL,
    paying_total INTEGER NOT NULL,
    computed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, month),
    UNIQUE (community_id, id)
);

SELECT enable_tenant_rls('community_monthly_stats');
GRANT SELECT, INSERT, UPDATE, DELETE ON community_monthly_stats TO communityos_app;
