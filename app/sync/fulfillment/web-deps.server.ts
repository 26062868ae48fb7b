import { prisma } from "../../db.server";
import type { FlowDeps } from "./ports";

let deps: Promise<FlowDeps> | null = null;

/**
 * The web process's deps for the carrier and dispatch pages: the same production wiring as the
 * worker (gateway per connection, shared request budget), built once per process.
 */
export function webFlowDeps(): Promise<FlowDeps> {
  deps ??= import("./flow-runtime.server").then((m) => m.productionFlowDeps(prisma));
  return deps;
}
