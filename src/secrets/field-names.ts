// Field names that carry secrets, whatever a spec or an answer says about them: refused as tool
// arguments, removed from tool schemas, and withheld from results.

const CARD_FIELD = /(card_?number|card_?code|^cvv|^cvc|security_?code|^ccnum|^pan$)/i;
const CREDENTIAL_FIELD = /(password|passwd|secret|api_?key|apikey|token$|private_?key)/i;

/** Field names that carry credentials or card data. */
export function isSecretName(name: string): boolean {
  return CREDENTIAL_FIELD.test(name) || CARD_FIELD.test(name);
}

/** Card data fields: secret, except in PCI-scoped deployments (--allow-card-data). */
export function isCardFieldName(name: string): boolean {
  return CARD_FIELD.test(name);
}
