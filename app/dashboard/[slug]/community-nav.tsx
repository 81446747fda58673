import Link from "next/link";
import { CommunityAvatar } from "@/components/community-avatar";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils/cn";
import { can, ROLE_LABELS, type CommunityRole, type Permission } from "@/lib/staff/roles";

type Tab =
  "overview" | "analytics" | "members" | "payments" | "tiers" | "promotions" | "payouts" | "bot" | "activity" | "team" | "developers" | "import" | "settings";

/** What changing things on a tab takes; a role below it sees the page read-only. */
const EDITS: Partial<Record<Tab, Permission>> = {
  members: "moderate",
  payments: "manage",
  tiers: "manage",
  promotions: "manage",
  bot: "manage",
  settings: "manage",
  team: "own",
};

/** Tabs a role may not open are not shown (their pages answer 404 anyway). */
const NEEDS: Partial<Record<Tab, Permission>> = { payouts: "own", developers: "manage", import: "manage" };

export function CommunityHeader({
  community,
  current,
}: {
  community: { slug: string; name: string; avatarUrl: string | null; role: CommunityRole };
  current: Tab;
}) {
  const { role } = community;
  const all = [
    { key: "overview", label: "Overview", href: `/dashboard/${community.slug}` },
    { key: "analytics", label: "Analytics", href: `/dashboard/${community.slug}/analytics` },
    { key: "members", label: "Members", href: `/dashboard/${community.slug}/members` },
    { key: "payments", label: "Payments", href: `/dashboard/${community.slug}/payments` },
    { key: "tiers", label: "Tiers", href: `/dashboard/${community.slug}/tiers` },
    { key: "promotions", label: "Promotions", href: `/dashboard/${community.slug}/promotions` },
    { key: "payouts", label: "Payouts", href: `/dashboard/${community.slug}/payouts` },
    { key: "bot", label: "Discord bot", href: `/dashboard/${community.slug}/bot` },
    { key: "activity", label: "Activity", href: `/dashboard/${community.slug}/activity` },
    { key: "team", label: "Team", href: `/dashboard/${community.slug}/team` },
    { key: "import", label: "Import", href: `/dashboard/${community.slug}/import` },
    { key: "developers", label: "Developers", href: `/dashboard/${community.slug}/developers` },
    { key: "settings", label: "Settings", href: `/dashboard/${community.slug}/settings` },
  ] as const;
  const tabs = all.filter((tab) => can(role, NEEDS[tab.key] ?? "view"));
  return (
    <div>
      <Link href="/dashboard" className="text-sm text-slate-600 hover:text-slate-900">
        ← Your communities
      </Link>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-4">
        <div className="flex items-center gap-3">
          <CommunityAvatar name={community.name} url={community.avatarUrl} />
          <h1 className="text-2xl font-semibold tracking-tight">{community.name}</h1>
          {role !== "owner" && (
            <Badge tone="neutral" data-testid="staff-role">
              {ROLE_LABELS[role].name}
            </Badge>
          )}
        </div>
        <Link href={`/c/${community.slug}`} className="text-sm font-medium text-brand-700 hover:underline">
          View public page →
        </Link>
      </div>
      <nav aria-label="Community" className="mt-6 flex gap-1 overflow-x-auto border-b border-slate-200">
        {tabs.map((tab) => (
          <Link
            key={tab.key}
            href={tab.href}
            aria-current={tab.key === current ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
              tab.key === current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900",
            )}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      {EDITS[current] && !can(role, EDITS[current]) && (
        <div className="mt-4" data-testid="read-only">
          <Alert tone="info">You can look around here; as {ROLE_LABELS[role].name.toLowerCase()} you can&apos;t change anything on this page.</Alert>
        </div>
      )}
    </div>
  );
}
