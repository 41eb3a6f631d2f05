/**
 * `${VAR}` substitution in string values, done after TOML parsing so that a variable's value
 * can never change the structure of a file.
 *
 * A missing variable is an error, except in a secret key (api_key, secret_key, anything under
 * [auth]) in dry-run: dry-run needs no credentials, so it becomes "". The loader then requires
 * secrets to be non-empty in live mode.
 */
import { isSecretPath } from './secrets.js';
import type { Mode } from './types.js';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface MissingVariable {
  path: string;
  variable: string;
}

export interface SubstitutionResult {
  missing: MissingVariable[];
  /** Key paths whose value came (wholly or partly) from the environment, with the variable names. */
  fromEnv: Map<string, string[]>;
}

/** Replaces placeholders in place throughout a parsed TOML tree. */
export function substituteEnv(tree: Record<string, unknown>, env: NodeJS.ProcessEnv, mode: Mode): SubstitutionResult {
  const result: SubstitutionResult = { missing: [], fromEnv: new Map() };
  walk(tree, '', env, mode, result);
  return result;
}

function walk(node: unknown, path: string, env: NodeJS.ProcessEnv, mode: Mode, out: SubstitutionResult): unknown {
  if (typeof node === 'string') return substitute(node, path, env, mode, out);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = walk(node[i], `${path}[${i}]`, env, mode, out);
    return node;
  }
  if (node !== null && typeof node === 'object' && node.constructor === Object) {
    const obj = node as Record<string, unknown>;
    for (const k of Object.keys(obj)) obj[k] = walk(obj[k], path === '' ? k : `${path}.${k}`, env, mode, out);
  }
  return node;
}

function substitute(text: string, path: string, env: NodeJS.ProcessEnv, mode: Mode, out: SubstitutionResult): string {
  if (!text.includes('${')) return text;
  const secret = isSecretPath(path);
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const names = out.fromEnv.get(path) ?? [];
    names.push(name);
    out.fromEnv.set(path, names);
    const value = env[name];
    if (value !== undefined) return value;
    if (!(secret && mode === 'dry-run')) out.missing.push({ path, variable: name });
    return '';
  });
}
