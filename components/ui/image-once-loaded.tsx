"use client";

import { useEffect, useRef, useState } from "react";
import { cn } from "@/lib/utils/cn";

/**
 * A decorative image laid over its fallback (the parent, positioned), shown only
 * once it has loaded: a slow or unreachable host (a CDN, an owner's URL, the
 * offline demo) leaves the fallback in view instead of a broken image.
 */
export function ImageOnceLoaded({ src, className }: { src: string; className?: string }) {
  // Which source has loaded: a new src (an owner changing the icon) hides the image until it loads too.
  const [loadedSrc, setLoadedSrc] = useState<string | null>(null);
  const loaded = loadedSrc === src;
  const image = useRef<HTMLImageElement>(null);
  // An image that loaded before hydration never fires onLoad for React: check once mounted.
  useEffect(() => {
    const img = image.current;
    if (img?.complete && img.naturalWidth > 0) setLoadedSrc(src);
  }, [src]);
  return (
    // eslint-disable-next-line @next/next/no-img-element -- avatars and icons come from arbitrary hosts
    <img
      ref={image}
      src={src}
      alt=""
      onLoad={() => setLoadedSrc(src)}
      className={cn("absolute inset-0 h-full w-full object-cover", className, !loaded && "invisible")}
    />
  );
}
