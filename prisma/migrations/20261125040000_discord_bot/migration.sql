-- The Discord bot: an audit trail of every role sync, and the drift that
-- reconciliation finds between what members pay for and the roles they hold.
-- Both are tenant tables: RLS enabled, forced, one tenant_isolation policy.

CREATE TABLE discord_role_syncs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id UUID NOT NULL,
    reason VARCHAR(100) NOT NULL,
    desired_roles TEXT[] NOT NULL DEFAULT '{}',
    roles_before TEXT[] NOT NULL DEFAULT '{}',
    added TEXT[] NOT NULL DEFAULT '{}',
    removed TEXT[] NOT NULL DEFAULT '{}',
    outcome VARCHAR(30) NOT NULL,
    error TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_discord_role_syncs_community_id_created_at ON discord_role_syncs(community_id, created_at DESC);
CREATE INDEX idx_discord_role_syncs_community_id_member_id ON discord_role_syncs(community_id, member_id, created_at DESC);

-- One open row per member while their roles and their payments disagree.
CREATE TABLE discord_role_drift (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id UUID NOT NULL,
    missing_roles TEXT[] NOT NULL DEFAULT '{}',
    unpaid_roles TEXT[] NOT NULL DEFAULT '{}',
    detected_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    resolved_at TIMESTAMP WITH TIME ZONE,
    last_error TEXT,
    UNIQUE (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES community_members(community_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX idx_discord_role_drift_open_member ON discord_role_drift(community_id, member_id) WHERE resolved_at IS NULL;
CREATE INDEX idx_discord_role_drift_community_id_detected_at ON discord_role_drift(community_id, detected_at DESC);

SELECT enable_tenant_rls('discord_role_syncs');
SELECT enable_tenant_rls('discord_role_drift');

GRANT SELECT, INSERT, UPDATE, DELETE ON discord_role_syncs, discord_role_drift TO communityos_app;
