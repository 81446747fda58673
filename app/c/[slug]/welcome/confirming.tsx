"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { DiscordAccess } from "@/components/discord-access";

type Status = { status: string; tier: string | null; active: boolean; guildStatus: string; guildId: string; memberId: string | null };

/**
 * Polls until the webhook has made the subscription active (the redirect itself
 * grants nothing), then until the bot has put the member into the server.
 */
export function Confirming({ slug, name }: { slug: string; name: string }) {
  const { data, error } = useQuery({
    queryKey: ["membership", slug],
    queryFn: async (): Promise<Status> => {
      const response = await fetch(`/api/c/${slug}/membership`, { cache: "no-store" });
      if (!response.ok) throw new Error(`status ${response.status}`);
      return response.json();
    },
    refetchInterval: (query) => (query.state.data?.active && query.state.data.guildStatus !== "unknown" ? false : 2000),
    refetchOnWindowFocus: true,
    staleTime: 0,
  });

  if (data?.active) {
    return (
      <div className="space-y-4 text-left">
        <Alert tone="success">
          You&apos;re in! Your {data.tier} membership of {name} is active.{" "}
          <Link href="/portal" className="font-medium underline">
            See your memberships
          </Link>
        </Alert>
        {data.memberId && <DiscordAccess memberId={data.memberId} guildId={data.guildId} status={data.guildStatus} returnTo={`/c/${slug}/welcome`} compact />}
      </div>
    );
  }
  return (
    <div
      role="status"
      aria-live="polite"
      className="flex items-center gap-3 rounded-lg bg-brand-50 px-4 py-3 text-sm text-brand-900 ring-1 ring-inset ring-brand-100"
    >
      <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-brand-600 border-r-transparent" />
      <span>
        Confirming payment… This page updates by itself once Stripe confirms it.
        {error ? " (We'll keep checking.)" : ""}
      </span>
    </div>
  );
}
