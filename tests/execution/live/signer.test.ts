/**
 * HmacSha256: the HMAC-SHA256 the Binance WS API session signs its orders with, its key
 * absorbed once at construction. Its hex equals node:crypto's createHmac for any key length
 * (a key longer than the 64-byte block is hashed first, RFC 2104) and stays right request
 * after request (each request starts from the primed states, never from the last one).
 */
import t from 'tap';
import { createHmac } from 'node:crypto';
import { HmacSha256, hmacHex } from '../../../src/execution/live/signer.js';

const PAYLOADS = [
  '',
  'apiKey=k&newClientOrderId=x1-1&newOrderRespType=FULL&price=60012.34&quantity=0.01&recvWindow=5000&side=BUY&symbol=BTCUSDT&timeInForce=IOC&timestamp=1700000000000&type=LIMIT',
  'symbol=BTCUSDT&side=SELL&note=ünïcødé',
  'x'.repeat(1000),
];

for (const [what, secret] of [['empty', ''], ['short', 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP'], ['one block (64 bytes)', 'b'.repeat(64)],
  ['longer than a block', 'c'.repeat(100)], ['non-ASCII', 'sécrèt']] as const) {
  t.test(`${what} secret: the same hex as createHmac, request after request`, async (t) => {
    const h = new HmacSha256(secret);
    for (let round = 0; round < 2; round++) {
      for (const p of PAYLOADS) t.equal(h.hex(p), createHmac('sha256', secret).update(p, 'utf8').digest('hex'), `payload of ${p.length} chars, round ${round}`);
    }
    t.equal(h.hex(PAYLOADS[1]!), hmacHex(secret, PAYLOADS[1]!), 'and as hmacHex');
  });
}

t.test('a different key gives a different signature', async (t) => {
  t.not(new HmacSha256('a').hex('payload'), new HmacSha256('b').hex('payload'));
});
