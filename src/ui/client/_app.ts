/**
 * The page: the effective configuration as a tree (value, layer, origin),
 * the layer written to, the inline editor, history with undo, backups with
 * restore. It re-reads the state from the server on every change event.
 *
 * @module
 */
/// <reference lib="dom" />

import { byId, h } from "./_dom.ts";
import { type Editor, openEditor } from "./_editor.ts";
import type { Change, KeyView, Outcome, State } from "./_types.ts";

/** The running page. */
export class App {
  state?: State;
  layer = "user";
  filter = "";
  editor?: Editor;
  #refreshing?: Promise<void>;
  #again = false;

  /** Fetches the state and renders it; calls during a fetch lead to one more fetch. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        const response = await fetch("/api/state", { credentials: "same-origin" });
        if (!response.ok) {
          this.status(`could not read the configuration: ${await response.text()}`, true);
          break;
        }
        this.state = await response.json() as State;
        this.render();
      } while (this.#again);
    })().finally(() => this.#refreshing = undefined);
    return this.#refreshing;
  }

  /**
   * Shows a changed value at once, from the change event itself (the full
   * state, with each layer's own value, follows from {@link App.refresh}).
   */
  patch(change: Change): void {
    const [key] = change.keys;
    const view = this.state?.keys.find((k) => k.key === key);
    if (change.keys.length !== 1 || change.new === undefined || view === undefined) return;
    view.value = change.new;
    view.layer = change.layer;
    view.origin = change.origin;
    // The layer the value now comes from holds it: an editor opened now expects that value there.
    if (change.layer !== undefined && change.layer in view.layers) {
      view.layers[change.layer] = change.new;
    }
    this.render();
  }

  /** Shows a message in the status line (read out by screen readers). */
  status(message: string, error = false): void {
    const el = byId("status");
    el.textContent = message;
    el.className = error ? "error" : "ok";
  }

  /** Sends one change, shows what it did, and reads the state again. */
  async act(body: Record<string, unknown>): Promise<Outcome> {
    const outcome = await this.send(body);
    await this.refresh();
    return outcome;
  }

  /** Sends one change and shows what it did. */
  async send(body: Record<string, unknown>): Promise<Outcome> {
    const response = await fetch("/api/action", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const outcome = response.headers.get("content-type")?.startsWith("application/json")
      ? await response.json() as Outcome
      : { ok: false, message: await response.text() };
    this.status(outcome.message, !outcome.ok);
    return outcome;
  }

  /** Renders everything from `state`. */
  render(): void {
    const state = this.state;
    if (!state) return;
    const focus = rememberFocus();
    document.title = `${state.title} · strata`;
    byId("title").textContent = state.title;
    this.#renderLayers(state);
    this.#renderTree(state);
    this.#renderHistory(state);
    this.#renderBackups(state);
    const warnings = byId("warnings");
    warnings.replaceChildren(...state.warnings.map((w) => h("li", {}, w)));
    warnings.hidden = state.warnings.length === 0;
    document.body.dataset.ready = "true";
    focus();
  }

  #renderLayers(state: State): void {
    const select = byId<HTMLSelectElement>("layer");
    if (!state.writable.includes(this.layer)) this.layer = state.writable[0] ?? "user";
    select.replaceChildren(...state.writable.map((l) => {
      const file = state.layers.find((x) => x.layer === l)?.file ?? "";
      return h("option", { value: l, title: file }, l);
    }));
    select.value = this.layer;
    const info = state.layers.find((x) => x.layer === this.layer);
    byId("layer-file").textContent = info?.file
      ? `${info.file}${info.exists ? "" : " (not created yet)"}`
      : ""; // The shared layer is shown, never written here: a change to it goes to the server.
    const shared = state.layers.find((x) => x.layer === "shared" && x.exists);
    const note = byId("shared");
    note.hidden = shared === undefined;
    note.textContent = shared
      ? `Shared layer: ${shared.remote ?? "a server"}, copied in ${shared.file}. Read-only here: ` +
        `change it with strata --app ${state.title} set --shared KEY VALUE.`
      : "";
  }

  #renderTree(state: State): void {
    const tree = byId("tree");
    const words = this.filter.toLowerCase();
    const shown = state.keys.filter((k) => words === "" || k.key.toLowerCase().includes(words));
    const items: HTMLElement[] = [];
    let previous: string[] = [];
    for (const view of shown) {
      const parents = view.path.slice(0, -1);
      let same = 0;
      while (same < parents.length && same < previous.length && parents[same] === previous[same]) {
        same++;
      }
      for (let depth = same; depth < parents.length; depth++) {
        items.push(h("li", { class: "table", "--depth": depth }, parents[depth]));
      }
      previous = parents;
      items.push(this.#row(view, parents.length));
    }
    if (items.length === 0) {
      items.push(h("li", { class: "empty" }, words ? "No key matches." : "Nothing is set yet."));
    }
    tree.replaceChildren(...items);
    if (this.editor) {
      const holder = this.editor.key() && !this.#adding()
        ? tree.querySelector(`li.key[data-key="${CSS.escape(this.editor.key())}"]`)
        : byId("add-slot");
      (holder ?? byId("add-slot")).append(this.editor.element);
      const current = state.keys.find((k) => k.key === this.editor!.key());
      if (!this.#adding()) this.editor.check(current?.layers[this.editor.layer]);
    }
  }

  #adding(): boolean {
    return this.editor?.element.getAttribute("aria-label") === "add a key";
  }

  #row(view: KeyView, depth: number): HTMLElement {
    const own = view.layers[this.layer];
    const sealed = view.value?.sealed === true;
    const value = view.value
      ? h(
        "span",
        { class: sealed ? "value sealed" : "value" },
        sealed ? "🔒 sealed" : view.value.text,
      )
      : h("span", { class: "value unset" }, "not set");
    return h(
      "li",
      { class: "key", "data-key": view.key, "--depth": depth },
      h(
        "div",
        { class: "head" },
        h("span", { class: "name", title: view.key }, view.path[view.path.length - 1]),
        value,
        view.layer ? h("span", { class: `badge layer-${view.layer}` }, view.layer) : false,
        h("span", { class: "origin" }, view.origin ?? ""),
        h(
          "span",
          { class: "actions" },
          h("button", {
            type: "button",
            class: "edit",
            "data-focus": `edit ${view.key}`,
            disabled: sealed || own?.sealed === true,
            title: sealed || own?.sealed
              ? "sealed: the page does not change sealed values"
              : `edit ${view.key} in ${this.layer}`,
            "aria-label": `edit ${view.key} in ${this.layer}`,
            onclick: () => this.edit(view),
          }, "Edit"),
          h("button", {
            type: "button",
            class: "remove",
            "data-focus": `remove ${view.key}`,
            disabled: !own,
            "aria-label": `remove ${view.key} from ${this.layer}`,
            title: own
              ? `remove ${view.key} from ${this.layer}`
              : `${this.layer} does not set ${view.key}`,
            onclick: () =>
              void this.act({
                op: "unset",
                key: view.key,
                layer: this.layer,
                expected: own?.text ?? null,
              }),
          }, "Remove"),
        ),
      ),
      view.hint?.description ? h("p", { class: "description" }, view.hint.description) : false,
    );
  }

  /** Opens the editor for `view` (undefined: a new key). */
  edit(view?: KeyView): void {
    const declared = this.state?.keys.filter((k) => !k.value).map((k) => k.key) ?? [];
    const layer = this.layer;
    this.editor = openEditor(view, layer, declared, {
      save: async (key, value, type, expected) => {
        const outcome = await this.send({ op: "set", key, value, layer, type, expected });
        if (outcome.ok) this.closeEditor();
        else if (outcome.conflict) this.editor?.check(outcome.current);
        else this.editor?.fail(outcome.message);
        await this.refresh();
      },
      cancel: () => this.closeEditor(),
    });
    this.render();
  }

  /** Closes the editor, giving focus back to the row's Edit button (when the focus was in it). */
  closeEditor(): void {
    const editor = this.editor;
    if (!editor) return;
    const active = document.activeElement;
    const hadFocus = active === null || active === document.body || editor.element.contains(active);
    const key = editor.key();
    editor.element.remove();
    this.editor = undefined;
    if (!hadFocus) return;
    const button = key
      ? document.querySelector<HTMLElement>(`li.key[data-key="${CSS.escape(key)}"] button.edit`)
      : null;
    (button ?? byId("add")).focus();
  }

  #renderHistory(state: State): void {
    byId("undo").textContent = `Undo last change in ${this.layer}`;
    byId("history").replaceChildren(...state.history.map((e) =>
      h(
        "li",
        {},
        h("time", { datetime: e.time }, shortTime(e.time)),
        " ",
        h("span", { class: "badge" }, e.layer ?? ""),
        " ",
        h("code", {}, e.key),
        ` ${e.old?.text ?? "(unset)"} → ${e.new?.text ?? "(unset)"}`,
        h("span", { class: "program" }, ` ${e.program}`),
      )
    ));
  }

  #renderBackups(state: State): void {
    const list = state.backups.filter((b) => b.layer === this.layer);
    byId("backups").replaceChildren(
      ...list.map((b) =>
        h(
          "li",
          { "data-backup": b.id },
          h("time", { datetime: b.time }, shortTime(b.time)),
          ` ${b.program ?? ""} ${b.valid ? "" : "(does not parse)"}`,
          h("button", {
            type: "button",
            class: "restore",
            "data-focus": `restore ${b.id}`,
            disabled: !b.valid,
            "aria-label": `restore backup ${b.id}`,
            onclick: () => void this.act({ op: "restore", layer: b.layer, id: b.id }),
          }, "Restore"),
        )
      ),
      ...(list.length === 0
        ? [h("li", { class: "empty" }, `No backups of ${this.layer} yet.`)]
        : []),
    );
  }
}

function shortTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") + " UTC";
}

/**
 * Keeps the focus across a re-render: on the same input (and its caret), or
 * on the new button that stands for the one focused before (`data-focus`).
 */
function rememberFocus(): () => void {
  const el = document.activeElement as HTMLInputElement | null;
  if (!el || el === document.body) return () => {};
  const start = "selectionStart" in el ? el.selectionStart : null;
  const end = "selectionEnd" in el ? el.selectionEnd : null;
  const same = el.dataset.focus;
  return () => {
    if (document.activeElement === el) return;
    if (!el.isConnected) {
      if (same === undefined) return;
      document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(same)}"]`)?.focus();
      return;
    }
    el.focus();
    try {
      if (start !== null && end !== null) el.setSelectionRange(start, end);
    } catch {
      // a select has no caret
    }
  };
}
