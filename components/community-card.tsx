import Link from "next/link";
import type { ReactNode } from "react";
import { CommunityAvatar } from "@/components/community-avatar";
import { Card } from "@/components/ui/card";

/** A linked card: avatar, name and a subtitle on top, whatever the page needs below. */
export function CommunityCard({
  href,
  community,
  subtitle,
  headingLevel = "h3",
  children,
}: {
  href: string;
  community: { name: string; avatarUrl: string | null };
  subtitle?: ReactNode;
  headingLevel?: "h2" | "h3";
  children?: ReactNode;
}) {
  const Heading = headingLevel;
  return (
    <Link href={href} className="block h-full rounded-2xl focus-visible:outline-2">
      <Card className="h-full transition-shadow hover:shadow-md">
        <div className="flex items-center gap-3">
          <CommunityAvatar name={community.name} url={community.avatarUrl} />
          <div className="min-w-0">
            <Heading className="truncate font-semibold">{community.name}</Heading>
            {subtitle && <p className="text-sm text-slate-500">{subtitle}</p>}
          </div>
        </div>
        {children}
      </Card>
    </Link>
  );
}
