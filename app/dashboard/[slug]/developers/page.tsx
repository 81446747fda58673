import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { listApiKeys } from "@/lib/api/keys";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { inTurn, withCommunity } from "@/lib/db/scopes";
import { appOrigin } from "@/lib/http/origin";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { OWNER_EVENTS } from "@/lib/webhooks/events";
import { CommunityHeader } from "../community-nav";
import { ApiKeys } from "./api-keys";
import { Webhooks } from "./webhooks";

export const metadata: Metadata = { title: "Developers" };

export default async function DevelopersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/developers`);
  const community = await findManagedCommunity(slug, user, "manage");
  if (!community) notFound();
  const [keys, endpoints] = await withCommunity(community.id, (tx) =>
    inTurn(
      () => listApiKeys(tx),
      () => listEndpoints(tx),
    ),
  );
  const origin = await appOrigin();
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="developers" />
      <div className="mt-8 space-y-6">
        <Card>
          <h2 className="text-lg font-semibold">API keys</h2>
          <p className="mt-1 text-sm text-slate-600">
            Read {community.name}&apos;s members, subscriptions, payments and tiers, and give comp access, from your own code. Reference:{" "}
            <a className="font-medium text-brand-700 hover:underline" href="/api/v1/openapi.json">
              {origin}/api/v1/openapi.json
            </a>{" "}
            (OpenAPI 3.1).
          </p>
          <ApiKeys
            slug={community.slug}
            origin={origin}
            keys={keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) }))}
          />
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Webhooks</h2>
          <p className="mt-1 text-sm text-slate-600">
            We POST each event as JSON, signed like Stripe&apos;s: <code className="text-xs">CommunityOS-Signature: t=…,v1=…</code> is the hex HMAC-SHA256 of{" "}
            <code className="text-xs">t.body</code> with the endpoint&apos;s secret. Answer 2xx within 10 seconds; failures are retried with growing pauses for
            about three days.
          </p>
          <Webhooks
            slug={community.slug}
            eventTypes={Object.entries(OWNER_EVENTS).map(([type, does]) => ({ type, does }))}
            endpoints={endpoints.map((e) => ({
              ...e,
              createdAt: e.createdAt.toISOString(),
              deliveries: e.deliveries.map((d) => ({
                ...d,
                createdAt: d.createdAt.toISOString(),
                lastAttemptAt: iso(d.lastAttemptAt),
                attemptLog: d.attemptLog as { at: string; status: number | null; error: string | null; ms: number }[],
              })),
            }))}
          />
        </Card>
      </div>
    </div>
  );
}
