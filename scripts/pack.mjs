#!/usr/bin/env node
// Packs the MCP Bundle (`npm run pack`, after `npm run build`): stages exactly what the server
// reads at run time in an empty directory, then lets the official `mcpb pack` validate the
// manifest and zip it. The esbuild bundle carries every runtime dependency, so the bundle has no
// node_modules; the check below fails the pack if a future build leaves a package import external.
//
//   node scripts/pack.mjs [--out FILE]     (default: revcent-mcp-<version>.mcpb in the repository)
import { spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(values.out ?? join(root, `${pkg.name}-${pkg.version}.mcpb`));

const dist = join(root, "dist");
if (!existsSync(join(dist, "server.js")) || !existsSync(join(dist, "operations.json"))) {
  fail("dist/ is not built: run npm run build (npm run pack does both).");
}
const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));
if (manifest.version !== pkg.version)
  fail(`manifest.json version ${manifest.version} differs from package.json ${pkg.version}.`);

// Source maps are for debugging here, not for users of the bundle.
const runtimeFiles = readdirSync(dist).filter((f) => f.endsWith(".js") || f === "operations.json");
const externals = runtimeFiles
  .filter((f) => f.endsWith(".js"))
  .flatMap((f) => packageImports(readFileSync(join(dist, f), "utf8")));
if (externals.length)
  fail(
    `the build leaves package imports external (${[...new Set(externals)].join(", ")}); bundle them or stage their production node_modules.`,
  );

const staging = mkdtempSync(join(tmpdir(), "revcent-mcp-pack-"));
let packFailure;
try {
  cpSync(join(root, "manifest.json"), join(staging, "manifest.json"));
  for (const file of runtimeFiles) cpSync(join(dist, file), join(staging, "dist", file));
  cpSync(join(root, "spec/revcent-v2.openapi.json"), join(staging, "spec/revcent-v2.openapi.json"));
  // dist/server.js is ESM: Node needs "type": "module" beside it; no dependencies, they are bundled.
  const { name, version, description, license, engines } = pkg;
  writeFileSync(
    join(staging, "package.json"),
    `${JSON.stringify({ name, version, description, license, type: "module", engines }, null, 2)}\n`,
  );

  const mcpb = join(root, "node_modules/@anthropic-ai/mcpb/dist/cli/cli.js");
  const packed = spawnSync(process.execPath, [mcpb, "pack", ".", out], { cwd: staging, stdio: "inherit" });
  // Reported after the staging copy is removed: fail() exits at once.
  if (packed.status !== 0) packFailure = `mcpb pack failed (exit ${packed.status ?? packed.signal}).`;
} finally {
  rmSync(staging, { recursive: true, force: true });
}
if (packFailure) fail(packFailure);

/** Static and dynamic ESM imports of packages: what the bundle would need from node_modules. */
function packageImports(code) {
  const builtins = new Set(builtinModules);
  const specifiers = [
    ...code.matchAll(
      /(?:^|[;\n}])\s*import\s*(?:[\w${}*,\s]+from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2]);
  return specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtins.has(s));
}

function fail(message) {
  process.stderr.write(`pack: ${message}\n`);
  process.exit(1);
}
