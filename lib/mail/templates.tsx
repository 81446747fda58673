// Member e-mails as React components, rendered to static HTML with inline
// styles (mail clients ignore stylesheets) by React Email's renderer, each
// with its plain-text part. The renderer stays outside Next's bundle
// (serverExternalPackages): the bundle's React Server Components layer may not
// load react-dom/server, but the worker, which sends mail, may.
import type { ReactNode } from "react";
import { render as renderEmail } from "@react-email/render";

export type RenderedMail = { subject: string; html: string; text: string };

const BUTTON = {
  display: "inline-block",
  background: "#4f46e5",
  color: "#ffffff",
  padding: "10px 18px",
  borderRadius: "8px",
  textDecoration: "none",
  fontWeight: 600,
} as const;

function Layout({ community, children, footer }: { community: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </head>
      <body style={{ margin: 0, background: "#f8fafc", fontFamily: "system-ui, -apple-system, Segoe UI, sans-serif", color: "#0f172a" }}>
        <table role="presentation" width="100%" cellPadding={0} cellSpacing={0} style={{ padding: "24px 12px" }}>
          <tbody>
            <tr>
              <td align="center">
                <table
                  role="presentation"
                  cellPadding={0}
                  cellSpacing={0}
                  style={{ maxWidth: "520px", width: "100%", background: "#ffffff", borderRadius: "12px", padding: "28px", textAlign: "left" }}
                >
                  <tbody>
                    <tr>
                      <td>
                        <p style={{ margin: "0 0 16px", fontSize: "13px", color: "#64748b" }}>{community}</p>
                        {children}
                      </td>
                    </tr>
                  </tbody>
                </table>
                <p style={{ fontSize: "12px", color: "#64748b", maxWidth: "520px" }}>
                  {footer ?? "You receive this because you are a member of this community on CommunityOS."}
                </p>
              </td>
            </tr>
          </tbody>
        </table>
      </body>
    </html>
  );
}

const Button = ({ href, children }: { href: string; children: ReactNode }) => (
  <p style={{ margin: "20px 0" }}>
    <a href={href} style={BUTTON}>
      {children}
    </a>
  </p>
);

const render = (element: ReactNode) => renderEmail(element);
const lines = (...parts: (string | false | null | undefined)[]) => parts.filter((p) => p !== false && p != null).join("\n");

export async function receiptMail(v: {
  community: string;
  tier: string;
  amount: string;
  tax: string | null;
  paidOn: string;
  invoice: string;
  portalUrl: string;
  /** For a gift: the link its buyer passes on. */
  giftUrl?: string | null;
}): Promise<RenderedMail> {
  const subject = `Receipt from ${v.community}: ${v.amount}`;
  return {
    subject,
    html: await render(
      <Layout community={v.community}>
        <h1 style={{ fontSize: "20px", margin: "0 0 12px" }}>Thanks for your payment</h1>
        <table role="presentation" cellPadding={4} style={{ fontSize: "14px" }}>
          <tbody>
            <tr>
              <td style={{ color: "#64748b" }}>Membership</td>
              <td>{v.tier}</td>
            </tr>
            <tr>
              <td style={{ color: "#64748b" }}>Amount paid</td>
              <td>
                <strong>{v.amount}</strong>
              </td>
            </tr>
            {v.tax && (
              <tr>
                <td style={{ color: "#64748b" }}>Of which tax</td>
                <td>{v.tax}</td>
              </tr>
            )}
            <tr>
              <td style={{ color: "#64748b" }}>Paid on</td>
              <td>{v.paidOn}</td>
            </tr>
            <tr>
              <td style={{ color: "#64748b" }}>Invoice</td>
              <td>{v.invoice}</td>
            </tr>
          </tbody>
        </table>
        {v.giftUrl && (
          <p style={{ fontSize: "14px" }}>
            Your gift&apos;s link, to pass on: whoever opens it and signs in with Discord gets the membership.
            <br />
            <a href={v.giftUrl}>{v.giftUrl}</a>
          </p>
        )}
        <Button href={v.portalUrl}>Manage your membership</Button>
      </Layout>,
    ),
    text: lines(
      `Thanks for your payment to ${v.community}.`,
      "",
      `Membership: ${v.tier}`,
      `Amount paid: ${v.amount}`,
      v.tax && `Of which tax: ${v.tax}`,
      `Paid on: ${v.paidOn}`,
      `Invoice: ${v.invoice}`,
      v.giftUrl && "",
      v.giftUrl && `Your gift's link, to pass on: ${v.giftUrl}`,
      "",
      `Manage your membership: ${v.portalUrl}`,
    ),
  };
}

export async function welcomeMail(v: { community: string; tier: string; discordUrl: string; portalUrl: string }): Promise<RenderedMail> {
  return {
    subject: `Welcome to ${v.community}`,
    html: await render(
      <Layout community={v.community}>
        <h1 style={{ fontSize: "20px", margin: "0 0 12px" }}>You&apos;re in: {v.tier}</h1>
        <p style={{ fontSize: "14px", lineHeight: 1.5 }}>Your membership is active and your roles are on their way in the Discord server.</p>
        <Button href={v.discordUrl}>Open Discord</Button>
        <p style={{ fontSize: "14px" }}>
          Change your tier, update your card or cancel at any time in <a href={v.portalUrl}>your memberships</a>.
        </p>
      </Layout>,
    ),
    text: lines(`Welcome to ${v.community}! Your ${v.tier} membership is active.`, "", `Open Discord: ${v.discordUrl}`, `Your memberships: ${v.portalUrl}`),
  };
}

export type DunningStage = "grace" | "restricted";

export async function dunningMail(v: {
  community: string;
  tier: string;
  amount: string;
  payUrl: string;
  stage: DunningStage;
  until: string | null;
  portalUrl: string;
}): Promise<RenderedMail> {
  const consequence =
    v.stage === "grace"
      ? v.until
        ? `You keep your ${v.tier} roles until ${v.until} while the payment is retried.`
        : `You keep your ${v.tier} roles for now while the payment is retried.`
      : `Your ${v.tier} roles are paused until the payment goes through${v.until ? `; after ${v.until} the membership ends` : ""}.`;
  return {
    subject: v.stage === "grace" ? `Your payment to ${v.community} failed` : `Your ${v.community} roles are paused: payment needed`,
    html: await render(
      <Layout community={v.community}>
        <h1 style={{ fontSize: "20px", margin: "0 0 12px" }}>We couldn&apos;t take your payment of {v.amount}</h1>
        <p style={{ fontSize: "14px", lineHeight: 1.5 }}>{consequence}</p>
        <Button href={v.payUrl}>Pay {v.amount} now</Button>
        <p style={{ fontSize: "14px" }}>
          Or update your card in <a href={v.portalUrl}>your memberships</a>.
        </p>
      </Layout>,
    ),
    text: lines(
      `We couldn't take your payment of ${v.amount} for ${v.community}.`,
      consequence,
      "",
      `Pay now: ${v.payUrl}`,
      `Your memberships: ${v.portalUrl}`,
    ),
  };
}

export async function winbackMail(v: { community: string; tier: string; communityUrl: string; unsubscribeUrl: string }): Promise<RenderedMail> {
  const footer = (
    <>
      You receive this because you were a member of {v.community}. <a href={v.unsubscribeUrl}>Unsubscribe</a> from messages like this.
    </>
  );
  return {
    subject: `${v.community} misses you`,
    html: await render(
      <Layout community={v.community} footer={footer}>
        <h1 style={{ fontSize: "20px", margin: "0 0 12px" }}>Come back to {v.community}</h1>
        <p style={{ fontSize: "14px", lineHeight: 1.5 }}>Your {v.tier} membership ended. The community is still here, and you can rejoin in a minute.</p>
        <Button href={v.communityUrl}>See the memberships</Button>
      </Layout>,
    ),
    text: lines(`Your ${v.tier} membership of ${v.community} ended. You can rejoin at any time:`, v.communityUrl, "", `Unsubscribe: ${v.unsubscribeUrl}`),
  };
}

export async function claimMail(v: { community: string; tier: string; claimUrl: string; fromStripe: boolean }): Promise<RenderedMail> {
  const how = v.fromStripe
    ? "Your membership has moved to CommunityOS. Nothing changes in what you pay; link your Discord account so the bot can give you your roles."
    : "You have a membership waiting. Link your Discord account so the bot can give you your roles.";
  return {
    subject: `Claim your ${v.tier} membership of ${v.community}`,
    html: await render(
      <Layout community={v.community} footer="You receive this because the community's owner moved your membership to CommunityOS. One message only.">
        <h1 style={{ fontSize: "20px", margin: "0 0 12px" }}>Your {v.tier} membership</h1>
        <p style={{ fontSize: "14px", lineHeight: 1.5 }}>{how}</p>
        <Button href={v.claimUrl}>Sign in with Discord and claim</Button>
        <p style={{ fontSize: "12px", color: "#64748b" }}>The link is yours alone: whoever uses it first gets the membership.</p>
      </Layout>,
    ),
    text: lines(how, "", `Claim it (sign in with Discord): ${v.claimUrl}`, "", "The link is yours alone: whoever uses it first gets the membership."),
  };
}

export async function pauseEndingMail(v: { community: string; tier: string; resumesOn: string; portalUrl: string }): Promise<RenderedMail> {
  const what = `Your ${v.tier} membership resumes on ${v.resumesOn}: your roles come back, and billing continues on your usual billing date.`;
  return {
    subject: `Your ${v.community} membership resumes on ${v.resumesOn}`,
    html: await render(
      <Layout community={v.community}>
        <h1 style={{ fontSize: "20px", margin: "0 0 12px" }}>Your pause ends soon</h1>
        <p style={{ fontSize: "14px", lineHeight: 1.5 }}>{what}</p>
        <p style={{ fontSize: "14px" }}>
          To cancel instead, or to resume sooner, open <a href={v.portalUrl}>your memberships</a>.
        </p>
      </Layout>,
    ),
    text: lines(what, "", `To cancel instead, or to resume sooner: ${v.portalUrl}`),
  };
}
