"use client";

import { useState } from "react";

/** The Discord avatar, or the user's initial when the image cannot load (e.g. offline demo). */
export function UserAvatar({ name, url }: { name: string; url: string | null }) {
  const [failed, setFailed] = useState(false);
  if (!url || failed) {
    return (
      <span aria-hidden="true" className="flex h-7 w-7 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
        {name.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  // eslint-disable-next-line @next/next/no-img-element -- Discord CDN avatar
  return <img src={url} alt="" className="h-7 w-7 rounded-full" onError={() => setFailed(true)} />;
}
