-- Real Discord access (issue 13). A community's bot is the platform's (added to
-- the server through Discord's bot authorization, no token stored here) or the
-- owner's own (its token sealed, as before). Members are put into the server
-- with their own OAuth grant (guilds.join); whether they are in it is tracked.
ALTER TABLE discord_bot_configs
  ADD COLUMN uses_platform_bot BOOLEAN NOT NULL DEFAULT false,
  ALTER COLUMN bot_token_encrypted DROP NOT NULL,
  ADD CONSTRAINT discord_bot_configs_token_check CHECK (uses_platform_bot OR bot_token_encrypted IS NOT NULL);

ALTER TABLE community_members
  ADD COLUMN guild_status VARCHAR(20) NOT NULL DEFAULT 'unknown',
  ADD COLUMN guild_status_at TIMESTAMP WITH TIME ZONE,
  ADD CONSTRAINT community_members_guild_status_check CHECK (guild_status IN (
    'unknown',       -- not looked at yet
    'joined',        -- in the server
    'left',          -- was in the server and left (the gateway saw it)
    'banned',        -- the server banned them: the bot cannot add them
    'guild_limit',   -- they are in 100 (200 with Nitro) servers already
    'needs_sign_in', -- no usable Discord grant to add them with: they sign in again
    'bot_missing',   -- the server has no bot that can add them
    'invite_needed'  -- the community's own bot cannot add people (only the platform's can): they join by invite
  ));
