import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = process.env.DOCSORT_API_URL ?? 'http://localhost:8080';

/**
 * The dashboard: built into dist/web, which the server serves at `/`. `npm run dev:web` serves it with
 * hot reload and forwards API calls to a running server (DOCSORT_API_URL, default localhost:8080).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // pdf.js is loaded on demand only on run pages of PDFs; the main bundle stays small.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: Object.fromEntries(
      [
        '/classifiers',
        '/classify',
        '/classify_runs',
        '/batch_runs',
        '/files',
        '/parse_runs',
        '/parse',
        '/evaluation_sets',
        '/evaluation_set_runs',
        '/webhook_endpoints',
        '/webhook_deliveries',
        '/webhook_subscriptions',
        '/health',
      ].map((prefix) => [
        prefix,
        {
          target: apiTarget,
          // A browser navigation to /classifiers is the app's page, not the API's list.
          bypass: (req: { headers: { accept?: string } }) =>
            req.headers.accept?.includes('text/html') ? '/index.html' : undefined,
        },
      ]),
    ),
  },
});
