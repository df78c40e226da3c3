// Loaded before every JSDoc example that `deno test --doc` runs (scripts/test-all.sh):
// the examples check their claims with console.assert, which only prints on a false
// condition; here a false condition throws, so a wrong example fails its test.
const print = console.assert.bind(console);
console.assert = (condition?: boolean, ...data: unknown[]): void => {
  if (condition) return;
  print(condition, ...data);
  throw new Error(`assertion failed${data.length > 0 ? `: ${data.join(" ")}` : ""}`);
};
