/**
 * The uWebSockets.js the process uses: the package's native binary when one exists for this
 * Node ABI and loads here (Node 20: ABI 115), else the pure-JS stand-in (uws-compat.ts) with
 * the same API subset (Node 22/24 here: no build of uWebSockets.js for their ABIs loads on
 * glibc 2.36; docs/adr/0004-uwebsockets-build.md). The native binary is loaded directly, not
 * through the package's entry point, whose own fallback lacks pub/sub and prints to stdout.
 *
 *   XARB_UWS=compat   force the stand-in (tests of it on Node 20)
 *   XARB_UWS=native   refuse to start without the native binary
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as UWS from 'uWebSockets.js';
import * as compat from './uws-compat.js';

export type UwsModule = typeof UWS;

export interface UwsBuild {
  kind: 'native' | 'compat';
  /** Why the native binary was not used (null when it was). */
  reason: string | null;
}

function load(): { mod: UwsModule; build: UwsBuild } {
  const want = process.env['XARB_UWS'];
  const asCompat = (reason: string) => ({ mod: compat as unknown as UwsModule, build: { kind: 'compat' as const, reason } });
  if (want === 'compat') return asCompat('XARB_UWS=compat');
  const require = createRequire(import.meta.url);
  const name = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  let file: string;
  try {
    file = path.join(path.dirname(require.resolve('uWebSockets.js/package.json')), 'binaries', name);
  } catch (err) {
    if (want === 'native') throw err;
    return asCompat(`uWebSockets.js package not found: ${(err as Error).message}`);
  }
  if (!existsSync(file)) {
    if (want === 'native') throw new Error(`XARB_UWS=native: no uWebSockets.js binary ${name} for Node ${process.version}`);
    return asCompat(`no native binary for Node ${process.version} (ABI ${process.versions.modules}, ${process.platform}-${process.arch})`);
  }
  try {
    return { mod: require(file) as UwsModule, build: { kind: 'native', reason: null } };
  } catch (err) {
    if (want === 'native') throw err;
    return asCompat(`native binary ${name} does not load: ${(err as Error).message.split('\n')[0]}`);
  }
}

const loaded = load();

export const uwsBuild: UwsBuild = loaded.build;
const uWS: UwsModule = loaded.mod;
export default uWS;
