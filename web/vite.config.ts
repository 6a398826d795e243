// The strategy's assets.bundling row: one entry per page, the vendors in chunks of their own,
// minified and tree-shaken, every name content-hashed under assets/ so the gateway can serve them
// as immutable for a year. scripts/compress.mjs then writes the .br/.gz twins and the manifest.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

// A vendor's chunk changes only when its version does, so a release of our code leaves it cached.
// What the pages share of our own code is one chunk too, named for what it is.
function chunkOf(id: string): string | undefined {
  if (id.includes('/node_modules/preact/')) return 'preact';
  if (id.includes('/node_modules/uplot/')) return 'uplot';
  if (id.includes('/src/shared/')) return 'shared';
  return undefined;
}

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    minify: 'esbuild',
    cssMinify: true,
    sourcemap: false,
    // Never inline a file as a data: URL: the pages run under `default-src 'self'`.
    assetsInlineLimit: 0,
    // Browsers the target covers preload modules themselves; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    // compress.mjs measures the real sizes and writes them to the manifest.
    reportCompressedSize: false,
    rollupOptions: {
      input: { app: here('./index.html'), ops: here('./ops.html') },
      output: {
        manualChunks: chunkOf,
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
