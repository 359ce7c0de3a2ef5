// HTTP load: tool calls per second and p50/p99 latency with 50 concurrent sessions, and memory per
// idle session with 1,000 sessions, for revcent-mcp (GetCustomer against its in-process sandbox)
// and for a minimal SDK streamable-HTTP server with one trivial tool, in the same run.
// Bounded: each session makes CALLS calls; nothing but loopback is contacted.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const CALLS = Number(process.env.BENCH_SESSION_CALLS ?? 40);
const IDLE_SESSIONS = Number(process.env.BENCH_IDLE_SESSIONS ?? 1000);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);

export async function measureHttp(root) {
  // RevCent is remote in production: the sandbox runs as its own process, as `revcent-mcp sandbox`.
  const sandbox = spawn(process.execPath, [root + "dist/server.js", "sandbox", "--port", "0"], { env: { PATH: process.env.PATH }, stdio: ["ignore", "ignore", "pipe"] });
  const apiUrl = await new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${err}`)), 15_000);
    sandbox.stderr.on("data", (c) => {
      err += c;
      const m = /listening at (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const subjects = {
    minimal: { args: [root + "bench/minimal-http-server.mjs"], env: {}, tool: "echo", toolArgs: { text: "hi" } },
    revcent: {
      args: [root + "dist/server.js", "--api-url", apiUrl, "--transport", "http", "--port", "0", "--rate-limit", "1000000", "--max-sessions", String(IDLE_SESSIONS + SESSIONS + 10)],
      env: { MCP_AUTH_TOKENS: "bench-token", REVCENT_API_KEY: "sandbox-key" },
      headers: { authorization: "Bearer bench-token" },
      tool: "GetCustomer",
      toolArgs: { customer_id: "cus0000000000000jane" },
    },
  };
  try {
    // Interleaved rounds, medians of each measure: load on this machine drifts.
    const rounds = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) for (const [name, subject] of Object.entries(subjects)) rounds[name].push(await measureOne(subject));
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return Object.fromEntries(Object.entries(rounds).map(([name, runs]) => [name, Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((x) => x[k]))]))]));
  } finally {
    sandbox.kill("SIGKILL");
  }
}

async function measureOne(subject) {
  const { child, url } = await start(subject.args, subject.env);
  const connect = (u) => connectTo(u, subject.headers);
  try {
    const clients = await Promise.all(Array.from({ length: SESSIONS }, () => connect(url)));
    for (const c of clients) await c.callTool({ name: subject.tool, arguments: subject.toolArgs }); // warm-up
    const latencies = [];
    const started = performance.now();
    await Promise.all(clients.map(async (c) => {
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        const r = await c.callTool({ name: subject.tool, arguments: subject.toolArgs });
        if (r.isError) throw new Error(`tool error: ${JSON.stringify(r.content)}`);
        latencies.push(performance.now() - t);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(clients.map((c) => c.close()));

    await new Promise((r) => setTimeout(r, 300));
    const before = rssKb(child.pid);
    const idle = [];
    for (let i = 0; i < IDLE_SESSIONS; i += 50) idle.push(...(await Promise.all(Array.from({ length: Math.min(50, IDLE_SESSIONS - i) }, () => connect(url)))));
    await new Promise((r) => setTimeout(r, 300));
    const after = rssKb(child.pid);
    await Promise.all(idle.map((c) => c.close()));

    latencies.sort((a, b) => a - b);
    return {
      callsPerSecond: latencies.length / seconds,
      p50: latencies[Math.floor(latencies.length * 0.5)],
      p99: latencies[Math.floor(latencies.length * 0.99)],
      kbPerIdleSession: (after - before) / IDLE_SESSIONS,
    };
  } finally {
    child.kill("SIGKILL");
  }
}

async function connectTo(url, headers = {}) {
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

function start(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    const timer = setTimeout(() => reject(new Error(`did not start: ${err}`)), 15_000);
    child.stderr.on("data", (c) => {
      err += c;
      const m = /serving MCP at (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m[1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL("..", import.meta.url).pathname;
  console.log(JSON.stringify(await measureHttp(root), null, 1));
}
