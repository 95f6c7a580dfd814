import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The API is served by Flask on the same origin; `npm run dev` proxies to it.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": "http://127.0.0.1:5000" } },
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, manifest: true, chunkSizeWarningLimit: 1500 },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
