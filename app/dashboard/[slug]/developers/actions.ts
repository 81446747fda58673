"use server";

import { revalidatePath } from "next/cache";
import { communityAction, type ActionState } from "@/lib/actions";
import { createApiKey, createApiKeySchema, revokeApiKey, revokeApiKeySchema } from "@/lib/api/keys";
import {
  addEndpoint,
  addEndpointSchema,
  deleteEndpoint,
  endpointRefSchema,
  resendDelivery,
  resendSchema,
  revealSecret,
  sendTestEvent,
  setEndpointActive,
  setEndpointActiveSchema,
} from "@/lib/webhooks/endpoints";

const refresh = (formData: FormData) => revalidatePath(`/dashboard/${String(formData.get("communitySlug"))}/developers`);

function refreshing<R>(action: (prev: ActionState<R>, formData: FormData) => Promise<ActionState<R>>) {
  return async (prev: ActionState<R>, formData: FormData) => {
    const result = await action(prev, formData);
    if (result?.ok) refresh(formData);
    return result;
  };
}

const createKey = communityAction(
  createApiKeySchema,
  "manage",
  (input, { actor, community, tx }) => createApiKey(tx, community.id, actor, input),
  (input, r) => ({
    action: "api_key.created",
    objectType: "api_key",
    objectId: r.id,
    details: { name: input.name, scope: input.scope },
  }),
);
const revokeKey = communityAction(
  revokeApiKeySchema,
  "manage",
  (input, { tx }) => revokeApiKey(tx, input.keyId),
  (input) => ({
    action: "api_key.revoked",
    objectType: "api_key",
    objectId: input.keyId,
  }),
);
const addHook = communityAction(
  addEndpointSchema,
  "manage",
  (input, { actor, community, tx }) => addEndpoint(tx, community.id, actor, input),
  (input, r) => ({
    action: "webhook_endpoint.added",
    objectType: "webhook_endpoint",
    objectId: r.id,
    details: { url: input.url, events: input.events },
  }),
);
const toggleHook = communityAction(
  setEndpointActiveSchema,
  "manage",
  (input, { tx }) => setEndpointActive(tx, input),
  (input) => ({
    action: input.active ? "webhook_endpoint.resumed" : "webhook_endpoint.paused",
    objectType: "webhook_endpoint",
    objectId: input.endpointId,
  }),
);
const deleteHook = communityAction(
  endpointRefSchema,
  "manage",
  (input, { tx }) => deleteEndpoint(tx, input),
  (input, r) => ({
    action: "webhook_endpoint.deleted",
    objectType: "webhook_endpoint",
    objectId: input.endpointId,
    details: { url: r.url },
  }),
);
const testHook = communityAction(
  endpointRefSchema,
  "manage",
  (input, { community, tx }) => sendTestEvent(tx, community.id, input),
  (input) => ({
    action: "webhook_endpoint.tested",
    objectType: "webhook_endpoint",
    objectId: input.endpointId,
  }),
);
const resend = communityAction(
  resendSchema,
  "manage",
  (input, { community, tx }) => resendDelivery(tx, community.id, input),
  (input) => ({
    action: "webhook_delivery.resent",
    objectType: "webhook_delivery",
    objectId: input.deliveryId,
  }),
);

export const createApiKeyAction = refreshing(createKey);
export const revokeApiKeyAction = refreshing(revokeKey);
export const addEndpointAction = refreshing(addHook);
export const setEndpointActiveAction = refreshing(toggleHook);
export const deleteEndpointAction = refreshing(deleteHook);
export const sendTestEventAction = refreshing(testHook);
export const resendDeliveryAction = refreshing(resend);
/** Reading the secret is an owner's or admin's act like any other, and audited. */
export const revealSecretAction = communityAction(
  endpointRefSchema,
  "manage",
  (input, { tx }) => revealSecret(tx, input),
  (input) => ({
    action: "webhook_endpoint.secret_revealed",
    objectType: "webhook_endpoint",
    objectId: input.endpointId,
  }),
);
