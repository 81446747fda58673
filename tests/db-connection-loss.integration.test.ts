// A database connection lost while a transaction holds it (the database restarting
// between two statements of a webhook's transaction) fails that transaction, which
// Stripe retries; it must not end the process. pg emits "error" on a checked-out
// connection with no pool listener attached: unheard, Node throws it (and Vitest
// reports it as an unhandled error, failing the run).
import { describe, expect, it } from "vitest";
import { Prisma } from "../lib/generated/prisma/client";
import { statementInCommunity, sqlInCommunity, withCommunity } from "../lib/db/scopes";
import { asOwner, createTenant } from "./support/fixtures";

type RawTx = { $queryRaw: <T>(query: TemplateStringsArray, ...values: unknown[]) => Promise<T> };

/** Inside the transaction: its own connection dropped from the outside, then a statement more. */
async function loseConnection(tx: RawTx) {
  const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  await asOwner((client) => client.query("SELECT pg_terminate_backend($1)", [row!.pid]));
  // The connection's "error" arrives while this transaction still holds it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await tx.$queryRaw`SELECT 1`;
}

describe("a connection lost in the middle of a transaction", () => {
  it.each([
    ["over plain pg (sqlInCommunity)", (communityId: string) => sqlInCommunity(communityId, (tx) => loseConnection(tx))],
    ["through Prisma (withCommunity)", (communityId: string) => withCommunity(communityId, (tx) => loseConnection(tx))],
  ])("fails that transaction %s, and the pool goes on serving", async (label, run) => {
    const { community } = await createTenant(`connection_loss_${label.length}`);
    await expect(run(community.id)).rejects.toThrow();
    expect(await statementInCommunity(community.id, Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});
