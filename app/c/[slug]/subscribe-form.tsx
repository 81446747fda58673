"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { CHECKOUT_CODES } from "@/lib/billing/checkout-codes";
import { checkoutAction } from "./actions";

export function SubscribeForm({
  slug,
  tierId,
  tierName,
  promo,
  once,
  currency,
  referral,
  note,
}: {
  slug: string;
  tierId: string;
  tierName: string;
  promo?: string | null;
  once?: boolean;
  currency?: string | null;
  /** The share code of the member whose link the visitor came by. */
  referral?: string | null;
  /** What subscribing means for this viewer (a gift or pass they hold: billing starts when it ends). */
  note?: string | null;
}) {
  const [state, formAction] = useActionState(checkoutAction, null);
  const failure = state && !state.ok ? state : null;
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="tierId" value={tierId} />
      {promo && <input type="hidden" name="promo" value={promo} />}
      {currency && <input type="hidden" name="currency" value={currency} />}
      {referral && <input type="hidden" name="ref" value={referral} />}
      {failure && (
        <Alert tone="error">
          {failure.error}
          {failure.code === CHECKOUT_CODES.alreadyOtherTier && (
            <Link href={`/portal?switchTo=${tierId}`} className="mt-1 block font-medium underline">
              Switch to this tier
            </Link>
          )}
          {failure.code === CHECKOUT_CODES.alreadyThisTier && (
            <Link href="/portal" className="mt-1 block font-medium underline">
              Manage your membership
            </Link>
          )}
        </Alert>
      )}
      <SubmitButton className="w-full" pendingLabel="Opening checkout…">
        {once ? `Buy ${tierName}` : `Subscribe to ${tierName}`}
      </SubmitButton>
      {promo && <p className="text-center text-xs text-emerald-700">Code {promo} applies</p>}
      {note && <p className="text-center text-xs text-slate-600">{note}</p>}
    </form>
  );
}
