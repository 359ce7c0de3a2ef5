// An intent line survives kill -9 once `write` has resolved: a child process opens the file sink,
// writes an intent, says "written" and waits forever; it is killed with SIGKILL (no exit handlers,
// no flushing), and the line is in the file. The child is this repository's source bundled by
// esbuild, since Node 20 cannot run TypeScript.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, it } from "vitest";
import { auditLineJson } from "../../src/audit/redact.js";
import { auditLine } from "./lines.js";

const CHILD = `
import { FileAuditSink } from "../../src/audit/file-sink.js";
const sink = new FileAuditSink(process.argv[2]);
await sink.write(JSON.parse(process.argv[3]));
process.stdout.write("written\\n");
setInterval(() => {}, 1 << 30);
`;

it("keeps the intent line when the process is killed with SIGKILL right after write resolved", async () => {
  const dir = mkdtempSync(join(tmpdir(), "audit-kill-"));
  const child = join(dir, "child.mjs");
  await build({
    stdin: { contents: CHILD, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: child,
    logLevel: "warning",
  });
  const path = join(dir, "audit.jsonl");
  const intent = auditLine({ targets: { transaction_id: "txn001" }, amount: 12.5, currency: "USD" });
  const proc = spawn(process.execPath, [child, path, JSON.stringify(intent)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once("exit", (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("written\n")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`the child exited (${code}) before writing: ${stderr}`)));
  });
  proc.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  expect(readFileSync(path, "utf8")).toBe(`${auditLineJson(intent)}\n`);
});
