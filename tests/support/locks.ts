import pg from "pg";
import { inject } from "vitest";
import { memberLockKey } from "../../lib/billing/member-refresh";
import { asOwner } from "./fixtures";

/**
 * Holds a member's lock (memberLockKey) in a transaction of its own, as a
 * concurrent billing event would, until release(); waitForWaiter() resolves
 * once another transaction queues behind it.
 */
async function holdMemberLock(memberId: string) {
  const holder = new pg.Client({ connectionString: inject("ownerUrl") });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("SELECT pg_advisory_xact_lock(hashtext($1))", [memberLockKey(memberId)]);
  return {
    async waitForWaiter() {
      for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 50))) {
        // An advisory lock's key shows as its low 32 bits in objid.
        const { rows } = await asOwner((c) =>
          c.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid::bigint = (hashtext($1)::bigint & 4294967295)", [
            memberLockKey(memberId),
          ]),
        );
        if (rows.length) return;
      }
      throw new Error("nothing queued behind the member's lock within 10 s");
    },
    async release() {
      await holder.query("COMMIT");
      await holder.end();
    },
  };
}

/**
 * Starts work while another transaction holds the member's lock, runs
 * whileQueued once work waits behind it (work's rows are to be free then),
 * lets it through, and returns what work returns.
 */
export async function behindMemberLock<T>(memberId: string, work: () => Promise<T>, whileQueued: () => Promise<void>): Promise<T> {
  const lock = await holdMemberLock(memberId);
  const working = work();
  // Awaited below; a failure before then must not count as unhandled.
  working.catch(() => {});
  try {
    await lock.waitForWaiter();
    await whileQueued();
  } finally {
    await lock.release();
  }
  return working;
}
