// A program that uses the library the way an application would, run as a
// child process under Bun or Deno by mod_test.ts. The environment (HOME,
// XDG_*) points at the test's temp folders.
//   _child.ts get KEY           prints JSON of the value
//   _child.ts set KEY VALUE     sets a person's text, prints JSON of the result
//   _child.ts watch KEY         prints the value, waits for a line on stdin, prints it again
import { openConfig, StrataError } from "../../src/mod.ts";

const [command, key, value] = process.argv.slice(2);
const config = openConfig({ app: "libtest", program: `libtest-${command}` });
const show = (v: unknown) =>
  console.log(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x)));

try {
  if (command === "get") {
    show(config.get(key));
  } else if (command === "set") {
    show(await config.set(key, value, { raw: true }));
  } else if (command === "watch") {
    show(config.get(key));
    for await (const _chunk of process.stdin) break;
    show(config.get(key));
    show(config.resolve(key)?.origin);
  }
} catch (e) {
  if (!(e instanceof StrataError)) throw e;
  console.error(e.message);
  process.exit(e.exitCode);
}
process.exit(0);
