/**
 * The inline editor of one key in one layer: an input fit for the key's
 * type (a list for an enum or a boolean), the schema's description and
 * rules beside it, the library's refusal shown under it, and a conflict
 * panel when the layer's value changes on disk while it is open.
 *
 * @module
 */
/// <reference lib="dom" />

import { h } from "./_dom.ts";
import { choicesOf, hintText, typeFromSchema } from "./_hints.ts";
import type { KeyView, Shown } from "./_types.ts";

/** What the editor asks the page to do. */
export interface EditorHooks {
  /** Writes: resolves to an error message to show, or undefined when done. */
  save(
    key: string,
    value: string,
    type: string | undefined,
    expected: string | null,
  ): Promise<void>;
  /** Closes the editor. */
  cancel(): void;
}

const TYPES = ["string", "int", "float", "bool", "date", "json"];

/** An open editor. */
export interface Editor {
  /** The form (moved into the key's row on each render). */
  element: HTMLElement;
  /** The key edited (for a new key: what is typed so far). */
  key: () => string;
  /** The layer written. */
  layer: string;
  /** The layer's value when editing began (null: not set there); a save expects it still. */
  expected: string | null;
  /** Shows the library's message under the input. */
  fail(message: string): void;
  /** Compares with the layer's value now: a change on disk becomes a visible conflict. */
  check(current: Shown | null | undefined): void;
}

/** Opens an editor for `view` (undefined: a new key) in `layer`. */
export function openEditor(
  view: KeyView | undefined,
  layer: string,
  declared: string[],
  hooks: EditorHooks,
): Editor {
  const own = view?.layers[layer];
  const expected = own ? own.text : null;
  const start = own?.input ?? view?.value?.input ?? defaultText(view);
  const id = `edit-${Math.random().toString(36).slice(2)}`;
  const keyInput = h("input", {
    id: `${id}-key`,
    class: "key-input",
    name: "key",
    autocomplete: "off",
    spellcheck: "false",
    list: `${id}-keys`,
    placeholder: "db.host",
  }) as HTMLInputElement;
  const knownType = view?.type;
  const choices = choicesOf(view?.hint, knownType);
  const input = (choices
    ? h(
      "select",
      { id: `${id}-value`, name: "value" },
      ...choices.map((c) => h("option", { value: c }, c)),
    )
    : h("input", {
      id: `${id}-value`,
      name: "value",
      autocomplete: "off",
      spellcheck: "false",
    })) as HTMLInputElement | HTMLSelectElement;
  input.value = start;
  const typeSelect = h(
    "select",
    { id: `${id}-type`, name: "type", title: "type for a key that has none yet" },
    ...TYPES.map((t) => h("option", { value: t }, t)),
  ) as HTMLSelectElement;
  typeSelect.value = typeFromSchema(view?.hint) ?? "string";
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const conflict = h("div", { class: "conflict", role: "alert", hidden: true });
  const rules = hintText(view?.hint, knownType);
  const form = h(
    "form",
    { class: "editor", "aria-label": view ? `edit ${view.key}` : "add a key" },
    view ? false : h("label", { for: keyInput.id }, "Key"),
    view ? false : keyInput,
    view
      ? false
      : h("datalist", { id: `${id}-keys` }, ...declared.map((k) => h("option", { value: k }))),
    h("label", { for: input.id }, `Value in ${layer}`),
    h(
      "div",
      { class: "line" },
      input,
      knownType ? h("span", { class: "type" }, knownType) : typeSelect,
    ),
    view?.hint?.description ? h("p", { class: "description" }, view.hint.description) : false,
    rules ? h("p", { class: "rules" }, rules) : false,
    error,
    conflict,
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "submit", class: "primary" }, "Save"),
      h("button", { type: "button", class: "cancel", onclick: () => hooks.cancel() }, "Cancel"),
    ),
  );
  const editor: Editor = {
    element: form,
    key: () => view?.key ?? keyInput.value.trim(),
    layer,
    expected,
    fail(message) {
      error.textContent = message;
      error.hidden = false;
    },
    check(current) {
      if (view === undefined) return;
      const now = current ? current.text : null;
      if (now === editor.expected) return;
      showConflict(now);
    },
  };
  const showConflict = (now: string | null) => {
    conflict.replaceChildren(
      h(
        "p",
        {},
        `Changed in ${layer} while you were editing: ${
          now === null ? "another writer removed it" : `it is now ${now}`
        }. Nothing of yours is written until you choose.`,
      ),
      h("button", {
        type: "button",
        class: "keep",
        onclick: () => {
          editor.expected = now;
          conflict.hidden = true;
          input.focus();
        },
      }, "Keep mine (write over theirs)"),
      h(
        "button",
        { type: "button", class: "theirs", onclick: () => hooks.cancel() },
        "Take theirs",
      ),
    );
    conflict.hidden = false;
  };
  form.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Escape") hooks.cancel();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    error.hidden = true;
    const key = editor.key();
    if (key === "") return editor.fail("Type a key, like db.host");
    void hooks.save(key, input.value, knownType ? undefined : typeSelect.value, editor.expected);
  });
  queueMicrotask(() => (view ? input : keyInput).focus());
  return editor;
}

function defaultText(view: KeyView | undefined): string {
  const d = view?.hint?.default;
  if (d === undefined) return "";
  return typeof d === "string" ? d : JSON.stringify(d);
}
