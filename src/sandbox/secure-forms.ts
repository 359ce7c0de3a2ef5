// Secure forms: CreateSecureForm hands out a form_url; the user fills the form there (tests do it
// with Sandbox.submitSecureForm); a form lives 1 hour of sandbox clock, after which it reads as expired and
// its data is gone. Submitted secrets are never kept: a card number becomes first 6 / last 4, other
// values are recorded by name only.
import { randomUUID } from "node:crypto";
import type { CreateHook, ViewHook } from "./custom-types.js";
import type { Item, Store } from "./store.js";
import { digitsOf } from "./test-cards.js";

export const SECURE_FORM_LIFETIME_SECONDS = 3600;

const expiresOf = (form: Item) =>
  typeof form.expires_date_unix === "number"
    ? form.expires_date_unix
    : form.created_date_unix + SECURE_FORM_LIFETIME_SECONDS;

export const createSecureForm: CreateHook = ({ store, body, now, newId, origin }) => {
  const id = newId("secure_forms");
  // The URL carries an unguessable token beside the id: only who was given it can fill the form.
  const token = randomUUID();
  const form = store.collection("secure_forms").insert({
    id,
    created_date_unix: now,
    updated_date_unix: now,
    form_source: body.form_source ?? null,
    form_source_id: body.form_source_id ?? null,
    status: "pending",
    form_url: `${origin}/secure_forms/${id}/${token}`,
    expires_date_unix: now + SECURE_FORM_LIFETIME_SECONDS,
    fields_completed: [],
    completed_date_unix: null,
  });
  return { ...form, secure_form_id: id };
};

/** A form past its hour reads as expired, without its data. */
export const viewSecureForm: ViewHook = (form, now) => {
  if (now < expiresOf(form)) return form;
  const { fields_completed: _f, card: _c, ...rest } = form;
  return { ...rest, status: "expired" };
};

/**
 * Fills a secure form as its user would at `form_url` (for tests; the sandbox serves no form page).
 * `nowSeconds` is the sandbox clock at submission (default: the form's creation time); a form
 * past its hour, already completed, or unknown is refused with an Error.
 */
export function submitSecureForm(
  store: Store,
  formUrl: string,
  values: Record<string, unknown>,
  nowSeconds?: number,
): Item {
  const id = /\/secure_forms\/([^/]+)\/[^/]+$/.exec(formUrl)?.[1];
  const form = id ? store.collection("secure_forms").get(id) : undefined;
  if (!form || form.form_url !== formUrl) throw new Error(`no secure form at ${formUrl}`);
  const now = nowSeconds ?? form.created_date_unix;
  if (now >= expiresOf(form)) throw new Error(`secure form ${form.id} has expired`);
  if (form.status !== "pending") throw new Error(`secure form ${form.id} is already ${String(form.status)}`);
  const number = typeof values.card_number === "string" ? digitsOf(values.card_number) : undefined;
  return store.collection("secure_forms").update(form.id, {
    status: "completed",
    completed_date_unix: now,
    updated_date_unix: now,
    fields_completed: Object.keys(values),
    ...(number ? { card: { first_6: number.slice(0, 6), last_4: number.slice(-4) } } : {}),
  })!;
}
