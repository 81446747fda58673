import { ImageOnceLoaded } from "@/components/ui/image-once-loaded";

/** The Discord avatar over the user's initial, which shows until the image has loaded. */
export function UserAvatar({ name, url }: { name: string; url: string | null }) {
  return (
    <span
      aria-hidden="true"
      className="relative flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700"
    >
      {name.slice(0, 1).toUpperCase()}
      {url && <ImageOnceLoaded src={url} className="rounded-full" />}
    </span>
  );
}
