import { z } from "zod";

/**
 * Zod schemas for what Virtualstock sends us: only the fields we use, lenient where the documented
 * samples show nulls, strict where a wrong value would corrupt data (money, quantities, ids).
 * Unknown fields are ignored, as Virtualstock's breaking-change policy says they may appear.
 */

const text = z.string().nullish();
/** Decimal strings ("30.90"); some tenants send JSON numbers, which we accept and re-read as text. */
const decimal = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

export const TokenResponse = z.object({ access: z.string().min(1), refresh: z.string().min(1) });
/** The refresh answer: `access` per the collection's sample, `access_token` per its Python sample. */
export const RefreshResponse = z
  .object({ access: z.string().min(1).optional(), access_token: z.string().min(1).optional() })
  .transform((v, ctx) => {
    const token = v.access ?? v.access_token;
    if (!token) {
      ctx.addIssue({ code: "custom", message: "no access token in the refresh answer" });
      return z.NEVER;
    }
    return token;
  });

/** DRF limit/offset page. */
export const drfPage = <T extends z.ZodType>(item: T) =>
  z.object({
    count: z.number().int().nonnegative().nullish(),
    next: z.string().nullish(),
    previous: z.string().nullish(),
    results: z.array(item),
  });

export const VsAddress = z.object({
  full_name: text,
  company: text,
  line_1: text,
  line_2: text,
  line_3: text,
  city: text,
  state: text,
  postal_code: text,
  country: text,
  phone: text,
  email: text,
});

export const VsOrderItem = z.object({
  url: text,
  part_number: z.string().min(1),
  retailer_sku_reference: text,
  supplier_sku_reference: text,
  retailer_additional_reference: text,
  line_reference: z.union([z.string().min(1), z.number().int()]).transform(String),
  quantity: z.number().int().nonnegative(),
  name: text,
  description: text,
  status: z.string().min(1),
  unit_cost_price: decimal,
  subtotal: decimal,
  tax: decimal,
  tax_rate: decimal,
  total: decimal,
  promised_date: text,
  /** Not in the public samples; read when a tenant sends the quantity asked to be cancelled. */
  cancel_quantity: z.number().int().nonnegative().nullish(),
});

export const VsOrder = z.object({
  url: z.string().min(1),
  order_reference: z.string().min(1),
  order_date: z.string().min(1),
  status: z.string().min(1),
  comment: text,
  test_flag: z.boolean().nullish(),
  items: z.array(VsOrderItem),
  currency_code: text,
  shipping_address: VsAddress.nullish(),
  delivery_service_code: text,
});
export type VsOrder = z.infer<typeof VsOrder>;
export type VsOrderItem = z.infer<typeof VsOrderItem>;

export const VsOrderPage = drfPage(VsOrder);

export const VsRetailer = z.object({ id: z.union([z.number(), z.string()]).nullish(), name: z.string() });
export const VsRetailerPage = drfPage(VsRetailer);

export const VsCarrier = z.object({ slug: z.string().min(1), name: z.string().nullish() });
/** The collection shows a bare array; a DRF page is accepted too. */
export const VsCarrierList = z.union([z.array(VsCarrier), drfPage(VsCarrier).transform((p) => p.results)]);

/** Products: `data` follows the retailer's model, so every stock field is optional. */
export const VsProduct = z.object({
  url: z.string().min(1),
  id: z.union([z.number(), z.string()]).nullish(),
  part_number: z.union([z.string().min(1), z.number()]).transform(String),
  retailer_sku_reference: text,
  supplier_sku_reference: text,
  data: z
    .object({
      supplier_free_stock: z.union([z.number(), z.string()]).nullish(),
      free_stock: z.union([z.number(), z.string()]).nullish(),
      stock_updated_at: text,
      tradedCode: text,
      name: text,
      title: text,
    })
    .nullish(),
  name: text,
});
export type VsProduct = z.infer<typeof VsProduct>;
export const VsProductPage = drfPage(VsProduct);

/** Invoices as read back from `GET /api/v4/invoices/` (the create body's fields, plus state). */
export const VsInvoiceLine = z.object({
  order_line_reference: z.union([z.string(), z.number()]).nullish().transform((v) => (v == null ? null : String(v))),
  part_number: text,
  retailer_sku: text,
  supplier_sku: text,
  description: text,
  quantity: z.number().int().nullish(),
  unit_price: decimal,
  subtotal: decimal,
  tax: decimal,
  tax_rate: decimal,
});
export const VsInvoice = z.object({
  url: text,
  id: z.union([z.number(), z.string()]).nullish(),
  invoice_number: z.string().min(1),
  invoice_date: z.string().min(1),
  retailer_order_reference: text,
  order: text,
  currency_code: text,
  status: text,
  payment_reference: text,
  paid_on: text,
  lines: z.array(VsInvoiceLine),
});
export type VsInvoice = z.infer<typeof VsInvoice>;
export const VsInvoicePage = drfPage(VsInvoice);
