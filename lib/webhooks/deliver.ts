// One attempt to send one delivery (the worker's `webhooks:deliver` job). A
// failure is recorded and thrown, so graphile-worker retries with its
// exponential backoff until the job's attempts run out (about three days).
import { withCommunity, rowKey } from "../db/scopes";
import { destinationProblem } from "./destination";
import { secretOf } from "./endpoints";
import { SIGNATURE_HEADER, signPayload } from "./signature";

const TIMEOUT_MS = 10_000;
const LOG_ENTRIES = 20;

export class DeliveryFailed extends Error {
  override name = "DeliveryFailed";
}

type Attempt = { at: string; status: number | null; error: string | null; ms: number };

export async function deliverWebhook(
  communityId: string,
  deliveryId: string,
  options: { final: boolean; fetchImpl?: typeof fetch },
): Promise<"succeeded" | "skipped"> {
  const delivery = await withCommunity(communityId, (tx) =>
    tx.webhookDelivery.findUnique({
      where: rowKey(deliveryId),
      select: {
        id: true,
        status: true,
        payload: true,
        attemptLog: true,
        endpoint: { select: { url: true, active: true, secretEncrypted: true, communityId: true } },
      },
    }),
  );
  // Deleted with its endpoint, already delivered by a twin job, or the endpoint is paused.
  if (!delivery || delivery.status === "succeeded") return "skipped";
  if (!delivery.endpoint.active) {
    await record(communityId, deliveryId, { at: new Date().toISOString(), status: null, error: "endpoint paused", ms: 0 }, "failed");
    return "skipped";
  }
  const body = JSON.stringify(delivery.payload);
  const started = Date.now();
  let status: number | null = null;
  let error: string | null = await destinationProblem(delivery.endpoint.url);
  if (!error) {
    try {
      const response = await (options.fetchImpl ?? fetch)(delivery.endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "CommunityOS-Webhooks/1",
          [SIGNATURE_HEADER]: signPayload(secretOf(delivery.endpoint), body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = response.status;
      // The body is not read: what the receiver says is not ours to keep.
      await response.body?.cancel();
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : `could not connect (${(e as Error).message.slice(0, 120)})`;
    }
  }
  const attempt = { at: new Date(started).toISOString(), status, error, ms: Date.now() - started };
  await record(communityId, deliveryId, attempt, error ? (options.final ? "failed" : "pending") : "succeeded");
  if (error) throw new DeliveryFailed(`webhook delivery ${deliveryId}: ${error}`);
  return "succeeded";
}

async function record(communityId: string, deliveryId: string, attempt: Attempt, status: "succeeded" | "pending" | "failed") {
  await withCommunity(
    communityId,
    (tx) => tx.$executeRaw`
    UPDATE webhook_deliveries
       SET attempts = attempts + 1, status = ${status}, response_status = ${attempt.status}, last_attempt_at = ${new Date(attempt.at)},
           delivered_at = CASE WHEN ${status} = 'succeeded' THEN now() ELSE delivered_at END,
           attempt_log = (SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM (
             SELECT e, n FROM jsonb_array_elements(attempt_log || ${JSON.stringify([attempt])}::jsonb) WITH ORDINALITY AS t(e, n)
              ORDER BY n DESC LIMIT ${LOG_ENTRIES}) recent)
     WHERE id = ${deliveryId}::uuid`,
  );
}
