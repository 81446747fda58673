import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils/cn";
import { signOutAction } from "@/app/signin/actions";
import { Logo } from "@/components/logo";
import { UserAvatar } from "@/components/user-avatar";
import { HeaderMenu } from "@/components/header-menu";
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

function SignOut({ className }: { className?: string }) {
  return (
    <form action={signOutAction} className={className}>
      <Button type="submit" variant="secondary" size="sm" className="w-full sm:w-auto">
        Sign out
      </Button>
    </form>
  );
}

export async function SiteHeader() {
  const user = await getSessionUser();
  const mode = signInMode();
  const links = user
    ? [
        { href: "/dashboard", label: "Dashboard" },
        { href: "/portal", label: "Memberships" },
        ...(user.isAdmin ? [{ href: "/admin/retention", label: "Admin" }] : []),
      ]
    : [];
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/80 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-3 px-4 sm:px-6">
        <div className="flex min-w-0 items-center gap-3">
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
        {user ? (
          <>
            <nav aria-label="Main" className="hidden items-center gap-2 sm:flex">
              {links.map((l) => (
                <NavLink key={l.href} href={l.href}>
                  {l.label}
                </NavLink>
              ))}
              <span className="hidden items-center gap-2 px-2 text-sm text-slate-700 md:flex" data-testid="signed-in-user">
                <UserAvatar name={user.name} url={user.image} />
                {user.name}
              </span>
              <SignOut />
            </nav>
            {/* Below the small breakpoint the links fold into a menu. */}
            <HeaderMenu summary={<UserAvatar name={user.name} url={user.image} />}>
              <nav aria-label="Main" className="absolute right-0 mt-2 w-56 space-y-1 rounded-xl bg-white p-2 shadow-lg ring-1 ring-slate-200">
                <p className="truncate px-3 py-2 text-sm font-medium text-slate-900" data-testid="signed-in-user-menu">
                  {user.name}
                </p>
                {links.map((l) => (
                  <NavLink key={l.href} href={l.href} className="block">
                    {l.label}
                  </NavLink>
                ))}
                <SignOut className="px-1 pt-1" />
              </nav>
            </HeaderMenu>
          </>
        ) : (
          <nav aria-label="Main" className="flex items-center gap-1 sm:gap-2">
            <NavLink href="/#communities" className="hidden sm:block">
              Communities
            </NavLink>
            <NavLink href="/#features" className="hidden sm:block">
              Features
            </NavLink>
            <ButtonLink href="/signin" size="sm">
              Sign in with Discord
            </ButtonLink>
          </nav>
        )}
      </div>
    </header>
  );
}
