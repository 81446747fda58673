import type { ComponentProps } from "react";
import { cn } from "@/lib/utils/cn";

/** A data table's parts, styled once: the owner's tables compose them. */
export function Table({ className, ...props }: ComponentProps<"table">) {
  return <table className={cn("w-full text-left text-sm", className)} {...props} />;
}

export function TableHead({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cn("border-b border-slate-200 text-xs uppercase text-slate-500", className)} {...props} />;
}

export function TableBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cn("divide-y divide-slate-100", className)} {...props} />;
}

export function Th({ className, align, ...props }: ComponentProps<"th"> & { align?: "right" }) {
  return <th scope="col" className={cn("px-4 py-3 font-medium", align === "right" && "text-right", className)} {...props} />;
}

export function Td({ className, align, ...props }: ComponentProps<"td"> & { align?: "right" }) {
  return <td className={cn("px-4 py-3", align === "right" && "text-right", className)} {...props} />;
}
