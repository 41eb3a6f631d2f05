/** `xarb --version`: the package's version, the Node.js running it, and the WebSocket server build in use. */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  // dist/src/cli/version.js → the package root is three levels up (src/cli in a source checkout: two).
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'xarb' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

export async function xarbVersion(): Promise<string> {
  const { uwsBuild } = await import('../net/uws.js');
  const uws = uwsBuild.kind === 'native' ? 'uWebSockets.js native' : `uWebSockets.js stand-in (pure JS: ${uwsBuild.reason})`;
  return `xarb ${packageVersion()} (node ${process.version}; ${uws})`;
}
