import { answerInteraction, verifyInteraction } from "@/lib/discord/interactions";
import { serverEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Discord's slash commands. Authenticated by the Ed25519 signature only. */
export async function POST(request: Request) {
  const env = serverEnv();
  if (!env.DISCORD_PUBLIC_KEY) return Response.json({ error: "Interactions are not configured (DISCORD_PUBLIC_KEY)." }, { status: 503 });
  const body = await request.text();
  if (body.length > 100_000) return Response.json({ error: "Payload too large." }, { status: 413 });
  const valid = verifyInteraction(env.DISCORD_PUBLIC_KEY, request.headers.get("x-signature-ed25519"), request.headers.get("x-signature-timestamp"), body);
  if (!valid) return Response.json({ error: "Invalid request signature." }, { status: 401 });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return Response.json({ error: "Not JSON." }, { status: 400 });
  }
  const appUrl = env.AUTH_URL ?? new URL(request.url).origin;
  const answer = await answerInteraction(json, appUrl.replace(/\/$/, ""));
  return Response.json(answer.body, { status: answer.status });
}
