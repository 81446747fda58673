// Logs are JSON lines that carry the request id and never a secret or card data.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../lib/observability/log";
import { requestIdFrom, withRequestId } from "../lib/observability/request-context";
import { route } from "../lib/http/route";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  logger.level = "info";
  return { logger, lines };
}

describe("structured logs", () => {
  it("redact tokens, secrets, cookies, signatures and card data wherever they sit", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: "bot-token",
        bot: { botToken: "MTAw.secret", config: { access_token: "oauth" } },
        headers: { cookie: "authjs.session-token=abc", "stripe-signature": "t=1,v1=x", authorization: "Bot xyz" },
        card: { number: "4242424242424242", cvc: "123" },
        payment: { amount: 500 },
      },
      "something happened",
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ["bot-token", "MTAw.secret", "oauth", "abc", "t=1,v1=x", "Bot xyz", "4242424242424242", '123"']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ level: "info", service: "communityos", msg: "something happened", payment: { amount: 500 } });
  });

  it("carry the request id of the request they belong to", () => {
    const { logger, lines } = capture();
    withRequestId("req-12345678", () => logger.info("inside"));
    logger.info("outside");
    expect(lines[0]).toMatchObject({ requestId: "req-12345678", msg: "inside" });
    expect(lines[1]).not.toHaveProperty("requestId");
  });

  it("keep a sane incoming request id and replace anything else", () => {
    expect(requestIdFrom(new Headers({ "x-request-id": "abc-123-def-456" }))).toBe("abc-123-def-456");
    for (const bad of ["short", "x".repeat(200), "has spaces in it", "<script>alert(1)</script>"]) {
      expect(requestIdFrom(new Headers({ "x-request-id": bad }))).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("route handlers answer an unexpected error with a plain 500 and the request id, never the error", async () => {
    const handler = route(async () => {
      throw new Error("secret internals: password=hunter2");
    });
    const response = await handler(new Request("http://localhost/api/x", { headers: { "x-request-id": "req-abcdefgh" } }), undefined);
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toBe("req-abcdefgh");
    expect(await response.text()).not.toContain("hunter2");
  });
});
