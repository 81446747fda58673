import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/require-user";
import { guildChoices } from "@/lib/communities/owner";
import { DiscordUnavailableError } from "@/lib/discord/user-guilds";
import { NewCommunityForm, type GuildChoice } from "./new-community-form";

export const metadata: Metadata = { title: "New community" };

export default async function NewCommunityPage() {
  const user = await requireUser("/dashboard/new");
  let guilds: GuildChoice[] = [];
  let problem: string | null = null;
  try {
    guilds = await guildChoices(user.id);
  } catch (error) {
    if (!(error instanceof DiscordUnavailableError)) throw error;
    problem = error.message;
  }
  return (
    <div className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
      <Link href="/dashboard" className="text-sm text-slate-600 hover:text-slate-900">
        ← Your communities
      </Link>
      <h1 className="mt-4 text-2xl font-semibold tracking-tight">Connect a Discord server</h1>
      <p className="mt-1 text-sm text-slate-600">Pick the server your members will join. You can change the name and address later.</p>
      <Card className="mt-8">
        {problem ? (
          <Alert tone="error">{problem}</Alert>
        ) : guilds.length === 0 ? (
          <div className="text-center">
            <p className="font-medium">No servers you manage</p>
            <p className="mt-1 text-sm text-slate-600">You need the Manage Server permission on a Discord server to connect it.</p>
          </div>
        ) : (
          <NewCommunityForm guilds={guilds} />
        )}
      </Card>
    </div>
  );
}
