import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { tierForEdit } from "@/lib/tiers/read";
import { CommunityHeader } from "../../community-nav";
import { TierForm } from "../tier-form";
import { serverRoleChoices, tierRoleChoices } from "@/lib/tiers/discord-roles";
import { tierServerRoles } from "@/lib/tiers/server-roles";

export const metadata: Metadata = { title: "Edit tier" };

export default async function EditTierPage({ params }: { params: Promise<{ slug: string; tierId: string }> }) {
  const { slug, tierId } = await params;
  const user = await requireUser(`/dashboard/${slug}/tiers/${tierId}`);
  const community = await findManagedCommunity(slug, user);
  if (!community || !z.uuid().safeParse(tierId).success) notFound();
  const tier = await withCommunity(community.id, (tx) => tierForEdit(tx, tierId));
  if (!tier) notFound();
  const [roles, servers] = await Promise.all([tierRoleChoices(community.id), serverRoleChoices(community.id)]);
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="tiers" />
      <Link href={`/dashboard/${slug}/tiers`} className="mt-6 inline-block text-sm text-slate-600 hover:text-slate-900">
        ← All tiers
      </Link>
      <Card className="mt-4 max-w-3xl">
        <h2 className="mb-6 text-lg font-semibold">Edit {tier.name}</h2>
        <TierForm
          slug={slug}
          roles={roles}
          servers={servers}
          values={{
            tierId: tier.id,
            name: tier.name,
            description: tier.description ?? "",
            price: tier.price.toFixed(2),
            currency: tier.currency,
            interval: tier.interval,
            features: Array.isArray(tier.features) ? tier.features.filter((f) => typeof f === "string").join("\n") : "",
            discordRoleId: tier.discordRoleId ?? "",
            extraRoleIds: tier.extraRoleIds,
            serverRoles: tierServerRoles(tier).map((r) => `${r.guildId}:${r.roleId}`),
            maxMembers: tier.maxMembers?.toString() ?? "",
            trialDays: String(tier.trialDays),
            trialWithoutCard: tier.trialWithoutCard,
            accessDays: tier.accessDays?.toString() ?? "",
            payWhatYouWant: tier.payWhatYouWant,
            suggestedPrice: tier.suggestedPrice?.toFixed(2) ?? "",
            currencyPrices: Object.entries((tier.currencyPrices ?? {}) as Record<string, string>)
              .map(([code, price]) => `${code} ${price}`)
              .join("\n"),
          }}
        />
      </Card>
    </div>
  );
}
