import { answerInteraction, verifyInteraction } from "@/lib/discord/interactions";
import { serverEnv } from "@/lib/env";
import { route } from "@/lib/http/route";
import { clientAddress, consume, tooManyRequests } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** Discord's slash commands. Authenticated by the Ed25519 signature only; repeated bad signatures are shut out. */
export const POST = route(async (request) => {
  const env = serverEnv();
  if (!env.DISCORD_PUBLIC_KEY) return Response.json({ error: "Interactions are not configured (DISCORD_PUBLIC_KEY)." }, { status: 503 });
  const body = await request.text();
  if (body.length > 100_000) return Response.json({ error: "Payload too large." }, { status: 413 });
  const valid = verifyInteraction(env.DISCORD_PUBLIC_KEY, request.headers.get("x-signature-ed25519"), request.headers.get("x-signature-timestamp"), body);
  if (!valid) {
    // Only failures are counted: Discord's own traffic never waits on the limiter.
    const limited = await consume("badSignature", clientAddress(request.headers));
    if (!limited.ok) return tooManyRequests(limited, "Too many invalid requests from this address.");
    return Response.json({ error: "Invalid request signature." }, { status: 401 });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return Response.json({ error: "Not JSON." }, { status: 400 });
  }
  const appUrl = env.AUTH_URL ?? new URL(request.url).origin;
  const answer = await answerInteraction(json, appUrl.replace(/\/$/, ""));
  return Response.json(answer.body, { status: answer.status });
});
