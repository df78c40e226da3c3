/**
 * The sealed-value test vectors, read from PROTOCOL.md ("Test vectors" of
 * "Sealed values"), so the page and the tests cannot drift apart.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";

/** One vector: every `name: value` line of its block. */
export interface Vector {
  identity: string;
  recipient: string;
  ephemeral: string;
  "ephemeral public": string;
  "shared secret": string;
  "aes key": string;
  nonce: string;
  app: string;
  layer: string;
  key: string;
  aad: string;
  plaintext: string;
  sealed: string;
}

const FIELDS = [
  "identity",
  "recipient",
  "ephemeral",
  "ephemeral public",
  "shared secret",
  "aes key",
  "nonce",
  "app",
  "layer",
  "key",
  "aad",
  "plaintext",
  "sealed",
];

/** The vectors of PROTOCOL.md, in order. */
export function readVectors(): Vector[] {
  const page = fs.readFileSync(
    path.resolve(import.meta.dirname!, "../../PROTOCOL.md"),
    "utf8",
  );
  const section = page.slice(page.indexOf("### 13.7 Test vectors"));
  const vectors: Vector[] = [];
  for (const block of section.matchAll(/```text\n([\s\S]*?)```/g)) {
    const fields: Record<string, string> = {};
    for (const line of block[1].split("\n")) {
      const m = /^([a-z ]+):\s+(.*)$/.exec(line);
      if (m) fields[m[1]] = m[2];
    }
    if (Object.keys(fields).sort().join() !== [...FIELDS].sort().join()) {
      throw new Error(`a test vector of PROTOCOL.md lacks a line: ${JSON.stringify(fields)}`);
    }
    vectors.push(fields as unknown as Vector);
  }
  return vectors;
}

/** Bytes of lower-case hex. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
