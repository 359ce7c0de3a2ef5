// Turns a validated request into a response body, by operation kind, using the store.
import { applyAction } from "./actions.js";
import { ACTION_HOOKS, CREATE_HOOKS, DEFAULT_NORMALIZER, EDIT_HOOKS, NORMALIZERS, VIEW_HOOKS } from "./custom.js";
import { filterItems, matchesSearch, newestFirst } from "./filters.js";
import type { CompiledApi, OperationDef } from "./operations.js";
import { badRequest, itemBody, listBody, notFound, paginate, savedBody, type ApiCall } from "./responses.js";
import { isRecord, stripSecrets } from "./schema.js";
import type { Item, Store } from "./store.js";
import type { RequestArgs } from "./validate.js";

export interface HandlerContext {
  api: CompiledApi;
  store: Store;
  call: ApiCall;
  /** Sandbox clock, unix seconds. */
  now: number;
  /** A fresh 20-character id not used by any item of `collection`. */
  newId: (collection: string) => string;
  /** Scheme and host clients reach the sandbox at (e.g. "http://127.0.0.1:4010"), for URLs it hands out. */
  origin?: string;
}

/** Used for handed-out URLs when the HTTP layer does not say where the sandbox is reached. */
const DEFAULT_ORIGIN = "http://sandbox.invalid";

const DEFAULT_LIMIT = 25;
/** Fields a client may not set on create or edit. */
const PROTECTED = ["idempotency_key", "id", "created_date_unix", "updated_date_unix"];

/** The body minus protected fields and anything the spec marks secret. */
function fields(ctx: HandlerContext, op: OperationDef, body: Record<string, unknown>): Record<string, unknown> {
  const stripped = stripSecrets(ctx.api.doc, op.bodySchema, body);
  const out = isRecord(stripped) ? { ...stripped } : {};
  for (const k of PROTECTED) delete out[k];
  return out;
}

/** Stored fields for a create or edit: the collection's normalizer over the safe body. */
function storedFields(
  ctx: HandlerContext,
  op: OperationDef,
  args: RequestArgs,
  id: string,
  creating: boolean,
): Record<string, unknown> {
  const normalize = NORMALIZERS[op.collection] ?? DEFAULT_NORMALIZER;
  const out = normalize({
    api: ctx.api,
    store: ctx.store,
    body: fields(ctx, op, args.body),
    raw: args.body,
    now: ctx.now,
    newId: ctx.newId,
    op,
    id,
    creating,
  });
  for (const k of PROTECTED) delete out[k];
  return out;
}

function idKeyOf(ctx: HandlerContext, op: OperationDef): string {
  return ctx.api.collections.get(op.collection)?.idKey ?? "id";
}

function requireItem(ctx: HandlerContext, op: OperationDef, args: RequestArgs): Item {
  const id = args.path[op.idParam ?? ""] ?? "";
  const item = ctx.store.collection(op.collection).get(id);
  if (!item) throw notFound();
  return item;
}

function pageArgs(query: Record<string, unknown>): { limit: number; page: number } {
  return {
    limit: typeof query.limit === "number" ? query.limit : DEFAULT_LIMIT,
    page: typeof query.page === "number" ? Math.max(1, query.page) : 1,
  };
}

/** Items as they read now (e.g. an expired secure form). */
function view(ctx: HandlerContext, op: OperationDef, items: Item[]): Item[] {
  const hook = VIEW_HOOKS[op.collection];
  return hook ? items.map((i) => hook(i, ctx.now)) : items;
}

export function handle(ctx: HandlerContext, op: OperationDef, args: RequestArgs): Record<string, unknown> {
  const { store, call, now } = ctx;
  const collection = store.collection(op.collection);
  switch (op.kind) {
    case "list": {
      const { limit, page } = pageArgs(args.query);
      const items = newestFirst(filterItems(op.collection, view(ctx, op, collection.all()), args.query));
      return listBody(call, paginate(items, limit, page));
    }
    case "all": {
      const items = newestFirst(view(ctx, op, collection.all()));
      return listBody(call, paginate(items, Math.max(1, items.length), 1));
    }
    case "search": {
      const { limit, page } = pageArgs(args.query);
      const term = String(args.query.search_term ?? "");
      const items = newestFirst(view(ctx, op, collection.all()).filter((item) => matchesSearch(item, term)));
      return listBody(call, paginate(items, limit, page));
    }
    case "lookup": {
      const field = op.lookupField ?? "";
      const wanted = String(args.query[field] ?? "").toLowerCase();
      const item = collection.find(
        (i) => typeof i[field] === "string" && (i[field] as string).toLowerCase() === wanted && i.enabled !== false,
      );
      if (!item) throw badRequest(`The ${field} "${String(args.query[field])}" is not valid.`, "E_NOT_VALID");
      return itemBody(call, item);
    }
    case "singleton":
      return itemBody(call, store.getSettings(op.collection));
    case "singleton-edit": {
      const next = store.setSettings(op.collection, {
        ...store.getSettings(op.collection),
        ...fields(ctx, op, args.body),
        updated_date_unix: now,
      });
      return itemBody(call, next);
    }
    case "get":
      return itemBody(call, view(ctx, op, [requireItem(ctx, op, args)])[0]!);
    case "edit": {
      const item = requireItem(ctx, op, args);
      const editHook = EDIT_HOOKS[op.collection];
      if (editHook) {
        const outcome = editHook({
          collection,
          item,
          body: fields(ctx, op, args.body),
          raw: args.body,
          now,
          newId: ctx.newId,
          store,
          op,
        });
        return { ...savedBody(call, idKeyOf(ctx, op), item.id, outcome.item), ...(outcome.extra ?? {}) };
      }
      const updated = collection.update(item.id, {
        ...storedFields(ctx, op, args, item.id, false),
        updated_date_unix: now,
      })!;
      return savedBody(call, idKeyOf(ctx, op), item.id, updated);
    }
    case "create": {
      const hook = CREATE_HOOKS[op.collection];
      if (hook) {
        const input = {
          api: ctx.api,
          store,
          body: fields(ctx, op, args.body),
          raw: args.body,
          op,
          call,
          origin: ctx.origin ?? DEFAULT_ORIGIN,
          now,
          newId: ctx.newId,
        };
        return { ...call, code: 1, result: "Success", ...hook(input) };
      }
      const info = ctx.api.collections.get(op.collection);
      const idKey = info?.idKey ?? "id";
      const given = info && !info.fixedLengthIds ? args.body[idKey] : undefined;
      const id = typeof given === "string" && given ? given : ctx.newId(op.collection);
      if (collection.has(id)) throw badRequest(`An item with ${idKey} "${id}" already exists.`, "E_DUPLICATE");
      const item = collection.insert({
        id,
        created_date_unix: now,
        updated_date_unix: now,
        ...(idKey !== "id" && given ? { [idKey]: id } : {}),
        ...storedFields(ctx, op, args, id, true),
      });
      return savedBody(call, idKey, id, item);
    }
    case "action": {
      const item = requireItem(ctx, op, args);
      const action = op.action ?? "";
      const input = { collection, item, body: fields(ctx, op, args.body), raw: args.body, now, newId: ctx.newId };
      const hook = ACTION_HOOKS[`${op.collection}/${action}`];
      const outcome = hook ? hook({ ...input, store }) : applyAction(action, input);
      return { ...savedBody(call, idKeyOf(ctx, op), item.id, outcome.item), ...(outcome.extra ?? {}) };
    }
  }
}
