// Discord's Interactions endpoint: every request is signed with Ed25519 by
// Discord (which also sends bad signatures on purpose to check we refuse them).
import { createPublicKey, verify } from "node:crypto";
import type { REST } from "@discordjs/rest";
import { Routes } from "discord-api-types/v10";
import { z } from "zod";
import { db } from "../db/client";
import { withCommunity } from "../db/scopes";

const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function verifyInteraction(publicKeyHex: string, signatureHex: string | null, timestamp: string | null, body: string): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-f]{128}$/i.test(signatureHex) || !/^\d{1,12}$/.test(timestamp)) return false;
  // Stale signatures are replays.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(publicKeyHex, "hex")]), format: "der", type: "spki" });
  return verify(null, Buffer.from(timestamp + body), key, Buffer.from(signatureHex, "hex"));
}

const interactionSchema = z.object({
  type: z.number().int(),
  guild_id: z
    .string()
    .regex(/^\d{17,20}$/)
    .optional(),
  data: z.object({ name: z.string().max(32) }).optional(),
  member: z.object({ user: z.object({ id: z.string().regex(/^\d{17,20}$/) }) }).optional(),
  user: z.object({ id: z.string().regex(/^\d{17,20}$/) }).optional(),
});

const EPHEMERAL = 1 << 6;
const reply = (content: string) => ({ type: 4, data: { content, flags: EPHEMERAL } });

export const COMMANDS = [
  { name: "subscribe", description: "See this community's membership tiers and how to join", type: 1 },
  { name: "status", description: "Your membership in this community", type: 1 },
  { name: "manage", description: "Manage your membership and billing", type: 1 },
];

/** Registers the slash commands in one guild (bulk overwrite: the set is replaced, never duplicated). */
export async function registerCommands(rest: REST, applicationId: string, guildId: string): Promise<{ name: string }[]> {
  return (await rest.put(Routes.applicationGuildCommands(applicationId, guildId), { body: COMMANDS })) as { name: string }[];
}

/** The answer to a verified interaction: PING gets PONG, commands get an ephemeral reply. */
export async function answerInteraction(raw: unknown, appUrl: string): Promise<{ status: number; body: unknown }> {
  const parsed = interactionSchema.safeParse(raw);
  if (!parsed.success) return { status: 400, body: { error: "Not an interaction." } };
  const interaction = parsed.data;
  if (interaction.type === 1) return { status: 200, body: { type: 1 } };
  if (interaction.type !== 2 || !interaction.data || !interaction.guild_id) return { status: 200, body: reply("This command works inside a server.") };
  const community = await db.community.findUnique({
    where: { discordGuildId: interaction.guild_id },
    select: { id: true, slug: true, name: true, status: true },
  });
  if (!community || community.status === "archived") return { status: 200, body: reply("This server is not connected to CommunityOS.") };
  const page = `${appUrl}/c/${community.slug}`;
  const userId = interaction.member?.user.id ?? interaction.user?.id;

  switch (interaction.data.name) {
    case "subscribe": {
      const tiers = await withCommunity(community.id, (tx) =>
        tx.subscriptionTier.findMany({
          where: { isActive: true },
          orderBy: [{ sortOrder: "asc" }, { price: "asc" }],
          select: { name: true, price: true, currency: true, interval: true },
        }),
      );
      if (tiers.length === 0) return { status: 200, body: reply(`${community.name} has no paid tiers yet.`) };
      const lines = tiers.map((t) => `• **${t.name}**: ${t.price.toFixed(2)} ${t.currency} / ${t.interval === "yearly" ? "year" : "month"}`);
      return { status: 200, body: reply(`Membership tiers of ${community.name}:\n${lines.join("\n")}\nJoin here: ${page}`) };
    }
    case "status": {
      const member = userId
        ? await withCommunity(community.id, (tx) =>
            tx.communityMember.findFirst({
              where: { discordUserId: userId },
              select: { subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true },
            }),
          )
        : null;
      if (!member || member.subscriptionStatus === "none")
        return { status: 200, body: reply(`You have no paid membership in ${community.name}. See the tiers: ${page}`) };
      const until = member.subscriptionExpiresAt ? ` until ${member.subscriptionExpiresAt.toISOString().slice(0, 10)}` : "";
      return { status: 200, body: reply(`Your ${member.subscriptionTier ?? ""} membership is ${member.subscriptionStatus.replace("_", " ")}${until}.`) };
    }
    case "manage":
      return { status: 200, body: reply(`Manage your membership and billing here: ${appUrl}/portal`) };
    default:
      return { status: 200, body: reply("Unknown command.") };
  }
}
