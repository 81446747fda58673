"use client";

import { useEffect, useLayoutEffect, useRef, type ComponentProps } from "react";
import { cn } from "@/lib/utils/cn";

/**
 * A <select> that keeps its value through React 19's form reset. After a form
 * action React resets the form, and a select then falls back to the option it
 * was first rendered with (React never updates `defaultSelected` afterwards),
 * so a failed save would silently undo the owner's choice even though the
 * action echoed it back. Inputs and textareas don't need this: React keeps
 * their `defaultValue` up to date.
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
  return <select ref={ref} className={cn(className)} value={value} defaultValue={defaultValue} {...props} />;
}
