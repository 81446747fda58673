-- Several servers per community (issue 19, part 2): besides its own server, a
-- community may link other Discord servers its owner runs, where its bot is
-- also present; a tier can grant a role in each. A tenant table: RLS enabled,
-- forced, keyed (community_id, id) like every tenant table.
CREATE TABLE community_servers (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    community_id UUID NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    guild_id VARCHAR(20) NOT NULL,
    name VARCHAR(100) NOT NULL,
    -- What stops the bot acting there (it was removed, lost access): syncs skip
    -- the server until the owner checks it again. Null when it works.
    problem VARCHAR(30),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, guild_id)
);

SELECT enable_tenant_rls('community_servers');
GRANT SELECT, INSERT, UPDATE, DELETE ON community_servers TO communityos_app;

-- Discord's gateway says "someone joined server G"; which communities care must
-- be found without a community scope. The registry (communities, no RLS, like
-- its discord_guild_id) keeps the linked servers' ids, written only by this
-- trigger, so the tenant table stays the one truth.
ALTER TABLE communities ADD COLUMN linked_guild_ids VARCHAR(20)[] NOT NULL DEFAULT '{}';
CREATE INDEX idx_communities_linked_guild_ids ON communities USING GIN (linked_guild_ids);

CREATE FUNCTION mirror_linked_guild_ids() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  target uuid := COALESCE(NEW.community_id, OLD.community_id);
BEGIN
  UPDATE communities
     SET linked_guild_ids = COALESCE((SELECT array_agg(guild_id ORDER BY created_at) FROM community_servers WHERE community_id = target), '{}')
   WHERE id = target;
  RETURN NULL;
END
$$;

CREATE TRIGGER community_servers_mirror
AFTER INSERT OR DELETE OR UPDATE OF guild_id ON community_servers
FOR EACH ROW EXECUTE FUNCTION mirror_linked_guild_ids();

-- A tier's roles in linked servers: [{"guildId": "…", "roleId": "…"}], checked
-- against each server's roles when saved (lib/tiers/server-roles.ts).
ALTER TABLE subscription_tiers ADD COLUMN server_roles JSONB NOT NULL DEFAULT '[]';

-- Where a member stands in each linked server: {"<guild id>": "joined" | "left" | …}
-- (the values of guild_status, which is about the community's own server).
ALTER TABLE community_members ADD COLUMN server_status JSONB NOT NULL DEFAULT '{}';
