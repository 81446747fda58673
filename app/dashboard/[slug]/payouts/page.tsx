import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { connectState, refreshConnectState, type ConnectState } from "@/lib/billing/connect";
import { readPlan } from "@/lib/billing/owner-plan";
import { applicationFeePercent, planName, planOf, platformPlans } from "@/lib/billing/plans";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { syncAllTiers } from "@/lib/tiers/service";
import { CommunityHeader } from "../community-nav";
import { ConnectForm, ManagePlanForm, UpgradePlanForm } from "./connect-form";

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

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ stripe?: string; plan?: string }> };

/** What each of the operator's plans unlocks, in words. */
const FEATURE_NAMES = { analytics: "Analytics (MRR movements, churn, cohorts, funnel)", servers: "Tiers that grant roles in several of your servers" } as const;

export default async function PayoutsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/payouts`);
  const community = await findManagedCommunity(slug, user, "own");
  if (!community) notFound();
  const { stripe: returned, plan: planReturn } = await searchParams;

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
  const plans = platformPlans();
  const plan = await readPlan(community.id);
  const onPro = planOf(plan.subscriptionTier, plans) === "pro";

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
      </Card>
      <Card className="mt-6 max-w-2xl space-y-4" data-testid="plan">
        <div className="flex items-center justify-between gap-4">
          <h2 className="text-lg font-semibold">Your CommunityOS plan</h2>
          <Badge tone={onPro ? "success" : "neutral"} data-testid="plan-name">
            {planName(plan.subscriptionTier, plans)}
          </Badge>
        </div>
        {planReturn === "started" && !onPro && (
          <Alert tone="info">
            Payment received by Stripe. Your plan switches to {plans.pro?.name ?? "Pro"} as soon as Stripe confirms it; reload in a moment.
          </Alert>
        )}
        {onPro && plan.planStatus === "past_due" && (
          <Alert tone="error">Stripe couldn&apos;t renew your plan. Update your card: Stripe retries for a while before the plan ends.</Alert>
        )}
        <p className="text-sm text-slate-600">
          CommunityOS keeps {applicationFeePercent(plan.subscriptionTier, plans)}% of each member payment; Stripe&apos;s own fees apply.
          {onPro && plan.planPeriodEnd && <> Renews {plan.planPeriodEnd.toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" })}.</>}
        </p>
        {plans.pro && !onPro && (
          <div className="space-y-3 rounded-lg border border-slate-200 p-4">
            <p className="text-sm font-medium">
              {plans.pro.name}: {plans.pro.feePercent}% per member payment
              {plans.pro.unlocks.length > 0 && <>, and {plans.pro.unlocks.map((feature) => FEATURE_NAMES[feature]).join(", ")}</>}.
            </p>
            <p className="text-xs text-slate-500">
              Billed by CommunityOS through Stripe, separately from your members&apos; payments. Your members keep their access whatever your plan.
            </p>
            <UpgradePlanForm slug={community.slug} label={`Upgrade to ${plans.pro.name}`} />
          </div>
        )}
        {plan.planCustomerId && <ManagePlanForm slug={community.slug} />}
        {!plans.pro && <p className="text-xs text-slate-500">This installation offers one plan: everything is included.</p>}
      </Card>
    </div>
  );
}
