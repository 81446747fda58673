"use client";

import { useEffect, useSyncExternalStore, type ComponentProps, type RefObject } from "react";
import { Button } from "./button";

const never = () => () => {};

/** False while the server's HTML is all the page has; true once React runs it in the browser. */
export function useHydrated() {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}

/**
 * A button whose action is script only (it opens a dialog or a form in place).
 * Until the page's script runs, a click on it would be lost without a word, so
 * until then it says it is not ready (aria-disabled), which assistive tech
 * announces and Playwright's actions wait out.
 */
export function ScriptButton(props: ComponentProps<typeof Button>) {
  const hydrated = useHydrated();
  return <Button type="button" {...props} aria-disabled={hydrated ? props["aria-disabled"] : true} />;
}

/**
 * A controlled input typed into before the page's script ran: React leaves the
 * text on screen but not in its state, and would wipe it on the next render.
 * Hands the text over once, on mount. (Not for a textarea with text in it:
 * React's hydration puts that text back over what was typed.)
 */
export function useTypedBeforeHydration(ref: RefObject<HTMLInputElement | null>, typed: (value: string) => void) {
  useEffect(() => {
    const field = ref.current;
    if (field && field.value !== field.defaultValue) typed(field.value);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once, on mount: later typing comes through onChange
}
