/** What the keyless demo's fake Discord accepts as a bot token (e2e/fakes/discord/data.ts). Not a secret. */
export const DEMO_BOT_TOKEN = "demo-bot-token.communityos.local";
export const DEMO_BOT_CLIENT_ID = "100000000000000098";

export const FAKE_BOT_HINT = `Demo mode: the local fake Discord accepts the bot token “${DEMO_BOT_TOKEN}” with application id ${DEMO_BOT_CLIENT_ID}.`;
