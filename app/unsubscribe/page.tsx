import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { unsubscribeParams, unsubscribeTarget } from "@/lib/members/unsubscribe";

export const metadata: Metadata = { title: "Unsubscribe" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Where an e-mail's "Unsubscribe" link lands: one button, so a link scanner alone never unsubscribes anyone. */
export default async function UnsubscribePage({ searchParams }: Props) {
  const query = await searchParams;
  const parsed = unsubscribeParams.safeParse({ c: query.c, m: query.m, s: query.s });
  const target = parsed.success ? await unsubscribeTarget(parsed.data) : null;
  return (
    <div className="mx-auto max-w-lg px-4 py-16 sm:px-6">
      <Card>
        <h1 className="text-xl font-semibold">Unsubscribe</h1>
        {!parsed.success || !target ? (
          <Alert tone="error" className="mt-4">
            This unsubscribe link is not valid. Use the link from the most recent e-mail.
          </Alert>
        ) : target.optedOut || query.done ? (
          <Alert tone="success" className="mt-4">
            You won&apos;t get messages like this from {target.community} again. Receipts and payment reminders still come while you have a membership.
          </Alert>
        ) : (
          <form method="post" action={`/api/unsubscribe?${new URLSearchParams(parsed.data)}`} className="mt-4 space-y-4">
            <p className="text-sm text-slate-600">
              Stop messages like &ldquo;we miss you&rdquo; from {target.community}? Receipts and payment reminders still come while you have a membership.
            </p>
            <input type="hidden" name="from" value="page" />
            <button className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
              Unsubscribe
            </button>
          </form>
        )}
      </Card>
    </div>
  );
}
