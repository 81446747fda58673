// Encryption in transit: a PostgreSQL that accepts only TLS 1.3 over hostssl,
// and our connections (node-postgres and the Prisma client) honouring
// sslmode=verify-full with a CA file from DATABASE_URL / APP_DATABASE_URL.
import { execFileSync } from "node:child_process";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../lib/db/client";
import { startScratchServer, type ScratchServer } from "./support/scratch-server";
import { withClient } from "./support/test-database";

let dir: string;
let server: ScratchServer;

const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

/** A CA, and a server certificate it signs for 127.0.0.1 only. */
function makeCertificates() {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CommunityOS test CA");
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Someone else");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.cnf",
  );
}

const url = (params: string, host = "127.0.0.1") => `postgresql://postgres:postgres@${host}:${server.port}/postgres?${params}`;

const tlsOf = (connectionString: string) =>
  withClient(
    connectionString,
    async (client) => (await client.query<{ ssl: boolean; version: string }>("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows[0],
  );

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "communityos-tls-"));
  await chmod(dir, 0o755);
  await writeFile(path.join(dir, "san.cnf"), "subjectAltName = IP:127.0.0.1\n");
  makeCertificates();
  // First start creates the cluster (and, as root, the postgres OS user that must own the key).
  server = await startScratchServer();
  await server.stop();
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    await chown(path.join(dir, "server.key"), uid, gid);
  }
  await chmod(path.join(dir, "server.key"), 0o600);
  await server.start({
    ssl: "on",
    ssl_cert_file: path.join(dir, "server.pem"),
    ssl_key_file: path.join(dir, "server.key"),
    ssl_min_protocol_version: "TLSv1.3",
  });
  // Then only TLS over TCP: plain connections are refused by the server itself.
  await writeFile(path.join(server.dataDir, "pg_hba.conf"), "hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n");
  const admin = new pg.Client({ connectionString: url(`sslmode=verify-full&sslrootcert=${path.join(dir, "ca.pem")}`) });
  await admin.connect();
  await admin.query("SELECT pg_reload_conf()");
  await admin.end();
}, 120_000);

afterAll(async () => {
  await server?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("database connections over TLS", () => {
  it("verify the server against the CA file and its name, on TLS 1.3", async () => {
    expect(await tlsOf(url(`sslmode=verify-full&sslrootcert=${path.join(dir, "ca.pem")}`))).toEqual({ ssl: true, version: "TLSv1.3" });
  });

  it("the Prisma client takes the same URL", async () => {
    const database = createDatabase(url(`sslmode=verify-full&sslrootcert=${path.join(dir, "ca.pem")}`), 1);
    try {
      const [row] = await database.$queryRaw<{ ssl: boolean; version: string }[]>`SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`;
      expect(row).toEqual({ ssl: true, version: "TLSv1.3" });
    } finally {
      await database.$disconnect();
    }
  });

  it("refuse a server signed by another CA, or answering under another name", async () => {
    await expect(tlsOf(url(`sslmode=verify-full&sslrootcert=${path.join(dir, "other-ca.pem")}`))).rejects.toThrow(
      /self[- ]signed|unable to (get|verify)|certificate/i,
    );
    await expect(tlsOf(url(`sslmode=verify-full&sslrootcert=${path.join(dir, "ca.pem")}`, "localhost"))).rejects.toThrow(/altnames|Hostname|does not match/i);
  });

  it("the server refuses plain connections and anything older than TLS 1.3", async () => {
    await expect(tlsOf(url("sslmode=disable"))).rejects.toThrow(/no encryption|rejects connection|pg_hba/i);
    const old = new pg.Client({
      host: "127.0.0.1",
      port: server.port,
      user: "postgres",
      password: "postgres",
      database: "postgres",
      ssl: { rejectUnauthorized: false, maxVersion: "TLSv1.2" },
    });
    await expect(old.connect()).rejects.toThrow(/protocol|version|alert/i);
    await old.end().catch(() => undefined);
  });
});
