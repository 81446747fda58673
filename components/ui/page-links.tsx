type PageLink = { href: string; text: string };

/** Links to a list's previous and next pages (server-rendered pages of ?page=N); nothing when there is only one. */
export function PageLinks({ label, previous, next }: { label: string; previous: PageLink | null; next: PageLink | null }) {
  if (!previous && !next) return null;
  return (
    <nav aria-label={label} className="mt-3 flex justify-between gap-4 text-sm">
      {previous ? (
        <a href={previous.href} className="text-brand-700 underline">
          {previous.text}
        </a>
      ) : (
        <span />
      )}
      {next && (
        <a href={next.href} className="text-brand-700 underline">
          {next.text}
        </a>
      )}
    </nav>
  );
}
