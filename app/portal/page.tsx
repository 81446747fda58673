import type { Metadata } from "next";
import Link from "next/link";
import { CommunityAvatar } from "@/components/community-avatar";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { memberStatus } from "@/lib/billing/status-display";
import { portalMemberships, type PortalSubscription } from "@/lib/billing/portal-read";
import { formatMoney, formatTotals } from "@/lib/billing/money";
import { Alert } from "@/components/ui/alert";
import { DiscordAccess } from "@/components/discord-access";
import { LINKED_SERVER_TEXT } from "@/lib/discord/guild-status-text";
import { EraseAccount } from "./erase-account";
import { SubscriptionCard } from "./subscription-card";
import { CopyField } from "@/components/ui/copy-field";
import { appOrigin } from "@/lib/http/origin";
import { referralLink } from "@/lib/referrals/program";
import { describeGift, giftLink } from "@/lib/gifts/offer";
import { RefreshWhilePending } from "@/components/refresh-while-pending";

export const metadata: Metadata = { title: "Your memberships" };

type Props = { searchParams: Promise<{ switchTo?: string | string[]; notice?: string; error?: string; gift?: string | string[] }> };

// Codes from our own redirects, never text from the URL.
const NOTICES: Record<string, string> = {
  switched: "Your membership moved to this Discord account. The bot is adding you to the server and moving your roles.",
};
const ERRORS: Record<string, string> = {
  switch_sameAccount: "You signed in with the same Discord account. Switch again, and pick the other account on Discord.",
  switch_taken: "That Discord account already has its own membership in this community, so the membership was not moved.",
  switch_expired: "The account switch timed out. Start it again below.",
  switch_notYours: "We couldn't find the membership to move.",
};

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

/** The subscription's next date, as the membership's line tells it. */
function nextDate(sub: PortalSubscription): string {
  if (sub.paused) return sub.paused.until ? `paused until ${dateFormat.format(new Date(sub.paused.until))}` : "paused";
  return `${sub.cancelAtPeriodEnd ? "ends" : "renews"} ${dateFormat.format(new Date(sub.renewsAt))}`;
}

export default async function PortalPage({ searchParams }: Props) {
  const user = await requireUser("/portal");
  const { switchTo, notice, error, gift } = await searchParams;
  const memberships = await portalMemberships(user.id);
  const origin = await appOrigin();
  // Back from a gift's Checkout: its link shows once the webhook has recorded it.
  const giftSession = typeof gift === "string" ? gift : null;
  const giftReady = giftSession !== null && memberships.some((m) => m.gifts.some((g) => g.stripeCheckoutSessionId === giftSession));
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight">Your memberships</h1>
      <p className="mt-1 text-sm text-slate-600">Communities you belong to and what you pay for them.</p>
      {notice && NOTICES[notice] && (
        <Alert tone="success" className="mt-6">
          {NOTICES[notice]}
        </Alert>
      )}
      {giftSession &&
        (giftReady ? (
          <Alert tone="success" className="mt-6">
            Thank you! Your gift is ready: copy its link below and pass it on.
          </Alert>
        ) : (
          <Alert tone="info" className="mt-6">
            <span role="status">Confirming your payment… your gift&apos;s link appears here in a moment.</span>
            <RefreshWhilePending />
          </Alert>
        ))}
      {error && ERRORS[error] && (
        <Alert tone="error" className="mt-6">
          {ERRORS[error]}
        </Alert>
      )}
      {memberships.length === 0 ? (
        <Card className="mt-8 text-center">
          <p className="font-medium">You haven&apos;t joined a community yet</p>
          <ButtonLink href="/#communities" className="mt-6">
            Browse communities
          </ButtonLink>
        </Card>
      ) : (
        <ul className="mt-8 space-y-3" aria-label="Your memberships">
          {memberships.map((m) => {
            const badge = memberStatus(m.status);
            const sub = m.subscriptions[0];
            return (
              <li key={m.id}>
                <Card className="flex flex-wrap items-center justify-between gap-4">
                  <div className="flex min-w-0 items-center gap-3">
                    <CommunityAvatar name={m.community.name} url={m.community.avatarUrl} />
                    <div className="min-w-0">
                      <Link href={`/c/${m.community.slug}`} className="font-semibold hover:underline">
                        {m.community.name}
                      </Link>
                      <p className="text-sm text-slate-500">
                        {m.tier ?? "Free member"}
                        {sub ? ` · ${nextDate(sub)}` : ""}
                      </p>
                    </div>
                  </div>
                  <div className="flex items-center gap-3 text-sm">
                    <span className="text-slate-600" data-testid="total-spent">
                      {formatTotals(m.totals, m.currency)} spent
                    </span>
                    {sub?.cancelAtPeriodEnd ? (
                      <Badge tone="warning">cancels {dateFormat.format(new Date(sub.renewsAt))}</Badge>
                    ) : (
                      <Badge tone={badge.tone}>{badge.label}</Badge>
                    )}
                  </div>
                  {m.openInvoice && (
                    <Alert tone="error" className="w-full">
                      <p className="font-medium">Your last payment of {formatMoney(m.openInvoice.amount, m.openInvoice.currency)} failed.</p>
                      <p className="mt-1">
                        {m.status === "restricted" ? "Your paid roles are paused until it is paid." : "You keep your roles for now while it is retried."}{" "}
                        <a href={m.openInvoice.payUrl} className="font-medium underline">
                          Pay {formatMoney(m.openInvoice.amount, m.openInvoice.currency)} now
                        </a>
                      </p>
                    </Alert>
                  )}
                  {(sub || m.status === "pass" || m.status === "comp") && (
                    <div className="w-full">
                      <DiscordAccess memberId={m.id} guildId={m.community.discordGuildId} status={m.guildStatus} returnTo="/portal" />
                      {m.servers.length > 0 && (
                        <div className="mt-3 text-sm text-slate-600" data-testid="linked-servers">
                          <p>Your membership also gives you roles in:</p>
                          <ul className="mt-1 space-y-1">
                            {m.servers.map((s) => (
                              <li key={s.guildId}>
                                <a
                                  href={`https://discord.com/channels/${s.guildId}`}
                                  target="_blank"
                                  rel="noreferrer"
                                  className="font-medium text-brand-700 underline"
                                >
                                  {s.name}
                                </a>{" "}
                                · {LINKED_SERVER_TEXT[s.status as keyof typeof LINKED_SERVER_TEXT] ?? s.status.replaceAll("_", " ")}
                              </li>
                            ))}
                          </ul>
                        </div>
                      )}
                    </div>
                  )}
                  {m.keep && (
                    <p className="w-full text-sm text-slate-600" data-testid="keep-tier">
                      You have {m.keep.tierName} until {dateFormat.format(new Date(m.keep.until))}.{" "}
                      <Link href={`/c/${m.community.slug}`} className="font-medium text-brand-700 underline">
                        Keep {m.keep.tierName} after that
                      </Link>
                      : subscribe now, and your first payment is on that day.
                    </p>
                  )}
                  {m.referral && (
                    <section className="w-full rounded-lg bg-slate-50 p-3 text-sm" aria-label={`Invite friends to ${m.community.name}`}>
                      <p className="font-medium">Invite friends</p>
                      <p className="mt-1 text-slate-600">
                        You earn {m.referral.percent}% of what a friend who joins through your link pays for {m.referral.months}{" "}
                        {m.referral.months === 1 ? "month" : "months"}. {m.community.name} pays you.
                      </p>
                      <div className="mt-2">
                        <CopyField value={referralLink(origin, m.community.slug, m.referral.code)} label="Your invite link" />
                      </div>
                      <p className="mt-2 text-slate-600" data-testid="referral-stats">
                        {m.referral.referred === 0
                          ? "No one has joined through your link yet."
                          : `${m.referral.referred} joined through your link${m.referral.amounts.length ? `: earned ${m.referral.amounts.map((a) => formatMoney(a.earned, a.currency)).join(" + ")}, paid to you ${m.referral.amounts.map((a) => formatMoney(a.paidOut, a.currency)).join(" + ")}` : ""}.`}
                      </p>
                    </section>
                  )}
                  {m.gifts.length > 0 && (
                    <section className="w-full rounded-lg bg-slate-50 p-3 text-sm" aria-label={`Gifts you bought in ${m.community.name}`}>
                      <p className="font-medium">Gifts you bought</p>
                      <ul className="mt-2 space-y-3">
                        {m.gifts.map((g) => (
                          <li key={g.id} data-testid="bought-gift">
                            <p>
                              {describeGift(g.length, g.tierName)} · {formatMoney(g.amount, g.currency)} ·{" "}
                              <span className="text-slate-600">
                                {g.state === "claimed"
                                  ? `claimed by ${g.recipient ?? "a former member"} on ${dateFormat.format(g.claimedAt!)}`
                                  : g.state === "refunded"
                                    ? "refunded"
                                    : "waiting to be claimed"}
                              </span>
                            </p>
                            {g.state === "waiting" && (
                              <div className="mt-1">
                                <CopyField value={giftLink(origin, m.community.slug, g.code)} label={`Gift link: ${describeGift(g.length, g.tierName)}`} />
                              </div>
                            )}
                          </li>
                        ))}
                      </ul>
                    </section>
                  )}
                  {m.subscriptions.length > 0 && (
                    <div className="w-full space-y-3">
                      {m.subscriptions.map((s) => (
                        <SubscriptionCard
                          key={s.id}
                          subscription={s}
                          preselect={typeof switchTo === "string" && s.switchable.some((t) => t.id === switchTo) ? switchTo : undefined}
                        />
                      ))}
                    </div>
                  )}
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      <Card className="mt-12">
        <h2 className="font-semibold">Your data</h2>
        <p className="mt-1 text-sm text-slate-600">Download everything we hold about you, or erase your account.</p>
        <div className="mt-4 flex flex-wrap items-start gap-4">
          <a href="/api/me/export" download className="text-sm font-medium text-brand-700 hover:underline">
            Download my data (JSON)
          </a>
        </div>
        <div className="mt-4">
          <EraseAccount />
        </div>
      </Card>
    </div>
  );
}
