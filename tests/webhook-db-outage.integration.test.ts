// The database stops in the middle of a burst of Stripe webhooks and comes
// back: with Stripe-style retries (every delivery that did not get a 2xx is
// sent again, and some that did) and the worker's (every job that failed is run
// again), every event is applied exactly once.
// It runs against a copy of the test database on a server of its own (made with
// db:backup / db:restore), so stopping it disturbs no other test.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { backupDatabase, restoreDatabase } from "../lib/db/backup";
import { createDatabase, db, type Database } from "../lib/db/client";
import { scopesFor } from "../lib/db/scopes";
import { startScratchServer, type ScratchServer } from "./support/scratch-server";
import { withClient } from "./support/test-database";
import { paidCommunity, payCheckout, startStripeHarness, type Delivery, type PaidCommunity, type StripeHarness } from "./support/stripe-webhooks";

const BUYERS = 8;
let h: StripeHarness;
let paid: PaidCommunity;
let deliveries: Delivery[];
let backups: string;
let server: ScratchServer;
let clone: Database;
let cloneOwnerUrl: string;

const onClone = <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
  withClient(cloneOwnerUrl, async (client) => (await client.query(sql, params)).rows as T[]);

beforeAll(async () => {
  h = await startStripeHarness();
  paid = await paidCommunity(h);
  await h.take();
  for (let i = 0; i < BUYERS; i++) await payCheckout(h, paid, `outage_buyer_${i}`);
  deliveries = await h.take();

  // A server of our own holding a copy of the test database, community and all.
  backups = await mkdtemp(path.join(tmpdir(), "communityos-outage-dumps-"));
  server = await startScratchServer();
  const { dumpFile } = await backupDatabase({ ownerUrl: inject("ownerUrl"), dir: backups, keep: 1 });
  cloneOwnerUrl = server.ownerUrl("communityos_outage");
  await restoreDatabase({ dumpFile, targetUrl: cloneOwnerUrl });
  clone = createDatabase(server.moved(inject("appUrl"), "communityos_outage"), 5);
}, 180_000);

afterAll(async () => {
  await clone?.$disconnect();
  await server?.dispose();
  await h?.close();
  await db.$disconnect();
  await rm(backups, { recursive: true, force: true });
});

describe("a database outage during a webhook burst", () => {
  it("loses nothing and applies nothing twice once Stripe's retries get through", async () => {
    expect(deliveries.length).toBeGreaterThanOrEqual(BUYERS * 3);
    const { withCommunity, sqlInCommunity, statementInCommunity } = scopesFor(clone);
    const deps = { db: clone, withCommunity, sqlInCommunity, statementInCommunity };
    const statuses = new Map<string, number>();
    // 599: stored and answered, but its job failed (it stays queued for the worker's retry).
    const deliver = async (d: Delivery) => {
      const answer = await h.deliver(d, deps).catch(() => ({ status: 599 }));
      statuses.set(d.id, answer.status);
      return answer.status;
    };

    // The burst, staggered over ~1.5 s; the server stops once a quarter of it has been answered.
    const burst = Promise.all(deliveries.map((d, i) => new Promise((r) => setTimeout(r, (i * 1500) / deliveries.length)).then(() => deliver(d))));
    while (statuses.size < deliveries.length / 4) await new Promise((r) => setTimeout(r, 5));
    await server.stop();
    await burst;
    const failedDuringOutage = [...statuses.values()].filter((s) => s >= 300).length;
    expect(failedDuringOutage).toBeGreaterThan(0);
    expect(failedDuringOutage).toBeLessThan(deliveries.length);
    if (process.env.TEST_VERBOSE === "1") console.log(`${deliveries.length} deliveries, ${failedDuringOutage} failed while the database was down`);

    // Stripe retries failed deliveries with backoff while the database is down, then after it is back.
    for (const d of deliveries.filter((x) => statuses.get(x.id)! >= 300).slice(0, 3)) expect(await deliver(d)).toBeGreaterThanOrEqual(500);
    await server.start();
    let failedJobs: unknown[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const pending = deliveries.filter((d) => statuses.get(d.id)! >= 300 && statuses.get(d.id) !== 599);
      failedJobs = (await h.retryQueued(deps)).filter((r) => r.error);
      if (pending.length === 0 && failedJobs.length === 0) break;
      await new Promise((r) => setTimeout(r, 250 * 2 ** Math.min(attempt, 3)));
      await Promise.all(pending.map(deliver));
    }
    expect(deliveries.filter((d) => statuses.get(d.id)! >= 300 && statuses.get(d.id) !== 599).map((d) => `${d.type} ${statuses.get(d.id)}`)).toEqual([]);
    expect(failedJobs).toEqual([]);
    // Stripe may also resend events that were applied: duplicates change nothing.
    const again = await Promise.all(deliveries.map((d) => h.deliver(d, deps)));
    expect(again.every((a) => a.status === 200 && a.body.outcome === "duplicate")).toBe(true);

    const communityId = paid.community.id;
    const ledger = await onClone<{ id: string }>("SELECT id FROM stripe_events WHERE community_id = $1 AND outcome = 'processed'", [communityId]);
    expect(ledger.map((r) => r.id).sort()).toEqual(deliveries.map((d) => d.id).sort());
    const [subs] = await onClone<{ n: number }>("SELECT count(*)::int AS n FROM subscriptions WHERE community_id = $1 AND status = 'active'", [communityId]);
    expect(subs!.n).toBe(BUYERS);
    const payments = await onClone<{ invoice: string; n: number }>(
      "SELECT stripe_invoice_id AS invoice, count(*)::int AS n FROM payments WHERE community_id = $1 GROUP BY 1",
      [communityId],
    );
    expect(payments).toHaveLength(BUYERS);
    expect(payments.every((p) => p.n === 1)).toBe(true);
    const members = await onClone<{ status: string; total: string }>(
      "SELECT subscription_status AS status, total_spent::text AS total FROM community_members WHERE community_id = $1 AND user_id <> (SELECT owner_id FROM communities WHERE id = $1)",
      [communityId],
    );
    expect(members).toHaveLength(BUYERS);
    expect(members.every((m) => m.status === "active" && m.total === "10.00")).toBe(true);
    // One role sync job per member, not one per attempt.
    const [jobs] = await onClone<{ n: number }>(
      "SELECT count(DISTINCT j.key)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'discord:role_sync' AND j.payload->>'communityId' = $1",
      [communityId],
    );
    expect(jobs!.n).toBe(BUYERS);
  }, 180_000);
});
