// The internal model every layer shares: one Operation per (method, path) of the V2 API, or per
// (type, method) of the legacy V1 API, whatever document it came from. The generator builds tools from it, the policy filters it, and the
// client builds requests from it.

/** Every RevCent id is this many characters. */
export const ID_LENGTH = 20;

/** Seconds in a day: RevCent's dates are unix seconds, and its date-range limits are in days. */
export const DAY_SECONDS = 86_400;

export type JsonSchema = { [key: string]: unknown };

/** A JSON object (not an array, not null): what a schema node or a parsed body must be to be walked. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What an operation is; kind.ts decides it. */
export type OperationKind =
  /** GET of a collection: ids and summaries, filtered by date range and the general filters. */
  | "list"
  /** GET of a collection by a search term. */
  | "search"
  /** GET of one record by id (V2), or a V1 retrieve. */
  | "read"
  /** A POST that changes nothing (a BigQuery query, a price estimate). */
  | "query"
  | "create"
  | "edit"
  | "delete"
  /** Anything else that changes something: refund, void, cancel, enable, sync … */
  | "action";

export type HttpMethod = "GET" | "POST";

/** The classes money-moving operations are limited in: refunds, voids, and charges (sales, renewals, salvage). */
export const MONEY_CLASSES = ["refunds", "voids", "sales"] as const;
export type MoneyClass = (typeof MONEY_CLASSES)[number];

export interface ParameterSpec {
  name: string;
  in: "path" | "query";
  required: boolean;
  /** Query serialization: `form` arrays repeat the name; `deepObject` uses name[i][key]=value. */
  style: "form" | "deepObject" | "simple";
  explode: boolean;
}

export interface Operation {
  /** operationId: the tool name. */
  id: string;
  /** Other names a call may use (the V2 prose's, where RevCent's official files name it otherwise); never listed. */
  aliases?: string[];
  title: string;
  description: string;
  method: HttpMethod;
  /** Path template relative to the API base, e.g. `/sales/{sale_id}/void`. */
  path: string;
  tag: string;
  toolset: string;
  /** What it is (list, search, read, create …): kind.ts decides, once, when the operation is built. */
  kind: OperationKind;
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
  /** It moves money (a refund, a void, a charge): the class its limits count in; absent when it moves none. */
  movesMoney?: MoneyClass;
  /** Longest date_start..date_end window the list accepts, in days. */
  maxRangeDays?: number;
  parameters: ParameterSpec[];
  /** Names of the JSON body's top-level properties that the tool input carries. */
  bodyFields: string[];
  /** Whether the operation takes a JSON body at all (every POST does). */
  hasBody: boolean;
  /** Flat tool input: path + query + body properties, secrets removed, strict. Validation uses it. */
  inputSchema: JsonSchema;
  /** What tools/list shows of inputSchema: the same arguments without what costs context and says nothing (compact-schema.ts). */
  toolInputSchema: JsonSchema;
  /** Dotted paths of secret fields removed from the input (they must go through secure forms). */
  secretFields: string[];
  /**
   * How to use it without surprises (what to check first, what it cannot undo), for the operations
   * a model most often gets wrong. Shown on its resource page and by DescribeOperation, not in
   * tools/list, where every token is paid on every turn.
   */
  usage?: string;
  /** Merchants' words for what it does, beyond its name and description: for SearchOperations only. */
  keywords?: string;
  /**
   * A list's or search's item summary: the paths (fields grammar) each item shows by default, from
   * the spec's x-revcent-summary. Absent: items come whole.
   */
  summaryFields?: string[];
  /** JSON Schema of a successful response, where the spec documents one. */
  outputSchema?: JsonSchema;
  /** For a change: the read operation that shows whether it took effect (GetSale for VoidSale). */
  verifyWith?: string;
  /** For a charge with no record before it runs: the read-only operation that prices it (EstimateSale for CreateSale). */
  estimateWith?: string;
  /**
   * Present for operations of RevCent's legacy V1 API, which is one POST endpoint: the request's
   * `type` and `method`, sent as `{"request": {type, method, ...arguments}}` (method and path
   * above are then POST and "", relative to the V1 endpoint).
   */
  v1?: V1Request;
}

interface V1Request {
  type: string;
  method: string;
  /** The argument that names the record `verifyWith` reads (a V2 change names it in its path). */
  entityArgument?: string;
  /**
   * Its records belong to customers (a license key, a fraud detection request): under the guard,
   * one that is missing or has no customer is refused like an unverified one, so ids cannot be probed.
   */
  customerRecords?: boolean;
}

/** The first sentence of an operation's description, for one-line listings ("e.g. x" does not end one). */
export function summaryOf(op: Operation): string {
  return op.description.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? op.description;
}

/** What calling the operation does, in one word. */
export function effectOf(op: Operation): "read" | "write" | "destructive" {
  return op.readOnly ? "read" : op.destructive ? "destructive" : "write";
}
