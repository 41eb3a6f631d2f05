import t from 'tap';
import { JsonCursor } from '../../src/venues/json-cursor.js';
import { ERR_BAD_NUMBER, ERR_NEGATIVE, ERR_NON_POSITIVE_PRICE, ERR_NOT_FINITE, ERR_TRUNCATED } from '../../src/venues/parsed-frame.js';
import { rng } from '../helpers/rng.js';

function decimal(s: string): { ok: boolean; num: number; err: number } {
  const c = new JsonCursor();
  const buf = Buffer.from(`"${s}"`, 'latin1');
  c.reset(buf, buf.length);
  const ok = c.readDecimalString();
  return { ok, num: c.num, err: c.err };
}


t.test('decimal strings equal parseFloat exactly', async (t) => {
  const cases = ['0', '0.0', '1', '61837.63000000', '0.00000000', '0.00009000', '1.9531', '43730', '0.1', '0.3', '123456789012345', '1234567890123456', '12345678901234567890',
    '0.000000000000000000000001', '9007199254740993', '1.00000000000000000001', '4.35', '2.675', '1e5', '1.5E-7', '0.1234567890123456789', '1000000.00000000', '97.09521512', '-0.5', '-61837.63'];
  for (const s of cases) {
    const r = decimal(s);
    t.ok(r.ok, `${s} accepted`);
    t.equal(r.num, parseFloat(s), `${s}`);
  }
  const rand = rng(42);
  let bad = 0;
  for (let i = 0; i < 200000; i++) {
    const intDigits = Math.floor(rand() * 12);
    const fracDigits = Math.floor(rand() * 14);
    let s = intDigits === 0 ? '0' : String(1 + Math.floor(rand() * 9));
    for (let k = 1; k < intDigits; k++) s += Math.floor(rand() * 10);
    if (fracDigits > 0 || rand() < 0.5) {
      s += '.';
      for (let k = 0; k < Math.max(1, fracDigits); k++) s += rand() < 0.3 ? '0' : Math.floor(rand() * 10);
    }
    const r = decimal(s);
    if (!r.ok || r.num !== parseFloat(s)) bad++;
  }
  t.equal(bad, 0, '200000 random decimals equal parseFloat');
});

t.test('malformed decimals are rejected with a code', async (t) => {
  for (const s of ['', '-', '.5', '1.', 'NaN', 'Infinity', '1a', '01', '1..2', '+1', ' 1', '1e', '0x10']) {
    const r = decimal(s);
    t.notOk(r.ok, `"${s}" rejected`);
    t.equal(r.err, ERR_BAD_NUMBER, `"${s}" is a bad number`);
  }
  t.equal(decimal('1e400').err, ERR_NOT_FINITE, 'overflow to Infinity is not finite');
  const c = new JsonCursor();
  const trunc = Buffer.from('"61837.6', 'latin1');
  c.reset(trunc, trunc.length);
  t.notOk(c.readDecimalString());
  t.equal(c.err, ERR_TRUNCATED, 'cut inside the number is truncated');
});

t.test('prices must be positive and sizes non-negative', async (t) => {
  const c = new JsonCursor();
  const check = (s: string, price: boolean): number => {
    const b = Buffer.from(`"${s}"`);
    c.reset(b, b.length);
    if (price) c.readPrice();
    else c.readSize();
    return c.err;
  };
  t.equal(check('-1', true), ERR_NEGATIVE);
  t.equal(check('0.000', true), ERR_NON_POSITIVE_PRICE);
  t.equal(check('-0.1', false), ERR_NEGATIVE);
  t.equal(check('0', false), 0, 'size 0 is fine (delete)');
});

t.test('skipValue accepts JSON and rejects non-JSON', async (t) => {
  const c = new JsonCursor();
  const ok = (s: string): boolean => {
    const b = Buffer.from(s);
    c.reset(b, b.length);
    return c.skipValue(0) && c.atEnd();
  };
  for (const s of ['{"a":[1,2.5,-3e2,true,false,null,{"b":"x\\"y\\u00e9"}]}', '[]', '{}', '"\\n"', '0', '-0.0'])
    t.ok(ok(s), s);
  for (const s of ['{"a":}', '[1,]', '{"a" 1}', 'tru', 'nul', '"\\x"', '"a\u0001"', '01', '{"a":1}}', '[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]'])
    t.notOk(ok(s), s);
});
