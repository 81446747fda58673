import { handlers } from "@/lib/auth";
import { route } from "@/lib/http/route";
import { clientAddress, consume, tooManyRequests } from "@/lib/security/rate-limit";

// Starting a sign-in costs an OAuth round trip: limited per address (the server
// action that starts ours counts the same way; the callback that ends it does not).
const LIMITED = /\/api\/auth\/signin\//;

async function limited(request: Request): Promise<Response | null> {
  if (!LIMITED.test(new URL(request.url).pathname)) return null;
  const result = await consume("signIn", clientAddress(request.headers));
  return result.ok ? null : tooManyRequests(result, "Too many sign-in attempts. Please wait a minute and try again.");
}

export const GET = route(async (request: Request) => (await limited(request)) ?? handlers.GET(request as never));
export const POST = route(async (request: Request) => (await limited(request)) ?? handlers.POST(request as never));
