-- Staff (issue 18): people the owner lets help run a community, by Discord
-- account, as admin (everything but payouts and deletion), moderator (members,
-- comp access, role fixes) or viewer (read-only). lib/staff/roles.ts says what
-- each may do; the action chain and the route handlers enforce it. A tenant
-- table: RLS enabled, forced, one policy.
CREATE TABLE community_staff (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    discord_user_id VARCHAR(20) NOT NULL CHECK (discord_user_id ~ '^[0-9]{17,20}$'),
    role VARCHAR(10) NOT NULL CHECK (role IN ('admin', 'moderator', 'viewer')),
    -- What the owner called them when inviting (the account may not have signed in yet).
    label VARCHAR(100),
    invited_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    UNIQUE (community_id, id),
    UNIQUE (community_id, discord_user_id)
);
CREATE INDEX idx_community_staff_discord_user_id ON community_staff(discord_user_id);

SELECT enable_tenant_rls('community_staff');
GRANT SELECT, INSERT, UPDATE, DELETE ON community_staff TO communityos_app;

-- The dashboard lists the communities a person helps run before they enter
-- any of them: the user scope reads the staff rows of its own Discord account.
-- users has no RLS; the function answers one question (the scope's own Discord
-- id), SECURITY DEFINER so the user scope needs no read on users.
CREATE FUNCTION current_discord_id()
RETURNS varchar
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT discord_id FROM users WHERE id = nullif(current_setting('app.current_user_id', true), '')::uuid
$$;
REVOKE ALL ON FUNCTION current_discord_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION current_discord_id() TO communityos_member_self;

CREATE POLICY staff_self_read ON community_staff FOR SELECT TO communityos_member_self
  USING (discord_user_id = (SELECT current_discord_id()));
GRANT SELECT ON community_staff TO communityos_member_self;
