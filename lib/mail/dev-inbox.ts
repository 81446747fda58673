import { z } from "zod";
import { serverEnv } from "../env";

const caughtMail = z.object({
  id: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
});
export type CaughtMail = z.infer<typeof caughtMail>;

/** The local mail catcher's messages, newest first; null when this installation has none (production, or a real SMTP server). */
export async function devInbox(): Promise<CaughtMail[] | null> {
  const env = serverEnv();
  if (env.stage === "production" || !env.MAIL_INBOX_URL) return null;
  const response = await fetch(`${env.MAIL_INBOX_URL}/messages`, { cache: "no-store" });
  if (!response.ok) throw new Error(`the local mail catcher answered ${response.status}`);
  return z.array(caughtMail).parse(await response.json());
}
