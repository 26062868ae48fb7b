import type { SeededOrder, VirtualstockControl } from "./control";

/**
 * A small example catalogue and two orders, for the CLI's --seed and for demos: one new order
 * waiting for acknowledgement and one the retailer has asked to cancel a line of.
 */
export function seedExampleData(control: Pick<VirtualstockControl, "seedProducts" | "seedOrder" | "requestCancellation">): SeededOrder[] {
  control.seedProducts([
    { partNumber: "66682708", name: "Linen Duvet Cover, King, Natural", retailerSku: "6254354307031", tradedCode: "5060000000017", stock: 12 },
    { partNumber: "66682709", name: "Linen Pillowcase Pair, Natural", retailerSku: "6254354307048", tradedCode: "5060000000024", stock: 30 },
    { partNumber: "81234567", name: "Ceramic Table Lamp, Sage", retailerSku: "6254354307055", tradedCode: "5060000000031", stock: 4 },
    { partNumber: "81234568", name: "Wool Throw, Charcoal", retailerSku: "6254354307062", tradedCode: "5060000000048", stock: 0 },
    { partNumber: "81234569", name: "Oak Serving Board", retailerSku: "6254354307079", tradedCode: "5060000000055", stock: 7, publishingForMs: 5 * 60_000 },
  ]);
  const first = control.seedOrder({
    orderReference: "JL40000101",
    lines: [
      { partNumber: "66682708", quantity: 1, unitCostPrice: "54.00" },
      { partNumber: "66682709", quantity: 2, unitCostPrice: "12.50" },
    ],
    shippingAddress: { full_name: "Sam Carter", line_1: "12 Orchard Road", city: "Reading", postal_code: "RG1 2AB", phone: "+44 118 496 0000" },
    deliveryServiceCode: "standard",
  });
  const second = control.seedOrder({
    orderReference: "JL40000102",
    lines: [
      { partNumber: "81234567", quantity: 1, unitCostPrice: "38.00" },
      { partNumber: "81234569", quantity: 1, unitCostPrice: "16.00" },
    ],
    shippingAddress: { full_name: "Order placed Branch", line_1: "John Lewis Oxford Street", city: "London", postal_code: "W1C 1DX" },
  });
  control.requestCancellation(second.id, [{ lineReference: "2", reasonCode: 126 }]);
  return [first, second];
}
