// After `vite build`: writes a .br (brotli quality 11) and a .gz (gzip level 9) beside every text
// asset in dist/, so the gateway serves precompressed bytes and never compresses at request time,
// and dist/manifest.json: every file with its raw, gzip and brotli sizes and the pages that load it,
// and each page's first load (the HTML and everything it loads, as the browser fetches it).
// Only Node's own zlib is used: the build needs nothing beyond npm's packages.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const TEXT = /\.(js|mjs|css|html|svg|json|txt|xml|webmanifest)$/;
const COMPRESSED = /\.(br|gz)$/;
const MANIFEST = 'manifest.json';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

const name = (path) => relative(dist, path).split(sep).join('/');

function compress(path) {
  const bytes = readFileSync(path);
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gz);
  return { raw: bytes.length, gzip: gz.length, brotli: br.length };
}

// What a file makes the browser fetch next: an HTML page's scripts, style sheets, preloads and
// icons; a module's static imports; a style sheet's url()s. Dynamic import() is not a first load.
function references(file) {
  const text = readFileSync(join(dist, file), 'utf8');
  const found = [];
  if (file.endsWith('.html')) {
    for (const m of text.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)) found.push(m[1]);
  } else if (file.endsWith('.js')) {
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+)"/g)) found.push(m[1]);
  } else if (file.endsWith('.css')) {
    for (const m of text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
      if (!m[1].startsWith('data:')) found.push(m[1]);
    }
  }
  const base = posix.dirname(file);
  return found.map((ref) => (ref.startsWith('/') ? ref.slice(1) : posix.normalize(posix.join(base, ref))));
}

function firstLoad(page) {
  const seen = new Set();
  const queue = [page];
  while (queue.length > 0) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    try {
      statSync(join(dist, file));
    } catch {
      throw new Error(`${file} is referenced (from ${page}'s load) but not in dist/`);
    }
    queue.push(...references(file));
  }
  return [...seen].sort();
}

const originals = walk(dist).map(name).filter((f) => !COMPRESSED.test(f) && f !== MANIFEST).sort();
const files = {};
for (const file of originals) {
  const path = join(dist, file);
  files[file] = TEXT.test(file) ? compress(path) : { raw: statSync(path).size, gzip: null, brotli: null };
  files[file].pages = [];
}

const pages = {};
for (const page of originals.filter((f) => !f.includes('/') && f.endsWith('.html'))) {
  const loads = firstLoad(page);
  const sum = (key) => loads.reduce((total, f) => total + (files[f][key] ?? files[f].raw), 0);
  loads.forEach((f) => files[f].pages.push(page));
  pages[page] = { files: loads, raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
}

writeFileSync(join(dist, MANIFEST), `${JSON.stringify({ files, pages }, null, 2)}\n`);
compress(join(dist, MANIFEST));

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const [file, f] of Object.entries(files)) {
  console.log(`${file.padEnd(34)} ${String(f.raw).padStart(7)} raw ${String(f.gzip ?? '-').padStart(7)} gz ${String(f.brotli ?? '-').padStart(7)} br  ${f.pages.join(' ')}`);
}
for (const [page, p] of Object.entries(pages)) {
  console.log(`first load of ${page}: ${p.files.length} files, ${kib(p.raw)} raw, ${kib(p.gzip)} gzip, ${kib(p.brotli)} brotli`);
}
