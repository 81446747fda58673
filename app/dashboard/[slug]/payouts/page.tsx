import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { connectState, refreshConnectState, type ConnectState } from "@/lib/billing/connect";
import { applicationFeePercent, PLATFORM_PLANS, isPlatformPlan } from "@/lib/billing/plans";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { syncAllTiers } from "@/lib/tiers/service";
import { CommunityHeader } from "../community-nav";
import { ConnectForm } from "./connect-form";

export const metadata: Metadata = { title: "Payouts" };

const STATES: Record<ConnectState, { label: string; tone: "neutral" | "warning" | "success"; body: string }> = {
  not_connected: {
    label: "Not connected",
    tone: "neutral",
    body: "Connect a Stripe account to receive your members' payments. Members can subscribe once charges are enabled.",
  },
  onboarding: { label: "Onboarding", tone: "warning", body: "Stripe needs a few more details before you can take payments." },
  charges_enabled: { label: "Charges enabled", tone: "success", body: "Members can subscribe. Payouts go straight to your Stripe account." },
};

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ stripe?: string }> };

export default async function PayoutsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/payouts`);
  const community = await findManagedCommunity(slug, user, "own");
  if (!community) notFound();
  const { stripe: returned } = await searchParams;

  let state = connectState(community);
  let problem: string | null = null;
  // Back from Stripe's onboarding: ask Stripe where the account stands.
  let tiersSynced = 0;
  if (returned === "return" && state === "onboarding") {
    try {
      state = await refreshConnectState(community);
      // Charges just became possible: the tiers go to Stripe now, not one "Sync" click at a time.
      if (state === "charges_enabled") tiersSynced = (await syncAllTiers(community, (fn) => withCommunity(community.id, fn))).synced;
    } catch {
      problem = "We couldn't reach Stripe to check your account. Reload this page in a moment.";
    }
  }
  const info = STATES[state];
  const plan = isPlatformPlan(community.subscriptionTier) ? PLATFORM_PLANS[community.subscriptionTier].name : "Free";

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="payouts" />
      <Card className="mt-8 max-w-2xl space-y-4">
        <div className="flex items-center justify-between gap-4">
          <h2 className="text-lg font-semibold">Stripe account</h2>
          <Badge tone={info.tone} data-testid="connect-state">
            {info.label}
          </Badge>
        </div>
        <p className="text-sm text-slate-600">{info.body}</p>
        {problem && <Alert tone="error">{problem}</Alert>}
        {tiersSynced > 0 && (
          <Alert tone="success">Your {tiersSynced === 1 ? "tier is" : `${tiersSynced} tiers are`} now on Stripe: members can subscribe.</Alert>
        )}
        {returned === "refresh" && <Alert tone="info">The Stripe link expired. Continue to get a fresh one.</Alert>}
        {state !== "charges_enabled" && <ConnectForm slug={community.slug} label={state === "not_connected" ? "Connect Stripe" : "Continue Stripe setup"} />}
        <p className="border-t border-slate-100 pt-4 text-xs text-slate-500">
          Your plan: {plan}. CommunityOS keeps {applicationFeePercent(community.subscriptionTier)}% of each member payment; Stripe&apos;s own fees apply.
        </p>
      </Card>
    </div>
  );
}
