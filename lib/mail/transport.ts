// The mailer: nodemailer over SMTP (SMTP_URL). In `npm run dev` and the tests
// SMTP_URL points at a local mail catcher, so every message is real SMTP and
// visible at /dev/mail. Without SMTP_URL members get Discord messages only.
import nodemailer, { type Transporter } from "nodemailer";
import { serverEnv } from "../env";

export type OutgoingMail = { to: string; subject: string; html: string; text: string; headers?: Record<string, string> };

const globalForMail = globalThis as unknown as { communityosMailer?: { url: string; transport: Transporter } };

function transport(): Transporter | null {
  const url = serverEnv().SMTP_URL;
  if (!url) return null;
  if (globalForMail.communityosMailer?.url !== url) {
    globalForMail.communityosMailer = { url, transport: nodemailer.createTransport(url) };
  }
  return globalForMail.communityosMailer.transport;
}

export function mailConfigured(): boolean {
  return !!serverEnv().SMTP_URL;
}

/** Sends one message; throws when the server refuses it (the job retries). Null when no mailer is configured. */
export async function sendMail(mail: OutgoingMail): Promise<{ messageId: string } | null> {
  const mailer = transport();
  if (!mailer) return null;
  const info = await mailer.sendMail({
    from: serverEnv().MAIL_FROM,
    to: mail.to,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: mail.headers,
  });
  return { messageId: info.messageId };
}
