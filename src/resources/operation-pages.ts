// Markdown pages generated from the operations the session lists: one per operation
// (revcent://operations/{operationId}) and one index per toolset (revcent://toolsets/{toolset}).
// Everything on them comes from the spec, through the same Operation model as the tools.
import { effectOf, summaryOf, type JsonSchema, type Operation } from "../operations/operation.js";

export const OPERATION_URI_PREFIX = "revcent://operations/";
export const TOOLSET_URI_PREFIX = "revcent://toolsets/";

export const operationUri = (id: string) => `${OPERATION_URI_PREFIX}${id}`;
export const toolsetUri = (toolset: string) => `${TOOLSET_URI_PREFIX}${toolset}`;

const EFFECTS = {
  read: "read-only",
  write: "writes",
  destructive: "destructive: moves money or cannot be undone; confirm with the user first",
} as const;

/** A one-cell summary of a property's schema: type, enum, format and bounds. */
function typeOf(schema: JsonSchema): string {
  const parts: string[] = [];
  const type = Array.isArray(schema.type)
    ? schema.type.join(" | ")
    : typeof schema.type === "string"
      ? schema.type
      : "any";
  const items = schema.items as JsonSchema | undefined;
  parts.push(type === "array" && items ? `array of ${typeOf(items)}` : type);
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => `\`${String(v)}\``).join(", ")}`);
  if (typeof schema.format === "string") parts.push(schema.format);
  const fixedLength = typeof schema.minLength === "number" && schema.minLength === schema.maxLength;
  if (fixedLength) parts.push(`length ${String(schema.minLength)}`);
  const bounds = [
    ["minimum", "≥"],
    ["maximum", "≤"],
    ...(fixedLength
      ? []
      : [
          ["minLength", "length ≥"],
          ["maxLength", "length ≤"],
        ]),
  ] as const;
  for (const [key, sign] of bounds) if (typeof schema[key] === "number") parts.push(`${sign} ${String(schema[key])}`);
  return parts.join(", ");
}

const cell = (text: unknown) =>
  typeof text === "string" ? text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim() : "";

/** Rows for the properties of an object schema, and one level of nested object properties. */
function argumentRows(schema: JsonSchema, prefix = "", depth = 0): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: string[] = [];
  for (const [name, child] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    rows.push(
      `| \`${path}\` | ${cell(typeOf(child))} | ${required.has(name) ? "yes" : ""} | ${cell(child.description)} |`,
    );
    const nested = child.type === "array" ? (child.items as JsonSchema | undefined) : child;
    if (depth < 1 && nested?.type === "object" && nested.properties)
      rows.push(...argumentRows(nested, `${path}${child.type === "array" ? "[]" : ""}.`, depth + 1));
  }
  return rows;
}

export function operationPage(op: Operation): string {
  const lines = [
    `# ${op.id}: ${op.title}`,
    "",
    op.description,
    "",
    `- HTTP: \`${op.method} ${op.path}\``,
    `- Toolset: \`${op.toolset}\` (${toolsetUri(op.toolset)})`,
    `- Kind: ${EFFECTS[effectOf(op)]}`,
  ];
  if (op.usage) lines.splice(4, 0, "## Before you call it", "", op.usage, "");
  if (op.maxRangeDays)
    lines.push(`- Longest date range: ${op.maxRangeDays} days (longer ranges are split into windows and merged)`);
  if (op.secretFields.length) {
    lines.push(
      `- Secret fields, never passed as arguments: ${op.secretFields.map((f) => `\`${f}\``).join(", ")}; collect them with a secure form (CreateSecureForm).`,
    );
  }
  const rows = argumentRows(op.inputSchema);
  lines.push("", "## Arguments", "");
  if (rows.length) lines.push("| name | type | required | description |", "|---|---|---|---|", ...rows);
  else lines.push("None.");
  if (op.outputSchema) {
    const fields = Object.keys((op.outputSchema.properties ?? {}) as object);
    lines.push("", "## Result", "", `Structured result with: ${fields.map((f) => `\`${f}\``).join(", ")}.`);
  }
  lines.push(
    "",
    `Call it as the tool \`${op.id}\`. The exact JSON Schema is in tools/list (or DescribeOperation in dynamic mode).`,
  );
  return lines.join("\n") + "\n";
}

export function toolsetPage(toolset: string, operations: readonly Operation[]): string {
  const lines = [
    `# Toolset \`${toolset}\``,
    "",
    `${operations.length} operation(s) in this session.`,
    "",
    "| operation | kind | summary |",
    "|---|---|---|",
  ];
  for (const op of operations)
    lines.push(`| [${op.id}](${operationUri(op.id)}) | ${effectOf(op)} | ${cell(summaryOf(op))} |`);
  return lines.join("\n") + "\n";
}
