// Request fields that name other items: `campaign` (id or name) and `customer_id`.
import { nestedCustomer } from "./shapes.js";
import type { Store } from "./store.js";

export interface CampaignRef {
  campaign_id?: string;
  campaign_name?: string;
}

/** A campaign given by id or name, as campaign_id/campaign_name (unknown refs kept as given). */
export function campaignOf(store: Store, ref: unknown): CampaignRef {
  if (typeof ref !== "string") return {};
  const campaigns = store.collection("campaigns");
  const campaign = campaigns.get(ref) ?? campaigns.find((c) => c.name === ref);
  if (campaign) return { campaign_id: campaign.id, campaign_name: String(campaign.name) };
  return /^[A-Za-z0-9]{20}$/.test(ref) ? { campaign_id: ref } : { campaign_name: ref };
}

/** `campaign` -> campaign_id/campaign_name; `customer_id` -> nested customer. */
export function linkRelations(store: Store, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  if (typeof body.campaign === "string") {
    delete out.campaign;
    Object.assign(out, campaignOf(store, body.campaign));
  }
  if (typeof body.customer_id === "string") {
    const customer = store.collection("customers").get(body.customer_id);
    if (customer) out.customer = nestedCustomer(customer);
  }
  return out;
}
