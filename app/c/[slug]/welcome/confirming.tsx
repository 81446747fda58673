"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";

type Status = { status: string; tier: string | null; active: boolean };

/** Polls until the webhook has made the subscription active; the redirect itself grants nothing. */
export function Confirming({ slug, name }: { slug: string; name: string }) {
  const { data, error } = useQuery({
    queryKey: ["membership", slug],
    queryFn: async (): Promise<Status> => {
      const response = await fetch(`/api/c/${slug}/membership`, { cache: "no-store" });
      if (!response.ok) throw new Error(`status ${response.status}`);
      return response.json();
    },
    refetchInterval: (query) => (query.state.data?.active ? false : 2000),
    refetchOnWindowFocus: true,
    staleTime: 0,
  });

  if (data?.active) {
    return (
      <Alert tone="success">
        You&apos;re in! Your {data.tier} membership of {name} is active. <Link href="/portal" className="font-medium underline">See your memberships</Link>
      </Alert>
    );
  }
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-3 rounded-lg bg-brand-50 px-4 py-3 text-sm text-brand-900 ring-1 ring-inset ring-brand-100">
      <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-brand-600 border-r-transparent" />
      <span>
        Confirming payment… This page updates by itself once Stripe confirms it.
        {error ? " (We'll keep checking.)" : ""}
      </span>
    </div>
  );
}
