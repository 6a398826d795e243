// Kept on purpose: the build's test (web/src/test/.../BundleTest) proves tree-shaking with this
// module. The trader app imports `keptMarker` only; `shakenMarker` is exported but no page uses
// it, so its string must not appear in any bundle. Do not use `shakenMarker` anywhere.

/** Used by the trader app's footer, so this string must be in the bundle. */
export function keptMarker(): string {
  return 'nlt-tree-shaking-kept';
}

/** Exported and never imported: the bundler must drop it. */
export function shakenMarker(): string {
  return 'nlt-tree-shaking-dropped';
}
