/**
 * SIGTERM just after the first feed connected (workers up, trading about to start): the
 * orderly stop (flatten, threads stopped, journal closed with run_end), exit 0.
 */
import t from 'tap';
import { checkOrderlyStop } from './signal-harness.js';

t.test('SIGTERM at the first feed connected: orderly', (t) => checkOrderlyStop(t, /"msg":"connected"/));
