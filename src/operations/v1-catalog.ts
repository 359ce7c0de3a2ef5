// The legacy V1 catalog (spec/v1-operations.json) -> Operation[], the same model the OpenAPI
// loader produces, so the catalog, policy, guard and client treat V1 operations like any other.
// V1 is one POST endpoint; an operation is a (type, method) pair whose fields sit next to them in
// the body's `request` object.
import bundledCatalog from "../../spec/v1-operations.json" with { type: "json" };
import { compactInputSchema } from "./compact-schema.js";
import { makeDereferencer } from "./json-ref.js";
import { kindOf } from "./kind.js";
import type { JsonSchema, Operation } from "./operation.js";
import {
  SpecError,
  addBodyFields,
  hints,
  secretPredicate,
  slug,
  strictInput,
  type InputParts,
  type LoadOptions,
} from "./openapi.js";

type V1Catalog = {
  tag: { name: string; "x-revcent-toolset"?: string };
  operations: RawV1Operation[];
};

type RawV1Operation = {
  operationId: string;
  type: string;
  method: string;
  summary: string;
  description: string;
  request: JsonSchema;
  "x-revcent-read-only"?: boolean;
  "x-revcent-destructive"?: boolean;
  "x-revcent-moves-money"?: boolean;
  "x-revcent-money-class"?: string;
  "x-revcent-idempotent"?: boolean;
  "x-revcent-customer-records"?: boolean;
  "x-revcent-keywords"?: string;
  /** The read that shows a change's effect, and the argument holding the id it reads. */
  "x-revcent-verify-with"?: { operation: string; argument: string };
};

/** Fields of the V1 envelope itself; an operation's request cannot redefine them. */
const ENVELOPE_FIELDS = new Set(["type", "method"]);

/** The bundled catalog's operations (a handful: derived at start-up, in well under a millisecond). */
export function bundledV1Operations(options: LoadOptions = {}): Operation[] {
  return loadV1Operations(bundledCatalog, options);
}

export function loadV1Operations(doc: unknown, options: LoadOptions = {}): Operation[] {
  const catalog = doc as V1Catalog;
  if (typeof catalog !== "object" || catalog === null || !Array.isArray(catalog.operations) || !catalog.tag?.name) {
    throw new SpecError("the V1 catalog needs a tag and a list of operations");
  }
  const deref = makeDereferencer(catalog, (message) => new SpecError(message));
  const toolset = catalog.tag["x-revcent-toolset"] ?? slug(catalog.tag.name);
  const seen = new Set<string>();
  return catalog.operations.map((raw) => {
    const id = raw.operationId;
    if (!/^V1[A-Z]\w*$/.test(id ?? "")) throw new SpecError(`V1 operation ids start with V1, got ${String(id)}`);
    if (seen.has(id)) throw new SpecError(`duplicate V1 operation ${id}`);
    seen.add(id);
    const input: InputParts = { properties: {}, required: [], secretFields: [], bodyFields: [] };
    addBodyFields(id, raw.request ?? {}, deref, secretPredicate(deref, options), input);
    const clash = input.bodyFields.find((f) => ENVELOPE_FIELDS.has(f));
    if (clash) throw new SpecError(`${id}: the request field ${clash} is part of V1's envelope`);
    const readOnly = raw["x-revcent-read-only"] ?? raw.method === "retrieve";
    const verify = raw["x-revcent-verify-with"];
    if (verify && !input.bodyFields.includes(verify.argument))
      throw new SpecError(`${id}: x-revcent-verify-with names ${verify.argument}, which is not a request field`);
    const inputSchema = strictInput(input);
    const op: Operation = {
      id,
      title: raw.summary,
      description: raw.description.trim(),
      method: "POST",
      path: "",
      tag: catalog.tag.name,
      toolset,
      kind: kindOf({ id, method: "POST", path: "", readOnly, v1: true }),
      ...hints(id, raw.method, readOnly, raw),
      parameters: [],
      bodyFields: input.bodyFields,
      hasBody: true,
      inputSchema,
      // V1 is one POST endpoint: nothing of it pages.
      toolInputSchema: compactInputSchema(inputSchema, false),
      secretFields: input.secretFields,
      v1: {
        type: raw.type,
        method: raw.method,
        ...(verify ? { entityArgument: verify.argument } : {}),
        ...(raw["x-revcent-customer-records"] ? { customerRecords: true } : {}),
      },
    };
    if (verify) op.verifyWith = verify.operation;
    if (typeof raw["x-revcent-keywords"] === "string") op.keywords = raw["x-revcent-keywords"];
    return op;
  });
}
