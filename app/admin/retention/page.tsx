import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { isPlatformAdmin } from "@/lib/auth/platform-admin";
import { listRetentionPolicies } from "@/lib/gdpr/retention-admin";
import { PolicyForm, RunRetentionNow } from "./policy-form";

export const metadata: Metadata = { title: "Data retention" };

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "never";

export default async function RetentionPage() {
  const user = await requireUser("/admin/retention");
  // Not an administrator: the page does not exist for you.
  if (!(await isPlatformAdmin(user.id))) notFound();
  const policies = await listRetentionPolicies();
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Data retention</h1>
          <p className="mt-1 text-sm text-slate-600">
            How long the platform keeps each kind of record. A nightly job (03:37 UTC) deletes what is older, in small batches; whole months of analytics are
            dropped at once. Payments are never deleted: they are financial records.
          </p>
        </div>
        <RunRetentionNow />
      </div>
      {policies.length === 0 ? (
        <Card className="mt-8 text-center text-sm text-slate-600">No retention policies are defined. Run the database migrations to seed the defaults.</Card>
      ) : (
        <ul className="mt-8 space-y-4">
          {policies.map((p) => (
            <li key={p.id}>
              <Card>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 className="font-semibold">{p.label}</h2>
                  <p className="text-xs text-slate-500">
                    <code>{p.tableName}</code> · last cleanup {when(p.lastCleanup)}
                    {p.lastDeletedRows !== null && ` · ${p.lastDeletedRows.toLocaleString("en-US")} rows deleted`}
                  </p>
                </div>
                <div className="mt-4">
                  <PolicyForm policy={p} />
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
