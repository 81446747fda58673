// `prisma dev` (Prisma's local Prisma Postgres) is the only caller; CommunityOS
// starts its own PostgreSQL (`npm run dev`), so this is never reached.
export async function startLocalDurableStreamsServer() {
  throw new Error("`prisma dev` is not used by CommunityOS: run `npm run dev`, which starts an embedded PostgreSQL.");
}
