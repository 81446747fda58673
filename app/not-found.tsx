import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto flex max-w-xl flex-col items-center px-4 py-24 text-center">
      <p className="text-sm font-semibold text-brand-700">404</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight">We couldn&apos;t find that page</h1>
      <p className="mt-3 text-slate-600">The link may be mistyped, or the community may have moved.</p>
      <ButtonLink href="/" className="mt-8">
        Back to CommunityOS
      </ButtonLink>
    </div>
  );
}
