// Vite build of the operator GUI. `base: './'` makes every asset URL relative, so the same
// build loads from file:// in the Electron window and from /dashboard/ in a browser.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The dev server injects <style> tags for hot reload; relax style-src there only, never in a build. */
const devCsp: Plugin = {
  name: 'relay-hub-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), devCsp],
  build: {
    outDir: '../dist/renderer', // relative to root
    emptyOutDir: true,
    target: 'chrome120',
    // Inline nothing: the CSP allows scripts, styles and images from 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', strictPort: false },
});
