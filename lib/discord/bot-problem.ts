// The problem that paused a community's bot (a bad token, a missing server…),
// kept in its settings JSON: parsed in one place, written in one place.
import { z } from "zod";
import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";
import { PERMANENT_PROBLEMS, type PermanentProblem } from "./bot-rest";

const withProblem = z.looseObject({
  botProblem: z
    .enum(PERMANENT_PROBLEMS as unknown as [PermanentProblem, ...PermanentProblem[]])
    .optional()
    .catch(undefined),
});

/** The problem recorded in the bot's settings, or null. */
export function botProblemOf(settings: unknown): PermanentProblem | null {
  const parsed = withProblem.safeParse(settings ?? {});
  return parsed.success ? (parsed.data.botProblem ?? null) : null;
}

/** The settings without a recorded problem, everything else kept. */
export function withoutBotProblem(settings: unknown): Record<string, unknown> {
  const { botProblem: _lifted, ...rest } =
    typeof settings === "object" && settings !== null && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
  return rest;
}

/** Records (or, with null, lifts) the problem; lifting also notes that the bot answered now. */
export async function setBotProblem(tx: TenantTx, communityId: string, problem: PermanentProblem | null): Promise<void> {
  const config = await tx.discordBotConfig.findUniqueOrThrow({ where: { communityId }, select: { settings: true } });
  const settings = problem ? { ...withoutBotProblem(config.settings), botProblem: problem } : withoutBotProblem(config.settings);
  await tx.discordBotConfig.update({
    where: { communityId },
    data: { settings: settings as Prisma.InputJsonObject, ...(problem ? {} : { lastOnline: new Date() }) },
    select: { id: true },
  });
}
