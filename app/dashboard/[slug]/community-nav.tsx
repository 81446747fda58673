import Link from "next/link";
import { CommunityAvatar } from "@/components/community-avatar";
import { cn } from "@/lib/utils/cn";

type Tab = "overview" | "members" | "payments" | "tiers" | "promotions" | "payouts" | "bot" | "activity" | "settings";

export function CommunityHeader({ community, current }: { community: { slug: string; name: string; avatarUrl: string | null }; current: Tab }) {
  const tabs = [
    { key: "overview", label: "Overview", href: `/dashboard/${community.slug}` },
    { key: "members", label: "Members", href: `/dashboard/${community.slug}/members` },
    { key: "payments", label: "Payments", href: `/dashboard/${community.slug}/payments` },
    { key: "tiers", label: "Tiers", href: `/dashboard/${community.slug}/tiers` },
    { key: "promotions", label: "Promotions", href: `/dashboard/${community.slug}/promotions` },
    { key: "payouts", label: "Payouts", href: `/dashboard/${community.slug}/payouts` },
    { key: "bot", label: "Discord bot", href: `/dashboard/${community.slug}/bot` },
    { key: "activity", label: "Activity", href: `/dashboard/${community.slug}/activity` },
    { key: "settings", label: "Settings", href: `/dashboard/${community.slug}/settings` },
  ] as const;
  return (
    <div>
      <Link href="/dashboard" className="text-sm text-slate-600 hover:text-slate-900">← Your communities</Link>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-4">
        <div className="flex items-center gap-3">
          <CommunityAvatar name={community.name} url={community.avatarUrl} />
          <h1 className="text-2xl font-semibold tracking-tight">{community.name}</h1>
        </div>
        <Link href={`/c/${community.slug}`} className="text-sm font-medium text-brand-700 hover:underline">View public page →</Link>
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
    </div>
  );
}
