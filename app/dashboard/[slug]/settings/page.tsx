import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { findManagedCommunity } from "@/lib/communities/owner-access";
import { readSettings } from "@/lib/communities/validation";
import { withCommunity } from "@/lib/db/scopes";
import { listStaff } from "@/lib/staff/service";
import { ROLE_LABELS, type StaffRole } from "@/lib/staff/roles";
import Link from "next/link";
import { CommunityHeader } from "../community-nav";
import { SettingsForm } from "./settings-form";
import { CheckoutQuestionsForm } from "./questions-form";
import { readCheckoutQuestions } from "@/lib/communities/checkout-questions";

export const metadata: Metadata = { title: "Community settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requireUser(`/dashboard/${slug}/settings`);
  const community = await findManagedCommunity(slug, user);
  if (!community) notFound();
  const staff = await withCommunity(community.id, (tx) => listStaff(tx));
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <CommunityHeader community={community} current="settings" />
      <Card className="mt-8 max-w-2xl">
        <SettingsForm
          key={community.slug}
          values={{
            slug: community.slug,
            name: community.name,
            description: community.description,
            status: community.status,
            ...readSettings(community.settings),
          }}
        />
      </Card>
      <Card className="mt-6 max-w-2xl">
        <CheckoutQuestionsForm key={community.slug} slug={community.slug} questions={readCheckoutQuestions(community.settings)} />
      </Card>
      <Card className="mt-6 max-w-2xl">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">Team</h2>
          <Link href={`/dashboard/${community.slug}/team`} className="text-sm font-medium text-brand-700 hover:underline">
            {community.role === "owner" ? "Invite or change →" : "See the team →"}
          </Link>
        </div>
        {staff.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Only you run this community. Invite admins, moderators or viewers by their Discord account.</p>
        ) : (
          <ul className="mt-3 space-y-1 text-sm" aria-label="Staff">
            {staff.map((s) => (
              <li key={s.id}>
                {s.name ?? s.discordUserId} · {ROLE_LABELS[s.role as StaffRole].name}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
