import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, whether this file runs from tests/ (source) or dist/tests/ (compiled). */
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = here.includes(`${path.sep}dist${path.sep}`)
  ? path.resolve(here, '..', '..', '..')
  : path.resolve(here, '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');
export const VENUE_FIXTURES = path.join(FIXTURES, 'venues');
export const XARB_BIN = path.join(REPO_ROOT, 'bin', 'xarb.js');
