"use client";

import Link from "next/link";
import { useActionState, useRef, useState } from "react";
import { useTypedBeforeHydration } from "@/components/ui/hydration";
import { CommunityAvatar } from "@/components/community-avatar";
import { Alert } from "@/components/ui/alert";
import { Field, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { slugFrom } from "@/lib/communities/slug";
import { cn } from "@/lib/utils/cn";
import { createCommunityAction } from "./actions";

export type GuildChoice = { id: string; name: string; iconUrl: string | null; connectedSlug: string | null; connectedByOther: boolean };

export function NewCommunityForm({ guilds }: { guilds: GuildChoice[] }) {
  const [state, formAction] = useActionState(createCommunityAction, null);
  const [guildId, setGuildId] = useState("");
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const slugRef = useRef<HTMLInputElement>(null);
  useTypedBeforeHydration(nameRef, setName);
  useTypedBeforeHydration(slugRef, (typed) => {
    setSlugEdited(true);
    setSlug(typed);
  });
  const errors = state && !state.ok ? state.fieldErrors : undefined;

  function pick(guild: GuildChoice) {
    setGuildId(guild.id);
    setName(guild.name);
    if (!slugEdited) setSlug(slugFrom(guild.name));
  }

  return (
    <form action={formAction} className="space-y-8" noValidate>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <fieldset>
        <legend className="text-sm font-medium text-slate-900">Discord server</legend>
        <p className="mt-1 text-xs text-slate-500">Servers where you have Manage Server.</p>
        <div className="mt-3 grid gap-3 sm:grid-cols-2" role="radiogroup" aria-describedby={errors?.guildId ? "guildId-error" : undefined}>
          {guilds.map((guild) => {
            return (
              <label
                key={guild.id}
                className={cn(
                  "flex cursor-pointer items-center gap-3 rounded-xl p-3 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand-600 has-[:focus-visible]:ring-2",
                  guild.connectedSlug && "cursor-not-allowed opacity-60",
                )}
              >
                <input
                  type="radio"
                  name="guildId"
                  value={guild.id}
                  checked={guildId === guild.id}
                  onChange={() => pick(guild)}
                  disabled={!!guild.connectedSlug}
                  className="sr-only"
                />
                <CommunityAvatar name={guild.name} url={guild.iconUrl} className="h-10 w-10 text-sm" />
                <span className="min-w-0">
                  <span className="block truncate text-sm font-medium">{guild.name}</span>
                  {guild.connectedSlug ? (
                    <span className="text-xs text-slate-500">
                      Connected ·{" "}
                      <Link href={`/dashboard/${guild.connectedSlug}`} className="text-brand-700 underline">
                        open
                      </Link>
                    </span>
                  ) : guild.connectedByOther ? (
                    <span className="text-xs text-slate-500">Connected by another owner</span>
                  ) : (
                    <span className="text-xs text-slate-500">Available</span>
                  )}
                </span>
              </label>
            );
          })}
        </div>
        {errors?.guildId && (
          <p id="guildId-error" className="mt-2 text-sm text-rose-600">
            {errors.guildId.join("; ")}
          </p>
        )}
      </fieldset>

      <Field id="name" label="Community name" errors={errors?.name}>
        {(aria) => <Input {...aria} ref={nameRef} name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}
      </Field>
      <Field id="slug" label="Page address" hint={<>Your public page: /c/{slug || "your-community"}</>} errors={errors?.slug}>
        {(aria) => (
          <Input
            {...aria}
            ref={slugRef}
            name="slug"
            value={slug}
            onChange={(e) => {
              setSlugEdited(true);
              setSlug(e.target.value);
            }}
            maxLength={100}
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
          />
        )}
      </Field>
      <Field id="description" label="Description" hint="Shown on your public page." errors={errors?.description}>
        {(aria) => <Textarea {...aria} name="description" maxLength={2000} defaultValue={state && !state.ok ? state.values?.description : undefined} />}
      </Field>
      <SubmitButton pendingLabel="Creating…">Create community</SubmitButton>
    </form>
  );
}
