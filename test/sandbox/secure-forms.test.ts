// Secure forms: created pending with a form URL, completed through Sandbox.submitSecureForm (secrets never
// kept), and expired one hour after creation by the sandbox clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SECURE_FORM_LIFETIME_SECONDS } from "../../src/sandbox/secure-forms.js";
import { get } from "./commerce.js";
import { FIXED_NOW, call, start } from "./helpers.js";

let sb: Sandbox;
let clock = FIXED_NOW;
beforeAll(async () => {
  sb = await start({ now: () => clock });
});
afterAll(() => sb.close());

const NOW_S = Math.floor(FIXED_NOW / 1000);
const create = async () => {
  const r = await call(sb, "POST", "/secure_forms", { body: { form_source: "gateway" } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe("secure forms", () => {
  it("start pending with a form URL carrying their id", async () => {
    const form = await create();
    expect(form).toMatchObject({ code: 1, status: "pending", form_source: "gateway", expires_date_unix: NOW_S + 3600 });
    expect(form.secure_form_id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(form.form_url).toMatch(new RegExp(`^https?://[^/]+/secure_forms/${form.secure_form_id}/[0-9a-f-]{36}$`));
    expect((await get(sb, `/secure_forms/${form.secure_form_id}`)).status).toBe("pending");
  });

  it("are completed by sb.submitSecureForm, keeping a card as first 6 / last 4 and other secrets by name only", async () => {
    const form = await create();
    const done = sb.submitSecureForm(
      form.form_url,
      { card_number: "4111 1111 1111 1111", card_code: "321", api_password: "hunter2" },
      NOW_S + 60,
    );
    expect(done.status).toBe("completed");
    const got = await get(sb, `/secure_forms/${form.secure_form_id}`);
    expect(got).toMatchObject({
      status: "completed",
      completed_date_unix: NOW_S + 60,
      card: { first_6: "411111", last_4: "1111" },
      fields_completed: ["card_number", "card_code", "api_password"],
    });
    const text = JSON.stringify(got);
    for (const secret of ["4111111111111111", "4111 1111", "hunter2"]) expect(text).not.toContain(secret);
    // The card code as a value, not as digits anywhere: the form URL carries a random port and token.
    expect(text).not.toMatch(/"321"|:321[,}]/);
    expect(() => sb.submitSecureForm(form.form_url, { x: "y" })).toThrow();
  });

  it("expire an hour after creation by the sandbox clock, and then refuse submission", async () => {
    const form = await create();
    clock = FIXED_NOW + (SECURE_FORM_LIFETIME_SECONDS - 1) * 1000;
    expect((await get(sb, `/secure_forms/${form.secure_form_id}`)).status).toBe("pending");
    clock = FIXED_NOW + SECURE_FORM_LIFETIME_SECONDS * 1000;
    try {
      const expired = await get(sb, `/secure_forms/${form.secure_form_id}`);
      expect(expired.status).toBe("expired");
      expect(expired).not.toHaveProperty("fields_completed");
      expect(() =>
        sb.submitSecureForm(form.form_url, { card_number: "4242424242424242" }, NOW_S + SECURE_FORM_LIFETIME_SECONDS),
      ).toThrow(/expired/);
      // A form created now lives its own hour.
      const later = await create();
      expect(
        sb.submitSecureForm(later.form_url, { username: "u" }, NOW_S + SECURE_FORM_LIFETIME_SECONDS + 1).status,
      ).toBe("completed");
    } finally {
      clock = FIXED_NOW;
    }
    expect(() => sb.submitSecureForm("http://127.0.0.1/secure_forms/x/not-a-token", {})).toThrow();
  });

  it("cannot be filled knowing only the form's id: the URL's token must match", async () => {
    const form = await create();
    const guessed = form.form_url.replace(/[^/]+$/, "00000000-0000-4000-8000-000000000000");
    expect(() => sb.submitSecureForm(guessed, { username: "u" })).toThrow(/no secure form/);
    expect((await get(sb, `/secure_forms/${form.secure_form_id}`)).status).toBe("pending");
  });
});
