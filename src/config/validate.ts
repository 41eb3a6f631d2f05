/**
 * Checks one parsed file against its schema: unknown keys (with "did you mean"), defaults,
 * then types and ranges with fastest-validator. Returns problems; never throws for bad input.
 */
import fastestValidator from 'fastest-validator';
import { closest } from './suggest.js';
import { describeFound, type ConfigProblem } from './problems.js';
import { describeRule, leafPaths, ruleAt, type ObjectRule, type Rule } from './schema.js';
import { isSecretPath } from './secrets.js';

// A CommonJS package whose typings declare an ES default export: under NodeNext the default
// import is module.exports itself, which is the class.
type ValidatorClass = typeof fastestValidator.default;
const Validator = ((fastestValidator as unknown as { default?: ValidatorClass }).default ?? fastestValidator) as ValidatorClass;

const validator = new Validator({
  useNewCustomCheckerFunction: true,
  messages: {
    powerOfTwo: "The '{field}' field must be a power of two.",
    baseBalance: "The '{field}' field must be a number ≥ 0 or a table of numbers ≥ 0 by symbol.",
  },
});

type Check = (value: unknown) => true | { type: string; field: string; actual?: unknown }[];
const compiled = new WeakMap<ObjectRule, Check>();

function compile(schema: ObjectRule): Check {
  let check = compiled.get(schema);
  if (check === undefined) {
    // $$root: validate the whole tree as one object rule; unknown keys are reported by
    // unknownKeys() with suggestions, so fastest-validator's own strict mode stays off.
    check = validator.compile({ $$root: true, ...schema } as never) as unknown as Check;
    compiled.set(schema, check);
  }
  return check;
}

export function validateTree(tree: Record<string, unknown>, schema: ObjectRule, file: string): ConfigProblem[] {
  const problems = unknownKeys(tree, schema, '', file, schema);
  fillDefaults(tree, schema);
  const result = compile(schema)(tree);
  if (result === true) return problems;
  const seen = new Set<string>();
  for (const e of result) {
    const rule = ruleAt(schema, e.field);
    const key = e.field;
    // One message per key: fastest-validator may report several rules broken by one value.
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({
      file,
      path: e.field,
      expected: rule !== undefined ? describeRule(rule) : e.type,
      found: describeFound(e.actual, isSecretPath(e.field)),
    });
  }
  return problems;
}

/** Fills every missing key that has a default; a missing optional table becomes {} first. */
export function fillDefaults(node: Record<string, unknown>, schema: ObjectRule): void {
  for (const [key, rule] of Object.entries(schema.props)) {
    if (node[key] === undefined && rule.default !== undefined) node[key] = structuredClone(rule.default);
    const child = node[key];
    if (rule.type === 'object' && rule.props !== undefined && isTable(child)) fillDefaults(child, rule as ObjectRule);
  }
}

function unknownKeys(node: Record<string, unknown>, rule: Rule, prefix: string, file: string, root: ObjectRule): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const props = rule.props ?? {};
  for (const [key, value] of Object.entries(node)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const sub = props[key];
    if (sub === undefined) {
      problems.push({
        file,
        path,
        expected: prefix === '' ? `one of the tables ${Object.keys(props).map((k) => `[${k}]`).join(', ')}` : `a known key of [${prefix}]`,
        found: `unknown key "${key}"`,
        ...suggestion(key, prefix, props, root),
      });
    } else if (sub.type === 'object' && sub.props !== undefined && isTable(value)) {
      problems.push(...unknownKeys(value, sub, path, file, root));
    }
  }
  return problems;
}

function suggestion(key: string, prefix: string, props: Record<string, Rule>, root: ObjectRule): { hint?: string } {
  const near = closest(key, Object.keys(props));
  if (near !== undefined) return { hint: `did you mean "${prefix === '' ? near : `${prefix}.${near}`}"?` };
  // The right key in the wrong table, e.g. stale_book_ms under [engine].
  const elsewhere = leafPaths(root).filter((p) => p.split('.').pop() === key);
  if (elsewhere.length > 0) return { hint: `did you mean "${elsewhere[0]}"?` };
  const nearAnywhere = closest(key, leafPaths(root).map((p) => p.split('.').pop()!));
  if (nearAnywhere !== undefined) {
    const full = leafPaths(root).find((p) => p.split('.').pop() === nearAnywhere)!;
    return { hint: `did you mean "${full}"?` };
  }
  return {};
}

export function isTable(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
