import type { WebhookHandler } from "../handler";
import { accountUpdated } from "./account-updated";
import { chargeDispute } from "./charge-dispute";
import { chargeRefunded } from "./charge-refunded";
import { checkoutSessionCompleted } from "./checkout-session-completed";
import { customerSubscription } from "./customer-subscription";
import { invoicePaid } from "./invoice-paid";
import { invoicePaymentFailed } from "./invoice-payment-failed";

/** Every event type we act on; anything else is answered 200 and recorded as ignored. */
export const HANDLERS: Readonly<Record<string, WebhookHandler<unknown>>> = {
  "checkout.session.completed": checkoutSessionCompleted,
  "customer.subscription.created": customerSubscription,
  "customer.subscription.updated": customerSubscription,
  "customer.subscription.deleted": customerSubscription,
  "customer.subscription.paused": customerSubscription,
  "customer.subscription.resumed": customerSubscription,
  "invoice.paid": invoicePaid,
  "invoice.payment_succeeded": invoicePaid,
  "invoice.payment_failed": invoicePaymentFailed,
  "charge.refunded": chargeRefunded,
  "charge.dispute.created": chargeDispute,
  "charge.dispute.updated": chargeDispute,
  "charge.dispute.closed": chargeDispute,
  "account.updated": accountUpdated,
};
