"use client";

import { useEffect, useLayoutEffect, useRef, type ComponentProps } from "react";
import { cn } from "@/lib/utils/cn";

/**
 * A <select> that keeps its value through React 19's form reset. After a form
 * action React resets the form, and a select then falls back to the option it
 * was first rendered with (React never updates `defaultSelected` afterwards),
 * so a failed save would silently undo the owner's choice even though the
 * action echoed it back. Inputs and textareas don't need this: React keeps
 * their `defaultValue` up to date. A controlled one picked before hydration
 * passes the pick on to its onChange.
 */
export function Select({ className, value, defaultValue, ...props }: ComponentProps<"select">) {
  const ref = useRef<HTMLSelectElement>(null);
  const intended = useRef(value ?? defaultValue);
  // Updated in the commit, before the microtask below reads it.
  useLayoutEffect(() => {
    intended.current = value ?? defaultValue;
  });
  useEffect(() => {
    const form = ref.current?.form;
    if (!form) return;
    // The reset event fires before the form resets: put the value back right after.
    const restore = () =>
      queueMicrotask(() => {
        if (ref.current && intended.current !== undefined && !ref.current.multiple) ref.current.value = String(intended.current);
      });
    form.addEventListener("reset", restore);
    return () => form.removeEventListener("reset", restore);
  }, []);
  useEffect(() => {
    // Picked before the page's script ran: React keeps the pick on screen but starts
    // from its own state, so what depends on it (a tier's pass fields) would not follow.
    // Told as the change it was, once React listens.
    const select = ref.current;
    const served = select && [...select.options].find((option) => option.defaultSelected);
    if (select && value !== undefined && served && select.value !== served.value) select.dispatchEvent(new Event("change", { bubbles: true }));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once, on mount: later picks come through onChange
  return <select ref={ref} className={cn(className)} value={value} defaultValue={defaultValue} {...props} />;
}
