import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { signInMode } from "@/lib/auth/mode";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { PROBLEM_HINTS, type PermanentProblem } from "@/lib/discord/bot-rest";
import { botOverview } from "@/lib/discord/bot-overview";
import { FAKE_OWN_BOT_HINT } from "@/lib/discord/demo";
import { communityGuildCatalog, linkedServerCatalogs } from "@/lib/discord/guild-catalog";
import { platformBot } from "@/lib/discord/platform-bot";
import { tierRoles } from "@/lib/discord/desired-roles";
import { CommunityHeader } from "../community-nav";
import { BotForm, OwnBotForm } from "./bot-form";
import { CheckBot, FixDrift, ScanDrift } from "./bot-tools";
import { LinkedServerRow, LinkServerForm } from "./servers";
import { SERVER_ERRORS } from "@/lib/discord/linked-servers";
import { listManageableGuilds, DiscordUnavailableError } from "@/lib/discord/user-guilds";
import { botInviteUrl } from "@/lib/discord/bot-install";
import { planAllows } from "@/lib/billing/plans";

export const metadata: Metadata = { title: "Discord bot" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ notice?: string; error?: string }> };

const roleList = (ids: string[], names: Map<string, string>) => ids.map((id) => names.get(id) ?? id).join(", ");

// Codes from the bot authorization's return, never text from the URL.
const INSTALL_ERRORS: Record<string, string> = {
  bot_install_cancelled: "Adding the bot was cancelled on Discord. Nothing changed.",
  other_server: "Discord added the bot to another server than this community's. Add it to this community's server.",
  not_added: "Discord did not add the bot to your server. Try again, and pick this community's server on Discord.",
  no_platform_bot: "This installation has no platform bot (DISCORD_BOT_TOKEN is not set). Use your own bot below.",
};

export default async function BotPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/bot`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const { notice, error } = await searchParams;

  const { config, tiers, drift, syncs, problem } = await botOverview(community.id);
  // The server's live roles and channels, through the bot (outside any transaction).
  const catalog = config ? await communityGuildCatalog(community.id) : null;
  const roleNames = new Map([
    ...(catalog?.ok ? catalog.roles.map((r) => [r.id, r.name] as const) : []),
    ...tiers.flatMap((t) => tierRoles(t).map((r) => [r, `${t.name} role`] as const)),
  ]);
  const open = drift.filter((d) => !d.resolvedAt);
  const servers = await otherServers(community, user.id, config);
  for (const server of servers.catalogs) if (server.catalog.ok) for (const r of server.catalog.roles) roleNames.set(r.id, `${r.name} (${server.name})`);
  const demo = signInMode() === "demo";
  const platform = platformBot();
  const installHref = `/api/discord/bot/install?community=${encodeURIComponent(community.slug)}`;

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="bot" />
      <div className="mt-6 space-y-3">
        {notice === "bot_added" && (
          <Alert tone="success">The bot is in your server. Pick its channels below, then give each tier a role on the Tiers tab.</Alert>
        )}
        {notice === "server_linked" && (
          <Alert tone="success">The bot is in your other server and it is linked. Give tiers a role there on the Tiers tab.</Alert>
        )}
        {error && INSTALL_ERRORS[error] && <Alert tone="error">{INSTALL_ERRORS[error]}</Alert>}
        {error?.startsWith("server_") && error.slice(7) in SERVER_ERRORS && (
          <Alert tone="error">{SERVER_ERRORS[error.slice(7) as keyof typeof SERVER_ERRORS]}</Alert>
        )}
        {problem && <Alert tone="error">Role sync is paused: {PROBLEM_HINTS[problem]}</Alert>}
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <Card className="space-y-4">
            <div className="flex flex-wrap items-center justify-between gap-4">
              <h2 className="text-lg font-semibold">Connection</h2>
              {config ? (
                <Badge tone={config.isActive ? "success" : "neutral"} data-testid="bot-state">
                  {config.isActive
                    ? config.lastOnline
                      ? `Online ${config.lastOnline.toISOString().slice(0, 16).replace("T", " ")} UTC`
                      : "Connected"
                    : "Inactive"}
                </Badge>
              ) : (
                <Badge data-testid="bot-state">Not set up</Badge>
              )}
            </div>
            {!config && (
              <>
                <p className="text-sm text-slate-600">
                  The bot gives each tier&apos;s role to members who pay, removes it when they stop, and adds paying members to your server. Add it to your
                  server in one click: Discord asks you to confirm, then sends you back here.
                </p>
                {/* A plain link: the route answers with a redirect to Discord, which client-side navigation cannot follow. */}
                {platform ? (
                  <a href={installHref} className={buttonClasses()}>
                    Add the bot to your server
                  </a>
                ) : (
                  <Alert tone="info">This installation has no platform bot. Use your own bot below.</Alert>
                )}
              </>
            )}
            {config?.usesPlatformBot && (
              <div className="space-y-2 text-sm text-slate-600">
                <p>The CommunityOS bot is connected to your server.</p>
                {catalog && !catalog.ok && (
                  <Alert tone="error">
                    {catalog.message}{" "}
                    <a href={installHref} className="font-medium underline">
                      Add the bot again
                    </a>
                  </Alert>
                )}
              </div>
            )}
            {config && !config.usesPlatformBot && (
              <div className="space-y-2 text-sm text-slate-600">
                <p>
                  Your own bot (application {config.clientId}) is connected. Discord lets only the platform&apos;s bot add paying members to your server; with
                  your own bot, members join by invite.
                </p>
                {catalog && !catalog.ok && <Alert tone="error">{catalog.message}</Alert>}
                {platform && (
                  <a href={installHref} className="font-medium text-brand-700 underline">
                    Switch to the CommunityOS bot
                  </a>
                )}
              </div>
            )}
            <details className="rounded-lg bg-slate-50 p-4 text-sm" open={!platform && !config}>
              <summary className="cursor-pointer font-medium">Use your own bot instead</summary>
              <div className="mt-4">
                <OwnBotForm
                  slug={community.slug}
                  configured={!!config && !config.usesPlatformBot}
                  clientId={config && !config.usesPlatformBot ? config.clientId : ""}
                  hint={demo ? FAKE_OWN_BOT_HINT : undefined}
                />
              </div>
            </details>
          </Card>
          {config && (
            <Card className="space-y-4">
              <h2 className="text-lg font-semibold">Messages and channels</h2>
              {catalog && !catalog.ok && <Alert tone="error">{catalog.message}</Alert>}
              <BotForm
                slug={community.slug}
                community={community.name}
                channels={catalog?.ok ? catalog.channels : null}
                roles={catalog?.ok ? catalog.roles : null}
                values={{
                  welcomeMessage: config.welcomeMessage ?? "",
                  farewellMessage: config.farewellMessage ?? "",
                  autoRoleAssignment: config.autoRoleAssignment,
                  paymentVerificationChannel: config.paymentVerificationChannel ?? "",
                  adminChannel: config.adminChannel ?? "",
                  lapsedRoleId: config.lapsedRoleId ?? "",
                  payChannelId: config.payChannelId ?? "",
                  isActive: config.isActive,
                }}
              />
            </Card>
          )}
        </div>
        <div className="space-y-6">
          <Card className="space-y-3">
            <h2 className="text-lg font-semibold">Health</h2>
            <p className="text-sm text-slate-600">Checks the token, that the bot is in your server, can manage roles and sits above every tier role.</p>
            {config ? <CheckBot slug={community.slug} /> : <p className="text-sm text-slate-500">Save a token first.</p>}
          </Card>
          <Card className="space-y-3" data-testid="other-servers">
            <h2 className="text-lg font-semibold">Your other servers</h2>
            <p className="text-sm text-slate-600">
              A tier can grant roles in more of your servers: link them here, then pick a role in each on the Tiers tab. The bot must be in each server.
            </p>
            {!servers.allowed ? (
              <Alert tone="info">
                {SERVER_ERRORS.plan}{" "}
                <Link href={`/dashboard/${community.slug}/payouts`} className="font-medium underline">
                  See plans
                </Link>
              </Alert>
            ) : (
              <>
                {servers.linked.length > 0 && (
                  <ul className="divide-y divide-slate-100 text-sm">
                    {servers.linked.map((s) => (
                      <LinkedServerRow
                        key={s.id}
                        slug={community.slug}
                        server={s}
                        problemText={s.problem && s.problem in PROBLEM_HINTS ? PROBLEM_HINTS[s.problem as PermanentProblem] : null}
                      />
                    ))}
                  </ul>
                )}
                {"unavailable" in servers.candidates ? (
                  <Alert tone="info">{servers.candidates.unavailable}</Alert>
                ) : servers.candidates.length === 0 ? (
                  <p className="text-sm text-slate-500">No other server of yours to link: you manage no other Discord server.</p>
                ) : (
                  <LinkServerForm slug={community.slug} candidates={servers.candidates} />
                )}
              </>
            )}
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
                    <span className="text-xs text-slate-500">
                      · {s.reason} · {s.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                    </span>
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
            <p className="text-sm text-slate-600">
              Members whose Discord roles disagree with what they pay for. Every member is compared with Discord every 6 hours.
            </p>
          </div>
          {config && <ScanDrift slug={community.slug} />}
        </div>
        {drift.length === 0 ? (
          <p className="rounded-lg bg-slate-50 px-4 py-6 text-center text-sm text-slate-600" data-testid="drift-empty">
            No drift: every member&apos;s roles match their payments.
          </p>
        ) : (
          <div className="relative overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Role drift">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Member
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Paid, without role
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Role, without payment
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    State
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Action</span>
                  </th>
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
          </div>
        )}
        {open.length > 0 && <p className="text-xs text-slate-500">{open.length} open.</p>}
      </Card>
    </div>
  );
}

/** The linked servers (with their roles, for names) and the owner's servers that could be linked, with where to add the bot to each. */
async function otherServers(
  community: { id: string; slug: string; discordGuildId: string; subscriptionTier: string },
  userId: string,
  bot: { usesPlatformBot: boolean; clientId: string } | null,
) {
  const allowed = planAllows(community.subscriptionTier, "servers");
  // The linked servers with their roles (for names), read once.
  const catalogs = await linkedServerCatalogs(community.id);
  const linked = catalogs.map(({ id, guildId, name, problem }) => ({ id, guildId, name, problem }));
  let candidates: { id: string; name: string; addBotHref: string }[] | { unavailable: string } = [];
  if (!bot) candidates = { unavailable: SERVER_ERRORS.no_bot };
  else if (allowed) {
    try {
      candidates = (await listManageableGuilds(userId))
        .filter((g) => g.id !== community.discordGuildId && !linked.some((s) => s.guildId === g.id))
        .map((g) => ({
          id: g.id,
          name: g.name,
          addBotHref: bot.usesPlatformBot
            ? `/api/discord/bot/install?community=${encodeURIComponent(community.slug)}&server=${g.id}`
            : botInviteUrl(bot.clientId, g.id),
        }));
    } catch (error) {
      if (!(error instanceof DiscordUnavailableError)) throw error;
      candidates = { unavailable: error.message };
    }
  }
  return { allowed, linked, catalogs, candidates };
}
