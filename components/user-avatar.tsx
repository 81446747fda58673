"use client";

import { useEffect, useRef, useState } from "react";

/**
 * The Discord avatar over the user's initial: the initial shows until the image
 * has loaded, so a slow or unreachable CDN (the offline demo) never shows a
 * broken image.
 */
export function UserAvatar({ name, url }: { name: string; url: string | null }) {
  const [loaded, setLoaded] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  // An image that loaded before hydration never fires onLoad for React: check once mounted.
  useEffect(() => {
    const img = image.current;
    if (img?.complete && img.naturalWidth > 0) setLoaded(true);
  }, []);
  return (
    <span
      aria-hidden="true"
      className="relative flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700"
    >
      {name.slice(0, 1).toUpperCase()}
      {url && (
        // eslint-disable-next-line @next/next/no-img-element -- Discord CDN avatar
        <img
          ref={image}
          src={url}
          alt=""
          className={loaded ? "absolute inset-0 h-7 w-7 rounded-full" : "invisible absolute inset-0 h-7 w-7"}
          onLoad={() => setLoaded(true)}
        />
      )}
    </span>
  );
}
