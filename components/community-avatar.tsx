import { cn } from "@/lib/utils/cn";

export function CommunityAvatar({ name, url, className }: { name: string; url: string | null; className?: string }) {
  const initials = name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? "")
    .join("");
  if (url) {
    // eslint-disable-next-line @next/next/no-img-element -- avatars come from arbitrary CDNs
    return <img src={url} alt="" className={cn("h-12 w-12 rounded-xl object-cover", className)} />;
  }
  return (
    <span
      aria-hidden="true"
      className={cn("flex h-12 w-12 items-center justify-center rounded-xl bg-gradient-to-br from-brand-500 to-violet-500 font-semibold text-white", className)}
    >
      {initials}
    </span>
  );
}
