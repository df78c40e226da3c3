// A long-lived writer for the 8-process journal/backup test: opens the
// configuration once and sets `writers.w<N>` to 1, 2, ..., COUNT through
// the library (each set is a full protocol write). Args: N COUNT.
import { openConfig } from "../../src/config/config.ts";

const [who, count] = process.argv.slice(2).map(Number);
const config = openConfig({ app: "demo", program: `writer-${who}` });
for (let i = 1; i <= count; i++) {
  await config.set(`writers.w${who}`, i);
}
