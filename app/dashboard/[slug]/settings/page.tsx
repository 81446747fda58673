import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { readSettings } from "@/lib/communities/validation";
import { CommunityHeader } from "../community-nav";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Community settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/settings`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="settings" />
      <Card className="mt-8 max-w-2xl">
        <SettingsForm
          key={community.slug}
          values={{ slug: community.slug, name: community.name, description: community.description, status: community.status, ...readSettings(community.settings) }}
        />
      </Card>
    </div>
  );
}
