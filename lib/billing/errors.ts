/**
 * A permanent problem with an event (a shape we do not understand, metadata that
 * points elsewhere, a customer we do not know). Retrying cannot fix it, so it is
 * recorded in the ledger with its reason and answered 200.
 */
export class WebhookRejection extends Error {
  override name = "WebhookRejection";
}

/**
 * The event depends on one that has not arrived yet (a refund before its
 * payment). Answered with a non-2xx and no ledger row, so Stripe sends it again.
 */
export class RetryLater extends Error {
  override name = "RetryLater";
}
