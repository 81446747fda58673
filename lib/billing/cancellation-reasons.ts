// Stripe's own list of cancellation reasons (subscription.cancellation_details.feedback),
// in the member's words. No server imports: the portal's dialog uses it too.
export const CANCELLATION_REASON_LABELS = {
  too_expensive: "It's too expensive",
  unused: "I don't use it enough",
  missing_features: "It's missing something I need",
  switched_service: "I found an alternative",
  low_quality: "The quality wasn't what I expected",
  customer_service: "I had a bad support experience",
  too_complex: "It's too complicated",
  other: "Another reason",
} as const;

export type CancellationReason = keyof typeof CANCELLATION_REASON_LABELS;

export const CANCELLATION_REASONS = Object.keys(CANCELLATION_REASON_LABELS) as [CancellationReason, ...CancellationReason[]];
