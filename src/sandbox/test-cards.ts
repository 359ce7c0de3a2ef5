// Card numbers with a fixed outcome in the sandbox, like a gateway's test cards. Only the number in
// the raw request decides; stored cards keep first 6 / last 4 digits, from which the outcome can be
// told again (each test card has a distinct pair), so a pending sale or a renewal on a stored test
// card fails the same way.

export const TEST_CARDS = {
  /** Approves (any other Luhn-valid number approves too). */
  approved: "4242424242424242",
  /** 402, code 2: declined, "Insufficient funds". */
  declined: "4000000000000002",
  /** 402, code 3: gateway error. */
  gatewayError: "4000000000000119",
  /** 402, code 4: held by the gateway. */
  held: "4000000000000259",
  /** 402, code 5: fraud detected (so is any card with FRAUD_EMAIL). */
  fraud: "4100000000000019",
} as const;

/** Any sale with this customer email is treated as fraud. */
export const FRAUD_EMAIL = "fraud@example.com";

export type CardOutcome = "approved" | "declined" | "gateway_error" | "held" | "fraud";

const BY_NUMBER: Record<string, CardOutcome> = {
  [TEST_CARDS.declined]: "declined",
  [TEST_CARDS.gatewayError]: "gateway_error",
  [TEST_CARDS.held]: "held",
  [TEST_CARDS.fraud]: "fraud",
};

export function digitsOf(number: string): string {
  return number.replace(/\D/g, "");
}

export function luhnValid(number: string): boolean {
  const digits = digitsOf(number);
  if (digits.length < 12 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The outcome of charging a full card number. */
export function outcomeOfNumber(number: string): CardOutcome {
  return BY_NUMBER[digitsOf(number)] ?? "approved";
}

/** The outcome of charging a stored card, known by its first 6 and last 4 digits. */
export function outcomeOfStored(first6: unknown, last4: unknown): CardOutcome {
  for (const [number, outcome] of Object.entries(BY_NUMBER)) {
    if (number.slice(0, 6) === first6 && number.slice(-4) === last4) return outcome;
  }
  return "approved";
}
