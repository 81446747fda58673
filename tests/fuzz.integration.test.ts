// Malformed input against every server action and route handler: wrong types,
// huge strings, unicode, negative and huge numbers, SQL and HTML injection.
// Each must answer with a clear refusal (a 4xx, or an action's error message),
// never a 500 or "something went wrong", and must write nothing.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { asOwner, createCommunity, createTenantRows, createUser } from "./support/fixtures";
import { FORMULA_CELLS, OPEN_REDIRECTS } from "./support/attacks";
import { tierForm } from "./support/tier-form";

const session = vi.hoisted(() => ({
  user: null as null | { id: string; discordId: string; username: string; name: string; image: null; isAdmin: boolean },
  forwardedFor: "198.18.200.1",
  signIns: [] as { redirectTo?: string }[],
}));
vi.mock("../lib/auth/session", () => ({ getSessionUser: async () => session.user }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-request-id": "fuzz-request-0001", "x-forwarded-for": session.forwardedFor }),
  cookies: async () => ({ get: () => undefined }),
}));
// Auth.js itself is not under test here (and needs a Next server to load); where a sign-in would go is.
vi.mock("../lib/auth", () => ({
  auth: async () => null,
  signIn: async (_provider: string, options: { redirectTo?: string }) => void session.signIns.push(options),
  signOut: async () => undefined,
  handlers: {},
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { redirectedTo: url });
  },
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));

const HUGE = "A".repeat(200_000);
const NASTY: [string, string][] = [
  ["empty", ""],
  ["blank", "   "],
  ["negative", "-1"],
  ["huge negative", "-99999999999999999999999"],
  ["huge number", "1e309"],
  ["NaN", "NaN"],
  ["Infinity", "Infinity"],
  ["many digits", "9".repeat(400)],
  ["huge string", HUGE],
  ["SQL injection", "'; DROP TABLE users; --"],
  ["SQL tautology", "' OR '1'='1"],
  ["HTML injection", "<script>alert(1)</script>"],
  ["HTML attribute", '"><img src=x onerror=alert(1)>'],
  ["control characters", "\u0000\u0001\u0007\u001b[2J"],
  ["bidi and BOM", "\u202e\ufeffabc\u200b"],
  ["emoji flood", "😀".repeat(5000)],
  ["path traversal", "../../../../etc/passwd"],
  ["JSON object", '{"$ne": null, "__proto__": {"admin": true}}'],
  ["JSON array", "[1,2,3]"],
  ["null literal", "null"],
  ["uuid-looking", "00000000-0000-0000-0000-00000000000g"],
];

// Every field name any form of ours sends.
const FIELDS = [
  "name",
  "slug",
  "description",
  "status",
  "gracePeriodDays",
  "restrictedDays",
  "dunningIntervalHours",
  "receipts",
  "winbackDays",
  "saveOfferPercent",
  "saveOfferMonths",
  "pauseMonths",
  "taxMode",
  "supportUrl",
  "showMemberCount",
  "discordGuildId",
  "guildId",
  "price",
  "currency",
  "interval",
  "features",
  "discordRoleId",
  "extraRoleIds",
  "maxMembers",
  "trialDays",
  "sortOrder",
  "direction",
  "kind",
  "tierId",
  "memberId",
  "subscriptionId",
  "paymentId",
  "amount",
  "reason",
  "confirm",
  "cancel",
  "token",
  "clientId",
  "permissions",
  "prefix",
  "welcomeMessage",
  "memberId",
  "farewellMessage",
  "autoRoleAssignment",
  "paymentVerificationChannel",
  "adminChannel",
  "lapsedRoleId",
  "payChannelId",
  "isActive",
  "retentionDays",
  "criteria",
  "tableName",
  "returnStatus",
  "returnDays",
  "callbackUrl",
  "code",
  "kind",
  "value",
  "duration",
  "months",
  "maxRedemptions",
  "firstTimeOnly",
  "expiresOn",
  "tierIds",
  "promo",
  "until",
  "note",
  "grantId",
  "message",
  "gifts",
  "ref",
  ...[1, 2, 3].flatMap((n) => [`q${n}Label`, `q${n}Type`, `q${n}Choices`, `q${n}Required`]),
];

// Actions whose only input is the community (their slug is fuzzed): with a valid
// slug they legitimately run, so only the nasty-slug round applies to them.
const ONLY_SLUG = new Set(["joinCommunityAction", "checkBotAction", "scanDriftAction", "startOnboardingAction", "upgradePlanAction", "managePlanAction"]);
// Forms whose every field is optional: all of them empty is a legitimate answer (the bot's
// settings cleared, the bot switched off; no checkout questions asked; gifts off), so that one round is not a refusal to look for.
const ALL_OPTIONAL = new Set(["saveBotAction", "saveCheckoutQuestionsAction", "saveGiftsAction"]);
// Auth.js's own flows (no input but a callback URL, tested in e2e and auth-config).
const NOT_ACTIONS = new Set(["signInWithDiscord", "signOutAction"]);

type AnyAction = (...args: unknown[]) => Promise<unknown>;
let actions: { file: string; name: string; fn: AnyAction }[] = [];
let owner: { id: string; discordId: string };
let community: { id: string; slug: string };

function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? findFiles(full, name) : entry === name ? [full] : [];
  });
}

/** Everything an action could write on behalf of this owner and community. */
async function fingerprint() {
  return asOwner(async (client) => {
    const tenant = await client.query(`
      SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'community_id'
       WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`);
    const counts: Record<string, unknown> = {};
    for (const { t } of tenant.rows) {
      counts[t] = (
        await client.query(`SELECT count(*)::int AS n, md5(string_agg(x::text, '' ORDER BY x::text)) AS h FROM ${t} x WHERE community_id = $1`, [community.id])
      ).rows[0];
    }
    counts.community = (await client.query("SELECT md5(c::text) AS h FROM communities c WHERE id = $1", [community.id])).rows[0];
    counts.ownedCommunities = (await client.query("SELECT count(*)::int AS n FROM communities WHERE owner_id = $1", [owner.id])).rows[0];
    counts.user = (await client.query("SELECT md5(u::text) AS h FROM users u WHERE id = $1", [owner.id])).rows[0];
    counts.sessions = (await client.query("SELECT count(*)::int AS n FROM sessions WHERE user_id = $1", [owner.id])).rows[0];
    counts.retention = (await client.query("SELECT md5(string_agg(p::text, '' ORDER BY p.table_name)) AS h FROM data_retention_policies p")).rows[0];
    counts.jobs = (
      await client.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'communityId' = $1 OR payload::text = '{}'", [
        community.id,
      ])
    ).rows[0];
    return counts;
  });
}

function form(values: Record<string, string | string[] | Blob>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) {
    if (Array.isArray(value)) for (const v of value) data.append(key, v);
    else data.append(key, value);
  }
  return data;
}

/** Calls an action as the browser would (prev state, form data) and classifies the answer. */
async function call(action: AnyAction, data: FormData): Promise<{ ok: boolean; error?: string; redirectedTo?: string }> {
  try {
    // useActionState actions take (previous state, form data); plain form actions only the form.
    const result = (await (action.length === 1 ? action(data) : action(null, data))) as { ok: boolean; error?: string } | undefined;
    if (result === undefined) throw new Error("the action answered nothing");
    return result;
  } catch (error) {
    const redirectedTo = (error as { redirectedTo?: string }).redirectedTo;
    if (redirectedTo) return { ok: !/[?&]error=/.test(redirectedTo), redirectedTo };
    throw error;
  }
}

beforeAll(async () => {
  const user = await createUser("fuzz_owner");
  owner = user;
  community = await createCommunity(user.id);
  await createTenantRows(community.id, user.id, user.discordId);
  session.user = { id: user.id, discordId: user.discordId, username: "fuzz_owner", name: "Fuzz Owner", image: null, isAdmin: false };
  const root = path.resolve(import.meta.dirname, "../app");
  for (const file of findFiles(root, "actions.ts")) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn === "function" && !NOT_ACTIONS.has(name)) actions.push({ file: path.relative(root, file), name, fn: fn as AnyAction });
    }
  }
  actions = actions.sort((a, b) => `${a.file}${a.name}`.localeCompare(`${b.file}${b.name}`));
}, 60_000);

afterAll(() => db.$disconnect());

describe("fuzzing every server action", () => {
  it("finds them all", () => {
    expect(actions.length).toBeGreaterThanOrEqual(20);
  });

  it("refuses malformed input with a clear message and writes nothing", async () => {
    const before = await fingerprint();
    const failures: string[] = [];
    let calls = 0;
    for (const { file, name, fn } of actions) {
      const rounds: [string, FormData][] = [];
      for (const [label, value] of NASTY) {
        if (value === "" && ALL_OPTIONAL.has(name)) continue;
        const fields = Object.fromEntries(FIELDS.map((f) => [f, value]));
        rounds.push([`${label} everywhere`, form({ ...fields, communitySlug: value })]);
        if (!ONLY_SLUG.has(name)) rounds.push([`${label} in every field`, form({ ...fields, communitySlug: community.slug })]);
      }
      // Wrong types: every field sent twice (an array) or as a file.
      const twice = Object.fromEntries(FIELDS.map((f) => [f, ["1", "2"]]));
      rounds.push(["arrays", form({ ...twice, communitySlug: community.slug })]);
      rounds.push([
        "files",
        form({ ...Object.fromEntries(FIELDS.map((f) => [f, new Blob(["x"], { type: "application/octet-stream" })])), communitySlug: community.slug }),
      ]);
      rounds.push(["nothing at all", new FormData()]);

      for (const [label, data] of rounds) {
        if (ONLY_SLUG.has(name) && label !== "nothing at all" && data.get("communitySlug") === community.slug) continue;
        const where = `${file} ${name} (${label})`;
        calls += 1;
        try {
          const result = await call(fn, data);
          if (result.ok) failures.push(`${where}: accepted`);
          else if (!result.redirectedTo && (!result.error || /something went wrong/i.test(result.error)))
            failures.push(`${where}: unclear error "${result.error}"`);
          else if (result.error && result.error.length > 300) failures.push(`${where}: error message too long (${result.error.length} chars)`);
        } catch (error) {
          failures.push(`${where}: threw ${(error as Error).message.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(actions.length * 40);
    expect(await fingerprint()).toEqual(before);
  }, 240_000);
});

describe("fuzzing one field at a time in otherwise valid forms", () => {
  // Forms whose every other field is valid: the one bad field alone must be caught.
  const baselines = (): Record<string, Record<string, string>> => ({
    updateCommunityAction: {
      name: "Fuzz Community",
      slug: community.slug,
      description: "About us",
      status: "active",
      gracePeriodDays: "3",
      restrictedDays: "0",
      dunningIntervalHours: "48",
      receipts: "communityos",
      winbackDays: "0",
      saveOfferPercent: "0",
      saveOfferMonths: "3",
      pauseMonths: "0",
      taxMode: "off",
      supportUrl: "",
      showMemberCount: "on",
    },
    saveOwnBotAction: { token: "x".repeat(30), clientId: "123456789012345678" },
    saveBotAction: {
      welcomeMessage: "Welcome!",
      farewellMessage: "Bye!",
      paymentVerificationChannel: "",
      adminChannel: "",
      lapsedRoleId: "",
      payChannelId: "",
      isActive: "on",
      autoRoleAssignment: "on",
    },
    createTierAction: tierForm({ name: "Fuzz tier", price: "5.00" }),
  });
  // Wrong for every field there is: refused, whatever the field.
  const ALWAYS_BAD: [string, string | string[] | Blob][] = [
    ["huge string", HUGE],
    ["control characters", "abc\u0000def"],
    ["an array", ["1", "2"]],
    ["a file", new Blob(["x"])],
  ];

  it("accepts each baseline as it is", async () => {
    for (const [name, values] of Object.entries(baselines())) {
      const action = actions.find((a) => a.name === name)!;
      const result = await call(action.fn, form({ ...values, communitySlug: community.slug }));
      expect(result.ok, `${name}: ${result.error}`).toBe(true);
    }
  });

  it("refuses each field made wrong on its own, writing nothing; other odd values get a clear answer", async () => {
    const failures: string[] = [];
    for (const [name, values] of Object.entries(baselines())) {
      const action = actions.find((a) => a.name === name)!;
      for (const field of Object.keys(values)) {
        const before = await fingerprint();
        for (const [label, bad] of ALWAYS_BAD) {
          const result = await call(action.fn, form({ ...values, [field]: bad, communitySlug: community.slug })).catch((e: Error) => ({
            ok: true,
            error: `threw ${e.message}`,
          }));
          if (result.ok || !result.error || /something went wrong/i.test(result.error))
            failures.push(`${name}.${field} = ${label}: ${result.ok ? "accepted" : result.error}`);
        }
        if (JSON.stringify(await fingerprint()) !== JSON.stringify(before)) failures.push(`${name}.${field}: something was written`);
        // An odd but valid slug is a rename (the e2e suite covers those); it would move the community away from this test.
        for (const [label, odd] of field === "slug" ? [] : NASTY) {
          const result = await call(action.fn, form({ ...values, [field]: odd, communitySlug: community.slug })).catch((e: Error) => ({
            ok: false,
            error: `threw ${e.message}`,
          }));
          if (!result.ok && (!result.error || /something went wrong|^threw/i.test(result.error))) failures.push(`${name}.${field} = ${label}: ${result.error}`);
        }
        // Back to the baseline for the next field (an odd value may have been a valid one).
        await call(action.fn, form({ ...values, communitySlug: community.slug }));
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);
});

describe("fuzzing every route handler", () => {
  type RouteModule = Record<string, (request: Request, context: unknown) => Promise<Response>>;
  const params = (value: Record<string, string>) => ({ params: Promise.resolve(value) });
  const ROUTES: Record<string, () => Promise<unknown>> = {
    "dashboard/[slug]/members/route.ts": () => import("../app/api/dashboard/[slug]/members/route"),
    "dashboard/[slug]/members/export/route.ts": () => import("../app/api/dashboard/[slug]/members/export/route"),
    "dashboard/[slug]/members/[memberId]/route.ts": () => import("../app/api/dashboard/[slug]/members/[memberId]/route"),
    "dashboard/[slug]/members/[memberId]/export/route.ts": () => import("../app/api/dashboard/[slug]/members/[memberId]/export/route"),
    "c/[slug]/membership/route.ts": () => import("../app/api/c/[slug]/membership/route"),
    "me/export/route.ts": () => import("../app/api/me/export/route"),
  };
  const get = async (file: string, url: string, context: unknown) => {
    const mod = (await ROUTES[file]!()) as RouteModule;
    return mod.GET!(new Request(`http://localhost${url}`), context);
  };

  it("answers malformed ids, slugs and filters with a 4xx or an empty result, never a 500, writing nothing", async () => {
    const before = await fingerprint();
    const failures: string[] = [];
    const expectStatus = (where: string, response: Response, allowed: number[]) => {
      if (!allowed.includes(response.status)) failures.push(`${where}: ${response.status}`);
    };
    for (const [label, raw] of NASTY) {
      const value = encodeURIComponent(raw);
      const memberParams = params({ slug: community.slug, memberId: raw });
      expectStatus(
        `member detail (${label})`,
        await get("dashboard/[slug]/members/[memberId]/route.ts", `/api/dashboard/${community.slug}/members/${value}`, memberParams),
        [400, 404],
      );
      expectStatus(
        `member export (${label})`,
        await get("dashboard/[slug]/members/[memberId]/export/route.ts", `/api/dashboard/${community.slug}/members/${value}/export`, memberParams),
        [400, 404],
      );
      expectStatus(
        `members of a nasty slug (${label})`,
        await get("dashboard/[slug]/members/route.ts", `/api/dashboard/${value}/members`, params({ slug: raw })),
        [404],
      );
      expectStatus(
        `membership of a nasty slug (${label})`,
        await get("c/[slug]/membership/route.ts", `/api/c/${value}/membership`, params({ slug: raw })),
        [404],
      );
      for (const key of ["status", "sort", "cursor", "tier"]) {
        const response = await get(
          "dashboard/[slug]/members/route.ts",
          `/api/dashboard/${community.slug}/members?${key}=${value}`,
          params({ slug: community.slug }),
        );
        // An empty value is "no filter"; a tier name that matches nothing is a valid, empty filter.
        expectStatus(`members ?${key}= (${label})`, response, raw.trim() === "" || (key === "tier" && raw.length <= 100) ? [200, 400] : [400]);
      }
      const search = await get("dashboard/[slug]/members/route.ts", `/api/dashboard/${community.slug}/members?q=${value}`, params({ slug: community.slug }));
      // Searching for odd text is legitimate (no rows match); an absurdly long one is refused.
      expectStatus(`members ?q= (${label})`, search, raw.length > 200 ? [400] : [200, 400]);
      const csv = await get(
        "dashboard/[slug]/members/export/route.ts",
        `/api/dashboard/${community.slug}/members/export?status=${value}`,
        params({ slug: community.slug }),
      );
      expectStatus(`members CSV ?status= (${label})`, csv, raw === "" ? [200] : [400]);
    }

    const webhook = ((await import("../app/api/webhooks/stripe/route")) as unknown as RouteModule).POST!;
    const interactions = ((await import("../app/api/discord/interactions/route")) as unknown as RouteModule).POST!;
    for (const [label, raw] of NASTY) {
      // Distinct addresses: the bad-signature limit is not what is under test here.
      const address = { "x-forwarded-for": `198.18.${NASTY.findIndex(([l]) => l === label)}.1` };
      // HTTP cannot carry control or non-Latin-1 characters in a header value.
      const header = (length: number) => raw.slice(0, length).replace(/[^\x20-\x7e]/g, "?") || "t=1,v1=0";
      const hook = await webhook(
        new Request("http://localhost/api/webhooks/stripe", { method: "POST", body: raw, headers: { ...address, "stripe-signature": header(500) } }),
        undefined,
      );
      expectStatus(`stripe webhook (${label})`, hook, process.env.STRIPE_WEBHOOK_SECRET ? [400, 413] : [503]);
      const interaction = await interactions(
        new Request("http://localhost/api/discord/interactions", {
          method: "POST",
          body: raw,
          headers: { ...address, "x-signature-ed25519": header(200), "x-signature-timestamp": header(50) },
        }),
        undefined,
      );
      expectStatus(`interactions (${label})`, interaction, process.env.DISCORD_PUBLIC_KEY ? [401, 413] : [503]);
      const body = (await interaction.json()) as { error?: string };
      if (!body.error) failures.push(`interactions (${label}): no error message`);
    }

    session.user = null;
    expectStatus("data export signed out", await get("me/export/route.ts", "/api/me/export", undefined), [401]);
    expectStatus(
      "members signed out",
      await get("dashboard/[slug]/members/route.ts", `/api/dashboard/${community.slug}/members`, params({ slug: community.slug })),
      [401],
    );
    const stranger = await createUser("fuzz_stranger");
    session.user = { id: stranger.id, discordId: stranger.discordId, username: "stranger", name: "Stranger", image: null, isAdmin: false };
    expectStatus(
      "someone else's members",
      await get("dashboard/[slug]/members/route.ts", `/api/dashboard/${community.slug}/members`, params({ slug: community.slug })),
      [404],
    );
    session.user = { id: owner.id, discordId: owner.discordId, username: "fuzz_owner", name: "Fuzz Owner", image: null, isAdmin: false };

    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  }, 240_000);
});

describe("attack classes from the security review", () => {
  it("never lets a sign-in return to another site (open redirect)", async () => {
    const { signInWithDiscord } = await import("../app/signin/actions");
    for (const [i, target] of [...OPEN_REDIRECTS, ...NASTY.map(([, v]) => v)].entries()) {
      session.forwardedFor = `198.18.201.${i % 250}`;
      session.signIns.length = 0;
      await signInWithDiscord(form({ callbackUrl: target }));
      const redirectTo = session.signIns[0]?.redirectTo ?? "";
      expect(new URL(redirectTo, "https://communityos.invalid").origin, JSON.stringify(target)).toBe("https://communityos.invalid");
      expect(redirectTo, JSON.stringify(target)).not.toMatch(/[\u0000-\u001f\\]/);
    }
  });

  it("writes members' names that a spreadsheet would run as formulas as plain text (CSV injection)", async () => {
    const names = await Promise.all(FORMULA_CELLS.map((formula, i) => createUser(`fuzz_formula_${i}`).then((u) => ({ ...u, formula }))));
    for (const u of names) await db.user.update({ where: { id: u.id }, data: { globalName: u.formula } });
    await withCommunity(community.id, (tx) =>
      tx.communityMember.createMany({ data: names.map((u) => ({ communityId: community.id, userId: u.id, discordUserId: u.discordId, nickname: u.formula })) }),
    );
    const mod = (await import("../app/api/dashboard/[slug]/members/export/route")) as unknown as Record<string, (r: Request, c: unknown) => Promise<Response>>;
    const csv = await (
      await mod.GET!(new Request(`http://localhost/api/dashboard/${community.slug}/members/export`), { params: Promise.resolve({ slug: community.slug }) })
    ).text();
    const { parse } = await import("csv-parse/sync");
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    for (const u of names) {
      const row = rows.find((r) => r.discord_user_id === u.discordId);
      expect(row?.display_name).toBe(`'${u.formula}`);
      expect(row?.nickname).toBe(`'${u.formula}`);
    }
  });
});

// The member's own rows too: the fuzzing above ran with a populated community.
it("ran against real rows", async () => {
  expect(await withCommunity(community.id, (tx) => tx.communityMember.count())).toBeGreaterThan(0);
});
