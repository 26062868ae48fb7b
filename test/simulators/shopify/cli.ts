/**
 * `npm run sim:shopify [-- --seed] [--webhook-url http://127.0.0.1:3000] [--secret ...]`
 * Port from SHOPIFY_SIM_PORT (default: random). `--seed` creates a demo shop and prints its token.
 */
import { parseArgs } from "node:util";
import { startShopifySimulator } from "./server";

const { values } = parseArgs({
  options: {
    seed: { type: "boolean", default: false },
    "webhook-url": { type: "string" },
    secret: { type: "string" },
    shop: { type: "string", default: "jl-demo.myshopify.com" },
    variants: { type: "string", default: "50" },
  },
});

const port = Number(process.env.SHOPIFY_SIM_PORT ?? 0);
const sim = await startShopifySimulator({
  port: Number.isInteger(port) ? port : 0,
  webhookUrl: values["webhook-url"],
  apiSecret: values.secret ?? process.env.SHOPIFY_API_SECRET,
});

console.log(`Shopify Admin simulator on ${sim.url}`);
console.log(`  GraphQL:  ${sim.graphqlUrl("<shop>")}`);
console.log(`  Control:  POST ${sim.url}/__control/<method>  (JSON array of arguments)`);
console.log(`  Webhooks: ${values["webhook-url"] ? `${values["webhook-url"]}/webhooks/<topic>` : "disabled (pass --webhook-url)"}`);

if (values.seed) {
  const shop = sim.control.seedShop({
    domain: values.shop,
    name: "JL Demo Store",
    locations: ["Warehouse", "Shop floor"],
    generate: { variants: Number(values.variants), skuPrefix: "JL-", stockPerLocation: 12, price: "24.00" },
  });
  console.log(`Seeded ${shop.domain}: ${shop.variants.length} variants at ${shop.locations.map((l) => l.name).join(", ")}`);
  console.log(`  Endpoint:     ${sim.graphqlUrl(shop.domain)}`);
  console.log(`  Access token: ${shop.accessToken}`);
}

const stop = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
