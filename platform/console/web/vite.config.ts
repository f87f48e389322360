import { defineConfig } from "vite";

// The app is served by the gateway at /console/: relative asset URLs, hashed names (cached for a year by the
// server), one bundle, no source maps (they would double the distribution's share). Maven passes the output folder.
export default defineConfig({
  base: "./",
  build: {
    outDir: process.env.CONSOLE_OUT ?? "../target/console-web/console",
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: "es2022",
  },
});
