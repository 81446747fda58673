-- REST API keys (issue 18), made in the dashboard: shown once, stored as a
-- SHA-256 of the whole key (a 192-bit random secret needs no slow hash),
-- scoped read or read-write, revocable. The key names its community, so the
-- lookup runs in that community's scope like every tenant read. A tenant
-- table: RLS enabled, forced, one policy.
CREATE TABLE api_keys (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    -- The key's last characters, to tell keys apart in the list.
    hint VARCHAR(8) NOT NULL,
    secret_hash VARCHAR(64) NOT NULL UNIQUE,
    scope VARCHAR(10) NOT NULL CHECK (scope IN ('read', 'write')),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    last_used_at TIMESTAMP WITH TIME ZONE,
    revoked_at TIMESTAMP WITH TIME ZONE,
    UNIQUE (community_id, id)
);
CREATE INDEX idx_api_keys_community_id ON api_keys(community_id);

SELECT enable_tenant_rls('api_keys');
GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO communityos_app;
