import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { withCommunity } from "@/lib/db/scopes";
import { inviteSuggestions, listStaff } from "@/lib/staff/service";
import { ROLE_LABELS, STAFF_ROLES } from "@/lib/staff/roles";
import { CommunityHeader } from "../community-nav";
import { InviteForm, StaffRow } from "./team-forms";

export const metadata: Metadata = { title: "Team" };

const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

export default async function TeamPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/team`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const isOwner = community.role === "owner";
  const { staff, members } = await withCommunity(community.id, async (tx) => ({
    staff: await listStaff(tx),
    // Suggestions for the invite: people already in the community.
    members: isOwner ? await inviteSuggestions(tx) : [],
  }));
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="team" />
      <div className="mt-8 grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card>
          <h2 className="text-lg font-semibold">Team</h2>
          <p className="mt-1 text-sm text-slate-600">
            People who help run {community.name}. They sign in with the Discord account you invited and find the community on their dashboard.
          </p>
          <ul className="mt-4 divide-y divide-slate-100" aria-label="Team">
            <li className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
              <span className="font-medium">The owner{isOwner ? " (you)" : ""}</span>
              <Badge tone="brand">{ROLE_LABELS.owner.name}</Badge>
            </li>
            {staff.map((s) => (
              <li key={s.id} className="py-3 text-sm" data-testid={`staff-${s.discordUserId}`}>
                <StaffRow
                  slug={community.slug}
                  staff={{ id: s.id, name: s.name, discordUserId: s.discordUserId, role: s.role, since: day.format(s.createdAt) }}
                  editable={isOwner}
                />
              </li>
            ))}
          </ul>
          {staff.length === 0 && (
            <p className="mt-2 text-sm text-slate-500">No one else yet. {isOwner ? "Invite a moderator or an admin on the right." : ""}</p>
          )}
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">{isOwner ? "Invite someone" : "Roles"}</h2>
          <dl className="mt-3 space-y-2 text-sm">
            {STAFF_ROLES.map((r) => (
              <div key={r}>
                <dt className="font-medium">{ROLE_LABELS[r].name}</dt>
                <dd className="text-slate-600">{ROLE_LABELS[r].does}</dd>
              </div>
            ))}
          </dl>
          {isOwner ? (
            <div className="mt-5">
              <InviteForm slug={community.slug} suggestions={members} />
            </div>
          ) : (
            <p className="mt-4 text-sm text-slate-600">You are {ROLE_LABELS[community.role].name.toLowerCase()} here. Only the owner changes the team.</p>
          )}
        </Card>
      </div>
    </div>
  );
}
