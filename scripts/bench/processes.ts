// What the bench's processes cost the machine, read from /proc (Linux).
import { readdirSync, readFileSync } from "node:fs";

const read = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/** A process and its descendants (next start runs its server in a child). */
export function processTree(pid: number): number[] {
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  const children = tasks.flatMap((t) => (read(`/proc/${pid}/task/${t}/children`) ?? "").trim().split(/\s+/).filter(Boolean).map(Number));
  return tasks.length ? [pid, ...children.flatMap(processTree)] : [];
}

/** Every PostgreSQL process on the machine (the bench's own server is the only one). */
export function postgresProcesses(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && read(`/proc/${entry}/comm`)?.trim() === "postgres")
    .map(Number);
}

/** Resident memory of the processes, in MB. */
export function rssMb(pids: number[]): number {
  const kb = pids.map((pid) => Number(/^VmRSS:\s+(\d+)/m.exec(read(`/proc/${pid}/status`) ?? "")?.[1] ?? 0)).reduce((a, b) => a + b, 0);
  return kb / 1024;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build that matters here

/** User and system CPU time the processes have used so far, in seconds. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    // Fields after the command (which may hold spaces) start at the state, field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/**
 * CPU time per request of the server, PostgreSQL and this process (the load
 * generator) over a phase of the run: on a machine whose cores they share,
 * what each request costs in all.
 */
export async function cpuPerRequest<T>(
  serverPid: number,
  phase: () => Promise<{ requests: number; result: T }>,
): Promise<{ result: T; ms: { server: number; postgres: number; loadGenerator: number } }> {
  const measure = () => ({
    server: cpuSeconds(processTree(serverPid)),
    postgres: cpuSeconds(postgresProcesses()),
    self: process.cpuUsage(),
  });
  const before = measure();
  const { requests, result } = await phase();
  const after = measure();
  const perRequest = (seconds: number) => (seconds * 1000) / Math.max(requests, 1);
  const self = process.cpuUsage(before.self);
  return {
    result,
    ms: {
      server: perRequest(after.server - before.server),
      postgres: perRequest(after.postgres - before.postgres),
      loadGenerator: perRequest((self.user + self.system) / 1e6),
    },
  };
}
