/**
 * A code cell's editor on the live page: CodeMirror 6 with TypeScript highlighting, undo
 * history, bracket matching and closing, search, and the notebook keys: Shift+Enter runs the
 * cell and moves to the next, Ctrl+Enter (Cmd+Enter) runs it in place. Colours come from
 * CSS variables (live.css), which the page's dark theme sets; CodeMirror's own styles (its
 * search panel, tooltips) follow the theme too, switched on the 'course-theme' event that
 * the site's script (assets/site.js) sends when the reader or the system changes it. An
 * error's line can be marked until the code changes.
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, DecorationSet, EditorView, drawSelection, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';

export interface EditorHandlers {
  /** Shift+Enter: run, then go to the next cell. */
  runAndAdvance(): void;
  /** Ctrl/Cmd+Enter: run and stay. */
  run(): void;
  /** The code changed (by typing, undo, or restore). */
  changed(code: string): void;
  /** The editor got the focus. */
  focused(): void;
}

const markError = StateEffect.define<number | null>();
const errorLine = Decoration.line({ class: 'live-error-line' });

/** The line an error was raised on, marked until the code changes. */
const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    for (const e of tr.effects) {
      if (e.is(markError)) {
        if (e.value === null || e.value < 1 || e.value > tr.state.doc.lines) return Decoration.none;
        return Decoration.set([errorLine.range(tr.state.doc.line(e.value).from)]);
      }
    }
    return tr.docChanged ? Decoration.none : marks.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Whether the page is dark now (site.js sets <html data-theme>). */
const pageIsDark = () => document.documentElement.dataset.theme === 'dark';
/** CodeMirror's light or dark base styles (made once: each theme made gets a class of its own); the colours themselves are live.css's variables. */
const THEMES = { light: EditorView.theme({}, { dark: false }), dark: EditorView.theme({}, { dark: true }) };
const themeFor = (dark: boolean) => (dark ? THEMES.dark : THEMES.light);

/** Every editor on the page, each with the compartment its theme is in. */
const editors = new Set<{ view: EditorView; theme: Compartment }>();
let followingTheme = false;

/** Switches every editor's theme when the page's does (once per page). */
function followPageTheme(): void {
  if (followingTheme) return;
  followingTheme = true;
  document.addEventListener('course-theme', (event) => {
    const dark = (event as CustomEvent<{ theme?: string }>).detail?.theme === 'dark';
    for (const e of editors) e.view.dispatch({ effects: e.theme.reconfigure(themeFor(dark)) });
  });
}

export class CellEditor {
  readonly view: EditorView;
  private readonly theme = new Compartment();

  constructor(parent: HTMLElement, code: string, label: string, handlers: EditorHandlers) {
    const run = (fn: () => void) => () => {
      fn();
      return true;
    };
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: code,
        extensions: [
          lineNumbers(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          indentUnit.of('  '),
          bracketMatching(),
          closeBrackets(),
          highlightSelectionMatches(),
          syntaxHighlighting(classHighlighter),
          javascript({ typescript: true }),
          errorField,
          this.theme.of(themeFor(pageIsDark())),
          keymap.of([
            { key: 'Shift-Enter', run: run(handlers.runAndAdvance) },
            { key: 'Mod-Enter', run: run(handlers.run) },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...historyKeymap,
          ]),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) handlers.changed(u.state.doc.toString());
            if (u.focusChanged && u.view.hasFocus) handlers.focused();
          }),
        ],
      }),
    });
    editors.add({ view: this.view, theme: this.theme });
    followPageTheme();
  }

  /** Whether CodeMirror draws this editor with its dark base styles. */
  get dark(): boolean {
    return this.view.state.facet(EditorView.darkTheme);
  }

  get code(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the code, as one step that Undo takes back. */
  setCode(code: string): void {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: code } });
  }

  markError(line: number | null): void {
    this.view.dispatch({ effects: markError.of(line) });
  }

  focus(): void {
    this.view.focus();
  }
}
