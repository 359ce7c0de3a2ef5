// A real redis-server of a test's own, on a free loopback port. Never skipped: when redis-server
// is missing the test fails and says how to install it (.ci/run installs it).
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createConnection, createServer } from "node:net";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface RedisServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  if (!onPath("redis-server")) {
    throw new Error(
      "redis-server is not on PATH: these tests need a real Redis (apt-get install redis-server); they are never skipped",
    );
  }
  const port = await freePort();
  let output = "";
  let exited: string | undefined;
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout?.on("data", (c) => (output += c));
  proc.stderr?.on("data", (c) => (output += c));
  proc.once("exit", (code, signal) => (exited = `exited (${code ?? signal})`));
  proc.once("error", (error) => (exited = error.message));
  for (let tries = 0; tries < 100 && !exited; tries++) {
    if (await ping(port)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        process: proc,
        stop: async () => {
          if (proc.exitCode !== null || proc.signalCode !== null) return;
          const exit = new Promise((resolve) => proc.once("exit", resolve));
          proc.kill("SIGTERM");
          await exit;
        },
      };
    }
    await sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(
    `redis-server on port ${port} did not answer PING${exited ? `; it ${exited}` : " within 10 s"}:\n${output}`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** One raw PING; true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}
