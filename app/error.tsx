"use client";

import { Button } from "@/components/ui/button";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto flex max-w-xl flex-col items-center px-4 py-24 text-center">
      <h1 className="text-3xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-3 text-slate-600">We couldn&apos;t load this page. Please try again in a moment.</p>
      <Button onClick={reset} className="mt-8">
        Try again
      </Button>
    </div>
  );
}
