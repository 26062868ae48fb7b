/**
 * How a worker process is started: `npm run worker`, `npm run demo` and the benchmark all run
 * `node <WORKER_NODE_FLAGS> --import tsx scripts/worker.ts` (a test keeps package.json in step).
 *
 * `--optimize-for-size`: a worker's pace is set by the marketplace's request budget, not by CPU,
 * while a reconciliation streams tens of thousands of products through it. Left to its defaults,
 * V8 let the heap grow to about 180 MB of mostly garbage (the live heap was about 50 MB) and the
 * worker peaked at 283-317 MB over a 50,000-SKU reconciliation; with this flag it peaked at 172 MB
 * in the same time (npm run bench:stock -- --only=recon).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ["--optimize-for-size"];

/** The arguments after `node` that start a worker process. */
export function workerNodeArgs(script = "scripts/worker.ts"): string[] {
  return [...WORKER_NODE_FLAGS, "--import", "tsx", script];
}
