// A local mail catcher for the keyless demo and the tests: a real SMTP server
// (smtp-server) that the app's mailer (nodemailer) talks to as it would to any
// provider, keeping each message, parsed (mailparser), for the dev inbox
// (/dev/mail) and for tests to read over HTTP: GET /messages, DELETE /messages.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import { readStateFile, stateFileWriter } from "../state-file";

export type CaughtMail = {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
};

export type FakeMail = {
  /** For SMTP_URL. */
  smtpUrl: string;
  /** For MAIL_INBOX_URL. */
  inboxUrl: string;
  messages: CaughtMail[];
  close: () => Promise<void>;
};

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? "")).filter(Boolean);

export async function startFakeMail(options: { smtpPort?: number; httpPort?: number; stateFile?: string; keep?: number } = {}): Promise<FakeMail> {
  const keep = options.keep ?? 500;
  const messages: CaughtMail[] = readStateFile<CaughtMail[]>(options.stateFile) ?? [];
  const { persist, flushed } = stateFileWriter(options.stateFile, () => messages);
  let counter = messages.length;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          // The raw lines: mailparser folds List-* headers into an object of its own.
          const headers: Record<string, string> = {};
          for (const { key, line } of mail.headerLines) {
            if (["list-unsubscribe", "list-unsubscribe-post", "message-id"].includes(key))
              headers[key] = line
                .slice(line.indexOf(":") + 1)
                .replace(/\r?\n\s+/g, " ")
                .trim();
          }
          messages.unshift({
            id: String(++counter),
            receivedAt: new Date().toISOString(),
            from: addresses(mail.from).join(", "),
            to: addresses(mail.to),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : null,
            headers,
          });
          messages.splice(keep);
          persist();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(options.smtpPort ?? 0, "127.0.0.1", () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname === "/messages" && req.method === "GET") {
      const to = url.searchParams.get("to");
      const list = to ? messages.filter((m) => m.to.includes(to)) : messages;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(list));
      return;
    }
    if (url.pathname === "/messages" && req.method === "DELETE") {
      messages.splice(0);
      persist();
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.httpPort ?? 0, "127.0.0.1", () => resolve());
  });
  const httpPort = (http.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl: `http://127.0.0.1:${httpPort}`,
    messages,
    close: async () => {
      await flushed();
      await Promise.all([new Promise((resolve) => smtp.close(() => resolve(null))), new Promise((resolve) => http.close(() => resolve(null)))]);
    },
  };
}
