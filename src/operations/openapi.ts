// OpenAPI 3.1 document -> Operation[]. Accepts our reconstructed spec and RevCent's official
// openapi.json unchanged: where the official file lacks our x-revcent-* marks, field-name patterns
// and operation verbs decide.
import { isCardFieldName, isSecretName } from "../secrets/field-names.js";
import { compactInputSchema } from "./compact-schema.js";
import { makeDereferencer } from "./json-ref.js";
import { isPaged, kindOf } from "./kind.js";
import {
  isObject,
  MONEY_CLASSES,
  type HttpMethod,
  type JsonSchema,
  type MoneyClass,
  type Operation,
  type ParameterSpec,
} from "./operation.js";

type OpenApiDocument = {
  paths?: Record<string, Record<string, unknown>>;
  tags?: { name: string; "x-revcent-toolset"?: string }[];
  components?: Record<string, unknown>;
};

type RawParameter = {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  style?: string;
  explode?: boolean;
  schema?: JsonSchema;
};

type RawOperation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: RawParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  "x-revcent-max-range-days"?: number;
  "x-revcent-destructive"?: boolean;
  "x-revcent-moves-money"?: boolean;
  "x-revcent-money-class"?: string;
  "x-revcent-estimate-with"?: string;
  "x-revcent-read-only"?: boolean;
  "x-revcent-idempotent"?: boolean;
  "x-revcent-usage"?: string;
  "x-revcent-aliases"?: string[];
  "x-revcent-keywords"?: string;
  "x-revcent-summary"?: string[];
};

export class SpecError extends Error {
  override name = "SpecError";
}

const DESTRUCTIVE_WORDS = new Set(["delete", "void", "refund", "cancel", "expire", "disable", "suspend"]);
// Actions whose repetition with the same arguments changes nothing more (MCP idempotentHint).
const IDEMPOTENT_ACTIONS = new Set([
  "enable",
  "disable",
  "delete",
  "set_default",
  "mark_as_read",
  "add_to_group",
  "remove_from_group",
  "associate_entity",
  "disassociate_entity",
  "add_user_gateway",
  "remove_user_gateway",
  "add_fraud_alert",
  "remove_fraud_alert",
]);
/** Managed by RevCentClient (one key per tool call), so never part of a tool's input. */
export const IDEMPOTENCY_FIELD = "idempotency_key";

export interface LoadOptions {
  /** Keep card number and code fields in input schemas (PCI-scoped deployments, --allow-card-data). */
  keepCardFields?: boolean;
}

export function loadOperations(doc: unknown, options: LoadOptions = {}): Operation[] {
  if (!isObject(doc) || !isObject((doc as OpenApiDocument).paths)) {
    throw new SpecError("the OpenAPI document has no paths");
  }
  const spec = doc as OpenApiDocument;
  const deref = makeDereferencer(spec, (message) => new SpecError(message));
  const toolsetOf = new Map((spec.tags ?? []).map((t) => [t.name, t["x-revcent-toolset"] ?? slug(t.name)]));
  const operations: Operation[] = [];
  const seen = new Set<string>();

  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const shared = (deref(item.parameters) as RawParameter[] | undefined) ?? [];
    for (const method of ["get", "post"] as const) {
      const raw = deref(item[method]) as RawOperation | undefined;
      if (!raw) continue;
      const op = buildOperation(path, method.toUpperCase() as HttpMethod, raw, shared, deref, toolsetOf, options);
      if (seen.has(op.id)) throw new SpecError(`duplicate operationId ${op.id}`);
      seen.add(op.id);
      operations.push(op);
    }
  }
  linkVerification(operations);
  return operations;
}

/**
 * For each change, the read that shows its effect: the GET of the entity whose id the change's path
 * ends with (VoidSale /sales/{sale_id}/void -> GetSale), or for a create, the list of its path.
 */
function linkVerification(operations: Operation[]): void {
  const reads = operations.filter((o) => o.method === "GET");
  for (const op of operations) {
    if (op.readOnly) continue;
    const ids = op.path.match(/\{[a-z_]+\}/g);
    const lastId = ids?.[ids.length - 1];
    const candidates = lastId
      ? reads.filter((r) => r.path.endsWith(`/${lastId}`))
      : reads.filter((r) => r.path === op.path || r.path === `${op.path}/search`);
    const best = candidates.sort((a, b) => a.path.length - b.path.length)[0];
    if (best) op.verifyWith = best.id;
  }
}

function buildOperation(
  path: string,
  method: HttpMethod,
  raw: RawOperation,
  shared: RawParameter[],
  deref: (v: unknown) => unknown,
  toolsetOf: Map<string, string>,
  options: LoadOptions,
): Operation {
  const isSecret = secretPredicate(deref, options);
  const id = raw.operationId ?? fallbackId(method, path);
  const input: InputParts = { properties: {}, required: [], secretFields: [], bodyFields: [] };
  const parameters: ParameterSpec[] = [];

  const byName = new Map<string, RawParameter>();
  for (const p of [...shared, ...(raw.parameters ?? [])].map((p) => deref(p) as RawParameter))
    byName.set(`${p.in}:${p.name}`, p);
  for (const p of byName.values()) {
    if (p.in !== "path" && p.in !== "query") continue; // headers and cookies are the client's business
    if (isSecretName(p.name)) {
      input.secretFields.push(p.name);
      continue;
    }
    const schema = cleanSchema(deref(p.schema) ?? {}, deref);
    if (p.description && !schema.description) schema.description = p.description;
    addProperty(id, input.properties, p.name, schema);
    if (p.required || p.in === "path") input.required.push(p.name);
    parameters.push({
      name: p.name,
      in: p.in,
      required: Boolean(p.required || p.in === "path"),
      style: p.style === "deepObject" ? "deepObject" : p.in === "path" ? "simple" : "form",
      explode: p.explode ?? p.style !== "deepObject",
    });
  }

  const bodySchema = deref(raw.requestBody?.content?.["application/json"]?.schema) as JsonSchema | undefined;
  if (bodySchema) addBodyFields(id, bodySchema, deref, isSecret, input);

  const lastSegment = path.split("/").filter(Boolean).pop() ?? "";
  const action = lastSegment.startsWith("{") ? (method === "POST" ? "edit" : "get") : lastSegment;
  const readOnly = raw["x-revcent-read-only"] ?? method === "GET";
  const tag = raw.tags?.[0] ?? "Other";
  const description = (raw.description ?? raw.summary ?? id).trim();
  const maxRangeDays = raw["x-revcent-max-range-days"] ?? rangeFromText(description);
  const inputSchema = strictInput(input);
  const kind = kindOf({ id, method, path, readOnly, v1: false });

  const op: Operation = {
    id,
    title: raw.summary ?? id,
    description,
    method,
    path,
    tag,
    toolset: toolsetOf.get(tag) ?? slug(tag),
    kind,
    ...hints(id, action, readOnly, raw),
    parameters,
    bodyFields: input.bodyFields,
    hasBody: method === "POST",
    inputSchema,
    toolInputSchema: compactInputSchema(inputSchema, isPaged({ kind, parameters })),
    secretFields: input.secretFields,
  };
  if (maxRangeDays) op.maxRangeDays = maxRangeDays;
  if (raw["x-revcent-estimate-with"]) op.estimateWith = raw["x-revcent-estimate-with"];
  if (typeof raw["x-revcent-usage"] === "string") op.usage = raw["x-revcent-usage"];
  if (typeof raw["x-revcent-keywords"] === "string") op.keywords = raw["x-revcent-keywords"];
  const summary = raw["x-revcent-summary"];
  if (Array.isArray(summary) && summary.length && summary.every((f) => typeof f === "string"))
    op.summaryFields = summary;
  const aliases = (raw["x-revcent-aliases"] ?? []).filter(
    (alias): alias is string => typeof alias === "string" && alias !== id,
  );
  if (aliases.length) op.aliases = aliases;
  const output = deref(raw.responses?.["200"]?.content?.["application/json"]?.schema) as JsonSchema | undefined;
  if (output && output["x-revcent-provenance"] !== "inferred" && output.type === "object") {
    op.outputSchema = tolerant(cleanSchema(output, deref));
  }
  return op;
}

/** A tool's flat input as it is assembled: properties, required names, and where the fields go. */
export interface InputParts {
  properties: Record<string, JsonSchema>;
  required: string[];
  /** Dotted paths of secret fields left out of the input. */
  secretFields: string[];
  /** Properties that travel in the JSON body. */
  bodyFields: string[];
}

/** Whether a field is a secret: marked in the spec or named like one (card fields kept in PCI scope). */
export function secretPredicate(
  deref: (v: unknown) => unknown,
  options: LoadOptions,
): (name: string, schema: unknown) => boolean {
  return (name, schema) => secretField(name, schema, deref) && !(options.keepCardFields && isCardFieldName(name));
}

/** Adds a JSON body's top-level properties to the input: secrets left out (at any depth), the rest cleaned. */
export function addBodyFields(
  id: string,
  bodySchema: JsonSchema,
  deref: (v: unknown) => unknown,
  isSecret: (name: string, schema: unknown) => boolean,
  input: InputParts,
): void {
  const cleaned = cleanSchema(bodySchema, deref);
  const bodyProps = (cleaned.properties ?? {}) as Record<string, JsonSchema>;
  const bodyRequired = new Set((cleaned.required as string[] | undefined) ?? []);
  const originals = (bodySchema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, schema] of Object.entries(bodyProps)) {
    if (name === IDEMPOTENCY_FIELD) continue;
    if (isSecret(name, originals[name])) {
      input.secretFields.push(name);
      continue;
    }
    addProperty(
      id,
      input.properties,
      name,
      stripSecrets(schema, originals[name], deref, name, input.secretFields, isSecret),
    );
    input.bodyFields.push(name);
    if (bodyRequired.has(name)) input.required.push(name);
  }
}

/** The strict tool input: unknown arguments are refused with the list of allowed ones. */
export function strictInput(input: InputParts): JsonSchema {
  const inputSchema: JsonSchema = { type: "object", properties: input.properties };
  if (input.required.length) inputSchema.required = input.required;
  inputSchema.additionalProperties = false;
  return inputSchema;
}

type Marks = {
  "x-revcent-destructive"?: boolean;
  "x-revcent-idempotent"?: boolean;
  "x-revcent-moves-money"?: boolean;
  "x-revcent-money-class"?: string;
};

/**
 * MCP hints and the money mark from the spec's marks, or else from the words of the operation's
 * name and action: delete, void, refund, cancel … are destructive; enable, set_default … are
 * idempotent; refund, void, process, renew and creating a sale move money. The words matter for a
 * document without our marks (RevCent's own openapi.json): confirmation and limits must not vanish
 * with them.
 */
export function hints(
  id: string,
  action: string,
  readOnly: boolean,
  marks: Marks,
): Pick<Operation, "readOnly" | "destructive" | "idempotent" | "movesMoney"> {
  const verbs = camelWords(id).concat(action);
  const destructive = !readOnly && (marks["x-revcent-destructive"] ?? verbs.some((w) => DESTRUCTIVE_WORDS.has(w)));
  const idempotent =
    readOnly || (marks["x-revcent-idempotent"] ?? (action === "edit" || IDEMPOTENT_ACTIONS.has(action)));
  const movesMoney = readOnly ? undefined : moneyClassOf(id, verbs, marks);
  return { readOnly, destructive, idempotent, ...(movesMoney ? { movesMoney } : {}) };
}

const MONEY_BY_NAME: Record<string, MoneyClass> = {
  "create sale": "sales",
  "expire trial": "sales",
  "create fraud detection": "voids",
};

function moneyClassOf(id: string, verbs: string[], marks: Marks): MoneyClass | undefined {
  if (marks["x-revcent-moves-money"] === false) return undefined;
  if (marks["x-revcent-moves-money"] === true) {
    const named = marks["x-revcent-money-class"];
    if (!MONEY_CLASSES.includes(named as MoneyClass))
      throw new SpecError(`${id}: x-revcent-money-class must be one of ${MONEY_CLASSES.join(", ")}`);
    return named as MoneyClass;
  }
  if (verbs.includes("refund")) return "refunds";
  if (verbs.includes("void")) return "voids";
  if (verbs.includes("process") || verbs.includes("renew")) return "sales";
  // Operations whose name does not say so: creating a sale charges it (a pending sale does not),
  // expiring a trial charges it now, a fraud detection may void its sale.
  return MONEY_BY_NAME[camelWords(id).join(" ")];
}

function addProperty(id: string, properties: Record<string, JsonSchema>, name: string, schema: JsonSchema) {
  if (properties[name]) throw new SpecError(`${id}: input name ${name} appears twice (parameter and body)`);
  properties[name] = schema;
}

function secretField(name: string, schema: unknown, deref: (v: unknown) => unknown): boolean {
  const s = deref(schema) as JsonSchema | undefined;
  return s?.["x-revcent-secret"] === true || isSecretName(name);
}

/** Removes secret properties at any depth of a body field, recording their dotted paths. */
function stripSecrets(
  cleaned: JsonSchema,
  original: unknown,
  deref: (v: unknown) => unknown,
  at: string,
  out: string[],
  isSecret: (name: string, schema: unknown) => boolean,
): JsonSchema {
  const orig = deref(original) as JsonSchema | undefined;
  if (cleaned.type === "array" && isObject(cleaned.items)) {
    return {
      ...cleaned,
      items: stripSecrets(cleaned.items as JsonSchema, orig?.items, deref, `${at}[]`, out, isSecret),
    };
  }
  if (!isObject(cleaned.properties)) return cleaned;
  const props: Record<string, JsonSchema> = {};
  const origProps = (orig?.properties ?? {}) as Record<string, unknown>;
  for (const [name, schema] of Object.entries(cleaned.properties as Record<string, JsonSchema>)) {
    if (isSecret(name, origProps[name])) {
      out.push(`${at}.${name}`);
      continue;
    }
    props[name] = stripSecrets(schema, origProps[name], deref, `${at}.${name}`, out, isSecret);
  }
  const required = (cleaned.required as string[] | undefined)?.filter((r) => r in props);
  const result: JsonSchema = { ...cleaned, properties: props };
  if (required?.length) result.required = required;
  else delete result.required;
  return result;
}

/** Number formats that tell a model nothing the type does not (every tools/list costs context). */
const SIZE_FORMATS = new Set(["int32", "int64", "float", "double"]);

/**
 * A JSON Schema for clients: references inlined; our x-* marks, examples, nested titles and size
 * formats dropped (they cost context and mean nothing to a model); everything else kept as the
 * spec says.
 */
function cleanSchema(schema: unknown, deref: (v: unknown) => unknown, depth = 0): JsonSchema {
  const s = deref(schema);
  if (!isObject(s) || depth > 24) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(s)) {
    if (key.startsWith("x-") || key === "example" || key === "examples" || key === "$ref") continue;
    if ((key === "title" && depth > 0) || (key === "format" && SIZE_FORMATS.has(value as string))) continue;
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, cleanSchema(sub, deref, depth + 1)]),
      );
    } else if ((key === "items" || key === "additionalProperties" || key === "not") && isObject(value)) {
      out[key] = cleanSchema(value, deref, depth + 1);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((sub) => cleanSchema(sub, deref, depth + 1));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * An output schema that describes the answer without forbidding more: clients reject a result
 * that breaks a tool's outputSchema, so one field RevCent adds to a response must not turn every
 * call into an error. Types, enums and required fields stay; prose goes (it is for validation and
 * structure, and every tools/list pays for it).
 */
function tolerant(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "additionalProperties" && value === false) continue;
    // Prose goes; so does `required`: a `fields` filter may leave any field out of a result. Length
    // and format constraints go too: they would only turn an odd upstream value into a client error.
    if (key === "description" || key === "title" || key === "required") continue;
    if (key === "minLength" || key === "maxLength" || key === "format" || key === "pattern") continue;
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tolerant(v as JsonSchema)]));
    } else if ((key === "items" || key === "additionalProperties") && isObject(value)) {
      out[key] = tolerant(value as JsonSchema);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((v) => tolerant(v as JsonSchema));
    } else {
      out[key] = value;
    }
  }
  return out;
}

function rangeFromText(text: string): number | undefined {
  const m = /cannot exceed an? (?:(\d+)|\w+ \((\d+)\)) day period/.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

function fallbackId(method: HttpMethod, path: string): string {
  const words = path
    .split("/")
    .filter((s) => s && !s.startsWith("{"))
    .flatMap((s) => s.split("_"));
  return [method.toLowerCase(), ...words].map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

function camelWords(id: string): string[] {
  return id.split(/(?=[A-Z][a-z])/).map((w) => w.toLowerCase());
}

export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
