/*
 * xarb dashboard (plain browser script, no build step). The first /ws message ("hello") brings
 * the configuration and a few minutes of history; then one "frame" arrives every 250 ms. The
 * page keeps what it plots in `window.xarb` (tests read it there instead of pixels).
 */
(function () {
  'use strict';
  const MAX_POINTS = 1200;
  const token = new URLSearchParams(location.search).get('token') || '';
  const q = token ? '?token=' + encodeURIComponent(token) : '';
  const S = (window.xarb = { hello: null, frames: 0, last: null, t: [], spreads: {}, equity: [], realized: [], pos: {}, lat: { hops: [], headline: null, points: {} }, charts: {}, control: [] });
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const num = (v, d) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
  const us = (s) => (s === null || s === undefined || !Number.isFinite(s) ? '–' : s >= 1e-3 ? (s * 1e3).toFixed(2) + ' ms' : (s * 1e6).toFixed(1) + ' µs');
  const ago = (t) => Math.max(0, Math.round((Date.now() - t) / 1000)) + 's ago';
  const COLORS = ['#58a6ff', '#f0883e', '#3fb950', '#d2a8ff', '#ff7b72', '#e3b341', '#79c0ff', '#56d364'];
  const nn = (v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  const cap = (a) => { while (a.length > MAX_POINTS) a.shift(); };

  function table(head, rows) {
    return '<table><tr>' + head.map((h) => '<th>' + esc(h) + '</th>').join('') + '</tr>' +
      rows.map((r) => '<tr>' + r.map((c) => '<td>' + c + '</td>').join('') + '</tr>').join('') + '</table>';
  }

  function axes(yLabel) {
    const ax = { stroke: '#8593a0', grid: { stroke: '#242b33', width: 1 }, ticks: { stroke: '#242b33' } };
    return [Object.assign({}, ax), Object.assign({ label: yLabel, size: 56 }, ax)];
  }

  function makeChart(el, series, yLabel, height, extra) {
    const w = Math.max(200, el.clientWidth || el.parentElement.clientWidth - 16);
    const opts = Object.assign({ width: w, height: height, series: [{}].concat(series.map((x) => Object.assign({ points: { show: false } }, x))), axes: axes(yLabel), scales: { x: { time: true } }, legend: { live: false } }, extra || {});
    const data = [[]].concat(series.map(() => []));
    return new uPlot(opts, data, el);
  }

  function buildCharts() {
    const h = S.hello;
    const box = $('spread-charts');
    box.innerHTML = '';
    S.charts.spread = {};
    for (const sym of h.symbols) {
      const el = document.createElement('div');
      el.className = 'chart';
      box.appendChild(el);
      const title = document.createElement('div');
      title.className = 'muted';
      title.textContent = sym;
      el.appendChild(title);
      S.charts.spread[sym] = makeChart(el, [
        { label: 'buy Binance → sell Bybit', stroke: COLORS[0], width: 1 },
        { label: 'buy Bybit → sell Binance', stroke: COLORS[1], width: 1 },
        { label: 'entry threshold', stroke: '#f85149', dash: [6, 4], width: 1 },
      ], 'bps', h.symbols.length > 1 ? 130 : 220);
    }
    S.charts.pnl = makeChart($('pnl-chart'), [
      { label: 'realized PnL', stroke: COLORS[2], width: 1.5, scale: 'pnl' },
      { label: 'equity', stroke: COLORS[3], width: 1, scale: 'eq' },
    ], 'PnL', 150, {
      axes: axes('PnL').concat([{ scale: 'eq', side: 1, stroke: '#8593a0', grid: { show: false }, size: 70 }]),
      scales: { x: { time: true }, pnl: {}, eq: {} },
    });
    S.charts.pnl.axes[1].scale = 'pnl';
    const posSeries = [];
    let i = 0;
    for (const v of h.venues) for (const sym of h.symbols) posSeries.push({ label: v + ' ' + sym, stroke: COLORS[i++ % COLORS.length], width: 1.5 });
    S.charts.pos = makeChart($('pos-chart'), posSeries, 'base', 120);
    buildLatencyChart();
  }

  function buildLatencyChart() {
    const el = $('lat-chart');
    el.innerHTML = '';
    const hop = S.lat.headline || S.lat.hops[0];
    $('lat-title').textContent = hop ? '(' + hop + ' per second, log scale)' : '(no orders yet)';
    S.charts.latHop = hop || null;
    S.charts.lat = makeChart(el, [
      { label: 'p50', stroke: COLORS[0], width: 1.5 }, { label: 'p90', stroke: COLORS[2], width: 1 },
      { label: 'p99', stroke: COLORS[1], width: 1.5 }, { label: 'max', stroke: '#8593a0', width: 1, dash: [3, 3] },
    ], 'µs', 150, { scales: { x: { time: true }, y: { distr: 3 } } });
  }

  function redraw() {
    const h = S.hello;
    if (!h) return;
    const t = S.t.map((x) => x / 1000);
    for (const sym of h.symbols) {
      const sp = S.spreads[sym];
      const th = h.thresholds[sym];
      S.charts.spread[sym].setData([t, sp.bnToBy, sp.byToBn, t.map(() => th)]);
    }
    S.charts.pnl.setData([t, S.realized, S.equity]);
    const pos = [t];
    for (const v of h.venues) for (const sym of h.symbols) pos.push(S.pos[v + ':' + sym]);
    S.charts.pos.setData(pos);
    const hop = S.charts.latHop;
    const pts = hop ? S.lat.points[hop] || [] : [];
    const f = (k) => pts.map((p) => (p[k] > 0 ? p[k] * 1e6 : null));
    S.charts.lat.setData([pts.map((p) => p.t / 1000), f('p50'), f('p90'), f('p99'), f('max')]);
  }

  function onHello(m) {
    S.hello = m;
    $('run').textContent = m.run_id + ' · ' + m.mode;
    S.t = m.series.t.slice();
    for (const sym of m.symbols) S.spreads[sym] = { bnToBy: m.series.spreads[sym].bnToBy.map(nn), byToBn: m.series.spreads[sym].byToBn.map(nn) };
    S.equity = m.series.equity.map(nn);
    S.realized = m.series.realized.map(nn);
    for (const k of Object.keys(m.series.positions)) S.pos[k] = m.series.positions[k].map(nn);
    S.lat = { hops: m.latency.hops.slice(), headline: m.latency.headline, points: m.latency.points };
    buildCharts();
    onFrame(m.frame);
  }

  function onFrame(f) {
    S.frames++;
    S.last = f;
    const h = S.hello;
    S.t.push(f.t);
    for (const s of f.symbols) {
      S.spreads[s.symbol].bnToBy.push(nn(s.bnToBy));
      S.spreads[s.symbol].byToBn.push(nn(s.byToBn));
      cap(S.spreads[s.symbol].bnToBy); cap(S.spreads[s.symbol].byToBn);
    }
    const st = f.strategy;
    S.equity.push(nn(st.equity)); S.realized.push(nn(st.realized_pnl));
    cap(S.t); cap(S.equity); cap(S.realized);
    for (const v of h.venues) for (const sym of h.symbols) {
      const a = S.pos[v + ':' + sym];
      a.push(nn(st.positions[v].base[sym])); cap(a);
    }
    // Latency: one point per hop per second; the hop list comes from the data.
    let rebuild = false;
    for (const hop of f.latency.hops) {
      if (!S.lat.points[hop]) S.lat.points[hop] = [];
      const p = f.latency.last[hop];
      const arr = S.lat.points[hop];
      if (p && (arr.length === 0 || arr[arr.length - 1].t < p.t)) { arr.push(p); if (arr.length > 900) arr.shift(); }
    }
    if (f.latency.headline !== S.lat.headline || (S.charts.latHop === null && f.latency.hops.length > 0)) rebuild = true;
    S.lat.hops = f.latency.hops;
    S.lat.headline = f.latency.headline;
    if (rebuild) buildLatencyChart();
    redraw();
    renderPanels(f);
  }

  function renderPanels(f) {
    const st = f.strategy;
    const state = $('state');
    if (f.stopping) { state.className = 'pill warn'; state.textContent = 'STOPPING'; }
    else if (st.halted) { state.className = 'pill bad'; state.textContent = st.flattening ? 'FLATTENING' : 'HALTED'; }
    else { state.className = 'pill ok'; state.textContent = 'TRADING'; }
    $('k-equity').textContent = num(st.equity, 2);
    $('k-pnl').textContent = num(st.realized_pnl, 2);
    $('k-rounds').textContent = (st.rounds_closed ?? '–') + ' (' + (st.rounds_won ?? 0) + ' won)';
    $('k-dd').textContent = st.drawdown === null ? '–' : (st.drawdown * 100).toFixed(2) + '%';
    const head = f.latency.headline;
    const hp = head ? f.latency.last[head] : null;
    $('k-lat-label').textContent = head ? head + ' p50/p99' : 'latency';
    $('k-lat').textContent = hp ? us(hp.p50) + ' / ' + us(hp.p99) : '–';

    $('risk').innerHTML = table(['', ''], [
      ['state', st.halted ? '<span class="bad">halted</span>' : '<span class="ok">trading</span>'],
      ['halt reason', esc(st.halt_reason || '–')],
      ['drawdown', st.drawdown === null ? '–' : (st.drawdown * 100).toFixed(3) + '%'],
      ['open rounds / live orders', num(st.open_rounds, 0) + ' / ' + num(st.live_orders, 0)],
      ['legged rounds / stop-losses', num(st.legged_rounds, 0) + ' / ' + num(st.stop_losses, 0)],
      ['orders sent / rejects', num(st.orders_sent, 0) + ' / ' + num(st.rejects, 0)],
      ['PnL round / legging / fees', num(st.round_pnl, 2) + ' / ' + num(st.legging_pnl, 2) + ' / ' + num(st.fees, 2)],
    ]);
    $('risk-events').innerHTML = f.risk_events.slice(-4).reverse().map((e) => '<div class="alert"><b>' + esc(e.rule + ' ' + e.action) + '</b> <span class="muted">' + esc(e.detail.slice(0, 120)) + '</span></div>').join('');

    const firing = f.alerts.firing;
    $('alerts').innerHTML = (firing.length === 0 ? '<div class="ok">no alert firing</div>' :
      firing.map((a) => '<div class="alert ' + (a.severity === 'critical' ? 'bad' : 'warn') + '">' + esc(a.kind) + ': ' + esc(a.message) + ' <span class="muted">' + ago(a.since) + '</span></div>').join('')) +
      f.alerts.recent.slice(-5).reverse().map((a) => '<div class="alert muted">' + esc(a.state) + ' ' + esc(a.kind) + ': ' + esc(a.message) + ' · ' + ago(a.t) + '</div>').join('');

    const h = S.hello;
    const prow = [];
    for (const v of h.venues) {
      const p = st.positions[v];
      prow.push([esc(v), num(p.quote, 2)].concat(h.symbols.map((s) => num(p.base[s], 6))));
    }
    prow.push(['net exposure', ''].concat(h.symbols.map((s) => num(st.exposure[s], 6))));
    $('positions').innerHTML = table(['venue', 'quote'].concat(h.symbols), prow);

    const books = {};
    for (const s of f.symbols) for (const b of s.books) books[b.venue] = (books[b.venue] || []).concat([s.symbol + ' ' + (b.usable ? '<span class="ok">usable</span>' : '<span class="bad">' + esc(b.reason) + '</span>')]);
    $('feeds').innerHTML = table(['venue', 'state', 'books', 'frames/s', 'disc.', 'bad', 'gaps'], f.feeds.map((x) => [
      esc(x.venue), '<span class="' + (x.state === 'ok' ? 'ok' : x.state === 'down' ? 'bad' : 'warn') + '">' + esc(x.state) + '</span>',
      (books[x.venue] || []).join(' '), num(x.fps, 0), num(x.disconnects, 0), num(x.bad_frames, 0), num(x.gaps, 0),
    ])) + table(['symbol', 'bn→by', 'by→bn', 'threshold', 'edge bn→by', 'edge by→bn'], f.symbols.map((s) => [
      esc(s.symbol), num(s.bnToBy, 1), num(s.byToBn, 1), num(s.threshold, 1), num(s.edgeBnToBy, 1), num(s.edgeByToBn, 1),
    ]));
    const sys = f.system;
    $('system').innerHTML = table(['loop p99', 'RSS', 'heap', 'GC max', 'rings (depth/dropped)'], [[
      num(sys.loop_p99_ms, 1) + ' ms', num(sys.rss_mb, 0) + ' MiB', num(sys.heap_mb, 0) + ' MiB', num(sys.gc_max_pause_ms, 0) + ' ms',
      Object.entries(f.rings).map(([k, r]) => esc(k) + ' ' + r.depth + '/' + r.dropped).join(' · '),
    ]]);
    $('lat-table').innerHTML = table(['hop (last second)', 'p50', 'p99', 'max', 'n'], f.latency.hops.map((hop) => {
      const p = f.latency.last[hop];
      return [esc(hop), us(p && p.p50), us(p && p.p99), us(p && p.max), p ? num(p.count, 0) : '–'];
    }));
    $('rounds').innerHTML = table(['pair', 'symbol', 'buy→sell', 'qty', 'edge', 'outcome', 'PnL', ''], f.rounds.slice().reverse().slice(0, 12).map((r) => [
      r.pair_id, esc(r.symbol), esc(r.buy_venue + '→' + r.sell_venue), num(r.qty, 4), num(r.edge_bps, 1),
      r.outcome ? '<span class="' + (r.outcome === 'matched' ? 'ok' : 'warn') + '">' + esc(r.outcome) + '</span>' : '<span class="warn">open</span>',
      num(r.pnl, 2), '<span class="muted">' + ago(r.opened) + '</span>',
    ]));
    $('fills').innerHTML = table(['venue', 'symbol', 'side', 'qty', 'price', 'fee', 'role', ''], f.fills.slice().reverse().slice(0, 12).map((x) => [
      esc(x.venue), esc(x.symbol), '<span class="' + (x.side === 'buy' ? 'ok' : 'bad') + '">' + esc(x.side) + '</span>', num(x.qty, 4), num(x.price, 2),
      num(x.fee, 4), esc(x.role), '<span class="muted">' + ago(x.t) + '</span>',
    ]));
  }

  async function control(action) {
    const reason = $('reason').value.trim();
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    let text;
    try {
      const r = await fetch('/' + action, { method: 'POST', headers, body: JSON.stringify(reason ? { reason } : {}) });
      const body = await r.json();
      text = (body.ok ? '✓ ' : '✗ ') + body.message;
      S.control.push({ action, status: r.status, ok: body.ok });
    } catch (e) {
      text = '✗ ' + e.message;
    }
    $('control-msg').textContent = text;
  }
  for (const b of document.querySelectorAll('#control button')) b.addEventListener('click', () => control(b.dataset.action));

  let backoff = 500;
  function connect() {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + q);
    ws.onopen = () => { backoff = 500; $('link').className = 'pill ok'; $('link').textContent = 'live'; };
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === 'hello') onHello(m);
      else if (m.type === 'frame' && S.hello) onFrame(m);
    };
    ws.onclose = () => {
      $('link').className = 'pill bad'; $('link').textContent = 'disconnected';
      setTimeout(connect, backoff);
      backoff = Math.min(10000, backoff * 2);
    };
  }
  window.addEventListener('resize', () => {
    for (const c of [S.charts.pnl, S.charts.pos, S.charts.lat].concat(Object.values(S.charts.spread || {}))) {
      if (c) c.setSize({ width: Math.max(200, c.root.parentElement.clientWidth - 4), height: c.height });
    }
  });
  connect();
})();
