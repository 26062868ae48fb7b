import { z } from "zod";
import { seedExampleData } from "./example-data";
import { startVirtualstockSimulator } from "./server";

/**
 * `npm run sim:virtualstock [-- --seed]`: a Virtualstock simulator in its own process, on
 * VS_SIM_PORT or a random port. Drive it over HTTP with /__control/* (see README.md).
 */
const Env = z.object({
  VS_SIM_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  VS_SIM_USERNAME: z.string().min(1).optional(),
  VS_SIM_PASSWORD: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const env = Env.parse(process.env);
  const seed = process.argv.includes("--seed");
  const sim = await startVirtualstockSimulator({
    port: env.VS_SIM_PORT ?? 0,
    username: env.VS_SIM_USERNAME,
    password: env.VS_SIM_PASSWORD,
  });
  const username = env.VS_SIM_USERNAME ?? "supplier";
  const password = env.VS_SIM_PASSWORD ?? "secret";
  console.log(`Virtualstock simulator listening on ${sim.url}`);
  console.log(`  credentials: username=${username} password=${password}`);
  console.log(`  token:       POST ${sim.url}/restapi/v4/token`);
  console.log(`  control:     POST ${sim.url}/__control/<endpoint> (see test/simulators/virtualstock/README.md)`);
  if (seed) {
    const orders = seedExampleData(sim.control);
    console.log(`  seeded 5 products and ${orders.length} orders: ${orders.map((o) => `${o.orderReference} (${o.url})`).join(", ")}`);
  }
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
