import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { signInMode } from "@/lib/auth/mode";
import { findOwnedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { DEFAULT_BOT_PERMISSIONS } from "@/lib/discord/bot-settings";
import { PROBLEM_HINTS, type PermanentProblem } from "@/lib/discord/bot-rest";
import { FAKE_BOT_HINT } from "@/lib/discord/demo";
import { CommunityHeader } from "../community-nav";
import { BotForm } from "./bot-form";
import { CheckBot, FixDrift, ScanDrift } from "./bot-tools";

export const metadata: Metadata = { title: "Discord bot" };

const roleList = (ids: string[], names: Map<string, string>) => ids.map((id) => names.get(id) ?? id).join(", ");

export default async function BotPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/bot`);
  const community = await findOwnedCommunity(slug, user.id);
  if (!community) notFound();

  const { config, tiers, drift, syncs } = await withCommunity(community.id, async (tx) => ({
    // Never the token column: it does not leave the server, even encrypted.
    config: await tx.discordBotConfig.findUnique({
      where: { communityId: community.id },
      select: { clientId: true, permissions: true, prefix: true, welcomeMessage: true, farewellMessage: true, autoRoleAssignment: true, paymentVerificationChannel: true, adminChannel: true, isActive: true, lastOnline: true, settings: true },
    }),
    tiers: await tx.subscriptionTier.findMany({ select: { name: true, discordRoleId: true, extraRoleIds: true } }),
    drift: await tx.discordRoleDrift.findMany({
      where: { OR: [{ resolvedAt: null }, { resolvedAt: { gte: new Date(Date.now() - 7 * 86_400_000) } }] },
      orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { detectedAt: "desc" }],
      take: 50,
      select: { id: true, memberId: true, missingRoles: true, unpaidRoles: true, detectedAt: true, resolvedAt: true, lastError: true, member: { select: { nickname: true, discordUserId: true, user: { select: { username: true, globalName: true } } } } },
    }),
    syncs: await tx.discordRoleSync.findMany({ orderBy: { createdAt: "desc" }, take: 10, select: { id: true, outcome: true, added: true, removed: true, reason: true, createdAt: true, member: { select: { user: { select: { username: true } } } } } }),
  }));
  // Tier roles by name, for people rather than ids.
  const roleNames = new Map(tiers.flatMap((t) => [t.discordRoleId, ...t.extraRoleIds].filter((r): r is string => !!r).map((r) => [r, `${t.name} role`] as const)));
  const problem = (config?.settings as { botProblem?: PermanentProblem } | null)?.botProblem;
  const open = drift.filter((d) => !d.resolvedAt);
  const demo = signInMode() === "demo";

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="bot" />
      <div className="mt-8 grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card className="space-y-4">
          <div className="flex items-center justify-between gap-4">
            <h2 className="text-lg font-semibold">Bot settings</h2>
            {config ? (
              <Badge tone={config.isActive ? "success" : "neutral"} data-testid="bot-state">
                {config.isActive ? (config.lastOnline ? `Online ${config.lastOnline.toISOString().slice(0, 16).replace("T", " ")} UTC` : "Configured") : "Inactive"}
              </Badge>
            ) : (
              <Badge data-testid="bot-state">Not set up</Badge>
            )}
          </div>
          {!config && (
            <p className="text-sm text-slate-600">
              Your own Discord bot grants each tier&apos;s role when a member pays and removes it when they stop. Create an application in the Discord Developer Portal, add a bot, invite it to your server with Manage Roles, and paste its token here.
            </p>
          )}
          {demo && <Alert tone="info">{FAKE_BOT_HINT}</Alert>}
          {problem && <Alert tone="error">Role sync is paused: {PROBLEM_HINTS[problem]}</Alert>}
          <BotForm
            slug={community.slug}
            community={community.name}
            values={{
              configured: !!config,
              clientId: config?.clientId ?? "",
              permissions: config?.permissions.toString() ?? DEFAULT_BOT_PERMISSIONS,
              prefix: config?.prefix ?? "!",
              welcomeMessage: config?.welcomeMessage ?? "Welcome to {community}, {user}! Your {tier} perks are unlocked.",
              farewellMessage: config?.farewellMessage ?? "",
              autoRoleAssignment: config?.autoRoleAssignment ?? true,
              paymentVerificationChannel: config?.paymentVerificationChannel ?? "",
              adminChannel: config?.adminChannel ?? "",
              isActive: config?.isActive ?? true,
            }}
          />
        </Card>
        <div className="space-y-6">
          <Card className="space-y-3">
            <h2 className="text-lg font-semibold">Health</h2>
            <p className="text-sm text-slate-600">Checks the token, that the bot is in your server, can manage roles and sits above every tier role.</p>
            {config ? <CheckBot slug={community.slug} /> : <p className="text-sm text-slate-500">Save a token first.</p>}
          </Card>
          <Card className="space-y-3">
            <h2 className="text-lg font-semibold">Recent role changes</h2>
            {syncs.length === 0 ? (
              <p className="text-sm text-slate-500">No role changes yet. They appear here as members pay, renew and lapse.</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {syncs.map((s) => (
                  <li key={s.id} className="py-2">
                    <span className="font-medium">@{s.member.user.username}</span>{" "}
                    {s.added.length > 0 && <span className="text-emerald-700">+{roleList(s.added, roleNames)} </span>}
                    {s.removed.length > 0 && <span className="text-rose-700">−{roleList(s.removed, roleNames)} </span>}
                    {s.added.length === 0 && s.removed.length === 0 && <span className="text-slate-600">{s.outcome.replaceAll("_", " ")} </span>}
                    <span className="text-xs text-slate-500">· {s.reason} · {s.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>

      <Card className="mt-6 space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-4">
          <div>
            <h2 className="text-lg font-semibold">Role drift</h2>
            <p className="text-sm text-slate-600">Members whose Discord roles disagree with what they pay for. Every member is compared with Discord every 6 hours.</p>
          </div>
          {config && <ScanDrift slug={community.slug} />}
        </div>
        {drift.length === 0 ? (
          <p className="rounded-lg bg-slate-50 px-4 py-6 text-center text-sm text-slate-600" data-testid="drift-empty">No drift: every member&apos;s roles match their payments.</p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Role drift">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">Member</th>
                <th scope="col" className="py-2 pr-4 font-medium">Paid, without role</th>
                <th scope="col" className="py-2 pr-4 font-medium">Role, without payment</th>
                <th scope="col" className="py-2 pr-4 font-medium">State</th>
                <th scope="col" className="py-2 font-medium"><span className="sr-only">Action</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {drift.map((d) => {
                const name = d.member.user.globalName ?? d.member.user.username;
                return (
                  <tr key={d.id} data-testid={`drift-${d.member.user.username}`}>
                    <td className="py-3 pr-4">
                      <div className="font-medium">{name}</div>
                      <div className="text-xs text-slate-500">@{d.member.user.username}</div>
                    </td>
                    <td className="py-3 pr-4">{roleList(d.missingRoles, roleNames) || "—"}</td>
                    <td className="py-3 pr-4">{roleList(d.unpaidRoles, roleNames) || "—"}</td>
                    <td className="py-3 pr-4">
                      {d.resolvedAt ? <Badge tone="success">Fixed</Badge> : <Badge tone="warning">Open</Badge>}
                      {!d.resolvedAt && d.lastError && <p className="mt-1 max-w-sm text-xs text-rose-700">{d.lastError}</p>}
                    </td>
                    <td className="py-3 text-right">{!d.resolvedAt && <FixDrift slug={community.slug} memberId={d.memberId} name={name} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {open.length > 0 && <p className="text-xs text-slate-500">{open.length} open.</p>}
      </Card>
    </div>
  );
}
