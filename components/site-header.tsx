import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils/cn";
import { signOutAction } from "@/app/signin/actions";
import { Logo } from "@/components/logo";
import { UserAvatar } from "@/components/user-avatar";
import { Badge } from "@/components/ui/badge";
import { ButtonLink, Button } from "@/components/ui/button";
import { signInMode } from "@/lib/auth/mode";
import { getSessionUser } from "@/lib/auth/session";

function NavLink({ href, className, children }: { href: string; className?: string; children: ReactNode }) {
  return (
    <Link href={href} className={cn("rounded-lg px-3 py-2 text-sm text-slate-600 hover:text-slate-900", className)}>
      {children}
    </Link>
  );
}

export async function SiteHeader() {
  const [user, mode] = await Promise.all([getSessionUser(), signInMode()]);
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/80 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-3 px-4 sm:px-6">
        <div className="flex items-center gap-3">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" aria-label="CommunityOS home">
            <Logo />
            <span className="hidden sm:inline">CommunityOS</span>
          </Link>
          {mode === "demo" && (
            <Badge tone="warning" title="Discord and payments are local stand-ins; no real accounts are used.">
              Demo mode
            </Badge>
          )}
        </div>
        <nav aria-label="Main" className="flex items-center gap-1 sm:gap-2">
          {user ? (
            <>
              <NavLink href="/dashboard">Dashboard</NavLink>
              <NavLink href="/portal">Memberships</NavLink>
              {user.isAdmin && <NavLink href="/admin/retention">Admin</NavLink>}
              <span className="hidden items-center gap-2 px-2 text-sm text-slate-700 md:flex" data-testid="signed-in-user">
                <UserAvatar name={user.name} url={user.image} />
                {user.name}
              </span>
              <form action={signOutAction}>
                <Button type="submit" variant="secondary" size="sm">
                  Sign out
                </Button>
              </form>
            </>
          ) : (
            <>
              <NavLink href="/#communities" className="hidden sm:block">Communities</NavLink>
              <NavLink href="/#features" className="hidden sm:block">Features</NavLink>
              <ButtonLink href="/signin" size="sm">
                Sign in with Discord
              </ButtonLink>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
