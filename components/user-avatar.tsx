"use client";

import { useEffect, useRef, useState } from "react";

/** The Discord avatar, or the user's initial when the image cannot load (e.g. offline demo). */
export function UserAvatar({ name, url }: { name: string; url: string | null }) {
  const [failed, setFailed] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  // An image that failed before hydration never fires onError for React: check once mounted.
  useEffect(() => {
    const img = image.current;
    if (img && img.complete && img.naturalWidth === 0) setFailed(true);
  }, []);
  if (!url || failed) {
    return (
      <span aria-hidden="true" className="flex h-7 w-7 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
        {name.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  // eslint-disable-next-line @next/next/no-img-element -- Discord CDN avatar
  return <img ref={image} src={url} alt="" className="h-7 w-7 rounded-full" onError={() => setFailed(true)} />;
}
