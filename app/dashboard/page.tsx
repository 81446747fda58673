import type { Metadata } from "next";
import { CommunityCard } from "@/components/community-card";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { listOwnedCommunities, listStaffedCommunities } from "@/lib/communities/owner";
import { ROLE_LABELS } from "@/lib/staff/roles";
import { communityStatus } from "@/lib/billing/status-display";

export const metadata: Metadata = { title: "Your communities" };

export default async function DashboardPage() {
  const user = await requireUser("/dashboard");
  const [communities, staffed] = await Promise.all([listOwnedCommunities(user.id), listStaffedCommunities(user.id)]);
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Your communities</h1>
          <p className="mt-1 text-sm text-slate-600">Communities you own on CommunityOS.</p>
        </div>
        <ButtonLink href="/dashboard/new">New community</ButtonLink>
      </div>
      {staffed.length > 0 && (
        <section aria-labelledby="staffed-title" className="mt-8">
          <h2 id="staffed-title" className="text-lg font-semibold">
            Communities you help run
          </h2>
          <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Communities you help run">
            {staffed.map((c) => (
              <li key={c.id}>
                <CommunityCard href={`/dashboard/${c.slug}`} community={c} subtitle={`/c/${c.slug}`} headingLevel="h3">
                  <div className="mt-4 flex items-center justify-between text-sm">
                    <span className="text-slate-600">{ROLE_LABELS[c.role].name}</span>
                    <Badge tone={communityStatus(c.status).tone}>{communityStatus(c.status).label}</Badge>
                  </div>
                </CommunityCard>
              </li>
            ))}
          </ul>
        </section>
      )}
      {communities.length === 0 ? (
        <Card className="mt-8 text-center">
          <p className="font-medium">You don&apos;t own a community yet</p>
          <p className="mt-1 text-sm text-slate-600">Connect a Discord server where you have Manage Server to start selling memberships.</p>
          <ButtonLink href="/dashboard/new" className="mt-6">
            Connect a Discord server
          </ButtonLink>
        </Card>
      ) : (
        <ul className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Your communities">
          {communities.map((c) => (
            <li key={c.id}>
              <CommunityCard href={`/dashboard/${c.slug}`} community={c} subtitle={`/c/${c.slug}`} headingLevel="h2">
                <div className="mt-4 flex items-center justify-between text-sm">
                  <span className="text-slate-600">{c.memberCount.toLocaleString("en-US")} members</span>
                  <Badge tone={communityStatus(c.status).tone}>{communityStatus(c.status).label}</Badge>
                </div>
              </CommunityCard>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
