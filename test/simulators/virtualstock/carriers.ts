/**
 * The carrier list served by GET /restapi/v4/order-tracking-carriers/. The live list is the whole
 * platform's (AfterShip-style slugs) and JL's subset is not public; this one has the UK carriers a
 * JL supplier is likely to use plus a few others, so a mapping table can be exercised both ways.
 * Ids are arbitrary but stable.
 */
export const CARRIERS: readonly { id: number; slug: string; name: string }[] = [
  { id: 144, slug: "2go", name: "2GO" },
  { id: 30, slug: "4px", name: "4PX" },
  { id: 301, slug: "royal-mail", name: "Royal Mail" },
  { id: 302, slug: "parcelforce", name: "Parcelforce Worldwide" },
  { id: 303, slug: "dpd-uk", name: "DPD UK" },
  { id: 304, slug: "dpd", name: "DPD" },
  { id: 305, slug: "yodel", name: "Yodel" },
  { id: 306, slug: "evri", name: "Evri" },
  { id: 307, slug: "hermes-uk", name: "Hermes UK" },
  { id: 308, slug: "dhl", name: "DHL Express" },
  { id: 309, slug: "dhl-parcel-uk", name: "DHL Parcel UK" },
  { id: 310, slug: "ups", name: "UPS" },
  { id: 311, slug: "fedex", name: "FedEx" },
  { id: 312, slug: "tnt-uk", name: "TNT UK" },
  { id: 313, slug: "arrowxl", name: "ArrowXL" },
  { id: 314, slug: "panther", name: "Panther Logistics" },
  { id: 315, slug: "dx", name: "DX" },
  { id: 316, slug: "collectplus", name: "CollectPlus" },
  { id: 317, slug: "amazon-shipping-uk", name: "Amazon Shipping UK" },
  { id: 318, slug: "australia-post", name: "Australia Post" },
];

export const CARRIER_SLUGS: ReadonlySet<string> = new Set(CARRIERS.map((c) => c.slug));
