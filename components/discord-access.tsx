"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { GUILD_STATUS_TEXT } from "@/lib/discord/guild-status-text";
import { regainAccessAction, switchDiscordAccountAction } from "@/app/portal/actions";
import { signInWithDiscord } from "@/app/signin/actions";

const discordChannelUrl = (guildId: string) => `https://discord.com/channels/${guildId}`;

/**
 * A member's way into the community's server: "Open Discord", and when they
 * are not in it, why, with "Regain access" (added again, roles restored),
 * signing in again when their grant ran out, or moving the membership to
 * another Discord account.
 */
export function DiscordAccess({
  memberId,
  guildId,
  status,
  returnTo,
  compact = false,
}: {
  memberId: string;
  guildId: string;
  status: string;
  returnTo: string;
  compact?: boolean;
}) {
  const [regained, regain] = useActionState(regainAccessAction, null);
  const [switching, switchAccount] = useActionState(switchDiscordAccountAction, null);
  const current = regained?.ok ? regained.data.guildStatus : status;
  const inServer = current === "joined";
  return (
    <div className="space-y-3" data-testid="discord-access">
      <div className="flex flex-wrap items-center gap-2">
        <a
          href={discordChannelUrl(guildId)}
          target="_blank"
          rel="noreferrer"
          className="inline-flex h-8 items-center rounded-lg bg-[#5865f2] px-3 text-sm font-medium text-white hover:bg-[#4752c4]"
        >
          Open Discord
        </a>
        {!inServer && current !== "unknown" && current !== "invite_needed" && (
          <form action={regain}>
            <input type="hidden" name="memberId" value={memberId} />
            <SubmitButton variant="secondary" size="sm" pendingLabel="Adding you…">
              {current === "left" ? "Join the server" : "Regain access"}
            </SubmitButton>
          </form>
        )}
        {inServer && !compact && (
          <form action={regain}>
            <input type="hidden" name="memberId" value={memberId} />
            <SubmitButton variant="ghost" size="sm" pendingLabel="Checking…">
              Regain access
            </SubmitButton>
          </form>
        )}
        {!compact && (
          <form action={switchAccount}>
            <input type="hidden" name="memberId" value={memberId} />
            <SubmitButton variant="ghost" size="sm" pendingLabel="Signing out…">
              Switch Discord account
            </SubmitButton>
          </form>
        )}
      </div>
      <p className="text-sm text-slate-600" data-testid="guild-status" role="status">
        {regained?.ok ? regained.data.message : (GUILD_STATUS_TEXT[current as keyof typeof GUILD_STATUS_TEXT] ?? "")}
      </p>
      {regained && !regained.ok && <Alert tone="error">{regained.error}</Alert>}
      {switching && !switching.ok && <Alert tone="error">{switching.error}</Alert>}
      {current === "needs_sign_in" && (
        <form action={signInWithDiscord}>
          <input type="hidden" name="callbackUrl" value={returnTo} />
          <SubmitButton size="sm" pendingLabel="Opening Discord…">
            Sign in with Discord again
          </SubmitButton>
        </form>
      )}
    </div>
  );
}
