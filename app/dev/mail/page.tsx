import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { devInbox } from "@/lib/mail/dev-inbox";

export const metadata: Metadata = { title: "Mail sent (development)" };
export const dynamic = "force-dynamic";

const timeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/**
 * Development only: every e-mail the app sent, as the local mail catcher
 * received it over SMTP. Absent (404) in production or with a real mail server.
 */
export default async function DevMailPage({ searchParams }: { searchParams: Promise<{ id?: string | string[]; view?: string }> }) {
  const messages = await devInbox();
  if (!messages) notFound();
  const { id, view } = await searchParams;
  const selected = messages.find((m) => m.id === id) ?? messages[0];
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight">Mail sent</h1>
      <p className="mt-1 text-sm text-slate-600">Development inbox: what members would receive. Real mail goes out only with SMTP_URL set.</p>
      {messages.length === 0 ? (
        <Card className="mt-8 text-sm text-slate-600">No mail yet. Receipts, welcomes and payment reminders appear here as the app sends them.</Card>
      ) : (
        <div className="mt-8 grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
          <nav aria-label="Messages">
            <ul className="divide-y divide-slate-200 rounded-xl bg-white ring-1 ring-slate-200">
              {messages.map((m) => (
                <li key={m.id}>
                  <Link
                    href={`/dev/mail?id=${m.id}`}
                    aria-current={m.id === selected?.id ? "true" : undefined}
                    className="block px-4 py-3 text-sm hover:bg-slate-50 aria-[current=true]:bg-indigo-50"
                  >
                    <span className="block truncate font-medium">{m.subject || "(no subject)"}</span>
                    <span className="block truncate text-slate-600">to {m.to.join(", ")}</span>
                    <span className="block text-xs text-slate-500">{timeFormat.format(new Date(m.receivedAt))} UTC</span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {selected && (
            <article aria-labelledby="mail-subject" className="min-w-0 rounded-xl bg-white p-4 ring-1 ring-slate-200">
              <h2 id="mail-subject" className="text-lg font-semibold break-words">
                {selected.subject}
              </h2>
              <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 text-sm text-slate-600">
                <dt>From</dt>
                <dd className="break-all">{selected.from}</dd>
                <dt>To</dt>
                <dd className="break-all">{selected.to.join(", ")}</dd>
                {selected.headers["list-unsubscribe"] && (
                  <>
                    <dt>Unsubscribe</dt>
                    <dd className="break-all">{selected.headers["list-unsubscribe"]}</dd>
                  </>
                )}
              </dl>
              <div className="mt-3 flex gap-3 text-sm">
                <Link
                  href={`/dev/mail?id=${selected.id}`}
                  aria-current={view !== "text" ? "page" : undefined}
                  className="underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
                >
                  HTML
                </Link>
                <Link
                  href={`/dev/mail?id=${selected.id}&view=text`}
                  aria-current={view === "text" ? "page" : undefined}
                  className="underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
                >
                  Plain text
                </Link>
              </div>
              {view === "text" || !selected.html ? (
                <pre className="mt-3 whitespace-pre-wrap break-words rounded-lg bg-slate-50 p-3 text-sm">{selected.text}</pre>
              ) : (
                // sandbox: the message's HTML runs no script and cannot touch this page.
                <iframe
                  title={`Message: ${selected.subject}`}
                  srcDoc={selected.html.replace(/<head>/i, '<head><base target="_blank">')}
                  sandbox="allow-popups allow-popups-to-escape-sandbox"
                  className="mt-3 h-[560px] w-full rounded-lg border border-slate-200"
                />
              )}
            </article>
          )}
        </div>
      )}
    </div>
  );
}
