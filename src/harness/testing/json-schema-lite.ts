/**
 * Just enough JSON Schema (2020-12) to check reports against docs/conformance-report-schema.json
 * in tests: type, const, enum, required, properties, additionalProperties, items, allOf,
 * minimum/maximum, minLength, pattern and local $ref. Keywords it does not know are ignored, so
 * the test also asserts the schema uses only these (see schemaKeywords).
 */
export type Schema = { readonly [keyword: string]: unknown };

export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema', '$id', '$defs', '$ref', 'title', 'description', 'format',
  'type', 'const', 'enum', 'required', 'properties', 'additionalProperties', 'items', 'allOf',
  'minimum', 'maximum', 'minLength', 'pattern',
]);

export function validate(value: unknown, schema: Schema, root: Schema = schema, at = '$'): string[] {
  const errors: string[] = [];
  const fail = (msg: string): void => void errors.push(`${at}: ${msg}`);
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    errors.push(...validate(value, target, root, at));
  }
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) errors.push(...validate(value, sub, root, at));
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) fail(`expected ${types.join(' or ')}, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  if ('const' in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    fail(`expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => errors.push(...validate(item, schema.items as Schema, root, `${at}[${i}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) fail(`missing "${key}"`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validate(v, props[key], root, `${at}.${key}`));
      else if (schema.additionalProperties === false) fail(`unexpected "${key}"`);
    }
  }
  return errors;
}

/** Every keyword used anywhere in a schema (property names under "properties" excluded). */
export function schemaKeywords(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) schemaKeywords(s, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      into.add(k);
      if (k === 'properties' || k === '$defs') for (const sub of Object.values(v as object)) schemaKeywords(sub, into);
      else if (k === 'items' || k === 'allOf' || k === 'additionalProperties') schemaKeywords(v, into);
    }
  }
  return into;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
  if (!node || typeof node !== 'object') throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}
