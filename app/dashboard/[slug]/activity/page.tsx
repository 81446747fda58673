import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { auditPage } from "@/lib/audit/read";
import { CommunityHeader } from "../community-nav";

export const metadata: Metadata = { title: "Activity" };

const PAGE = 50;
const beforeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}$/)
  .optional();

const LABELS: Record<string, string> = {
  "tier.created": "created the tier",
  "tier.updated": "edited the tier",
  "tier.reordered": "reordered the tier",
  "tier.activated": "activated the tier",
  "tier.deactivated": "deactivated the tier",
  "community.settings_updated": "changed the community's settings",
  "bot.settings_saved": "saved the bot's settings",
  "bot.added": "added the bot to the server",
  "bot.own_bot_saved": "connected their own bot",
  "discord.role_created": "created a Discord role",
  "member.discord_account_switched": "switched their Discord account",
  "roles.fixed": "fixed a member's roles",
  "roles.scan_started": "started a role drift scan",
  "payment.refund_requested": "refunded a payment",
  "member.removed": "removed a member",
  "membership.paused": "paused a membership's billing",
  "membership.resumed": "resumed a membership's billing",
  "member.erased": "erased their account (GDPR)",
  "plan.upgraded": "moved the community to its paid plan (Stripe confirmed the payment)",
  "plan.lapsed": "moved the community back to Free (its paid plan ended)",
};

function summary(details: unknown): string {
  if (!details || typeof details !== "object") return "";
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join(" · ");
}

export default async function ActivityPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ before?: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/activity`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const parsed = beforeSchema.safeParse((await searchParams).before);
  const before = parsed.success && parsed.data ? { at: new Date(parsed.data.split("_")[0]!), id: parsed.data.split("_")[1]! } : null;
  const rows = await withCommunity(community.id, (tx) => auditPage(tx, before, PAGE + 1));
  const visible = rows.slice(0, PAGE);
  const last = visible.at(-1);
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="activity" />
      <Card className="mt-8">
        <h2 className="text-lg font-semibold">Activity</h2>
        <p className="text-sm text-slate-600">Who changed what in this community: tiers, settings, the bot, refunds and role fixes.</p>
        {visible.length === 0 ? (
          <p className="mt-6 rounded-lg bg-slate-50 px-4 py-6 text-center text-sm text-slate-600">Nothing yet. Changes you and your team make appear here.</p>
        ) : (
          <ol className="mt-4 divide-y divide-slate-100 text-sm" aria-label="Activity">
            {visible.map((e) => (
              <li key={e.id} className="py-3" data-testid="audit-entry">
                <span className="font-medium">{e.actor?.globalName ?? e.actor?.username ?? "CommunityOS"}</span> {LABELS[e.action] ?? e.action}
                {summary(e.details) && <span className="text-slate-600"> — {summary(e.details)}</span>}
                <div className="text-xs text-slate-500">{e.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</div>
              </li>
            ))}
          </ol>
        )}
        {rows.length > PAGE && last && (
          <Link
            href={`/dashboard/${community.slug}/activity?before=${last.createdAt.toISOString()}_${last.id}`}
            className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline"
          >
            Older →
          </Link>
        )}
      </Card>
    </div>
  );
}
