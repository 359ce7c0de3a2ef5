// `revcent-mcp spec diff FILE|DIR`: compares the spec this server runs on (the bundled one, or
// REVCENT_OPENAPI) with RevCent's official openapi.json or a folder of its per-operation files.
// Prints one line per difference and a summary; exit 0 when they agree, 1 when they differ, 2 when
// the input cannot be read.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BUNDLED_SPEC } from "../operations/bundled.js";
import { SpecError } from "../operations/openapi.js";
import { diffShapes, shapeOfDocument, shapeOfOperationFile, summarize, type ApiShape } from "./diff.js";

const SPEC_USAGE =
  "usage: revcent-mcp spec diff FILE|DIR  (RevCent's openapi.json, or a folder of its per-operation .json files)";

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs `spec …` with the words after it; returns the exit code. */
export function runSpecCommand(args: string[], env: NodeJS.ProcessEnv, io: CommandIo): number {
  const [verb, target, ...rest] = args;
  if (verb !== "diff" || !target || rest.length) {
    io.err(`revcent-mcp: ${SPEC_USAGE}`);
    return 2;
  }
  try {
    const ours = shapeOfDocument(readJson(env.REVCENT_OPENAPI ?? BUNDLED_SPEC, "the spec this server runs on"));
    const lines = diffShapes(ours, readTheirs(target));
    for (const line of lines) io.out(line);
    io.out(summarize(lines));
    return lines.length ? 1 : 0;
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    io.err(`revcent-mcp: spec diff: ${err.message}`);
    return 2;
  }
}

/** RevCent's side: an OpenAPI document, one operation file, or a folder of operation files. */
function readTheirs(target: string): ApiShape {
  let isFolder: boolean;
  try {
    isFolder = statSync(target).isDirectory();
  } catch {
    throw new SpecError(`${target}: no such file or folder`);
  }
  const files = isFolder
    ? readdirSync(target)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(target, f))
    : [target];
  if (!files.length) throw new SpecError(`${target}: the folder holds no .json files`);
  const shape: ApiShape = new Map();
  for (const file of files) {
    const json = readJson(file, file);
    if (typeof json === "object" && json !== null && "paths" in json)
      for (const [key, op] of shapeOfDocument(json)) shape.set(key, op);
    else shape.set(...shapeOfOperationFile(json, file));
  }
  return shape;
}

function readJson(source: string | URL, name: string): unknown {
  let text: string;
  try {
    text = readFileSync(source, "utf8");
  } catch (err) {
    throw new SpecError(`cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SpecError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
}
