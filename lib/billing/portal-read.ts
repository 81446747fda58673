// What the member portal shows: the signed-in user's memberships across
// communities (the user scope), each live subscription with its price in its
// own currency and the tiers it may switch to.
import { readReferralProgram, type ReferralProgram } from "../referrals/program";
import { affiliate, type AffiliateAmount } from "../referrals/referrals";
import { paidTotals, type PaidTotal } from "./paid-totals";
import { withCommunity, withUser } from "../db/scopes";
import { LIVE_SUBSCRIPTION } from "./member-standing";
import { hasFreeSeat } from "./seats";
import { saveOfferOf, type SaveOffer } from "./save-offer";
import { pausable, pauseOfferOf, type PauseOffer } from "./pause-rules";
import { linkedServers } from "../discord/linked-servers";
import { tierServerRoles } from "../tiers/server-roles";
import { tierPriceIn } from "../tiers/prices";
import { switchableTier } from "./portal";
import { giftsBoughtBy, type GiftRow } from "../gifts/read";

export type SwitchableTier = { id: string; name: string; price: string; currency: string; interval: string; soldOut: boolean };

export type PortalSubscription = {
  id: string;
  tierName: string;
  status: string;
  renewsAt: string;
  cancelAtPeriodEnd: boolean;
  cancellationFeedback: string | null;
  price: string | null;
  currency: string;
  interval: string | null;
  switchable: SwitchableTier[];
  /** The community's discount for staying, shown when cancelling; null once taken or when there is none. */
  saveOffer: SaveOffer | null;
  /** How long the member may pause instead of cancelling; null where the community offers no pause or this one can't be. */
  pause: PauseOffer | null;
  /** Set while its collection is paused: when Stripe resumes it (null: when the member does). */
  paused: { until: string | null } | null;
};

export type PortalMembership = {
  id: string;
  status: string;
  tier: string | null;
  /** The community's referral program as it stands for them: their code, its terms, whom they brought and what they earned. */
  referral: (ReferralProgram & { code: string; referred: number; active: number; amounts: AffiliateAmount[] }) | null;
  /** What they paid here, per currency (the currency paid in last first). */
  totals: PaidTotal[];
  /** The currency they pay in now (their subscription's), or the community's. */
  currency: string;
  community: { id: string; slug: string; name: string; avatarUrl: string | null; discordGuildId: string };
  /** Whether the member is in the community's Discord server (see lib/discord/guild-join.ts). */
  guildStatus: string;
  /** The community's other servers where their tiers grant roles, and where they stand in each. */
  servers: { guildId: string; name: string; status: string }[];
  subscriptions: PortalSubscription[];
  /** A monthly or yearly tier they hold by a pass or a claimed gift, until a date: they may subscribe to keep it (billed from then). */
  keep: { tierName: string; until: string } | null;
  /** Gifts they bought here, with their links while unclaimed. */
  gifts: GiftRow[];
  /** A failed payment the member can still pay (grace or restricted stage), with Stripe's page for it. */
  openInvoice: { amount: string; currency: string; payUrl: string } | null;
};

export async function portalMemberships(userId: string): Promise<PortalMembership[]> {
  const { memberships, totals } = await withUser(userId, async (tx) => {
    const memberships = await tx.communityMember.findMany({
      where: { isActive: true },
      orderBy: { joinedAt: "desc" },
      select: {
        id: true,
        subscriptionStatus: true,
        subscriptionTier: true,
        subscriptionExpiresAt: true,
        guildStatus: true,
        serverStatus: true,
        referralCode: true,
        saveOfferRedeemedAt: true,
        community: { select: { id: true, slug: true, name: true, avatarUrl: true, discordGuildId: true, settings: true } },
        subscriptions: {
          // The one live subscription; a duplicate being refunded is not the member's to manage.
          where: { status: { in: LIVE_SUBSCRIPTION }, duplicateOf: null },
          orderBy: { createdAt: "desc" },
          select: {
            id: true,
            tierId: true,
            tierName: true,
            status: true,
            currentPeriodEnd: true,
            cancelAtPeriodEnd: true,
            cancellationFeedback: true,
            currency: true,
            collectionPaused: true,
            resumesAt: true,
          },
        },
      },
    });
    // What each paid, per currency: the member's own payments, in the same user scope.
    return {
      memberships,
      totals: await paidTotals(
        tx,
        memberships.map((m) => m.id),
      ),
    };
  });
  const open = await withUser(userId, (tx) =>
    tx.payment.findMany({
      where: { status: "failed", hostedInvoiceUrl: { not: null }, member: { subscriptionStatus: { in: ["past_due", "restricted"] } } },
      orderBy: { failedAt: "desc" },
      select: { memberId: true, amount: true, currency: true, hostedInvoiceUrl: true },
    }),
  );
  return Promise.all(
    memberships.map(async (m) => {
      // Tiers are the community's public data, read in its scope.
      const { tiers, linked, referral, gifts } = await withCommunity(m.community.id, async (tx) => {
        const rows = await tx.subscriptionTier.findMany({
          where: { isActive: true },
          orderBy: { sortOrder: "asc" },
          select: {
            id: true,
            name: true,
            price: true,
            currency: true,
            currencyPrices: true,
            interval: true,
            stripePriceId: true,
            stripeProblem: true,
            maxMembers: true,
            serverRoles: true,
          },
        });
        const withSeats = [];
        for (const t of rows) withSeats.push({ ...t, soldOut: !(await hasFreeSeat(tx, t)) });
        // The member's share link earns them a commission while the community runs a program.
        const program = readReferralProgram(m.community.settings);
        const referred = program ? ((await affiliate(tx, m.id)) ?? { referred: 0, active: 0, amounts: [] }) : null;
        return {
          tiers: withSeats,
          linked: await linkedServers(tx),
          referral: program && referred ? { ...program, ...referred, code: m.referralCode } : null,
          gifts: await giftsBoughtBy(tx, m.id),
        };
      });
      const subscriptions = m.subscriptions.map((sub) => {
        const current = tiers.find((t) => (sub.tierId ? t.id === sub.tierId : t.name === sub.tierName));
        // What the member pays in: the subscription's currency at Stripe (a tier may be sold in several).
        const currency = sub.currency ?? current?.currency ?? "USD";
        return {
          id: sub.id,
          tierName: sub.tierName,
          status: sub.status,
          renewsAt: sub.currentPeriodEnd.toISOString(),
          cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
          cancellationFeedback: sub.cancellationFeedback,
          price: current ? tierPriceIn(current, currency) : null,
          currency,
          interval: current?.interval ?? null,
          saveOffer: m.saveOfferRedeemedAt ? null : saveOfferOf(m.community.settings),
          pause: pausable({ ...sub, interval: current?.interval }) ? null : pauseOfferOf(m.community.settings),
          paused: sub.collectionPaused ? { until: sub.resumesAt?.toISOString() ?? null } : null,
          // A pass is bought on the community's page, not switched to; Stripe bills a subscription in one currency.
          switchable: tiers.flatMap((t) => {
            const price = tierPriceIn(t, currency);
            const offered = t.id !== current?.id && t.name !== sub.tierName && switchableTier(t) && price !== null;
            return offered ? [{ id: t.id, name: t.name, price, currency, interval: t.interval, soldOut: t.soldOut }] : [];
          }),
        };
      });
      // The linked servers the member's tiers grant a role in: where they should find themselves too.
      const theirs = new Set(
        m.subscriptions.flatMap((sub) =>
          tiers.filter((t) => (sub.tierId ? t.id === sub.tierId : t.name === sub.tierName)).flatMap((t) => tierServerRoles(t).map((r) => r.guildId)),
        ),
      );
      const standing = (m.serverStatus ?? {}) as Record<string, string>;
      return {
        id: m.id,
        status: m.subscriptionStatus,
        tier: m.subscriptionTier,
        totals: totals.get(m.id) ?? [],
        referral,
        gifts,
        keep:
          m.subscriptionStatus === "pass" &&
          m.subscriptionExpiresAt &&
          subscriptions.length === 0 &&
          tiers.some((t) => t.name === m.subscriptionTier && switchableTier(t))
            ? { tierName: m.subscriptionTier!, until: m.subscriptionExpiresAt.toISOString() }
            : null,
        currency: subscriptions[0]?.currency ?? tiers[0]?.currency ?? "USD",
        community: {
          id: m.community.id,
          slug: m.community.slug,
          name: m.community.name,
          avatarUrl: m.community.avatarUrl,
          discordGuildId: m.community.discordGuildId,
        },
        guildStatus: m.guildStatus,
        servers: linked.filter((l) => theirs.has(l.guildId)).map((l) => ({ guildId: l.guildId, name: l.name, status: standing[l.guildId] ?? "unknown" })),
        subscriptions,
        openInvoice: ((p) => (p ? { amount: p.amount.toFixed(2), currency: p.currency, payUrl: p.hostedInvoiceUrl! } : null))(
          open.find((p) => p.memberId === m.id),
        ),
      };
    }),
  );
}
