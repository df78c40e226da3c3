import assert from "node:assert/strict";
import { test } from "node:test";
import { createEventHub } from "../../src/ui/_events.ts";

test("the event hub: hello at once, events to every stream, a heartbeat when quiet, closed on close", async () => {
  const hub = createEventHub(50);
  const size = (): number => hub.size;
  const a = hub.open().pipeThrough(new TextDecoderStream()).getReader();
  const b = hub.open().pipeThrough(new TextDecoderStream()).getReader();
  assert.equal(hub.size, 2);
  const hello = "retry: 1000\nevent: hello\ndata: {}\n\n";
  assert.equal((await a.read()).value, hello);
  assert.equal((await b.read()).value, hello);
  hub.send("change", { keys: ["db.port"] });
  const change = 'event: change\ndata: {"keys":["db.port"]}\n\n';
  assert.equal((await a.read()).value, change);
  assert.equal((await b.read()).value, change);
  // Nothing sent for a while: the heartbeat comment keeps the stream alive.
  assert.equal((await a.read()).value, ": heartbeat\n\n");
  await b.cancel();
  // The cancel reaches the hub's stream through the pipe, on a later tick under Deno.
  for (const until = Date.now() + 5_000; size() !== 1 && Date.now() < until;) {
    await new Promise((done) => setTimeout(done, 5));
  }
  assert.equal(size(), 1);
  hub.close();
  assert.equal(size(), 0);
  let rest = "";
  for (let r = await a.read(); !r.done; r = await a.read()) rest += r.value;
  assert.match(rest, /^(: heartbeat\n\n)*$/);
});
