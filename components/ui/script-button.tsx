"use client";

import { useSyncExternalStore, type ComponentProps } from "react";
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
