import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import hdr from 'hdr-histogram-js';
import { FIXTURES } from '../helpers/paths.js';
import { HlogFormatError, hlogTags, mergeTag, parseHlog } from '../../src/report/hlog-reader.js';
import { formatHlog, HlogWriteError, javaDateString } from '../../src/report/hlog-writer.js';

const fixture = (name: string): string => readFileSync(path.join(FIXTURES, 'hlog', name), 'utf8');

function hist(values: number[]) {
  const h = hdr.build({ bitBucketSize: 64, autoResize: true });
  for (const v of values) h.recordValue(v);
  return h;
}

t.test('reads the Java 1.3 tagged format with BaseTime', async (t) => {
  const f = parseHlog(fixture('java-tagged.hlog'), 'java-tagged.hlog');
  t.equal(f.formatVersion, '1.3');
  t.equal(f.baseTimeSec, 1_700_000_000);
  t.equal(f.valueUnit, null);
  t.same(hlogTags(f), ['decision', 'tick_to_order']);
  t.equal(f.intervals[2]!.startSec, 1_700_000_001);
  const d = mergeTag(f, 'decision')!;
  t.equal(d.totalCount, 200);
  t.ok(Math.abs(d.getValueAtPercentile(50) - 50_000) <= 50);
  t.equal(mergeTag(f, 'nope'), null);
});

t.test('reads the older untagged layout, timestamps relative to StartTime', async (t) => {
  const f = parseHlog(fixture('java-legacy.hlog'));
  t.equal(f.formatVersion, '1.01');
  t.same(hlogTags(f), [null]);
  t.equal(f.intervals[0]!.startSec, 1403476110.183 + 0.042);
  t.equal(mergeTag(f, null)!.totalCount, 20);
});

t.test("reads hdr-histogram-js's writer output (absolute timestamps)", async (t) => {
  const f = parseHlog(fixture('js-writer.hlog'));
  t.equal(f.intervals[0]!.startSec, 1_700_000_000);
  t.equal(mergeTag(f, 'decision')!.totalCount, 100);
});

t.test('writes what it reads: tags, relative times, unit, Java-style header', async (t) => {
  const text = formatHlog({ startTimeMs: 1_700_000_000_500, valueUnit: 'ns' }, [
    { tag: 'decision', startMs: 1_700_000_000_500, endMs: 1_700_000_001_500, histogram: hist([1000, 2000, 3_000_000]) },
    { tag: null, startMs: 1_700_000_001_500, endMs: 1_700_000_002_500, histogram: hist([7]) },
  ]);
  const lines = text.trimEnd().split('\n');
  t.match(lines, [
    '#[Histogram log format version 1.3]',
    '#[StartTime: 1700000000.500 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]',
    '#[BaseTime: 1700000000.500 (seconds since epoch)]',
    '#[ValueUnit: ns]',
    '#[MaxValueUnitRatio: 1000000]',
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
    /^Tag=decision,0\.000,1\.000,3\.00\d,HISTF[A-Za-z0-9+/=]+$/,
    /^1\.000,1\.000,0\.000,HISTF[A-Za-z0-9+/=]+$/,
  ]);
  const back = parseHlog(text);
  t.same(hlogTags(back), ['decision', null]);
  t.equal(back.intervals[1]!.startSec, 1_700_000_001.5);
  t.equal(mergeTag(back, 'decision')!.totalCount, 3);
  t.equal(javaDateString(0), 'Thu Jan 01 00:00:00 UTC 1970');
});

t.test('refuses tags Java cannot read back', async (t) => {
  t.throws(() => formatHlog({ startTimeMs: 0 }, [{ tag: 'a,b', startMs: 0, endMs: 1, histogram: hist([1]) }]), HlogWriteError);
});

t.test('says what is wrong with a bad file', async (t) => {
  t.throws(() => parseHlog(fixture('not-an-hlog.hlog'), 'x.hlog'), { name: 'HlogFormatError', message: /x\.hlog:1: not an interval line/ });
  t.throws(() => parseHlog(fixture('corrupt-payload.hlog'), 'c.hlog'), { message: /c\.hlog:3: histogram payload is not valid base64/ });
  t.throws(() => parseHlog('#[Histogram log format version 1.3]\n', 'empty.hlog'), { message: /no interval histograms/ });
  t.throws(() => parseHlog('0.0,1.0,1.0,AAAAAAAAAAAA\n'), { message: /no compressed-histogram cookie/ });
  t.throws(() => parseHlog('0.0,1.0,1.0,HISTiQAAAEV42pNpmdzBwMDAxAAGfgoMDMxuBjsWQLgMQt4QmrkKQvNugkq8\n'), { message: /V0 encoding/ });
  t.throws(() => parseHlog('0.0,1.0,1.0,HISTFAAAAEB42pNpmSzMwMAgx8DAwMjAwMDMAAGM\n'), HlogFormatError, 'truncated deflate stream');
});
