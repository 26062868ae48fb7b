/**
 * `npm run bench`: every benchmark, one after the other, each in its own process (they start their
 * own database and simulators). Flags are passed through.
 */
import { spawnSync } from "node:child_process";

const benches = ["test/bench/stock.ts", "test/bench/orders.ts"];
let failed = false;
for (const bench of benches) {
  const result = spawnSync(process.execPath, ["--import", "tsx", bench, ...process.argv.slice(2)], { stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
