// Types of the collection-specific hooks registered in custom.ts.
import type { ActionInput, ActionOutcome } from "./actions.js";
import type { ApiCall } from "./responses.js";
import type { CompiledApi, OperationDef } from "./operations.js";
import type { Item, Store } from "./store.js";

export type ActionHook = (input: ActionInput & { store: Store }) => ActionOutcome;

interface CreateInput {
  api: CompiledApi;
  store: Store;
  /** The body without secret fields (safe to store). */
  body: Record<string, unknown>;
  /** The body as received: read card numbers from it, never store it. */
  raw: Record<string, unknown>;
  op: OperationDef;
  call: ApiCall;
  /** Scheme and host the sandbox is reached at, for URLs it hands out. */
  origin: string;
  now: number;
  newId: (collection: string) => string;
}

/** A create hook returns the response fields (the envelope is added by the caller). */
export type CreateHook = (input: CreateInput) => Record<string, unknown>;

/** An edit hook replaces the generic edit (e.g. UpdatePendingSale). */
export type EditHook = (input: ActionInput & { store: Store; op: OperationDef }) => ActionOutcome;

interface NormalizeInput {
  api: CompiledApi;
  store: Store;
  body: Record<string, unknown>;
  /** The body before secrets were stripped: read card numbers from it, never store it. */
  raw: Record<string, unknown>;
  op: OperationDef;
  /** The id of the item being created or edited. */
  id: string;
  creating: boolean;
  now: number;
  newId: (collection: string) => string;
}

/** Turns a (secret-free) request body into the fields to store on the item. */
export type Normalizer = (input: NormalizeInput) => Record<string, unknown>;

/** How an item reads at `now` (e.g. a secure form past its hour reads as expired). */
export type ViewHook = (item: Item, now: number) => Item;
