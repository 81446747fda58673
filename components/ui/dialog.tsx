"use client";

import { useEffect, useRef, type MouseEvent, type ReactNode } from "react";
import { cn } from "@/lib/utils/cn";

/**
 * A native modal <dialog> for a component: focus moves into it and back, the
 * page behind is inert, Escape and the backdrop close it. Spread the result on
 * the <dialog>. A dialog unmounted while open (a drawer shown only while a
 * member is picked) is closed and gives focus back too.
 */
export function useModalDialog(open: boolean, onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (!dialog?.open) return;
      dialog.close();
      // A dialog leaving the page does not give focus back by itself.
      if (opener.current?.isConnected) opener.current.focus();
    };
  }, []);
  return {
    ref,
    // The close event comes a moment later; by then React's strict mode may have reopened the dialog.
    onClose: () => {
      if (!ref.current?.open) onClose();
    },
    onClick: (event: MouseEvent<HTMLDialogElement>) => {
      if (event.target === ref.current) onClose();
    },
  };
}

export function Dialog({
  open,
  onClose,
  title,
  children,
  className,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  className?: string;
}) {
  const modal = useModalDialog(open, onClose);
  // m-auto: Tailwind's reset zeroes the margin that centres a modal <dialog>.
  return (
    <dialog
      {...modal}
      aria-label={title}
      className={cn("m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl p-0 shadow-xl backdrop:bg-slate-900/40", className)}
    >
      <div className="p-6">
        <h2 className="text-lg font-semibold">{title}</h2>
        <div className="mt-3">{children}</div>
      </div>
    </dialog>
  );
}
