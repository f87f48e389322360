import { defineConfig } from "vite";

// The app is served by the gateway at /console/: relative asset URLs, hashed names (cached for a year by the
// server), one bundle, no source maps (they would double the distribution's share). Maven passes the output folder.
// `npx vite` serves the app with live reload and passes its API calls to a running server (STOA_URL).
const server = process.env.STOA_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "./",
  server: { host: "127.0.0.1", proxy: { "/v1": server, "/health": server, "/metrics": server } },
  build: {
    outDir: process.env.CONSOLE_OUT ?? "../target/console-web/console",
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: "es2022",
  },
});
