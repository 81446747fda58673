// Owners' webhook endpoints: add (the signing secret is made here and sealed),
// pause or resume, delete, reveal the secret, see the deliveries, resend one,
// send a test event.
import { z } from "zod";
import type { Prisma } from "../generated/prisma/client";
import { ActionError } from "../core/errors";
import { type Actor } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { decryptToken, encryptToken } from "../crypto/token-box";
import { keyRing } from "../discord/bot-config";
import { enqueueJob, JOB_KINDS } from "../jobs/enqueue";
import { OWNER_EVENT_TYPES, ownerEventPayload, type OwnerEventType } from "./events";
import { webhookUrlSchema } from "./destination";
import { newSigningSecret } from "./signature";

import { rowKey } from "../db/scopes";
export const MAX_ENDPOINTS = 10;

export const addEndpointSchema = z.object({
  url: webhookUrlSchema,
  description: z
    .string()
    .trim()
    .max(200, "must be at most 200 characters")
    .optional()
    .transform((v) => v || null),
  // Checkboxes: none ticked means every event.
  events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : [v].flat()))
    .pipe(z.array(z.enum(OWNER_EVENT_TYPES as [OwnerEventType, ...OwnerEventType[]], { error: "is not an event we send" }))),
});
export const endpointRefSchema = z.object({ endpointId: z.uuid() });
export const setEndpointActiveSchema = endpointRefSchema.extend({ active: z.enum(["true", "false"]).transform((v) => v === "true") });
export const resendSchema = z.object({ deliveryId: z.uuid() });

export async function addEndpoint(tx: TenantTx, communityId: string, actor: Actor, input: z.output<typeof addEndpointSchema>) {
  if ((await tx.webhookEndpoint.count()) >= MAX_ENDPOINTS) throw new ActionError(`A community can have ${MAX_ENDPOINTS} endpoints; delete one first.`);
  const secret = newSigningSecret();
  const endpoint = await tx.webhookEndpoint.create({
    data: {
      communityId,
      url: input.url,
      description: input.description,
      events: input.events,
      secretEncrypted: encryptToken(secret, communityId, keyRing()),
      createdBy: actor.id,
    },
    select: { id: true, url: true },
  });
  return { ...endpoint, secret };
}

async function endpointOrFail(tx: TenantTx, endpointId: string) {
  const endpoint = await tx.webhookEndpoint.findUnique({
    where: rowKey(endpointId),
    select: { id: true, communityId: true, secretEncrypted: true, url: true },
  });
  if (!endpoint) throw new ActionError("That endpoint was deleted.");
  return endpoint;
}

export async function setEndpointActive(tx: TenantTx, input: z.output<typeof setEndpointActiveSchema>) {
  await endpointOrFail(tx, input.endpointId);
  await tx.webhookEndpoint.update({ where: rowKey(input.endpointId), data: { active: input.active }, select: { id: true } });
  return input;
}

export async function deleteEndpoint(tx: TenantTx, input: z.output<typeof endpointRefSchema>) {
  const endpoint = await endpointOrFail(tx, input.endpointId);
  await tx.webhookEndpoint.delete({ where: rowKey(endpoint.id), select: { id: true } });
  return { url: endpoint.url };
}

export async function revealSecret(tx: TenantTx, input: z.output<typeof endpointRefSchema>) {
  const endpoint = await endpointOrFail(tx, input.endpointId);
  return { secret: decryptToken(endpoint.secretEncrypted, endpoint.communityId, keyRing()) };
}

/** The signing secret of a delivery's endpoint, for the worker. */
export function secretOf(endpoint: { secretEncrypted: string; communityId: string }): string {
  return decryptToken(endpoint.secretEncrypted, endpoint.communityId, keyRing());
}

/** Sends the delivery again now, whatever became of it (a new attempt in its log). */
export async function resendDelivery(tx: TenantTx, communityId: string, input: z.output<typeof resendSchema>) {
  const delivery = await tx.webhookDelivery.findUnique({ where: rowKey(input.deliveryId), select: { id: true, eventType: true } });
  if (!delivery) throw new ActionError("That delivery is no longer in the log.");
  await tx.webhookDelivery.update({ where: rowKey(delivery.id), data: { status: "pending" }, select: { id: true } });
  await enqueueJob(tx, JOB_KINDS.deliverWebhook, { communityId, deliveryId: delivery.id }, { key: `webhook_delivery:${delivery.id}` });
  return { eventType: delivery.eventType };
}

/** A `ping` to one endpoint: shows the owner their receiver works. */
export async function sendTestEvent(tx: TenantTx, communityId: string, input: z.output<typeof endpointRefSchema>) {
  const endpoint = await endpointOrFail(tx, input.endpointId);
  const payload = ownerEventPayload({ communityId, type: "ping", data: {} });
  await tx.webhookDelivery.create({
    data: { communityId, endpointId: endpoint.id, eventId: payload.id, eventType: "ping", payload: payload as Prisma.InputJsonObject },
    select: { id: true },
  });
  return { url: endpoint.url };
}

export async function listEndpoints(tx: TenantTx) {
  const endpoints = await tx.webhookEndpoint.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, url: true, description: true, events: true, active: true, createdAt: true },
  });
  const deliveries = await tx.webhookDelivery.findMany({
    where: { endpointId: { in: endpoints.map((e) => e.id) } },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      endpointId: true,
      eventType: true,
      status: true,
      attempts: true,
      responseStatus: true,
      attemptLog: true,
      createdAt: true,
      lastAttemptAt: true,
    },
  });
  return endpoints.map((e) => ({ ...e, deliveries: deliveries.filter((d) => d.endpointId === e.id).slice(0, 20) }));
}
