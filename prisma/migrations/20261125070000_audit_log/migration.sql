-- Who did what to which object in a community (tier changes, refunds, bot
-- settings, role fixes, settings). Written in the same transaction as the
-- change where there is one. A tenant table: RLS enabled, forced, one policy.
CREATE TABLE audit_log (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    actor_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    action VARCHAR(60) NOT NULL,
    object_type VARCHAR(40) NOT NULL,
    object_id VARCHAR(100),
    details JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id)
);
CREATE INDEX idx_audit_log_community_id_created_at ON audit_log(community_id, created_at DESC, id DESC);

SELECT enable_tenant_rls('audit_log');
GRANT SELECT, INSERT ON audit_log TO communityos_app;
