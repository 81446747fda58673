import { ImageOnceLoaded } from "@/components/ui/image-once-loaded";
import { cn } from "@/lib/utils/cn";

/** The community's icon over its initials, which show until the icon has loaded (or when there is none). */
export function CommunityAvatar({ name, url, className }: { name: string; url: string | null; className?: string }) {
  const initials = name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? "")
    .join("");
  return (
    <span
      aria-hidden="true"
      className={cn(
        "relative flex h-12 w-12 shrink-0 items-center justify-center rounded-xl bg-gradient-to-br from-brand-500 to-violet-500 font-semibold text-white",
        className,
      )}
    >
      {initials}
      {url && <ImageOnceLoaded src={url} className="rounded-xl" />}
    </span>
  );
}
