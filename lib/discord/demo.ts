// The keyless demo's Discord: the local fake (e2e/fakes/discord) knows these
// applications. Not secrets: they open nothing but the fake.

/** The platform's bot in the demo (DISCORD_BOT_TOKEN's stand-in); its application is also the sign-in client. */
export const DEMO_BOT = {
  applicationId: "100000000000000098",
  clientSecret: "demo-client-secret",
  userId: "100000000000000099",
  name: "CommunityOS Demo Bot",
  token: "demo-bot-token.communityos.local",
} as const;

/** A second application, for trying "use your own bot" in the demo. */
export const DEMO_OWN_BOT = {
  applicationId: "100000000000000096",
  userId: "100000000000000097",
  name: "Pixel Helper",
  token: "demo-own-bot-token.communityos.local",
} as const;

export const DEMO_BOT_TOKEN = DEMO_BOT.token;
export const DEMO_BOT_CLIENT_ID = DEMO_BOT.applicationId;

export const FAKE_OWN_BOT_HINT = `Demo mode: the local fake Discord knows a second bot, “${DEMO_OWN_BOT.name}”, with the token “${DEMO_OWN_BOT.token}” and application id ${DEMO_OWN_BOT.applicationId}.`;
