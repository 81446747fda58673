// Client-safe: what a failed action echoes back, for forms to show again.
import type { ActionState } from "./action-chain";

/** The values a failed submission had for a many-valued field (none checked: empty), or undefined when nothing is echoed. */
export function echoedList(state: ActionState<unknown>, name: string): string[] | undefined {
  if (!state || state.ok || !state.values) return undefined;
  return state.lists?.[name] ?? (state.values[name] === undefined ? [] : [state.values[name]!]);
}
