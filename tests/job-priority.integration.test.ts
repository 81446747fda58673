// A burst of checkouts queues a role sync, a notice and a receipt per member;
// the role (what the member paid for) must not wait behind the others.
import { describe, expect, it } from "vitest";
import { withCommunity } from "../lib/db/scopes";
import { JOB_KINDS, enqueueJob, requestRoleSync } from "../lib/jobs/enqueue";
import { asOwnerInScope, createTenant } from "./support/fixtures";

describe("job priority", () => {
  it("puts a role sync ahead of the notices and mail queued before it, in the order graphile-worker takes jobs", async () => {
    const { community, rows } = await createTenant("job_priority");
    const payload = { communityId: community.id, memberId: rows.memberId };
    await withCommunity(community.id, async (tx) => {
      await enqueueJob(tx, JOB_KINDS.newPaidMember, { ...payload, tier: "Gold" });
      await enqueueJob(tx, JOB_KINDS.welcome, payload);
      await requestRoleSync(tx, community.id, rows.memberId, "payment");
    });
    // graphile-worker's own order for picking the next job: priority, then run_at, then id.
    const taken = await asOwnerInScope<{ identifier: string }>(
      community.id,
      `SELECT t.identifier FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE j.payload->>'communityId' = $1 AND t.identifier = ANY($2) ORDER BY j.priority, j.run_at, j.id`,
      [community.id, [JOB_KINDS.roleSync, JOB_KINDS.newPaidMember, JOB_KINDS.welcome]],
    );
    expect(taken.map((j) => j.identifier)).toEqual([JOB_KINDS.roleSync, JOB_KINDS.newPaidMember, JOB_KINDS.welcome]);
  });
});
