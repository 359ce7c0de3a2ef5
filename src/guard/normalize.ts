// Verification factors compared the way a person means them: case, spaces, ZIP+4, email +tags and
// phone punctuation do not make two values different.

export type Factor = "zip" | "email" | "phone" | "last4";

export function normalizeFactor(factor: Factor, value: string): string {
  switch (factor) {
    case "email":
      return normalizeEmail(value);
    case "zip":
      return normalizeZip(value);
    case "phone":
      return normalizePhone(value);
    case "last4":
      return value.replace(/\D/g, "").slice(-4);
  }
}

/** Lower case, trimmed, without a +tag in the local part: Jane+shop@Example.com = jane@example.com. */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf("@");
  if (at < 0) return email;
  return email.slice(0, at).replace(/\+.*$/, "") + email.slice(at);
}

/** Upper case, no spaces or dashes; a US ZIP+4 counts as its five-digit ZIP. */
export function normalizeZip(value: string): string {
  const compact = value.trim().toUpperCase().replace(/[\s-]/g, "");
  return /^\d{9}$/.test(compact) ? compact.slice(0, 5) : compact;
}

/** Digits only, without a leading North American country code. */
export function normalizePhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  return digits.length === 11 && digits.startsWith("1") ? digits.slice(1) : digits;
}
