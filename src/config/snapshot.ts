/**
 * Assembling a snapshot: every source's layer of one moment, top first.
 * Sources are read on demand and once each, so a source that depends on
 * others (the environment on the keys below it, the schema's defaults on the
 * defaults file beside which the schema is found) reads them through its
 * {@link SourceContext}, whatever the order of the list.
 *
 * @module
 */

import type { LayerSource, SourceContext } from "../layers/source.ts";
import type { Layer, LayerInfo, Snapshot } from "../layers/types.ts";
import type { FileFormat } from "../platform/paths.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";

/** Reads `sources` (top first) into a snapshot; `schema` finds the schema given the snapshot's layers. */
export function assembleSnapshot(
  sources: readonly LayerSource[],
  schema: (layerOf: SourceContext["layer"]) => LoadedSchema | undefined,
): Snapshot {
  const read = new Map<number, Layer | undefined>();
  const reading = new Set<number>();
  const at = (i: number): Layer | undefined => {
    if (read.has(i)) return read.get(i);
    if (reading.has(i)) throw new Error(`the ${sources[i].name} layer depends on itself`);
    reading.add(i);
    const layer = sources[i].read(contextOf(i));
    reading.delete(i);
    read.set(i, layer);
    return layer;
  };
  const layerOf = (name: string) => {
    for (let i = 0; i < sources.length; i++) if (sources[i].name === name) return at(i);
    return undefined;
  };
  let loaded: { schema?: LoadedSchema } | undefined;
  const schemaOnce = () => (loaded ??= { schema: schema(layerOf) }).schema;
  // Plain loops, not flatMap: this runs on every read, where each builtin
  // first used costs a one-shot command start-up time.
  const from = (first: number): Layer[] => {
    const out: Layer[] = [];
    for (let i = first; i < sources.length; i++) {
      const layer = at(i);
      if (layer !== undefined) out.push(layer);
    }
    return out;
  };
  const contextOf = (i: number): SourceContext => ({
    below: () => from(i + 1),
    layer: layerOf,
    schema: schemaOnce,
  });
  const layers = from(0);
  const snap: Snapshot = { layers, schema: schemaOnce };
  for (const l of layers) if (l.name === "environment" && l.env) snap.env = l.env;
  return snap;
}

/** Every layer of a snapshot, top first, with where it lives and whether it exists. */
export function layerInfos(snap: Snapshot, formatOf: (file: string) => FileFormat): LayerInfo[] {
  return snap.layers.map((l) => {
    const info: LayerInfo = {
      layer: l.name,
      exists: l.name === "command-line" || l.name === "environment"
        ? l.values !== undefined && Object.keys(l.values).length > 0
        : l.status !== "no-file",
      writable: l.writable,
    };
    if (l.file !== undefined) {
      info.file = l.file;
      info.format = formatOf(l.file);
    } else if (l.status === "no-file" && l.error) {
      info.note = l.error.message;
    }
    if (l.located?.skipped) info.skipped = l.located.skipped;
    return info;
  });
}
