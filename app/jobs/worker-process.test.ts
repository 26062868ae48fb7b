import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WORKER_NODE_FLAGS, workerNodeArgs } from "./worker-process";

describe("worker process flags", () => {
  it("npm's worker scripts start the worker with the same Node flags as the demo and the benchmark", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    const expected = `node ${workerNodeArgs().join(" ")}`;
    expect(scripts.worker).toBe(expected);
    expect(scripts["dev:web"]).toContain(expected);
    expect(WORKER_NODE_FLAGS.length).toBeGreaterThan(0);
  });
});
