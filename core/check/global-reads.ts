/**
 * What code reads of the global scope, from Babel's AST and its scope analysis: whether a name is the
 * global (not a local, a parameter or an import of the same name, and not erased TypeScript), the
 * path below the global object an expression reads (`globalThis.WebAssembly.compile` is
 * ['WebAssembly', 'compile']), and the static values and functions behind an expression.
 */
import type { Binding, Node, NodePath, Scope } from '@babel/traverse';

/** A Babel node of one type. */
export type NodeOf<K extends Node['type']> = Extract<Node, { type: K }>;


/** Names through which code reaches the global object: `globalThis.eval` is `eval`. */
export const GLOBAL_OBJECTS = new Set(['globalThis', 'self', 'window', 'global']);


/** True for a node TypeScript erases (a type, an interface, a `declare`, a type-only import or export): its contents never run. */
export function isErased(path: NodePath): boolean {
  const node = path.node;
  switch (node.type) {
    case 'TSTypeAnnotation':
    case 'TSTypeParameterDeclaration':
    case 'TSTypeParameterInstantiation':
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
    case 'TSDeclareFunction':
    case 'TSDeclareMethod':
      return true;
    case 'ImportDeclaration':
    case 'TSImportEqualsDeclaration':
      return node.importKind === 'type' || node.importKind === 'typeof';
    case 'ExportNamedDeclaration':
    case 'ExportAllDeclaration':
      return node.exportKind === 'type';
    default:
      return path.isTSType() || ('declare' in node && node.declare === true);
  }
}


/** True when `name` is not bound in `scope` (or is bound only by an ambient `declare`): it is the global. */
export function isFree(scope: Scope, name: string): boolean {
  const binding = scope.getBinding(name);
  return binding === undefined || isAmbient(binding);
}


/** True for a binding TypeScript erases: `declare const process: ...`, `declare global { var x }`. */
export function isAmbient(binding: Binding): boolean {
  return binding.path.find((p) => 'declare' in p.node && p.node.declare === true) !== null;
}


/** The node without what TypeScript erases around an expression (`x as T`, `x!`, `<T>x`, `x satisfies T`) and without parentheses. */
export function unwrap(node: Node): Node {
  while (node.type === 'TSAsExpression' || node.type === 'TSSatisfiesExpression' || node.type === 'TSNonNullExpression' || node.type === 'TSTypeAssertion' || node.type === 'ParenthesizedExpression') {
    node = node.expression;
  }
  return node;
}


/** The outermost of `path` and the erased wrappers around it (`(eval as any)`), whose parent is what uses the value. */
export function outermost(path: NodePath): NodePath {
  let outer = path;
  while (outer.parentPath && unwrap(outer.parentPath.node) === path.node) outer = outer.parentPath;
  return outer;
}


/** The static name of a member's property: `a.b` and `a['b']` give 'b'; `a[x]` gives undefined. */
export function propertyName(node: NodeOf<'MemberExpression' | 'OptionalMemberExpression'>): string | undefined {
  if (!node.computed) return node.property.type === 'Identifier' ? node.property.name : undefined;
  return stringValue(node.property);
}


/** The value of a string literal or of a template literal without substitutions. */
export function stringValue(node: Node | null | undefined): string | undefined {
  const inner = node && unwrap(node);
  if (inner?.type === 'StringLiteral') return inner.value;
  if (inner?.type === 'TemplateLiteral' && inner.expressions.length === 0) return inner.quasis[0].value.cooked ?? undefined;
  return undefined;
}


/**
 * The global an expression reads, as its path below the global object (`WebAssembly.compile`,
 * `globalThis.WebAssembly.compile` and `self.WebAssembly.compile` all give ['WebAssembly', 'compile']),
 * with its text as written; undefined unless the expression is a free identifier or a chain of
 * static member reads on one.
 */
export function globalPath(node: Node, scope: Scope): { path: string[]; text: string } | undefined {
  const names: string[] = [];
  let current = unwrap(node);
  while (current.type === 'MemberExpression' || current.type === 'OptionalMemberExpression') {
    const key = propertyName(current);
    if (key === undefined) return undefined;
    names.unshift(key);
    current = unwrap(current.object);
  }
  if (current.type !== 'Identifier' || !isFree(scope, current.name)) return undefined;
  names.unshift(current.name);
  const text = names.join('.');
  while (names.length > 1 && GLOBAL_OBJECTS.has(names[0])) names.shift();
  return { path: names, text };
}


/**
 * The function whose `.constructor` a read gets, when the object is one: a function, arrow or class
 * expression, a constant bound to one or a function or class declaration, or
 * `Object.getPrototypeOf(<one of those>)` (whose `.constructor` is the same constructor).
 */
export function functionOf(node: Node, scope: Scope): { async?: boolean; generator?: boolean } | undefined {
  const inner = unwrap(node);
  switch (inner.type) {
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return inner;
    case 'ClassExpression':
      return {};
    case 'Identifier': {
      const binding = scope.getBinding(inner.name);
      if (!binding || !binding.constant) return undefined;
      const declared = binding.path.node;
      if (declared.type === 'FunctionDeclaration') return declared;
      if (declared.type === 'ClassDeclaration') return {};
      if (declared.type === 'VariableDeclarator' && declared.init && declared.id.type === 'Identifier') {
        const init = unwrap(declared.init);
        if (init.type === 'FunctionExpression' || init.type === 'ArrowFunctionExpression' || init.type === 'ClassExpression') return functionOf(init, binding.scope);
      }
      return undefined;
    }
    case 'CallExpression': {
      const callee = globalPath(inner.callee, scope);
      const getPrototypeOf = callee?.path.length === 2 && (callee.path[0] === 'Object' || callee.path[0] === 'Reflect') && callee.path[1] === 'getPrototypeOf';
      const argument = inner.arguments[0];
      return getPrototypeOf && argument && argument.type !== 'SpreadElement' && argument.type !== 'ArgumentPlaceholder' ? functionOf(argument, scope) : undefined;
    }
    default:
      return undefined;
  }
}
