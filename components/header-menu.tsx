"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * The header's menu below the small breakpoint: a disclosure (works before
 * JavaScript too) that closes after a navigation, on Escape and on a click
 * outside, as a menu is expected to; the layout keeps it mounted across pages.
 */
export function HeaderMenu({ summary, children }: { summary: ReactNode; children: ReactNode }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);
  useEffect(() => {
    const close = (event: Event) => {
      const menu = ref.current;
      if (!menu?.open) return;
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !menu.contains(event.target as Node)) {
        menu.open = false;
        if (event instanceof KeyboardEvent) menu.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("keydown", close);
    document.addEventListener("click", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("click", close);
    };
  }, []);
  return (
    <details ref={ref} className="group relative sm:hidden">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-lg px-2 py-1.5 ring-1 ring-slate-200 [&::-webkit-details-marker]:hidden">
        {summary}
        {/* Named by its text, not aria-label: a label would hide what the summary shows (WCAG 2.5.3). */}
        <span className="sr-only">Menu</span>
        <span aria-hidden="true" className="text-slate-600 group-open:hidden">
          ☰
        </span>
        <span aria-hidden="true" className="hidden text-slate-600 group-open:inline">
          ✕
        </span>
      </summary>
      {children}
    </details>
  );
}
