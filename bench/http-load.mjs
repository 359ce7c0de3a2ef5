// HTTP load: tool calls per second and p50/p99 latency with 50 concurrent sessions, and memory per
// idle session with 1,000 sessions, for revcent-mcp (GetCustomer against its in-process sandbox)
// and for a minimal SDK streamable-HTTP server with one trivial tool, in the same run.
// Bounded: each session makes CALLS calls; nothing but loopback is contacted.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const CALLS = Number(process.env.BENCH_SESSION_CALLS ?? 40);
const IDLE_SESSIONS = Number(process.env.BENCH_IDLE_SESSIONS ?? 1000);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);

export async function measureHttp(root) {
  // RevCent is remote in production: the sandbox runs as its own process, as `revcent-mcp sandbox`.
  const sandbox = spawn(process.execPath, [root + "dist/server.js", "sandbox", "--port", "0"], {
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "ignore", "pipe"],
  });
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
  const revcentSubject = (extraArgs) => ({
    args: [
      root + "dist/server.js",
      "--api-url",
      apiUrl,
      "--transport",
      "http",
      ...extraArgs,
      "--port",
      "0",
      "--rate-limit",
      "1000000",
      "--max-sessions",
      String(IDLE_SESSIONS + SESSIONS + 10),
    ],
    env: { MCP_AUTH_TOKENS: "bench-token", REVCENT_API_KEY: "sandbox-key" },
    headers: { authorization: "Bearer bench-token" },
    tool: "GetCustomer",
    toolArgs: { customer_id: "cus0000000000000jane" },
    upstreamPid: sandbox.pid,
  });
  const subjects = {
    minimal: { args: [root + "bench/minimal-http-server.mjs"], env: {}, tool: "echo", toolArgs: { text: "hi" } },
    upstream: {
      args: [root + "bench/upstream-http-server.mjs"],
      env: { SANDBOX_URL: apiUrl },
      tool: "get_customer",
      toolArgs: { customer_id: "cus0000000000000jane" },
      upstreamPid: sandbox.pid,
    },
    revcent: revcentSubject([]),
    // The same server without protocol sessions: a fresh McpServer per request.
    revcentStateless: revcentSubject(["--stateless"]),
  };
  try {
    // Interleaved rounds, medians of each measure: load on this machine drifts.
    const rounds = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++)
      for (const [name, subject] of Object.entries(subjects)) rounds[name].push(await measureOne(subject));
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return Object.fromEntries(
      Object.entries(rounds).map(([name, runs]) => [
        name,
        Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((x) => x[k]))])),
      ]),
    );
  } finally {
    sandbox.kill("SIGKILL");
  }
}

async function measureOne(subject) {
  const { child, url } = await start(subject.args, subject.env);
  // A lean load client (raw JSON-RPC over HTTP, one keep-alive agent): the SDK client's own result
  // validation would make the load generator, not the server, the bottleneck on two cores.
  const agent = new Agent({ connections: SESSIONS + 10 });
  const connect = () => openSession(url, subject.headers ?? {}, agent);
  try {
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, connect));
    const call = (session, id) =>
      session.post({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name: subject.tool, arguments: subject.toolArgs },
      });
    for (const session of sessions) await call(session, 1); // warm-up
    const latencies = [];
    const cpuBefore = cpuMs(child.pid);
    const upstreamCpuBefore = subject.upstreamPid ? cpuMs(subject.upstreamPid) : 0;
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      sessions.map(async (session) => {
        for (let i = 0; i < CALLS; i++) {
          const t = performance.now();
          const answer = await call(session, i + 2);
          if (!answer.includes('"result"') || answer.includes('"isError":true'))
            throw new Error(`tool call failed: ${answer.slice(0, 300)}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const serverCpuMs = cpuMs(child.pid) - cpuBefore;
    const upstreamCpuMs = subject.upstreamPid ? cpuMs(subject.upstreamPid) - upstreamCpuBefore : 0;

    await new Promise((r) => setTimeout(r, 300));
    const before = rssKb(child.pid);
    for (let i = 0; i < IDLE_SESSIONS; i += 50)
      await Promise.all(Array.from({ length: Math.min(50, IDLE_SESSIONS - i) }, connect));
    await new Promise((r) => setTimeout(r, 300));
    const after = rssKb(child.pid);
    await agent.close();

    latencies.sort((a, b) => a - b);
    return {
      callsPerSecond: latencies.length / seconds,
      p50: latencies[Math.floor(latencies.length * 0.5)],
      p99: latencies[Math.floor(latencies.length * 0.99)],
      kbPerIdleSession: (after - before) / IDLE_SESSIONS,
      // The server's own CPU time per call: what a tool call costs the server, whatever else
      // (the load client, the stand-in for RevCent) competes for this machine's two cores.
      serverCpuMsPerCall: serverCpuMs / latencies.length,
      upstreamCpuMsPerCall: upstreamCpuMs / latencies.length,
      loadClientCpuMsPerCall: (clientCpu.user + clientCpu.system) / 1000 / latencies.length,
    };
  } finally {
    child.kill("SIGKILL");
  }
}

/** initialize + initialized, then a post() that sends one message on the session and returns the answer's text. */
async function openSession(url, headers, agent) {
  const base = { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers };
  const send = async (message, sessionId) => {
    const res = await request(url, {
      method: "POST",
      dispatcher: agent,
      headers: sessionId ? { ...base, "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" } : base,
      body: JSON.stringify(message),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    return { sessionId: res.headers["mcp-session-id"], text };
  };
  const init = await send({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } },
  });
  await send({ jsonrpc: "2.0", method: "notifications/initialized" }, init.sessionId);
  return { post: async (message) => (await send(message, init.sessionId)).text };
}

function start(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
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

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m[1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL("..", import.meta.url).pathname;
  console.log(JSON.stringify(await measureHttp(root), null, 1));
}
