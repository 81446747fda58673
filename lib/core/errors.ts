// Errors a domain reports to the person acting, below every caller: the
// action chain, the REST API and the worker each turn them into their answer.

export type FieldErrors = Record<string, string[] | undefined>;

/**
 * An expected failure a handler reports to the user (e.g. "slug taken"). A
 * code lets the caller offer the way forward (e.g. "switch instead") without
 * matching the message's words.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: FieldErrors,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ActionError";
  }
}

export const NOT_FOUND = "We couldn't find that community.";
export const SIGN_IN_REQUIRED = "Please sign in to continue.";

/** A refusal from a domain's list of messages: its key is the error's code, for callers to branch on. */
export function refusal<M extends Record<string, string>>(messages: M, code: keyof M & string, fieldErrors?: FieldErrors): ActionError {
  return new ActionError(messages[code]!, fieldErrors, code);
}
