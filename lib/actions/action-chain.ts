import { z } from "zod";
import { parseId } from "../db/ids";
import { withCommunity, type TenantTx } from "../db/scopes";
import { recordAudit, type AuditEntry } from "../audit/record";
import { log } from "../observability/log";
import { CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS } from "../utils/text";
import { withRequestId } from "../observability/request-context";
import { communityRoleOf } from "../staff/access";
import { communityRefBySlug } from "../communities/owner-access";
import { can, NOT_ALLOWED, type CommunityRole, type Permission } from "../staff/roles";

import { ActionError, NOT_FOUND, SIGN_IN_REQUIRED, type FieldErrors } from "../core/errors";
import type { Actor, CommunityRef } from "../core/actors";

export { ActionError, NOT_FOUND, SIGN_IN_REQUIRED, type FieldErrors, type Actor, type CommunityRef };
/**
 * On failure, `values` echoes what was submitted so the form can show it again (React resets
 * forms after an action); `lists` holds every value of a field submitted more than once
 * (checkboxes of one name). Forms read a field's picks with echoedList (./echoed).
 */
export type ActionResult<T> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; code?: string; fieldErrors?: FieldErrors; values?: Record<string, string>; lists?: Record<string, string[]> };
export type ActionState<T> = ActionResult<T> | null;

/** The actor's role in the community the action is about (null: a signed-in user who is neither owner nor staff). */
export type Acting = { role: CommunityRole | null };

/** Form fields as a plain object; Next's own $ACTION_ fields are not input. */
export function formInput(formData: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const input: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = formData.getAll(key);
    input[key] = values.length > 1 ? values : values[0]!;
  }
  return input;
}

/** Who may run an action: any signed-in user, or a role in the community with this permission (lib/staff/roles.ts). */
type Role = Permission | "signed-in";

/** Describes an action's audit entry from its input and result (never secrets). */
export type Audit<I, R> = (input: I, result: R) => AuditEntry;

// Never sent back to the browser, even to the person who typed it.
const SECRET_FIELD = /token|secret|password/i;

function echo(formData: FormData): { values: Record<string, string>; lists?: Record<string, string[]> } {
  const values: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(formInput(formData))) {
    if (SECRET_FIELD.test(key)) continue;
    if (typeof value === "string") values[key] = value;
    else if (Array.isArray(value)) lists[key] = value.filter((v): v is string => typeof v === "string");
  }
  return Object.keys(lists).length ? { values, lists } : { values };
}

/**
 * The one chain every server action goes through: authenticate, load the
 * community by slug, check the actor's right, parse the input with zod, run
 * the handler in the community's RLS scope, and answer with typed results or
 * field errors. Unexpected errors are logged and reported without details.
 */
export function createActionChain(deps: { getActor: () => Promise<Actor | null>; requestId?: () => Promise<string> }) {
  async function run<R>(formData: FormData, work: () => Promise<R>): Promise<ActionResult<R>> {
    const attempt = async (): Promise<ActionResult<R>> => {
      try {
        return { ok: true, data: await work() };
      } catch (error) {
        if (error instanceof ActionError)
          return { ok: false, error: error.message, fieldErrors: error.fieldErrors, ...(error.code ? { code: error.code } : {}), ...echo(formData) };
        log.error({ err: error }, "server action failed");
        return { ok: false, error: "Something went wrong on our side. Nothing was changed; please try again.", ...echo(formData) };
      }
    };
    return deps.requestId ? withRequestId(await deps.requestId(), attempt) : attempt();
  }

  function parse<S extends z.ZodType>(schema: S, formData: FormData): z.output<S> {
    const input = formInput(formData);
    // PostgreSQL cannot store them and no form of ours needs them: refused for every field at once.
    const controlled = Object.entries(input).filter(([, v]) => [v].flat().some((x) => typeof x === "string" && CONTROL_CHARACTERS.test(x)));
    if (controlled.length) {
      throw new ActionError("Please correct the highlighted fields.", Object.fromEntries(controlled.map(([key]) => [key, [NO_CONTROL_CHARACTERS]])));
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new ActionError("Please correct the highlighted fields.", z.flattenError(parsed.error).fieldErrors as FieldErrors);
    }
    return parsed.data;
  }

  async function actor(): Promise<Actor> {
    const user = await deps.getActor();
    if (!user) throw new ActionError(SIGN_IN_REQUIRED);
    return { ...user, id: parseId(user.id, "user id") };
  }

  /** An action of a signed-in user that belongs to no community (e.g. creating one). */
  function userAction<S extends z.ZodType, R>(schema: S, handler: (input: z.output<S>, ctx: { actor: Actor }) => Promise<R>) {
    return (_prev: ActionState<R>, formData: FormData): Promise<ActionResult<R>> =>
      run(formData, async () => {
        const who = await actor();
        return handler(parse(schema, formData), { actor: who });
      });
  }

  /** Who acts on which community: the form's `communitySlug`, checked against the actor's role. */
  async function enter(need: Role, formData: FormData): Promise<{ who: Actor; community: CommunityRef; role: CommunityRole | null }> {
    const who = await actor();
    const community = await communityRefBySlug(formData.get("communitySlug"));
    if (!community) throw new ActionError(NOT_FOUND, undefined, "not_found");
    const role = await communityRoleOf(community, who);
    if (need === "signed-in") return { who, community, role };
    // Someone else's community looks exactly like a missing one; staff learn their role is short.
    if (!role) throw new ActionError(NOT_FOUND, undefined, "not_found");
    if (!can(role, need)) throw new ActionError(NOT_ALLOWED, undefined, "not_allowed");
    return { who, community, role };
  }

  /** A staff member's entry says in which role they acted. */
  function staffAudit(role: CommunityRole | null, entry: AuditEntry | undefined): AuditEntry | undefined {
    return entry && role && role !== "owner" ? { ...entry, details: { ...entry.details, staffRole: role } } : entry;
  }

  /**
   * An action on one community, run in one transaction in the community's RLS
   * scope; its audit entry (if described) is written in that same transaction.
   */
  function communityAction<S extends z.ZodType, R>(
    schema: S,
    role: Role,
    handler: (input: z.output<S>, ctx: { actor: Actor; community: CommunityRef; tx: TenantTx }) => Promise<R>,
    audit?: Audit<z.output<S>, R>,
  ) {
    return (_prev: ActionState<R>, formData: FormData): Promise<ActionResult<R>> =>
      run(formData, async () => {
        const { who, community, role: acting } = await enter(role, formData);
        const input = parse(schema, formData);
        return withCommunity(community.id, async (tx) => {
          const result = await handler(input, { actor: who, community, tx });
          const entry = staffAudit(acting, audit?.(input, result));
          if (entry) await recordAudit(tx, community.id, who.id, entry);
          return result;
        });
      });
  }

  /**
   * An action that also calls an outside service (Stripe, Discord): the handler
   * opens short scopes around its database steps and makes network calls
   * between them, never inside a transaction.
   */
  function communityWorkflow<S extends z.ZodType, R>(
    schema: S,
    role: Role,
    handler: (input: z.output<S>, ctx: { actor: Actor; community: CommunityRef; inScope: <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T> }) => Promise<R>,
    audit?: Audit<z.output<S>, R>,
  ) {
    return (_prev: ActionState<R>, formData: FormData): Promise<ActionResult<R>> =>
      run(formData, async () => {
        const { who, community, role: acting } = await enter(role, formData);
        const input = parse(schema, formData);
        const result = await handler(input, { actor: who, community, inScope: (fn) => withCommunity(community.id, fn) });
        // After the outside call succeeded, in a short scope of its own.
        const entry = staffAudit(acting, audit?.(input, result));
        if (entry) await withCommunity(community.id, (tx) => recordAudit(tx, community.id, who.id, entry));
        return result;
      });
  }

  return { userAction, communityAction, communityWorkflow };
}
