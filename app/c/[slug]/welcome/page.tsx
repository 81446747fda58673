import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CommunityAvatar } from "@/components/community-avatar";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { getPublicCommunity } from "@/lib/communities/public-profile";
import { slugSchema } from "@/lib/communities/slug";
import { Confirming } from "./confirming";

export const metadata: Metadata = { title: "Welcome" };

export default async function WelcomePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug: raw } = await params;
  const slug = slugSchema.safeParse(raw);
  if (!slug.success) notFound();
  await requireUser(`/c/${slug.data}/welcome`);
  const community = await getPublicCommunity(slug.data);
  if (!community) notFound();
  return (
    <div className="mx-auto max-w-xl px-4 py-16 sm:px-6">
      <Card className="space-y-6 text-center">
        <CommunityAvatar name={community.name} url={community.avatarUrl} className="mx-auto h-16 w-16 text-xl" />
        <h1 className="text-2xl font-semibold tracking-tight">Thanks for joining {community.name}</h1>
        <Confirming slug={community.slug} name={community.name} />
      </Card>
    </div>
  );
}
