/**
 * Declaration files as the npm package ships them: the sources import
 * `./x.ts`, which Node-style resolution of a `.d.ts` does not map to
 * `./x.d.ts`; `./x.js` it does, under every `moduleResolution`.
 *
 * @module
 */

/**
 * `text` with every relative module specifier ending in `.ts` (in `from`,
 * `import()` and `export ... from`) ending in `.js` instead.
 *
 * @example
 * ```ts
 * import { rewriteTsSpecifiers } from "./_package_types.ts";
 * const out = rewriteTsSpecifiers('export { a } from "./a.ts";\ntype B = import("../b.ts").B;');
 * console.assert(out === 'export { a } from "./a.js";\ntype B = import("../b.js").B;');
 * ```
 */
export function rewriteTsSpecifiers(text: string): string {
  return text.replace(
    /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.ts\2/g,
    (_m, head: string, quote: string, path: string) => `${head}${quote}${path}.js${quote}`,
  );
}
