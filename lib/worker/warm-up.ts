import { db } from "../db/client";
import { withUser } from "../db/scopes";

// No user has this id: the scoped read finds nothing, and only readies the path.
const NO_USER = "00000000-0000-4000-8000-000000000000";

/**
 * What a worker process does before it takes its first job: opens the pool's
 * connections and runs Prisma's first queries, plain and scoped. A worker
 * started cold at a deploy otherwise spends its first seconds on that while
 * paid members wait for their role (`npm run bench -- role`: p95 about 2 s
 * cold, under 1 s warmed).
 */
export async function warmUp(connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => db.community.findFirst({ select: { id: true } })));
  await withUser(NO_USER, (tx) => tx.communityMember.findFirst({ select: { id: true } }));
}
