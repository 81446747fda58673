import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { tierErrorMessage } from "@/lib/tiers/errors";
import { listTiersForOwner } from "@/lib/tiers/service";
import { formatMoney } from "@/lib/billing/money";
import { can } from "@/lib/staff/roles";
import { CommunityHeader } from "../community-nav";
import { tierRowAction } from "./actions";
import { EMPTY_TIER, TierForm } from "./tier-form";
import { serverRoleChoices, tierRoleChoices } from "@/lib/tiers/discord-roles";

export const metadata: Metadata = { title: "Tiers" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ notice?: string; error?: string }> };

/** A row's button; `icon` is what sighted users see, `label` what it is called (and announced). */
function RowButton({
  slug,
  tierId,
  kind,
  extra,
  label,
  icon,
  variant = "ghost",
}: {
  slug: string;
  tierId: string;
  kind: string;
  extra?: Record<string, string>;
  label: string;
  icon?: string;
  variant?: "ghost" | "secondary";
}) {
  return (
    <form action={tierRowAction}>
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="tierId" value={tierId} />
      <input type="hidden" name="kind" value={kind} />
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button type="submit" size="sm" variant={variant} aria-label={icon ? label : undefined} title={icon ? label : undefined}>
        {icon ? <span aria-hidden="true">{icon}</span> : label}
      </Button>
    </form>
  );
}

export default async function TiersPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/tiers`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const { notice, error } = await searchParams;
  const [tiers, roles, servers] = await Promise.all([
    withCommunity(community.id, listTiersForOwner),
    tierRoleChoices(community.id),
    serverRoleChoices(community.id),
  ]);

  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="tiers" />
      <div className="mt-6 space-y-3">
        {notice === "saved" && <Alert tone="success">Tier saved.</Alert>}
        {notice === "sync-warning" && <Alert tone="error">Tier saved, but Stripe didn&apos;t answer. Use “Sync to Stripe” to finish.</Alert>}
        {notice === "sync-refused" && (
          <Alert tone="error">
            Tier saved, but Stripe refused it: members can&apos;t subscribe to it until you change it. Stripe&apos;s reason is on the tier below.
          </Alert>
        )}
        {tierErrorMessage(error) && <Alert tone="error">{tierErrorMessage(error)}</Alert>}
        {!community.stripeAccountId && (
          <Alert tone="info">
            Tiers are mirrored to your Stripe account once you{" "}
            <Link href={`/dashboard/${slug}/payouts`} className="font-medium underline">
              connect Stripe
            </Link>
            .
          </Alert>
        )}
      </div>

      <section aria-labelledby="tiers-heading" className="mt-8">
        <h2 id="tiers-heading" className="text-lg font-semibold">
          Your tiers
        </h2>
        {tiers.length === 0 ? (
          <Card className="mt-4 text-center text-sm text-slate-600">No tiers yet. Create your first one below.</Card>
        ) : (
          <ul className="mt-4 space-y-3" aria-label="Tiers">
            {tiers.map((tier, index) => (
              <li key={tier.id}>
                <Card className="flex flex-wrap items-center justify-between gap-4 p-4">
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <h3 className="font-semibold">{tier.name}</h3>
                      {!tier.isActive && <Badge>inactive</Badge>}
                      {tier.soldOut && <Badge tone="warning">sold out</Badge>}
                      {community.stripeAccountId && (!tier.stripePriceId || tier.stripeProblem) && (
                        <Badge tone="danger">{tier.stripePriceId ? "not up to date on Stripe" : "not on Stripe"}</Badge>
                      )}
                    </div>
                    <p className="mt-1 text-sm text-slate-600">
                      {tier.payWhatYouWant ? "from " : ""}
                      {formatMoney(tier.price, tier.currency)}
                      {tier.interval === "once"
                        ? ` once · ${tier.accessDays ? `${tier.accessDays} days` : "lifetime"}`
                        : ` / ${tier.interval === "yearly" ? "year" : "month"}`}{" "}
                      · {tier.paying}
                      {tier.maxMembers ? ` of ${tier.maxMembers}` : ""} {tier.interval === "once" ? "holder" : "paying member"}
                      {(tier.maxMembers ?? tier.paying) === 1 ? "" : "s"}
                      {tier.trialDays > 0 ? ` · ${tier.trialDays}-day trial${tier.trialWithoutCard ? ", no card" : ""}` : ""}
                    </p>
                    {community.stripeAccountId && tier.stripeProblem && (
                      <p className="mt-1 text-sm text-red-700">{tier.stripeProblem} Members can&apos;t subscribe to this tier until Stripe has it.</p>
                    )}
                  </div>
                  {can(community.role, "manage") && (
                    <div className="flex flex-wrap items-center gap-1">
                      {index > 0 && <RowButton slug={slug} tierId={tier.id} kind="move" extra={{ direction: "up" }} label={`Move ${tier.name} up`} icon="↑" />}
                      {index < tiers.length - 1 && (
                        <RowButton slug={slug} tierId={tier.id} kind="move" extra={{ direction: "down" }} label={`Move ${tier.name} down`} icon="↓" />
                      )}
                      <RowButton
                        slug={slug}
                        tierId={tier.id}
                        kind="activate"
                        extra={{ active: String(!tier.isActive) }}
                        label={tier.isActive ? "Deactivate" : "Activate"}
                      />
                      {community.stripeAccountId && (!tier.stripePriceId || tier.stripeProblem) && (
                        <RowButton slug={slug} tierId={tier.id} kind="sync" label="Sync to Stripe" variant="secondary" />
                      )}
                      <Link
                        href={`/dashboard/${slug}/tiers/${tier.id}`}
                        className="rounded-lg px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50"
                      >
                        Edit
                      </Link>
                      <span className="sr-only">
                        position {index + 1} of {tiers.length}
                      </span>
                    </div>
                  )}
                </Card>
              </li>
            ))}
          </ul>
        )}
      </section>

      {can(community.role, "manage") && (
        <section aria-labelledby="new-tier-heading" className="mt-10">
          <h2 id="new-tier-heading" className="text-lg font-semibold">
            New tier
          </h2>
          <Card className="mt-4 max-w-3xl">
            <TierForm slug={slug} values={EMPTY_TIER} roles={roles} servers={servers} />
          </Card>
        </section>
      )}
    </div>
  );
}
