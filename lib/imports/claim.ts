// Claiming an imported membership: the person opens its link and signs in with
// Discord. A CSV row becomes comp access; a Stripe subscription becomes ours:
// Stripe learns whose it is (its metadata, as our own Checkout sets it) and is
// read back through the same sync as every webhook, so later events apply to
// it as to any other. Nothing is charged.
import type Stripe from "stripe";
import { refusal } from "../core/errors";
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { slugSchema } from "../communities/slug";
import { readSettings } from "../communities/validation";
import { syncSubscription } from "../billing/subscription-sync";
import { subscriptionSchema } from "../billing/stripe-objects";
import { grantImported } from "./csv";
import { enterCommunity } from "../members/membership";

export const CLAIM_ERRORS = {
  unknown: "This claim link is not valid. Ask the community's owner for a new one.",
  taken: "This membership was already claimed by another Discord account. Ask the community's owner if that is wrong.",
  otherAccount: "This membership belongs to another Discord account. Sign in with the account the community's owner named.",
} as const;

type Person = { id: string; discordId: string };

async function communityOf(slug: string) {
  const parsed = slugSchema.safeParse(slug);
  if (!parsed.success) return null;
  return db.community.findUnique({ where: { slug: parsed.data }, select: { id: true, slug: true, name: true, settings: true, stripeAccountId: true } });
}

/** What the link offers, for its page (null: no such link). */
export async function findClaim(slug: string, code: string) {
  const community = await communityOf(slug);
  if (!community || !/^[A-Za-z0-9_-]{20,64}$/.test(code)) return null;
  const claim = await withCommunity(community.id, (tx) =>
    tx.memberImport.findUnique({
      where: { communityId_claimCode: { communityId: community.id, claimCode: code } },
      select: { id: true, source: true, discordUserId: true, until: true, claimedAt: true, memberId: true, tier: { select: { name: true } } },
    }),
  );
  return claim && { community: { id: community.id, slug: community.slug, name: community.name }, claim };
}

export async function claimMembership(slug: string, code: string, person: Person, client: Stripe, now = new Date()) {
  const community = await communityOf(slug);
  if (!community || !/^[A-Za-z0-9_-]{20,64}$/.test(code)) throw refusal(CLAIM_ERRORS, "unknown");
  const claim = await withCommunity(community.id, (tx) =>
    tx.memberImport.findUnique({ where: { communityId_claimCode: { communityId: community.id, claimCode: code } } }),
  );
  if (!claim) throw refusal(CLAIM_ERRORS, "unknown");
  if (claim.discordUserId && claim.discordUserId !== person.discordId) throw refusal(CLAIM_ERRORS, "otherAccount");
  const mine = async () =>
    (
      await withCommunity(community.id, (tx) =>
        tx.communityMember.findUnique({ where: { communityId_userId: { communityId: community.id, userId: person.id } }, select: { id: true } }),
      )
    )?.id;
  if (claim.claimedAt) {
    if (claim.memberId && claim.memberId === (await mine())) return { slug: community.slug, already: true };
    throw refusal(CLAIM_ERRORS, "taken");
  }

  if (claim.source === "csv") {
    await withCommunity(community.id, async (tx) => {
      // Claimed once, even when two tabs press at once.
      const { count } = await tx.memberImport.updateMany({ where: { id: claim.id, claimedAt: null }, data: { claimedAt: now } });
      if (!count) throw refusal(CLAIM_ERRORS, "taken");
      const memberId = await grantImported(tx, community.id, {
        userId: person.id,
        discordUserId: person.discordId,
        tierId: claim.tierId,
        until: claim.until,
        by: null,
        now,
      });
      await tx.memberImport.update({ where: rowKey(claim.id), data: { memberId } });
    });
    return { slug: community.slug, already: false };
  }

  // A Stripe subscription: the member first (so Stripe can be told its id), then Stripe, then the sync.
  if (!community.stripeAccountId || !claim.stripeSubscriptionId || !claim.stripeCustomerId) throw refusal(CLAIM_ERRORS, "unknown");
  const tier = await withCommunity(community.id, (tx) =>
    tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(claim.tierId), select: { id: true, name: true } }),
  );
  const { id: memberId } = await withCommunity(community.id, (tx) =>
    enterCommunity(tx, community.id, { userId: person.id, discordUserId: person.discordId }, { stripeCustomerId: claim.stripeCustomerId }),
  );
  const updated = await client.subscriptions.update(
    claim.stripeSubscriptionId,
    { metadata: { community_id: community.id, member_id: memberId, tier_id: tier.id, tier_name: tier.name } },
    { stripeAccount: community.stripeAccountId },
  );
  const sub = subscriptionSchema.parse(updated);
  const { gracePeriodDays, restrictedDays } = readSettings(community.settings);
  await withCommunity(community.id, async (tx) => {
    const { count } = await tx.memberImport.updateMany({ where: { id: claim.id, claimedAt: null }, data: { claimedAt: now, memberId } });
    if (!count) throw refusal(CLAIM_ERRORS, "taken");
    await syncSubscription(tx, { communityId: community.id, now, gracePeriodDays, restrictedDays }, sub);
  });
  return { slug: community.slug, already: false };
}
