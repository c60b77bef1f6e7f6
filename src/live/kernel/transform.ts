/**
 * A notebook cell's TypeScript, made into JavaScript that runs with tslab's meaning:
 *
 * - types are stripped (sucrase: no type checking, which the browser has no room for; the
 *   library checks its arguments at run time and says what is wrong in words);
 * - the names a cell declares at its top level (const, let, var, function, class, enum,
 *   import) go into one namespace shared by all cells, as tslab exports them; a later cell
 *   that uses a name it does not declare itself reads it from there, and may declare it anew;
 * - `await` works at the top level;
 * - the value of a last expression statement is returned, to be shown;
 * - `import ... from 'x'` takes the module from the kernel (`@tensorflow/tfjs`, the course
 *   library as `../dist/index`);
 * - `Math.max(...values)` and `Math.min(...values)` take any number of values: a browser
 *   gives a Web Worker half the stack of a page (or of Node), about 63,000 arguments, and
 *   chapters spread 100,000 (the same result, from a loop over an array instead).
 *
 * Every line of the result is the same line of the cell (sucrase keeps lines, and so do the
 * rewrites here), so an error's line in the generated code is its line in the cell.
 */
import { Parser, type Node } from 'acorn';
import { analyze } from 'eslint-scope';
import { transform } from 'sucrase';

/** The names the generated function takes: the namespace and the importer. */
export const NAMESPACE = '__course_ns';
export const IMPORTER = '__course_import';
/** The helpers the generated code calls (see `runtime`). */
export const RUNTIME = '__course_rt';
const SYNC = '__course_sync';

export interface TransformedCell {
  /**
   * `(async function (__course_ns, __course_import, __course_rt) { ... })`, as source: call it
   * with the namespace, the importer and `runtime`; it resolves to the last expression's
   * value (or undefined).
   */
  code: string;
  /** The names the cell declares at its top level, in order. */
  declared: string[];
  /** True when the cell ends with an expression statement, whose value is returned. */
  hasLastExpression: boolean;
}

/** A cell that does not parse: the message, and where (1-based line and column of the cell). */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = 'SyntaxError';
  }
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

// ESTree nodes, as acorn makes them, with just what is used here.
interface AnyNode extends Node {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** `(3:14)` at the end of a parser's message: line, and a column that sucrase counts from 1 and acorn from 0. */
const POSITION = /\s*\((\d+):(\d+)\)$/;

function stripTypes(source: string): string {
  try {
    return transform(source, {
      transforms: ['typescript'],
      // Modern JavaScript is left as it is; an import whose names are used only as types is
      // kept too (tslab keeps `import * as tf` in the first cell, used in later ones).
      disableESTransforms: true,
      keepUnusedImports: true,
    }).code;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = String((e as Error).message).replace(POSITION, '');
    throw new CellSyntaxError(message, loc?.line ?? 1, loc?.column ?? 1);
  }
}

function parse(js: string): AnyNode {
  try {
    return Parser.parse(js, { ecmaVersion: 'latest', sourceType: 'module', locations: true, ranges: true }) as AnyNode;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = String((e as Error).message).replace(POSITION, '');
    throw new CellSyntaxError(message, loc?.line ?? 1, (loc?.column ?? 0) + 1);
  }
}

/** Every node of the tree, with its parent. */
function walk(node: AnyNode, visit: (node: AnyNode, parent: AnyNode | null) => void, parent: AnyNode | null = null): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child, visit, node);
    } else if (value && typeof value.type === 'string') {
      walk(value, visit, node);
    }
  }
}

/** The names a declaration binds. */
function boundNames(pattern: AnyNode, names: string[] = []): string[] {
  switch (pattern.type) {
    case 'Identifier':
      names.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const p of pattern.properties) boundNames(p.type === 'RestElement' ? p.argument : p.value, names);
      break;
    case 'ArrayPattern':
      for (const e of pattern.elements) if (e) boundNames(e, names);
      break;
    case 'RestElement':
      boundNames(pattern.argument, names);
      break;
    case 'AssignmentPattern':
      boundNames(pattern.left, names);
      break;
  }
  return names;
}

const newlines = (text: string) => '\n'.repeat((text.match(/\n/g) ?? []).length);

/**
 * The cell as a function of the namespace. `known(name)` says whether an earlier cell
 * declared `name` (it is read from the namespace when this cell uses it without declaring it).
 */
export function transformCell(source: string, known: (name: string) => boolean): TransformedCell {
  const js = stripTypes(source);
  const program = parse(js);
  const edits: Edit[] = [];
  const exportsOf = (names: string[]) => names.map((n) => `${NAMESPACE}.${n} = ${n};`).join(' ');

  // Imports and exports at the top level become plain declarations.
  const body: AnyNode[] = program.body;
  for (const statement of body) {
    if (statement.type === 'ImportDeclaration') {
      const from = JSON.stringify(statement.source.value);
      const parts: string[] = [];
      let namespace: string | null = null;
      for (const s of statement.specifiers) {
        if (s.type === 'ImportNamespaceSpecifier') namespace = s.local.name;
        else if (s.type === 'ImportDefaultSpecifier') parts.push(`default: ${s.local.name}`);
        else parts.push(s.imported.type === 'Identifier' && s.imported.name === s.local.name ? s.local.name : `${JSON.stringify(s.imported.name ?? s.imported.value)}: ${s.local.name}`);
      }
      const text = js.slice(statement.start, statement.end);
      const declarations = [
        ...(namespace ? [`const ${namespace} = ${IMPORTER}(${from});`] : []),
        ...(parts.length ? [`const { ${parts.join(', ')} } = ${IMPORTER}(${from});`] : []),
      ];
      const replacement = declarations.length ? declarations.join(' ') : `${IMPORTER}(${from});`;
      edits.push({ start: statement.start, end: statement.end, text: replacement + newlines(text) });
    } else if (statement.type === 'ExportNamedDeclaration') {
      if (statement.declaration) {
        edits.push({ start: statement.start, end: statement.declaration.start, text: '' });
      } else {
        edits.push({ start: statement.start, end: statement.end, text: ';' + newlines(js.slice(statement.start, statement.end)) });
      }
    } else if (statement.type === 'ExportDefaultDeclaration' || statement.type === 'ExportAllDeclaration') {
      throw new CellSyntaxError(`'${js.slice(statement.start, statement.start + 14)}...' has no meaning in a notebook cell: declare the name instead`, statement.loc!.start.line, statement.loc!.start.column + 1);
    }
  }

  // Scopes: what the cell declares at its top level, and which names it uses without declaring.
  const scopes = analyze(program as never, { ecmaVersion: 2022, sourceType: 'module' });
  const moduleScope = scopes.globalScope!.childScopes[0];
  const declared = moduleScope.variables.map((v) => v.name);
  const declaredSet = new Set(declared);
  for (const s of body) {
    if (s.type !== 'ImportDeclaration') continue;
    for (const spec of s.specifiers) if (!declaredSet.has(spec.local.name)) declared.push(spec.local.name), declaredSet.add(spec.local.name);
  }

  // A shorthand property `{ task }` whose name comes from the namespace becomes `{ task: ns.task }`.
  const shorthand = new Set<number>();
  walk(program, (node) => {
    if (node.type === 'Property' && node.shorthand) shorthand.add(node.key.start);
  });
  const globalMath = new Set<number>();
  for (const ref of scopes.globalScope!.through) {
    const id = ref.identifier as unknown as AnyNode;
    if (id.name === 'Math' && !declaredSet.has('Math') && !known('Math')) globalMath.add(id.start);
    if (declaredSet.has(id.name) || !known(id.name)) continue;
    const text = `${NAMESPACE}.${id.name}`;
    edits.push({ start: id.start, end: id.end, text: shorthand.has(id.start) ? `${id.name}: ${text}` : text });
  }

  // Math.max(...values) and Math.min(...values), with the global Math, take their values as one array.
  walk(program, (node) => {
    const callee = node.type === 'CallExpression' ? node.callee : null;
    if (!callee || callee.type !== 'MemberExpression' || callee.computed || !globalMath.has(callee.object.start)) return;
    if (!['max', 'min'].includes(callee.property.name) || !node.arguments.some((a: AnyNode) => a.type === 'SpreadElement')) return;
    const args: AnyNode[] = node.arguments;
    edits.push({ start: callee.start, end: callee.end, text: `${RUNTIME}.${callee.property.name}` });
    edits.push({ start: args[0].start, end: args[0].start, text: '[' });
    edits.push({ start: args[args.length - 1].end, end: args[args.length - 1].end, text: ']' });
  });

  // Each top-level declaration puts its names into the namespace right after it (functions at
  // the start, as they are hoisted); let and var, which later statements may change, again at the end.
  const hoisted: string[] = [];
  for (const statement of body) {
    const s = statement.type === 'ExportNamedDeclaration' && statement.declaration ? statement.declaration : statement;
    if (s.type === 'FunctionDeclaration') hoisted.push(s.id.name);
    else if (s.type === 'ClassDeclaration') edits.push({ start: statement.end, end: statement.end, text: `; ${exportsOf([s.id.name])}` });
    else if (s.type === 'VariableDeclaration') {
      edits.push({ start: statement.end, end: statement.end, text: `; ${exportsOf(s.declarations.flatMap((d: AnyNode) => boundNames(d.id)))}` });
    } else if (s.type === 'ImportDeclaration') {
      edits.push({ start: statement.end, end: statement.end, text: ` ${exportsOf(s.specifiers.map((spec: AnyNode) => spec.local.name))}` });
    }
  }

  // The last statement, if it is an expression, is the cell's value.
  const last = body[body.length - 1];
  const hasLastExpression = last?.type === 'ExpressionStatement';
  if (hasLastExpression) {
    // From the statement's start: its expression may sit in parentheses that acorn leaves out, `({ a })`.
    edits.push({ start: last.start, end: last.start, text: 'return (' });
    edits.push({ start: last.expression.end, end: last.expression.end, text: ')' });
  }

  // Edits never overlap; they are made from the end of the text back, so that each leaves the
  // positions of those still to come. At one position a replacement goes first (an insertion
  // there then lands before it), and insertions keep the order they were made in.
  const ordered = edits
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => b.start - a.start || (b.end - b.start) - (a.end - a.start) || b.i - a.i);
  let out = js;
  for (const e of ordered) out = out.slice(0, e.start) + e.text + out.slice(e.end);

  // let and var may change after their declaration: they go into the namespace again when the
  // cell ends, however it ends. The cell's body runs in an inner function, whose scope holds
  // its declarations (a try block would make them block-scoped); `sync` is made inside it.
  const mutable = moduleScope.variables
    .filter((v) => v.defs.some((d) => d.type === 'Variable' && (d.parent as { kind?: string } | null)?.kind !== 'const'))
    .map((v) => v.name);
  const sync = mutable.map((n) => `try { ${NAMESPACE}.${n} = ${n}; } catch {}`).join(' ');
  // Strict, as a module is (and as TypeScript checks code to be).
  const code = `(async function (${NAMESPACE}, ${IMPORTER}, ${RUNTIME}) { 'use strict'; let ${SYNC}; try { return await (async () => { ${SYNC} = () => { ${sync} }; ${exportsOf(hoisted)} ${out}\n})(); } finally { if (${SYNC}) ${SYNC}(); } })`;
  return { code, declared, hasLastExpression };
}

/** Math.max over an array, with its meaning: NaN if any value is NaN, +0 above -0, -Infinity for none. */
function max(values: unknown[]): number {
  let result = -Infinity;
  for (const v of values) {
    const n = Number(v);
    if (Number.isNaN(result) || Number.isNaN(n)) result = NaN;
    else if (n > result || (n === 0 && result === 0 && Object.is(result, -0))) result = n;
  }
  return result;
}

/** Math.min over an array: NaN if any value is NaN, -0 below +0, Infinity for none. */
function min(values: unknown[]): number {
  let result = Infinity;
  for (const v of values) {
    const n = Number(v);
    if (Number.isNaN(result) || Number.isNaN(n)) result = NaN;
    else if (n < result || (n === 0 && result === 0 && Object.is(n, -0))) result = n;
  }
  return result;
}

/** What the generated code gets as __course_rt. */
export const runtime = { max, min };
