// Structured JSON logs (pino), one line per event. Anything that could hold a
// secret or card data is redacted by key wherever it sits, so a careless
// `log.error({ config })` cannot leak a bot token. Request ids come from the
// middleware (x-request-id) and tie a request's lines together.
import pino, { type DestinationStream, type Logger } from "pino";
import { z } from "zod";
import { requestContext } from "./request-context";

/** Keys whose values never reach a log line, at the top level or one or two levels down. */
const SECRET_KEYS = [
  "token",
  "botToken",
  "bot_token",
  "botTokenEncrypted",
  "bot_token_encrypted",
  "access_token",
  "refresh_token",
  "id_token",
  "password",
  "secret",
  "clientSecret",
  "authorization",
  "cookie",
  "set-cookie",
  "stripe-signature",
  "x-signature-ed25519",
  "card",
  "number",
  "cvc",
  "exp_month",
  "exp_year",
  "iban",
  "sessionToken",
  "session_token",
  "apiKey",
  "webhookSecret",
];
const REDACT = SECRET_KEYS.flatMap((key) => {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  const step = plain ? `.${key}` : `["${key}"]`;
  return [plain ? key : step, `*${step}`, `*.*${step}`];
});

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
});

export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: logLevel.parse(process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info")),
      base: { service: "communityos" },
      redact: { paths: REDACT, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}

const globalForLog = globalThis as unknown as { communityosLog?: Logger };
export const log: Logger = (globalForLog.communityosLog ??= createLogger());
