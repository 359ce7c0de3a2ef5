#!/usr/bin/env node
// npm run bench: start-up time and peak memory of revcent-mcp as ratios to a minimal SDK server
// measured in the same run (machines here are shared and noisy), and the context cost of
// tools/list. Prints a markdown table for README.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { Tiktoken } from "js-tiktoken/lite";
import o200k_base from "js-tiktoken/ranks/o200k_base";

const root = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const encoder = new Tiktoken(o200k_base);

const subjects = {
  minimal: { args: [root + "bench/minimal-server.mjs"], env: {} },
  minimalV2: { args: [root + "bench/minimal-server-v2.mjs"], env: {} },
  default: { args: [root + "dist/server.js"], env: { REVCENT_API_KEY: "bench-not-a-real-key" } },
  all: { args: [root + "dist/server.js", "--toolsets", "all"], env: { REVCENT_API_KEY: "bench-not-a-real-key" } },
};

/** Spawns a server, sends initialize + tools/list, and times spawn -> tools/list answered. */
function startOnce({ args, env }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env },
      stdio: ["pipe", "pipe", "ignore"],
    });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timeout: ${args.join(" ")}`));
    }, 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.includes('"id":2'));
      if (!line) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const peakKb = peakRssKb(child.pid);
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve({ ms, peakKb, toolsList: JSON.parse(line).result });
    });
    child.on("error", reject);
    const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  });
}

function peakRssKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const samples = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
let lists = {};
for (const name of Object.keys(subjects)) await startOnce(subjects[name]); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so drift in machine load hits every subject alike.
  for (const [name, subject] of Object.entries(subjects)) {
    const r = await startOnce(subject);
    samples[name].push(r);
    lists[name] = r.toolsList;
  }
}

const baseOf = (name) => ({
  ms: median(samples[name].map((s) => s.ms)),
  kb: median(samples[name].map((s) => s.peakKb)),
});
// Two baselines: the v1 SDK's minimal server, and the v2 line's, which revcent-mcp is built on.
const base = baseOf("minimal");
const baseV2 = baseOf("minimalV2");
const rows = [];
rows.push(
  "| configuration | tools | spawn -> tools/list (median) | ratio to v1 / v2 minimal | peak RSS (median) | ratio to v1 / v2 minimal | tools/list bytes | tokens (o200k) |",
);
rows.push("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const name of Object.keys(subjects)) {
  const ms = median(samples[name].map((s) => s.ms));
  const kb = median(samples[name].map((s) => s.peakKb));
  const json = JSON.stringify(lists[name]);
  const label = {
    minimal: "minimal SDK server (v1 SDK), 1 tool (baseline)",
    minimalV2: "minimal SDK server (v2 SDK), 1 tool (baseline)",
    default: "revcent-mcp, default toolsets",
    all: "revcent-mcp, --toolsets all",
  }[name];
  const ratios = (value, key) => `${(value / base[key]).toFixed(2)}x / ${(value / baseV2[key]).toFixed(2)}x`;
  rows.push(
    `| ${label} | ${lists[name].tools.length} | ${ms.toFixed(0)} ms | ${ratios(ms, "ms")} | ${(kb / 1024).toFixed(1)} MB | ${ratios(kb, "kb")} | ${json.length} | ${encoder.encode(json).length} |`,
  );
}
console.log(`Node ${process.version}, ${RUNS} interleaved runs each\n`);
console.log(rows.join("\n"));

// Context cost, against a generic OpenAPI->MCP server on the same spec.
const { measureContextCost, contextCostTable } = await import(root + "bench/context-cost.mjs");
console.log("\n" + contextCostTable(await measureContextCost(root)));

// Client overhead: bundle the TypeScript bench module, then run it in this process.
mkdirSync(root + ".bench", { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ["bench/client-overhead.ts"],
  outfile: ".bench/client-overhead.mjs",
  bundle: true,
  format: "esm",
  platform: "node",
  logLevel: "warning",
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const { measureClientOverhead } = await import(root + ".bench/client-overhead.mjs");
const o = await measureClientOverhead(root + "spec/revcent-v2.openapi.json", Number(process.env.BENCH_CALLS ?? 3000));
console.log(`\n| upstream call (GetCustomer on the sandbox, ${o.calls} sequential calls) | median | ratio |`);
console.log("|---|---:|---:|");
console.log(`| bare undici request + JSON parse (baseline) | ${o.bareMedianMs.toFixed(3)} ms | 1.00x |`);
const overheadMs = o.clientMedianMs - o.bareMedianMs;
console.log(
  `| RevCentClient.call | ${o.clientMedianMs.toFixed(3)} ms | ${(o.clientMedianMs / o.bareMedianMs).toFixed(2)}x (${overheadMs < 0 ? "" : "+"}${overheadMs.toFixed(3)} ms) |`,
);

// Streamable HTTP under load, and memory per idle session.
const { measureHttp } = await import(root + "bench/http-load.mjs");
const h = await measureHttp(root);
const m = h.minimal;
const u = h.upstream;
const r = h.revcent;
const rs = h.revcentStateless;
console.log(
  "\n| streamable HTTP, 50 concurrent sessions | tool calls/s | ratio | p50 | p99 | p99 ratio | CPU per call: server / sandbox / load client | server CPU ratio (baseline / ours) | memory per idle session (1,000 sessions) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
const cpu = (x) =>
  `${x.serverCpuMsPerCall.toFixed(2)} / ${x.upstreamCpuMsPerCall ? x.upstreamCpuMsPerCall.toFixed(2) : "—"} / ${x.loadClientCpuMsPerCall.toFixed(2)} ms`;
console.log(
  `| minimal SDK server, trivial tool (baseline) | ${m.callsPerSecond.toFixed(0)} | 1.00x | ${m.p50.toFixed(0)} ms | ${m.p99.toFixed(0)} ms | 1.00x | ${cpu(m)} | 1.00x | ${m.kbPerIdleSession.toFixed(0)} KB |`,
);
console.log(
  `| revcent-mcp, GetCustomer via the sandbox | ${r.callsPerSecond.toFixed(0)} | ${(r.callsPerSecond / m.callsPerSecond).toFixed(2)}x | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${(r.p99 / m.p99).toFixed(2)}x | ${cpu(r)} | ${(m.serverCpuMsPerCall / r.serverCpuMsPerCall).toFixed(2)}x | ${r.kbPerIdleSession.toFixed(0)} KB |`,
);
// The fair comparison: a baseline whose tool also makes one loopback call to the same sandbox.
console.log(
  "\n| streamable HTTP, 50 concurrent sessions, fair baseline | tool calls/s | ratio | p50 | p99 | p99 ratio | CPU per call: server / sandbox / load client | server CPU per call, ours / baseline | memory per idle session |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
console.log(
  `| minimal SDK server, one sandbox call per tool call (baseline) | ${u.callsPerSecond.toFixed(0)} | 1.00x | ${u.p50.toFixed(0)} ms | ${u.p99.toFixed(0)} ms | 1.00x | ${cpu(u)} | 1.00x | ${u.kbPerIdleSession.toFixed(0)} KB |`,
);
console.log(
  `| revcent-mcp, GetCustomer via the sandbox | ${r.callsPerSecond.toFixed(0)} | ${(r.callsPerSecond / u.callsPerSecond).toFixed(2)}x | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${(r.p99 / u.p99).toFixed(2)}x | ${cpu(r)} | ${(r.serverCpuMsPerCall / u.serverCpuMsPerCall).toFixed(2)}x | ${r.kbPerIdleSession.toFixed(0)} KB |`,
);
// Stateless: a fresh McpServer per request, nothing kept between them (so no memory per session).
console.log(
  `| revcent-mcp --stateless, GetCustomer via the sandbox | ${rs.callsPerSecond.toFixed(0)} | ${(rs.callsPerSecond / u.callsPerSecond).toFixed(2)}x | ${rs.p50.toFixed(0)} ms | ${rs.p99.toFixed(0)} ms | ${(rs.p99 / u.p99).toFixed(2)}x | ${cpu(rs)} | ${(rs.serverCpuMsPerCall / u.serverCpuMsPerCall).toFixed(2)}x | — |`,
);
