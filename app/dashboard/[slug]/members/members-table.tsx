"use client";

import type { NoticeKind } from "@/lib/members/notices";
import type { CheckoutAnswers } from "@/lib/communities/checkout-questions";
import { CompAccess, type GrantView } from "./comp-access";
import { LINKED_SERVER_STANDING } from "@/lib/discord/guild-status-text";
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useActionState, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { useModalDialog } from "@/components/ui/dialog";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableHead, Td, Th } from "@/components/ui/table";
import { Button, ButtonLink } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { CANCELLATION_REASON_LABELS, type CancellationReason } from "@/lib/billing/cancellation-reasons";
import { MEMBER_STATUSES, memberStatus, paymentStatus } from "@/lib/billing/status-display";
import { formatMoney, formatTotals } from "@/lib/billing/money";
import type { MemberRowJson } from "@/lib/members/query";
import { removeMemberAction } from "./actions";
import { PauseBilling } from "./pause-billing";

type Member = MemberRowJson;
type Page = { rows: Member[]; nextCursor: string | null; total: number | null };

const date = (iso: string | null) =>
  iso ? new Date(iso).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }) : "—";

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok)
    throw new Error(((await response.json().catch(() => null)) as { error?: string } | null)?.error ?? `The server answered ${response.status}.`);
  return response.json() as Promise<T>;
}

type LinkedServer = { guildId: string; name: string };

/** Why a member is not in a server, as the table says it. */
const standingText = (status: string) => LINKED_SERVER_STANDING[status as keyof typeof LINKED_SERVER_STANDING] ?? status.replaceAll("_", " ");

export function MembersTable({
  slug,
  tiers,
  servers,
  currency,
}: {
  slug: string;
  tiers: { id: string; name: string }[];
  servers: LinkedServer[];
  currency: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = {
    q: params.get("q") ?? "",
    status: params.get("status") ?? "",
    tier: params.get("tier") ?? "",
    place: params.get("place") ?? "",
    sort: params.get("sort") ?? "joined",
  };
  const [search, setSearch] = useState(filters.q);
  const [open, setOpen] = useState<string | null>(null);

  // Filters live in the URL (shareable, back button works); typing is debounced.
  // Read the URL at call time: a debounced search must not undo a filter chosen meanwhile.
  const setFilter = (changes: Partial<typeof filters>) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  useEffect(() => {
    if (search === filters.q) return;
    const timer = setTimeout(() => setFilter({ q: search }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const queryString = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  const members = useInfiniteQuery({
    queryKey: ["members", slug, queryString],
    queryFn: ({ pageParam }) => getJson<Page>(`/api/dashboard/${slug}/members?${queryString}${pageParam ? `&cursor=${pageParam}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = members.data?.pages.flatMap((p) => p.rows) ?? [];
  // Filtered on a linked server: each row says where the member stands in it.
  const filteredServer = servers.find((s) => filters.place.endsWith(`:${s.guildId}`)) ?? null;
  const total = members.data?.pages[0]?.total ?? null;

  return (
    <section className="mt-8 space-y-4" aria-labelledby="members-heading">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="members-heading" className="text-lg font-semibold">
            Members
          </h2>
          <p className="text-sm text-slate-600" aria-live="polite" data-testid="members-count">
            {total === null ? "Counting…" : `${total.toLocaleString("en-US")} ${total === 1 ? "member" : "members"}`}
          </p>
        </div>
        <ButtonLink href={`/api/dashboard/${slug}/members/export${queryString ? `?${queryString}` : ""}`} variant="secondary" prefetch={false} download>
          Export CSV
        </ButtonLink>
      </div>
      <form role="search" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr_1fr]" onSubmit={(e) => e.preventDefault()}>
        <label className="sr-only" htmlFor="member-search">
          Search members
        </label>
        <Input
          id="member-search"
          type="search"
          placeholder="Search by name, nickname or Discord id"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          maxLength={100}
        />
        <label className="sr-only" htmlFor="member-status">
          Status
        </label>
        <Select id="member-status" value={filters.status} onChange={(e) => setFilter({ status: e.target.value })}>
          <option value="">All statuses</option>
          {MEMBER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </Select>
        <label className="sr-only" htmlFor="member-tier">
          Tier
        </label>
        <Select id="member-tier" value={filters.tier} onChange={(e) => setFilter({ tier: e.target.value })}>
          <option value="">All tiers</option>
          {tiers.map((t) => (
            <option key={t.id} value={t.name}>
              {t.name}
            </option>
          ))}
        </Select>
        <label className="sr-only" htmlFor="member-place">
          In the Discord server
        </label>
        <Select id="member-place" value={filters.place} onChange={(e) => setFilter({ place: e.target.value })}>
          <option value="">Everyone</option>
          <option value="in">In the server</option>
          <option value="out">Not in the server</option>
          {servers.map((s) => (
            <optgroup key={s.guildId} label={s.name}>
              <option value={`in:${s.guildId}`}>In {s.name}</option>
              <option value={`out:${s.guildId}`}>Not in {s.name}</option>
            </optgroup>
          ))}
        </Select>
        <label className="sr-only" htmlFor="member-sort">
          Sort
        </label>
        <Select id="member-sort" value={filters.sort} onChange={(e) => setFilter({ sort: e.target.value === "joined" ? "" : e.target.value })}>
          <option value="joined">Newest first</option>
          <option value="spent">Top spenders</option>
        </Select>
      </form>

      {members.isError && (
        <Alert tone="error">
          We couldn&apos;t load the members: {(members.error as Error).message}{" "}
          <button className="underline" onClick={() => members.refetch()}>
            Try again
          </button>
        </Alert>
      )}
      <div className="relative overflow-x-auto rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
        <Table aria-label="Members" aria-busy={members.isFetching}>
          <TableHead>
            <tr>
              <Th>Member</Th>
              <Th>Status</Th>
              <Th>Tier</Th>
              <Th align="right">Total spent</Th>
              <Th>Joined</Th>
            </tr>
          </TableHead>
          <TableBody>
            {members.isPending &&
              Array.from({ length: 5 }, (_, i) => (
                <tr key={i} aria-hidden="true">
                  <Td colSpan={5} className="py-4">
                    <div className="h-4 animate-pulse rounded bg-slate-100" />
                  </Td>
                </tr>
              ))}
            {!members.isPending && rows.length === 0 && (
              <tr>
                <Td colSpan={5} className="py-10 text-center text-slate-600">
                  {queryString ? "No member matches these filters." : "No members yet. Share your community page to get your first ones."}
                </Td>
              </tr>
            )}
            {rows.map((m) => (
              <tr key={m.id} className="hover:bg-slate-50">
                <Td>
                  <button type="button" className="text-left font-medium text-slate-900 hover:underline" onClick={() => setOpen(m.id)}>
                    {m.user.globalName ?? m.user.username}
                  </button>
                  <div className="text-xs text-slate-500">
                    @{m.user.username}
                    {m.nickname ? ` · ${m.nickname}` : ""}
                  </div>
                  {m.guildStatus !== "joined" && m.guildStatus !== "unknown" && (
                    <div className="text-xs text-amber-700">Not in the server: {standingText(m.guildStatus)}</div>
                  )}
                  {filteredServer && <LinkedStanding server={filteredServer} standings={m.serverStatus} />}
                </Td>
                <Td>
                  <Badge tone={memberStatus(m.subscriptionStatus).tone}>{memberStatus(m.subscriptionStatus).label}</Badge>
                </Td>
                <Td>{m.subscriptionTier ?? "—"}</Td>
                <Td className="text-right tabular-nums">{formatTotals(m.totals, currency)}</Td>
                <Td className="text-slate-600">{date(m.joinedAt)}</Td>
              </tr>
            ))}
          </TableBody>
        </Table>
      </div>
      {members.hasNextPage && (
        <div className="text-center">
          <Button variant="secondary" onClick={() => members.fetchNextPage()} disabled={members.isFetchingNextPage}>
            {members.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
      {open && <MemberDrawer slug={slug} memberId={open} tiers={tiers} onClose={() => setOpen(null)} />}
    </section>
  );
}

/** Until when a subscription runs as it is: its period, or the end of its pause. */
function subscriptionEnd(s: Detail["subscriptions"][number]): string {
  if (s.cancelAtPeriodEnd) return `until ${date(s.currentPeriodEnd)} (cancels then)`;
  if (s.collectionPaused) return s.resumesAt ? `resumes ${date(s.resumesAt)}` : "until they resume it";
  return `until ${date(s.currentPeriodEnd)}`;
}

const NOTICE_LABELS: Record<NoticeKind, string> = {
  receipt: "receipt",
  welcome: "welcome",
  dunning: "payment reminder",
  lapse_restricted: "access restricted",
  lapse_removed: "access removed",
  winback: "win-back",
  pause_ending: "pause ending",
};

type Detail = {
  member: Member & { stripeCustomerId: string | null; isActive: boolean; removedAt: string | null; erasedAt: string | null };
  subscriptions: {
    id: string;
    tierName: string;
    status: string;
    currentPeriodEnd: string;
    cancelAtPeriodEnd: boolean;
    cancellationFeedback: string | null;
    cancellationComment: string | null;
    collectionPaused: boolean;
    resumesAt: string | null;
    /** Whether its billing may be paused (monthly, paid up, not ending). */
    pausable: boolean;
  }[];
  payments: { id: string; amount: string; amountRefunded: string; currency: string; status: string; processedAt: string | null; description: string | null }[];
  roleSyncs: { id: string; outcome: string; added: string[]; removed: string[]; createdAt: string }[];
  events: { id: string; eventName: string; timestamp: string }[];
  notices: { id: string; kind: string; channel: string; sentAt: string | null }[];
  accessGrants: GrantView[];
  roleNames: Record<string, { name: string; color: string | null }>;
  /** Where they stand in each linked server. */
  servers: { name: string; status: string }[];
  answers: CheckoutAnswers | null;
  /** Who brought them through an invite link, and how many they brought. */
  referrals: { referredBy: string | null; brought: number };
};

function RoleName({ id, names }: { id: string; names: Detail["roleNames"] }) {
  const role = names[id];
  if (!role) return <span title={id}>a role no longer in the server</span>;
  return (
    <span className="inline-flex items-center gap-1">
      <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full ring-1 ring-slate-300" style={{ backgroundColor: role.color ?? "#99aab5" }} />
      {role.name}
    </span>
  );
}

function RoleList({ ids, names }: { ids: string[]; names: Detail["roleNames"] }) {
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ", "}
          <RoleName id={id} names={names} />
        </span>
      ))}
    </>
  );
}

/** Two steps: removing cancels paid subscriptions at once, so the owner confirms first. */
function RemoveMember({ slug, memberId, active, name, onRemoved }: { slug: string; memberId: string; active: boolean; name: string; onRemoved: () => void }) {
  const [state, formAction] = useActionState(removeMemberAction, null);
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!state?.ok) return;
    void queryClient.invalidateQueries({ queryKey: ["members", slug] });
    void queryClient.invalidateQueries({ queryKey: ["member", slug, memberId] });
  }, [state, queryClient, slug, memberId]);
  if (state?.ok) {
    return (
      <Alert tone="success">
        {name} was removed{state.data.cancelled.length ? ` and their ${state.data.cancelled.join(", ")} subscription was cancelled` : ""}. The bot takes their
        roles away shortly.{" "}
        <button className="underline" onClick={onRemoved}>
          Close
        </button>
      </Alert>
    );
  }
  if (!active) return null;
  if (!confirming)
    return (
      <Button variant="secondary" size="sm" onClick={() => setConfirming(true)}>
        Remove member…
      </Button>
    );
  return (
    <form action={formAction} className="space-y-2 rounded-lg bg-rose-50 p-3 ring-1 ring-rose-200">
      <input type="hidden" name="communitySlug" value={slug} />
      <input type="hidden" name="memberId" value={memberId} />
      <input type="hidden" name="confirm" value="remove" />
      <p>Remove {name}? Their paid subscriptions are cancelled now, without a refund, and the bot removes their roles. They can join again later.</p>
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <div className="flex gap-2">
        <SubmitButton size="sm" pendingLabel="Removing…">
          Yes, remove {name}
        </SubmitButton>
        <Button type="button" variant="ghost" size="sm" onClick={() => setConfirming(false)}>
          Keep
        </Button>
      </div>
    </form>
  );
}

function MemberDrawer({ slug, memberId, tiers, onClose }: { slug: string; memberId: string; tiers: { id: string; name: string }[]; onClose: () => void }) {
  const detail = useQuery({ queryKey: ["member", slug, memberId], queryFn: () => getJson<Detail>(`/api/dashboard/${slug}/members/${memberId}`) });
  const modal = useModalDialog(true, onClose);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  const d = detail.data;
  return (
    <dialog
      {...modal}
      aria-labelledby="member-drawer-title"
      className="m-0 ml-auto h-full max-h-none w-full max-w-md bg-white p-0 shadow-xl backdrop:bg-slate-900/30"
    >
      <div className="h-full overflow-y-auto p-6">
        <div className="flex items-start justify-between gap-4">
          <h2 id="member-drawer-title" className="text-lg font-semibold">
            {d ? (d.member.user.globalName ?? d.member.user.username) : "Member"}
          </h2>
          <Button ref={closeRef} variant="ghost" size="sm" onClick={onClose} aria-label="Close">
            ✕
          </Button>
        </div>
        {detail.isPending && <p className="mt-6 text-sm text-slate-500">Loading…</p>}
        {detail.isError && (
          <Alert tone="error" className="mt-6">
            {(detail.error as Error).message}
          </Alert>
        )}
        {d && (
          <div className="mt-4 space-y-6 text-sm">
            <p className="text-slate-600">
              @{d.member.user.username}
              {d.member.discordUserId ? ` · Discord id ${d.member.discordUserId}` : ""}
            </p>
            {d.member.erasedAt && (
              <Alert tone="info">This member erased their account on {date(d.member.erasedAt)}. Their payments are kept as anonymous records.</Alert>
            )}
            {d.member.removedAt && !d.member.isActive && <Alert tone="info">Removed on {date(d.member.removedAt)}.</Alert>}
            {(d.referrals.referredBy || d.referrals.brought > 0) && (
              <p className="text-slate-600" data-testid="member-referrals">
                {d.referrals.referredBy ? `Joined through ${d.referrals.referredBy}'s invite link.` : ""}
                {d.referrals.referredBy && d.referrals.brought > 0 ? " " : ""}
                {d.referrals.brought > 0 ? `Brought ${d.referrals.brought} ${d.referrals.brought === 1 ? "member" : "members"} through their own.` : ""}
              </p>
            )}
            {d.answers && (
              <section aria-labelledby="member-answers">
                <h3 id="member-answers" className="font-medium">
                  Answers at checkout
                </h3>
                <dl className="mt-1 space-y-1">
                  {d.answers.answers.map((a) => (
                    <div key={a.question}>
                      <dt className="text-slate-500">{a.question}</dt>
                      <dd className="break-words">{a.answer}</dd>
                    </div>
                  ))}
                </dl>
                <p className="mt-1 text-xs text-slate-500">Answered {date(d.answers.answeredAt)}</p>
              </section>
            )}
            <section>
              <h3 className="font-medium">Subscriptions</h3>
              {d.subscriptions.length === 0 ? (
                <p className="text-slate-500">None.</p>
              ) : (
                <ul className="mt-1 space-y-2">
                  {d.subscriptions.map((s) => (
                    <li key={s.id}>
                      {s.tierName} · {memberStatus(s.status).label} · {subscriptionEnd(s)}
                      <PauseBilling slug={slug} memberId={memberId} subscription={s} name={d.member.user.globalName ?? d.member.user.username} />
                      {(s.cancellationFeedback || s.cancellationComment) && (
                        <p className="mt-1 rounded bg-slate-50 px-2 py-1 text-slate-600" data-testid="cancellation-reason">
                          Reason: {CANCELLATION_REASON_LABELS[s.cancellationFeedback as CancellationReason] ?? "not given"}
                          {s.cancellationComment ? ` — “${s.cancellationComment}”` : ""}
                        </p>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section>
              <h3 className="font-medium">Payments</h3>
              {d.payments.length === 0 ? (
                <p className="text-slate-500">None.</p>
              ) : (
                <ul className="mt-1 space-y-1">
                  {d.payments.map((p) => (
                    <li key={p.id}>
                      {date(p.processedAt)} · {formatMoney(p.amount, p.currency)} · {paymentStatus(p.status).label}
                      {Number(p.amountRefunded) > 0 ? ` (refunded ${formatMoney(p.amountRefunded, p.currency)})` : ""}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section>
              <h3 className="font-medium">Discord roles</h3>
              <p className="text-slate-600" data-testid="member-roles">
                {d.member.roles.length ? <RoleList ids={d.member.roles} names={d.roleNames} /> : "None recorded."}
              </p>
              {d.servers.length > 0 && (
                <p className="text-slate-600" data-testid="member-servers">
                  Other servers: {d.servers.map((s) => `${s.name} (${standingText(s.status)})`).join(", ")}
                </p>
              )}
              {d.roleSyncs.length > 0 && (
                <ul className="mt-1 space-y-1 text-slate-600">
                  {d.roleSyncs.map((r) => (
                    <li key={r.id}>
                      {date(r.createdAt)} · {r.outcome.replaceAll("_", " ")}
                      {r.added.length > 0 && (
                        <>
                          {" "}
                          · added <RoleList ids={r.added} names={d.roleNames} />
                        </>
                      )}
                      {r.removed.length > 0 && (
                        <>
                          {" "}
                          · removed <RoleList ids={r.removed} names={d.roleNames} />
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {!d.member.erasedAt && <CompAccess slug={slug} memberId={memberId} grants={d.accessGrants} tiers={tiers} active={d.member.isActive} />}
            <section>
              <h3 className="font-medium">Messages sent</h3>
              {d.notices.length === 0 ? (
                <p className="text-slate-500">None yet.</p>
              ) : (
                <ul className="mt-1 space-y-1 text-slate-600" data-testid="member-notices">
                  {d.notices.map((n) => (
                    <li key={n.id}>
                      {date(n.sentAt)} · {NOTICE_LABELS[n.kind as NoticeKind] ?? n.kind} · {n.channel === "email" ? "e-mail" : "Discord"}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section>
              <h3 className="font-medium">Recent events</h3>
              {d.events.length === 0 ? (
                <p className="text-slate-500">None in the last year.</p>
              ) : (
                <ul className="mt-1 space-y-1 text-slate-600">
                  {d.events.map((e) => (
                    <li key={e.id}>
                      {date(e.timestamp)} · {e.eventName.replaceAll("_", " ")}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="space-y-3 border-t border-slate-200 pt-4">
              <h3 className="font-medium">Data and membership</h3>
              <ButtonLink variant="secondary" size="sm" href={`/api/dashboard/${slug}/members/${memberId}/export`} prefetch={false} download>
                Export this member&apos;s data (JSON)
              </ButtonLink>
              {!d.member.erasedAt && (
                <RemoveMember
                  slug={slug}
                  memberId={memberId}
                  active={d.member.isActive}
                  name={d.member.user.globalName ?? d.member.user.username}
                  onRemoved={onClose}
                />
              )}
            </section>
          </div>
        )}
      </div>
    </dialog>
  );
}

function LinkedStanding({ server, standings }: { server: LinkedServer; standings: Member["serverStatus"] }) {
  const status = (standings as Record<string, string> | null)?.[server.guildId] ?? "unknown";
  if (status === "joined") return null;
  return (
    <div className="text-xs text-amber-700">
      {status === "unknown" ? `${server.name}: ${standingText(status)}` : `Not in ${server.name}: ${standingText(status)}`}
    </div>
  );
}
