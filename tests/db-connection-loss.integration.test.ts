// A database connection lost while a transaction holds it (the database restarting
// between two statements of a webhook's transaction) fails that transaction, which
// Stripe retries; it must not end the process. pg emits "error" on a checked-out
// connection with no pool listener attached: unheard, Node throws it.
import { describe, expect, it } from "vitest";
import { Prisma } from "../lib/generated/prisma/client";
import { readInCommunity, sqlInCommunity, withCommunity } from "../lib/db/scopes";
import { asOwner, createTenant } from "./support/fixtures";

const dropConnection = (pid: number) => asOwner((client) => client.query("SELECT pg_terminate_backend($1)", [pid]));
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("a connection lost in the middle of a transaction", () => {
  it("fails that transaction over plain pg, and the pool goes on serving", async () => {
    const { community } = await createTenant("connection_loss_pg");
    await expect(
      sqlInCommunity(community.id, async (tx) => {
        const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        await dropConnection(row!.pid);
        // The connection's "error" arrives while this transaction still holds it.
        await settle();
        await tx.$queryRaw`SELECT 1`;
      }),
    ).rejects.toThrow();
    expect(await readInCommunity(community.id, Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });

  it("fails that transaction through Prisma, and the pool goes on serving", async () => {
    const { community } = await createTenant("connection_loss_prisma");
    await expect(
      withCommunity(community.id, async (tx) => {
        const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        await dropConnection(row!.pid);
        await settle();
        await tx.$queryRaw`SELECT 1`;
      }),
    ).rejects.toThrow();
    expect(await withCommunity(community.id, (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});
