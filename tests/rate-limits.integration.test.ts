// Rate limits, counted in PostgreSQL: the limit holds, says when to come back,
// is per key, and the public signature-checked endpoints shut out an address
// that floods them with bad signatures while other callers go on.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "../lib/db/client";
import { clientAddress, consume, limits, purgeExpiredLimits } from "../lib/security/rate-limit";
import { sign, WEBHOOK_SECRET } from "./support/stripe-webhooks";

// Auth.js itself answers "ok": what is under test is the limit in front of it.
const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("../lib/auth", () => ({
  handlers: { GET: async () => new Response("ok"), POST: async () => new Response("ok") },
  signIn: async () => undefined,
  signOut: async () => undefined,
  auth: async () => null,
}));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { redirectedTo: url });
  },
}));

process.env.STRIPE_WEBHOOK_SECRET ??= WEBHOOK_SECRET;
const secret = () => process.env.STRIPE_WEBHOOK_SECRET!;

afterAll(() => db.$disconnect());

const webhook = async (address: string, body: string, signature: string) => {
  const { POST } = await import("../app/api/webhooks/stripe/route");
  return POST(
    new Request("http://localhost/api/webhooks/stripe", {
      method: "POST",
      body,
      headers: { "stripe-signature": signature, "x-forwarded-for": `198.51.100.1, ${address}` },
    }),
    undefined,
  );
};

describe("rate limits", () => {
  it("allow the limit, then refuse with the seconds to wait, per key, shared through the database", async () => {
    const key = `user-${randomUUID()}`;
    for (let i = 0; i < limits().checkout.points; i++) expect(await consume("checkout", key)).toEqual({ ok: true });
    const refused = await consume("checkout", key);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThan(500);
    expect(await consume("checkout", `user-${randomUUID()}`)).toEqual({ ok: true });
    const row = await db.rateLimit.findUniqueOrThrow({ where: { key: `checkout:${key}` } });
    expect(row.points).toBe(limits().checkout.points + 1);
  });

  it("take the address our proxy appended, not one the client wrote", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.5" }))).toBe("203.0.113.5");
    expect(clientAddress(new Headers({ "x-real-ip": "203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientAddress(new Headers())).toBe("direct");
  });

  it("answer an address flooding the Stripe webhook with bad signatures 429, without blocking Stripe's own", async () => {
    const flooder = `203.0.113.${Math.floor(Math.random() * 200) + 1}-${randomUUID().slice(0, 4)}`;
    const body = JSON.stringify({
      id: "evt_flood",
      object: "event",
      type: "invoice.paid",
      created: 1,
      livemode: false,
      data: { object: { id: "in_1", object: "invoice" } },
    });
    for (let i = 0; i < limits().badSignature.points; i++) expect((await webhook(flooder, body, "t=1,v1=bad")).status).toBe(400);
    const blocked = await webhook(flooder, body, "t=1,v1=bad");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(60);
    expect((await db.rateLimit.findUniqueOrThrow({ where: { key: `badSignature:${flooder}` } })).points).toBeGreaterThan(limits().badSignature.points);
    expect((await webhook(flooder, body, "t=1,v1=bad")).status).toBe(429);
    // A correctly signed event is served, from that address and any other: a signature proves it is Stripe.
    for (const from of [flooder, `192.0.2.${Math.floor(Math.random() * 200)}-${randomUUID().slice(0, 4)}`]) {
      const fine = await webhook(from, body, sign(body, { secret: secret() }));
      expect(fine.status).toBe(200);
      expect(fine.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("refuse starting yet another sign-in from one address, and only from that one", async () => {
    const { GET } = await import("../app/api/auth/[...nextauth]/route");
    const { signInWithDiscord } = await import("../app/signin/actions");
    const { serverEnv } = await import("../lib/env");
    const address = `203.0.113.200-${randomUUID().slice(0, 6)}`;
    const at = (path: string, from = address) =>
      GET(new Request(`http://localhost${path}`, { headers: { "x-forwarded-for": from } }) as never, undefined as never);
    for (let i = 0; i < serverEnv().SIGN_IN_RATE_LIMIT; i++) expect((await at("/api/auth/signin/discord")).status).toBe(200);
    const refused = await at("/api/auth/signin/discord");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: "Too many sign-in attempts. Please wait a minute and try again." });
    // Finishing a sign-in already started is never refused; another address is not affected.
    expect((await at("/api/auth/callback/discord?code=x")).status).toBe(200);
    expect((await at("/api/auth/signin/discord", `198.51.100.77-${randomUUID().slice(0, 6)}`)).status).toBe(200);
    // Our sign-in button (a server action) counts against the same limit and says so on the page.
    request.headers = new Headers({ "x-forwarded-for": address });
    const form = new FormData();
    form.set("callbackUrl", "/portal");
    await expect(signInWithDiscord(form)).rejects.toMatchObject({ redirectedTo: "/signin?error=TooManyAttempts&callbackUrl=%2Fportal" });
  });

  it("purge expired counters", async () => {
    await db.rateLimit.create({ data: { key: `signIn:old-${randomUUID()}`, points: 3, expire: BigInt(Date.now() - 1000) } });
    expect(await purgeExpiredLimits()).toBeGreaterThanOrEqual(1);
    expect(await db.rateLimit.count({ where: { expire: { lt: BigInt(Date.now() - 500) } } })).toBe(0);
  });
});
