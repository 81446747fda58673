import { CommunityCard } from "@/components/community-card";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { listFeaturedCommunities, type PublicCommunity } from "@/lib/communities/public-profile";
import { formatMoney } from "@/lib/billing/money";

export const dynamic = "force-dynamic";

const features = [
  {
    title: "Stripe billing that converges",
    body: "Monthly and yearly tiers, trials and coupons through Stripe Checkout. Every webhook is verified and applied exactly once.",
  },
  {
    title: "Roles that follow payment",
    body: "Your bot grants the tier's Discord role when a member pays and removes it when the subscription lapses, with drift detection.",
  },
  { title: "Isolated by design", body: "Each community's data is fenced off by PostgreSQL row-level security, enforced by the database itself, not by hope." },
  { title: "Numbers you can trust", body: "MRR, churn, active members and revenue by month, reconciled against the billing ledger." },
];

function startingPrice(community: PublicCommunity): string | null {
  const cheapest = [...community.tiers].sort((a, b) => Number(a.price) - Number(b.price))[0];
  if (!cheapest) return null;
  return `from ${formatMoney(cheapest.price, cheapest.currency)}/${cheapest.interval === "yearly" ? "yr" : "mo"}`;
}

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const [communities, { notice }] = await Promise.all([listFeaturedCommunities(), searchParams]);
  return (
    <>
      {notice === "account-erased" && (
        <div className="mx-auto max-w-6xl px-4 pt-6 sm:px-6">
          <Alert tone="success">Your account was erased and you were signed out everywhere. Thank you for having been with us.</Alert>
        </div>
      )}
      <section className="relative overflow-hidden bg-gradient-to-b from-brand-900 to-brand-700 text-white">
        <div className="mx-auto max-w-6xl px-4 py-20 sm:px-6 sm:py-28">
          <Badge tone="brand" className="bg-white/10 text-brand-100 ring-white/20">
            For Discord community owners
          </Badge>
          <h1 className="mt-6 max-w-3xl text-4xl font-semibold tracking-tight sm:text-6xl">Turn your Discord community into a membership business.</h1>
          <p className="mt-6 max-w-2xl text-lg text-brand-100">
            CommunityOS sells paid tiers through Stripe, grants the right Discord roles automatically, and shows you members, payments and growth in one
            dashboard.
          </p>
          <div className="mt-10 flex flex-wrap gap-3">
            <ButtonLink href="/signin" size="lg" className="bg-white text-brand-700 hover:bg-brand-50">
              Start with Discord
            </ButtonLink>
            <ButtonLink href="#communities" size="lg" variant="ghost" className="text-white hover:bg-white/10">
              Browse communities
            </ButtonLink>
          </div>
        </div>
      </section>

      <section id="features" aria-labelledby="features-title" className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
        <h2 id="features-title" className="text-2xl font-semibold tracking-tight">
          Everything a paid community needs
        </h2>
        <div className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {features.map((feature) => (
            <Card key={feature.title}>
              <h3 className="font-semibold">{feature.title}</h3>
              <p className="mt-2 text-sm leading-6 text-slate-600">{feature.body}</p>
            </Card>
          ))}
        </div>
      </section>

      <section id="communities" aria-labelledby="communities-title" className="mx-auto max-w-6xl px-4 pb-20 sm:px-6">
        <h2 id="communities-title" className="text-2xl font-semibold tracking-tight">
          Communities on CommunityOS
        </h2>
        {communities.length === 0 ? (
          <Card className="mt-8 text-center text-slate-600">
            <p className="font-medium text-slate-900">No communities yet</p>
            <p className="mt-1 text-sm">Sign in with Discord and connect your server to be the first.</p>
          </Card>
        ) : (
          <ul className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {communities.map((community) => (
              <li key={community.id}>
                <CommunityCard
                  href={`/c/${community.slug}`}
                  community={community}
                  subtitle={community.showMemberCount ? `${community.memberCount.toLocaleString("en-US")} members` : undefined}
                >
                  {community.description && <p className="mt-4 line-clamp-2 text-sm text-slate-600">{community.description}</p>}
                  <p className="mt-4 text-sm font-medium text-brand-700">{startingPrice(community) ?? "Free to join"}</p>
                </CommunityCard>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
