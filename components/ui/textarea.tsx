"use client";

import type { ComponentProps } from "react";
import { useHydrated } from "./hydration";

/**
 * A <textarea> that starts with text waits (read-only) until the page's script
 * runs: React's hydration puts that text back over anything typed before it,
 * so typing would be lost without a word.
 */
export function Textarea({ readOnly, ...props }: ComponentProps<"textarea">) {
  const hydrated = useHydrated();
  const startsWithText = Boolean(props.value ?? props.defaultValue);
  return <textarea {...props} readOnly={readOnly || (startsWithText && !hydrated)} />;
}
