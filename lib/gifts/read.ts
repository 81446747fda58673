// Gifts as the owner (Promotions tab) and their buyer (the portal) see them.
import type { TenantTx } from "../db/scopes";
import { VOIDED_OR_DISPUTED_STATUSES } from "../billing/payment-records";
import { giftLengthOf, type GiftLength } from "./offer";

export type GiftState = "waiting" | "claimed" | "refunded";

export type GiftRow = {
  id: string;
  code: string;
  tierName: string;
  length: GiftLength;
  amount: string;
  currency: string;
  createdAt: Date;
  buyer: string | null;
  recipient: string | null;
  claimedAt: Date | null;
  state: GiftState;
  stripeCheckoutSessionId: string;
};

const giftSelect = {
  id: true,
  code: true,
  months: true,
  accessDays: true,
  createdAt: true,
  claimedAt: true,
  stripeCheckoutSessionId: true,
  tier: { select: { name: true } },
  payment: { select: { amount: true, currency: true, status: true } },
  buyer: { select: { erasedAt: true, user: { select: { globalName: true, username: true } } } },
  claimedBy: { select: { erasedAt: true, user: { select: { globalName: true, username: true } } } },
} as const;

type Person = { erasedAt: Date | null; user: { globalName: string | null; username: string } } | null;
const nameOf = (p: Person) => (!p ? null : p.erasedAt ? "an erased member" : (p.user.globalName ?? p.user.username));

function row(g: {
  id: string;
  code: string;
  months: number | null;
  accessDays: number | null;
  createdAt: Date;
  claimedAt: Date | null;
  stripeCheckoutSessionId: string;
  tier: { name: string };
  payment: { amount: { toFixed(d: number): string }; currency: string; status: string };
  buyer: Person;
  claimedBy: Person;
}): GiftRow {
  return {
    id: g.id,
    code: g.code,
    tierName: g.tier.name,
    length: giftLengthOf(g),
    amount: g.payment.amount.toFixed(2),
    currency: g.payment.currency,
    createdAt: g.createdAt,
    buyer: nameOf(g.buyer),
    recipient: nameOf(g.claimedBy),
    claimedAt: g.claimedAt,
    // Claimed months stay claimed whatever happens to the payment after (a refund ends the grant itself).
    state: g.claimedAt ? "claimed" : VOIDED_OR_DISPUTED_STATUSES.includes(g.payment.status) ? "refunded" : "waiting",
    stripeCheckoutSessionId: g.stripeCheckoutSessionId,
  };
}

export const GIFTS_PER_PAGE = 25;

/** One page of the community's gifts, newest first, and whether there are more. */
export async function giftsPage(tx: TenantTx, page: number): Promise<{ gifts: GiftRow[]; more: boolean; total: number }> {
  const rows = await tx.gift.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * GIFTS_PER_PAGE,
    take: GIFTS_PER_PAGE + 1,
    select: giftSelect,
  });
  const total = await tx.gift.count();
  return { gifts: rows.slice(0, GIFTS_PER_PAGE).map(row), more: rows.length > GIFTS_PER_PAGE, total };
}

/** The gifts a member bought here, newest first (their links are theirs to copy). */
export async function giftsBoughtBy(tx: TenantTx, memberId: string): Promise<GiftRow[]> {
  const rows = await tx.gift.findMany({ where: { buyerMemberId: memberId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 50, select: giftSelect });
  return rows.map(row);
}
