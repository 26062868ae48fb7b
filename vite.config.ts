import { vitePlugin as remix } from "@remix-run/dev";
import { installGlobals } from "@remix-run/node";
import { defineConfig, type HmrOptions, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// Build tooling, not app code: it reads process.env directly because it runs before (and outside)
// app/env.server.ts, and it must accept whatever the Shopify CLI passes.
installGlobals({ nativeFetch: true });

// The Shopify CLI still passes the tunnel URL as HOST, which the Remix dev server would treat as the
// interface to bind. Move it to SHOPIFY_APP_URL, where the app reads its own URL.
if (
  process.env.HOST &&
  (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)
) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}

const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;

// Locally (demo, plain `vite:dev`) HMR uses its own websocket port. Behind the CLI's HTTPS tunnel the
// browser reaches HMR through the tunnel on 443 while Vite listens on the CLI's FRONTEND_PORT.
const hmr: HmrOptions =
  host === "localhost" || host === "127.0.0.1"
    ? { protocol: "ws", host, port: 64999, clientPort: 64999 }
    : {
        protocol: "wss",
        host,
        port: Number.parseInt(process.env.FRONTEND_PORT ?? "", 10) || 8002,
        clientPort: 443,
      };

export default defineConfig({
  server: {
    allowedHosts: [host],
    // The admin iframe sends CORS preflights; let Remix answer them rather than Vite.
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      // Tests live beside the code they test; they are not routes.
      ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx", "**/*.spec.ts"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
      },
    }),
    tsconfigPaths(),
  ],
  build: {
    // App Bridge and the admin's CSP work best with real asset files rather than data: URLs.
    assetsInlineLimit: 0,
  },
  optimizeDeps: {
    include: ["@shopify/app-bridge-react", "@shopify/polaris"],
  },
}) satisfies UserConfig;
