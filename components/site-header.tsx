import Link from "next/link";
import { ButtonLink } from "@/components/ui/button";
import { Logo } from "@/components/logo";

export function SiteHeader() {
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/80 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" aria-label="CommunityOS home">
          <Logo />
          <span>CommunityOS</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1 sm:gap-3">
          <Link href="/#communities" className="hidden rounded-lg px-3 py-2 text-sm text-slate-600 hover:text-slate-900 sm:block">
            Communities
          </Link>
          <Link href="/#features" className="hidden rounded-lg px-3 py-2 text-sm text-slate-600 hover:text-slate-900 sm:block">
            Features
          </Link>
          <ButtonLink href="/signin" size="sm">
            Sign in with Discord
          </ButtonLink>
        </nav>
      </div>
    </header>
  );
}
