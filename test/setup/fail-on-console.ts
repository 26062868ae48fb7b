import { afterEach, beforeEach, vi } from "vitest";

/**
 * Any unexpected console.error fails the test that caused it. A test that expects one replaces
 * console.error with its own spy (vi.spyOn(console, "error").mockImplementation(...)).
 */
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  const seen = errors;
  errors = [];
  vi.restoreAllMocks();
  if (seen.length > 0) {
    throw new Error(
      `Unexpected console.error:\n${seen.map((a) => a.map(String).join(" ")).join("\n")}`,
    );
  }
});
