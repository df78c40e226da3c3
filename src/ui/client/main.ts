/**
 * The page's entry: wires the controls, opens the event stream and renders
 * the first state. Compiled by Bun into `/app.js` (see scripts/build-ui.ts).
 *
 * @module
 */
/// <reference lib="dom" />

import { App } from "./_app.ts";
import { byId } from "./_dom.ts";

const app = new App();

byId<HTMLSelectElement>("layer").addEventListener("change", (e) => {
  app.layer = (e.target as HTMLSelectElement).value;
  app.editor?.element.remove();
  app.editor = undefined;
  app.render();
});
byId<HTMLInputElement>("filter").addEventListener("input", (e) => {
  app.filter = (e.target as HTMLInputElement).value;
  app.render();
});
byId("add").addEventListener("click", () => app.edit());
byId("undo").addEventListener("click", () => void app.act({ op: "undo", layer: app.layer }));
document.addEventListener("keydown", (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (e.key === "/" && !typing) {
    e.preventDefault();
    byId("filter").focus();
  }
});

const live = byId("live");
const events = new EventSource("/api/events");
events.addEventListener("open", () => {
  live.textContent = "live";
  live.className = "live";
});
events.addEventListener("error", () => {
  live.textContent = "reconnecting…";
  live.className = "offline";
});
events.addEventListener("hello", () => void app.refresh());
events.addEventListener("change", (e) => {
  app.patch(JSON.parse((e as MessageEvent).data));
  void app.refresh();
});
events.addEventListener("problem", (e) => {
  app.status(JSON.parse((e as MessageEvent).data).message, true);
});

void app.refresh();
