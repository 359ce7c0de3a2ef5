// The context an agent pays for: tools/list (every turn), the server instructions (every turn), and
// the answers of discovery calls, in o200k tokens — for revcent-mcp and, on the same spec, a generic
// OpenAPI->MCP server (@ivotoby/openapi-mcp-server) in its default and dynamic modes.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Tiktoken } from "js-tiktoken/lite";
import o200k_base from "js-tiktoken/ranks/o200k_base";

const encoder = new Tiktoken(o200k_base);
const tokens = (value) => encoder.encode(typeof value === "string" ? value : JSON.stringify(value)).length;

/** A stdio MCP server driven with raw JSON-RPC lines: no client library between us and the bytes. */
function startServer(args, env = {}) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const waiting = new Map();
  let buffer = "";
  let nextId = 1;
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line);
      const resolve = waiting.get(message.id);
      if (resolve) {
        waiting.delete(message.id);
        resolve(message);
      }
    }
  });
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`timeout: ${method} on ${args.join(" ")}`)), 30_000);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result);
      });
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  return {
    async initialize() {
      const result = await request("initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "0" },
      });
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
      return result;
    },
    request,
    close: () => child.kill("SIGKILL"),
  };
}

async function measure(args, env, discover) {
  const server = startServer(args, env);
  try {
    const init = await server.initialize();
    const { tools } = await server.request("tools/list", {});
    const discovery = discover ? await discover(server, tools) : undefined;
    return {
      tools: tools.length,
      listTokens: tokens({ tools }),
      instructionTokens: init.instructions ? tokens(init.instructions) : 0,
      discovery,
    };
  } finally {
    server.close();
  }
}

const answerText = (result) => result.content.map((c) => c.text ?? "").join("\n");

export async function measureContextCost(root) {
  const ours = [root + "dist/server.js", "--sandbox"];
  const { tasks } = JSON.parse(readFileSync(root + "test/fixtures/search-tasks.json", "utf8"));
  const searchAnswers = async (server) => {
    const sizes = [];
    for (const [query] of tasks)
      sizes.push(
        tokens(answerText(await server.request("tools/call", { name: "SearchOperations", arguments: { query } }))),
      );
    const describe = tokens(
      answerText(
        await server.request("tools/call", { name: "DescribeOperation", arguments: { operation: "CreateSale" } }),
      ),
    );
    sizes.sort((a, b) => a - b);
    return { searchMedian: sizes[Math.floor(sizes.length / 2)], searchMax: sizes[sizes.length - 1], describe };
  };
  const generic = createRequire(import.meta.url).resolve("@ivotoby/openapi-mcp-server/bin/mcp-server.js");
  const genericArgs = [
    generic,
    "--openapi-spec",
    root + "spec/revcent-v2.openapi.json",
    "--api-base-url",
    "http://127.0.0.1:9",
    "--transport",
    "stdio",
  ];
  // Its dynamic mode's first discovery call lists every endpoint.
  const genericDiscovery = async (server, tools) => {
    const list = tools.find((t) => /list/i.test(t.name));
    return list
      ? { searchMedian: tokens(answerText(await server.request("tools/call", { name: list.name, arguments: {} }))) }
      : undefined;
  };
  return {
    default: await measure(ours, {}),
    all: await measure([...ours, "--toolsets", "all"], {}),
    dynamic: await measure([...ours, "--toolsets", "all", "--tools-mode", "dynamic"], {}, searchAnswers),
    generic: await measure(genericArgs, {}),
    genericDynamic: await measure([...genericArgs, "--tools", "dynamic"], {}, genericDiscovery),
  };
}

export function contextCostTable(c) {
  const rows = [
    "| configuration | tools | tools/list tokens (o200k) | instructions tokens | discovery answer tokens |",
    "|---|---:|---:|---:|---|",
    `| revcent-mcp, default toolsets | ${c.default.tools} | ${c.default.listTokens} | ${c.default.instructionTokens} | — |`,
    `| revcent-mcp, --toolsets all | ${c.all.tools} | ${c.all.listTokens} | ${c.all.instructionTokens} | — |`,
    `| revcent-mcp, --toolsets all --tools-mode dynamic | ${c.dynamic.tools} | ${c.dynamic.listTokens} | ${c.dynamic.instructionTokens} | SearchOperations: median ${c.dynamic.discovery.searchMedian}, max ${c.dynamic.discovery.searchMax} (30 tasks); DescribeOperation CreateSale: ${c.dynamic.discovery.describe} |`,
    `| @ivotoby/openapi-mcp-server, default (all tools) | ${c.generic.tools} | ${c.generic.listTokens} | ${c.generic.instructionTokens} | — |`,
    `| @ivotoby/openapi-mcp-server, --tools dynamic | ${c.genericDynamic.tools} | ${c.genericDynamic.listTokens} | ${c.genericDynamic.instructionTokens} | first listing call: ${c.genericDynamic.discovery?.searchMedian ?? "n/a"} |`,
  ];
  return rows.join("\n");
}

const DAY = 86_400;

/**
 * Tokens of one page of 25 of every list and search in the default toolsets, as summaries and whole
 * (`fields: ["*"]`), over the sandbox's whole seeded range (about 60 days), and of the largest
 * all_pages answer; the text content only, which is what a client hands the model.
 */
export async function measureAnswers(root) {
  const server = startServer([root + "dist/server.js", "--sandbox"], {});
  try {
    await server.initialize();
    const { tools } = await server.request("tools/list", {});
    const now = Math.floor(Date.now() / 1000);
    const rows = [];
    for (const tool of tools) {
      const p = tool.inputSchema.properties ?? {};
      const known = ["date_start", "date_end", "limit", "page", "search_term"];
      if (!tool.annotations?.readOnlyHint || !p.fields) continue;
      if ((tool.inputSchema.required ?? []).some((name) => !known.includes(name))) continue;
      const args = p.search_term
        ? { search_term: "a" }
        : p.page
          ? { date_start: now - 89 * DAY, date_end: now, limit: 25, page: 1 }
          : {};
      const call = async (extra) => {
        const r = await server.request("tools/call", { name: tool.name, arguments: { ...args, ...extra } });
        const text = answerText(r);
        const answer = JSON.parse(text);
        // The envelope (ids, counts, the view's note) is paid once per answer, items once each.
        const envelope = answer.results ? tokens({ ...answer, results: [] }) : 0;
        return { tokens: tokens(text), items: answer.results?.length, envelope };
      };
      const summary = await call({});
      if (summary.items === undefined) continue;
      const whole = await call({ fields: ["*"] });
      const all = p.all_pages ? await call({ all_pages: true, max_items: 1000, fields: ["*"] }) : undefined;
      rows.push({
        tool: tool.name,
        items: whole.items,
        summary: summary.tokens,
        envelope: summary.envelope,
        whole: whole.tokens,
        all,
      });
    }
    return rows;
  } finally {
    server.close();
  }
}

export function answersTable(rows) {
  const lines = [
    '| list or search (default toolsets) | items | summary tokens | whole (`fields: ["*"]`) tokens | summary / whole | summary, a page of 25 (projected) | all_pages whole, max_items 1000 |',
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const ratio = r.whole ? `${((100 * r.summary) / r.whole).toFixed(0)}%` : "—";
    const all = r.all ? `${r.all.items} items, ${r.all.tokens} tokens` : "—";
    // Most sandbox families hold a few items; a page of 25 of them costs about this much.
    const per25 = r.items ? r.envelope + Math.round(((r.summary - r.envelope) / r.items) * 25) : "—";
    lines.push(`| ${r.tool} | ${r.items} | ${r.summary} | ${r.whole} | ${ratio} | ${per25} | ${all} |`);
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL("..", import.meta.url).pathname;
  console.log(contextCostTable(await measureContextCost(root)));
  console.log();
  console.log(answersTable(await measureAnswers(root)));
}
