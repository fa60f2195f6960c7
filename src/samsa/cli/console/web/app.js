// The Samsa console page: hash routes (#/topics, #/topics/T, #/topics/T/records,
// #/groups, #/groups/G, #/brokers, #/brokers/ID, #/streams, #/streams/NAME),
// each a function that reads the JSON API and draws plain DOM or SVG.
// No libraries and no external assets: the console must work offline.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
let refreshTimer = null;

// ---- small DOM helpers -------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function table(headers, rows, rowClass) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map(h => el('th', { class: h.num ? 'num' : null }, h.label || h)))),
    el('tbody', {}, rows.map((r, i) => el('tr', { class: rowClass ? rowClass(i) : null },
      r.map((cell, j) => el('td', { class: headers[j].num ? 'num' : null }, cell))))));
}

function show(...nodes) {
  const view = document.getElementById('view');
  view.replaceChildren(...nodes.filter(n => n !== null && n !== undefined));
}

function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message;
  box.hidden = false;
}

function clearError() {
  const box = document.getElementById('error');
  box.textContent = '';
  box.hidden = true;
}

function orDash(v) { return v === null || v === undefined ? '–' : v; }
function enc(s) { return encodeURIComponent(s); }

// ---- the API ---------------------------------------------------------------

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new Error('the console server did not answer (' + e.message + ')');
  }
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error('bad answer from the console server (HTTP ' + response.status + ')');
  }
  if (!response.ok) {
    const err = body && body.error ? body.error : { message: 'HTTP ' + response.status };
    throw new Error(err.message);
  }
  return body;
}

// ---- topics ------------------------------------------------------------------

async function viewTopics() {
  const data = await api('/api/topics');
  show(el('h1', {}, 'Topics'),
    data.topics.length === 0 ? el('p', { class: 'muted' }, 'No topics.') :
    table(['Topic', { label: 'Partitions', num: true }, { label: 'Records', num: true }, 'Internal'],
      data.topics.map(t => [el('a', { href: '#/topics/' + enc(t.name) }, t.name), t.partitions,
        orDash(t.records), t.internal ? 'yes' : ''])),
    el('p', { class: 'muted' }, 'Records: end offset minus start offset, summed over the partitions ' +
      '(compacted or transactional topics hold fewer). Sizes on disk are not shown: the client library has no DescribeLogDirs.'));
}

async function viewTopic(name) {
  const t = await api('/api/topics/' + enc(name));
  let showDefaults = false;
  const configBox = el('div');
  const drawConfigs = () => {
    const rows = t.configs.filter(c => showDefaults || !c.is_default);
    configBox.replaceChildren(rows.length === 0 ? el('p', { class: 'muted' }, 'No overrides: every config has its default.') :
      table(['Name', 'Value', 'Source'], rows.map(c => [c.name, c.sensitive ? '(sensitive)' : orDash(c.value), c.source]),
        i => (rows[i].is_default ? null : 'override')));
  };
  drawConfigs();
  show(el('h1', {}, 'Topic ', el('code', {}, t.name)),
    el('h2', {}, 'Partitions'),
    table([{ label: 'Partition', num: true }, { label: 'Leader', num: true }, 'Replicas', 'ISR',
      { label: 'Start offset', num: true }, { label: 'End offset', num: true }, { label: 'Records', num: true }, ''],
      t.partitions.map(p => [p.partition, p.leader, p.replicas.join(', '), p.isr.join(', '), orDash(p.start_offset),
        orDash(p.end_offset), orDash(p.records),
        el('a', { href: '#/topics/' + enc(t.name) + '/records?partition=' + p.partition }, 'browse')])),
    el('h2', {}, 'Configs ',
      el('label', { class: 'muted' }, el('input', { type: 'checkbox', onchange: e => { showDefaults = e.target.checked; drawConfigs(); } }),
        ' show defaults')),
    configBox);
}

function prettyValue(text, format) {
  if (text === null) return el('span', { class: 'muted' }, 'null');
  if (format === 'json') {
    try {
      return el('pre', {}, JSON.stringify(JSON.parse(text), null, 2));
    } catch (e) {
      return el('pre', { title: 'not JSON' }, text);
    }
  }
  return el('pre', {}, text);
}

async function viewRecords(name, params) {
  const partition = params.get('partition') || '0';
  const mode = params.get('timestamp') ? 'timestamp' : 'offset';
  const position = params.get(mode) || '';
  const limit = params.get('limit') || '50';
  const format = params.get('format') || 'json';
  const topic = await api('/api/topics/' + enc(name));
  const query = new URLSearchParams({ partition, limit });
  if (position !== '') query.set(mode, position);
  const data = await api('/api/topics/' + enc(name) + '/records?' + query.toString());

  const form = el('form', { class: 'bar', onsubmit: e => {
    e.preventDefault();
    const f = new FormData(e.target);
    const next = new URLSearchParams({ partition: f.get('partition'), limit: f.get('limit'), format: f.get('format') });
    if (f.get('position') !== '') next.set(f.get('mode'), f.get('position'));
    location.hash = '#/topics/' + enc(name) + '/records?' + next.toString();
  } },
  el('label', {}, 'Partition', el('select', { name: 'partition' },
    topic.partitions.map(p => el('option', { value: p.partition, selected: String(p.partition) === partition ? 'selected' : null }, p.partition)))),
  el('label', {}, 'From', el('select', { name: 'mode' },
    el('option', { value: 'offset', selected: mode === 'offset' ? 'selected' : null }, 'offset'),
    el('option', { value: 'timestamp', selected: mode === 'timestamp' ? 'selected' : null }, 'timestamp (ms or ISO-8601)'))),
  el('label', {}, 'Position', el('input', { name: 'position', value: position, placeholder: 'start' })),
  el('label', {}, 'Limit', el('input', { name: 'limit', value: limit, size: 4 })),
  el('label', {}, 'Show values as', el('select', { name: 'format' },
    el('option', { value: 'json', selected: format === 'json' ? 'selected' : null }, 'pretty JSON'),
    el('option', { value: 'text', selected: format === 'text' ? 'selected' : null }, 'text'))),
  el('button', { type: 'submit' }, 'Read'));

  show(el('h1', {}, 'Records of ', el('a', { href: '#/topics/' + enc(name) }, el('code', {}, name)), ' partition ' + data.partition),
    form,
    el('p', { class: 'muted' }, `Offsets ${orDash(data.start_offset)} to ${orDash(data.end_offset)}; showing ${data.records.length} from offset ${data.from_offset}.`),
    data.records.length === 0 ? el('p', { class: 'muted' }, 'No records there.') :
    table([{ label: 'Offset', num: true }, 'Timestamp', 'Key', 'Value', 'Headers'],
      data.records.map(r => [r.offset,
        el('span', { title: r.timestamp_type + ' ' + r.timestamp }, r.timestamp >= 0 ? new Date(r.timestamp).toISOString() : '–'),
        prettyValue(r.key, 'text'), prettyValue(r.value, format),
        r.headers.length === 0 ? el('span', { class: 'muted' }, 'none') :
          el('pre', {}, r.headers.map(h => h.key + ': ' + (h.value === null ? 'null' : h.value)).join('\n'))])),
    nextPageLink(name, data, limit, format));
}

function nextPageLink(name, data, limit, format) {
  if (data.records.length === 0) return null;
  const next = data.records[data.records.length - 1].offset + 1;
  if (data.end_offset === null || next >= data.end_offset) return null;
  const query = new URLSearchParams({ partition: data.partition, offset: next, limit, format });
  return el('p', {}, el('a', { href: '#/topics/' + enc(name) + '/records?' + query.toString(), 'data-testid': 'next-page' },
    'Next records from offset ' + next + ' →'));
}

// ---- consumer groups ---------------------------------------------------------

async function viewGroups() {
  const data = await api('/api/groups');
  show(el('h1', {}, 'Consumer groups'),
    data.groups.length === 0 ? el('p', { class: 'muted' }, 'No consumer groups.') :
    table(['Group', 'State'], data.groups.map(g => [el('a', { href: '#/groups/' + enc(g.group) }, g.group),
      el('span', { class: 'pill ' + g.state }, g.state)])));
}

function lagChart(history) {
  const width = 640, height = 200, left = 56, right = 12, top = 12, bottom = 28;
  const chart = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'data-testid': 'lag-chart' });
  const samples = history.samples;
  if (samples.length === 0) {
    chart.appendChild(svg('text', { x: left, y: height / 2 }, 'No lag samples yet: the console samples every few seconds.'));
    return chart;
  }
  const t0 = samples[0].time, t1 = Math.max(samples[samples.length - 1].time, t0 + 1);
  const maxLag = Math.max(1, ...samples.map(s => s.lag));
  const x = t => left + (t - t0) / (t1 - t0) * (width - left - right);
  const y = v => top + (1 - v / maxLag) * (height - top - bottom);
  chart.appendChild(svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: height - bottom }));
  chart.appendChild(svg('line', { class: 'axis', x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }));
  chart.appendChild(svg('text', { x: 4, y: top + 8 }, String(maxLag)));
  chart.appendChild(svg('text', { x: 4, y: height - bottom }, '0'));
  const clock = t => new Date(t).toISOString().slice(11, 19);
  chart.appendChild(svg('text', { x: left, y: height - 8 }, clock(t0)));
  chart.appendChild(svg('text', { x: width - right - 60, y: height - 8 }, clock(t1)));
  // One thin line per partition (the eight with the most lag now), the total on top.
  const latest = samples[samples.length - 1].partitions || {};
  const names = [...new Set(samples.flatMap(s => Object.keys(s.partitions || {})))]
    .sort((a, b) => (latest[b] || 0) - (latest[a] || 0)).slice(0, 8);
  const colors = ['#e07b39', '#3c9a5f', '#8a58c9', '#c8a200', '#d04a6a', '#2a9bb5', '#7a8294', '#9b6a3c'];
  if (names.length > 1) {
    names.forEach((name, i) => {
      const pts = samples.filter(s => s.partitions && name in s.partitions)
        .map(s => `${x(s.time).toFixed(1)},${y(s.partitions[name]).toFixed(1)}`).join(' ');
      chart.appendChild(svg('polyline', { class: 'partition-line', points: pts, stroke: colors[i] }, svg('title', {}, name)));
    });
  }
  const points = samples.map(s => `${x(s.time).toFixed(1)},${y(s.lag).toFixed(1)}`).join(' ');
  chart.appendChild(svg('polyline', { class: 'chart-line', points }, svg('title', {}, 'total lag')));
  for (const s of samples) {
    chart.appendChild(svg('circle', { cx: x(s.time), cy: y(s.lag), r: 2.5, fill: '#2457c5' },
      svg('title', {}, `${clock(s.time)}: lag ${s.lag}`)));
  }
  return chart;
}

function lagLegend(history) {
  const last = history.samples[history.samples.length - 1];
  if (!last || Object.keys(last.partitions || {}).length < 2) return null;
  return el('p', { class: 'legend muted' }, 'Thick line: total lag; thin lines: per partition (hover for the name).');
}

async function viewGroup(id) {
  const [g, history] = await Promise.all([api('/api/groups/' + enc(id)), api('/api/groups/' + enc(id) + '/lag-history')]);
  show(el('h1', {}, 'Consumer group ', el('code', {}, g.group)),
    el('div', { class: 'stats' },
      el('div', { class: 'stat' }, 'State', el('b', {}, g.state)),
      el('div', { class: 'stat' }, 'Members', el('b', {}, g.members.length)),
      el('div', { class: 'stat' }, 'Total lag', el('b', { 'data-testid': 'total-lag' }, g.total_lag)),
      el('div', { class: 'stat' }, 'Coordinator', el('b', {}, g.coordinator)),
      el('div', { class: 'stat' }, 'Assignor', el('b', {}, g.partition_assignor || '–'))),
    el('h2', {}, 'Lag over the last ' + Math.round(history.window_ms / 60000) + ' minutes'),
    lagChart(history),
    lagLegend(history),
    el('h2', {}, 'Offsets and lag per partition'),
    g.partitions.length === 0 ? el('p', { class: 'muted' }, 'No committed offsets and no assignments.') :
    table(['Topic', { label: 'Partition', num: true }, { label: 'Committed', num: true }, { label: 'End offset', num: true },
      { label: 'Lag', num: true }, 'Member', 'Host'],
      g.partitions.map(p => [el('a', { href: '#/topics/' + enc(p.topic) }, p.topic), p.partition, orDash(p.committed_offset),
        orDash(p.end_offset), orDash(p.lag), p.member_id || '–', p.host || '–'])),
    el('h2', {}, 'Members'),
    g.members.length === 0 ? el('p', { class: 'muted' }, 'No members.') :
    table(['Member', 'Client id', 'Host', 'Instance id', 'Assignment'],
      g.members.map(m => [m.member_id, m.client_id, m.host, orDash(m.group_instance_id),
        m.assignment.map(a => a.topic + '-' + a.partition).join(', ') || '–'])));
  refreshTimer = setTimeout(() => route(true), 5000);
}

// ---- brokers -----------------------------------------------------------------

async function viewBrokers() {
  const c = await api('/api/cluster');
  show(el('h1', {}, 'Brokers'),
    el('p', { class: 'muted' }, `Bootstrap ${c.bootstrap}; ${c.topic_count} topics.`),
    table([{ label: 'Id', num: true }, 'Host', { label: 'Port', num: true }, ''],
      c.brokers.map(b => [b.id, b.host, b.port, el('a', { href: '#/brokers/' + b.id }, 'configs')])));
}

async function viewBroker(id) {
  const data = await api('/api/brokers/' + enc(id) + '/configs');
  let filter = '';
  const box = el('div');
  const draw = () => {
    const rows = data.configs.filter(c => c.name.includes(filter));
    box.replaceChildren(table(['Name', 'Value', 'Source', 'Read-only'],
      rows.map(c => [c.name, c.sensitive ? '(sensitive)' : orDash(c.value), c.source, c.read_only ? 'yes' : '']),
      i => (rows[i].is_default ? null : 'override')));
  };
  draw();
  show(el('h1', {}, 'Broker ' + data.broker + ' configs'),
    el('form', { class: 'bar', onsubmit: e => e.preventDefault() },
      el('label', {}, 'Filter', el('input', { placeholder: 'log.retention', oninput: e => { filter = e.target.value; draw(); } }))),
    box);
}

// ---- streams applications ------------------------------------------------------

async function viewStreams() {
  const data = await api('/api/topologies');
  const form = el('form', { onsubmit: async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const saved = await api('/api/topologies', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: f.get('name'), text: f.get('text') }) });
      location.hash = '#/streams/' + enc(saved.name);
    } catch (err) {
      showError(err.message);
    }
  } },
  el('p', {}, el('label', {}, 'Application id ', el('input', { name: 'name', placeholder: 'word-count', required: 'required' }))),
  el('textarea', { name: 'text', placeholder: 'Topologies:\n   Sub-topology: 0\n    Source: ...' }),
  el('p', {}, el('button', { type: 'submit' }, 'Draw')));
  show(el('h1', {}, 'Streams applications'),
    data.topologies.length === 0 ? el('p', { class: 'muted' }, 'No topologies yet: start the console with --topology NAME=FILE or paste one below.') :
    table(['Application', { label: 'Sub-topologies', num: true }, { label: 'Nodes', num: true }, 'From'],
      data.topologies.map(t => [el('a', { href: '#/streams/' + enc(t.name) }, t.name), t.sub_topologies, t.nodes,
        t.url || 'a file or the page'])),
    el('h2', {}, 'Paste a Topology#describe() text'), form);
}

// Columns by longest path from the panel's roots; rows in order of appearance.
function layoutPanel(nodes, edges) {
  const layer = new Map(nodes.map(n => [n.id, 0]));
  for (let round = 0; round < nodes.length; round++) {
    let changed = false;
    for (const e of edges) {
      if (layer.has(e.from) && layer.has(e.to) && layer.get(e.to) < layer.get(e.from) + 1) {
        layer.set(e.to, layer.get(e.from) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const n of nodes) {
    const c = layer.get(n.id);
    (columns[c] = columns[c] || []).push(n);
  }
  return columns.filter(Boolean);
}

// "12.5 rec/s": a node's rate from the application's metrics (--metrics).
function rateText(rate) {
  return (rate >= 100 ? Math.round(rate) : Math.round(rate * 10) / 10) + ' rec/s';
}

// rates: {node name: records/s} when the application's metrics were read.
function drawTopology(graph, rates) {
  const nodeW = 270, nodeH = 40, colGap = 60, rowGap = 16, pad = 20, panelGap = 30;
  const byId = new Map(graph.nodes.map(n => [n.id, n]));
  const picture = svg('svg', { 'data-testid': 'topology' });
  picture.appendChild(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#7a8294' }))));
  let offsetY = pad, width = 0;
  for (const sub of graph.sub_topologies) {
    // The sub-topology's own nodes, plus the topics they read or write.
    const own = new Set(graph.nodes.filter(n => n.sub_topology === sub.id).map(n => n.id));
    const edges = graph.edges.filter(e => own.has(e.from) || own.has(e.to));
    for (const e of edges) { own.add(e.from); own.add(e.to); }
    const nodes = graph.nodes.filter(n => own.has(n.id));
    const columns = layoutPanel(nodes, edges);
    const pos = new Map();
    let panelH = 0;
    columns.forEach((col, c) => col.forEach((n, r) => {
      pos.set(n.id, { x: pad + 10 + c * (nodeW + colGap), y: offsetY + 28 + r * (nodeH + rowGap) });
      panelH = Math.max(panelH, 28 + (r + 1) * (nodeH + rowGap));
    }));
    const panelW = columns.length * (nodeW + colGap) - colGap + 20;
    width = Math.max(width, panelW + 2 * pad);
    picture.appendChild(svg('rect', { class: 'panel', x: pad, y: offsetY, width: panelW, height: panelH + 4, rx: 6 }));
    picture.appendChild(svg('text', { x: pad + 8, y: offsetY + 16 },
      'Sub-topology ' + sub.id + (sub.global ? ' (global store)' : '')));
    for (const e of edges) {
      const a = pos.get(e.from), b = pos.get(e.to);
      if (!a || !b) continue;
      const x1 = a.x + nodeW, y1 = a.y + nodeH / 2, x2 = b.x, y2 = b.y + nodeH / 2, mid = (x1 + x2) / 2;
      picture.appendChild(svg('path', { class: 'edge ' + e.kind, d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`,
        'marker-end': 'url(#arrow)' }));
    }
    for (const n of nodes) {
      const p = pos.get(n.id);
      const label = n.name.length > 38 ? n.name.slice(0, 36) + '…' : n.name;
      const kind = n.kind + (n.role && n.kind === 'topic' ? ' · ' + n.role : '') +
        (n.stores ? ' · stores: ' + n.stores.length : '');
      picture.appendChild(svg('g', { class: 'node ' + n.kind + ' ' + (n.role || ''), transform: `translate(${p.x},${p.y})`, 'data-node': n.id },
        svg('title', {}, n.name),
        svg('rect', { width: nodeW, height: nodeH, rx: n.kind === 'topic' ? 14 : 4 }),
        svg('text', { class: 'kind', x: 8, y: 13 }, kind),
        svg('text', { x: 8, y: 30 }, label),
        rates && n.kind !== 'topic' && rates[n.name] !== undefined ?
          svg('text', { class: 'rate', x: nodeW - 8, y: 13, 'text-anchor': 'end' }, rateText(rates[n.name])) : null));
    }
    offsetY += panelH + 4 + panelGap;
  }
  picture.setAttribute('width', Math.max(width, 400));
  picture.setAttribute('height', offsetY);
  if (!byId.size) picture.appendChild(svg('text', { x: pad, y: pad }, 'Empty topology.'));
  return picture;
}

async function viewStream(name) {
  const t = await api('/api/topologies/' + enc(name));
  show(el('h1', {}, 'Streams application ', el('code', {}, t.name)),
    t.url ? el('p', { class: 'muted' }, 'Read from ' + t.url + ' just now.') : null,
    t.metrics_url ? el('p', { class: 'muted', 'data-testid': 'metrics-source' }, t.metrics_error ?
      'No rates: ' + t.metrics_url + ': ' + t.metrics_error :
      'Records/s per processor node from ' + t.metrics_url + ' (Kafka Streams records them at metrics.recording.level DEBUG).') : null,
    el('p', { class: 'legend' }, ['source', 'processor', 'sink', 'store', 'topic'].map(k => el('span', {}, '■ ' + k)),
      el('span', { class: 'muted' }, 'dashed: a processor’s store, a store’s changelog topic')),
    drawTopology(t.graph, t.node_rates),
    el('h2', {}, 'describe() text'), el('pre', {}, t.text));
  // Rates move: read them again while the page is open.
  if (t.metrics_url) refreshTimer = setTimeout(() => route(true), 5000);
}

// ---- routing -----------------------------------------------------------------

async function route(isRefresh) {
  clearTimeout(refreshTimer);
  const hash = location.hash || '#/topics';
  const [path, queryText] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(queryText || '');
  for (const a of document.querySelectorAll('header nav a')) a.classList.toggle('active', a.dataset.view === parts[0]);
  if (!isRefresh) clearError();
  try {
    if (parts[0] === 'topics' && parts.length === 1) await viewTopics();
    else if (parts[0] === 'topics' && parts.length === 2) await viewTopic(parts[1]);
    else if (parts[0] === 'topics' && parts[2] === 'records') await viewRecords(parts[1], params);
    else if (parts[0] === 'groups' && parts.length === 1) await viewGroups();
    else if (parts[0] === 'groups') await viewGroup(parts[1]);
    else if (parts[0] === 'brokers' && parts.length === 1) await viewBrokers();
    else if (parts[0] === 'brokers') await viewBroker(parts[1]);
    else if (parts[0] === 'streams' && parts.length === 1) await viewStreams();
    else if (parts[0] === 'streams') await viewStream(parts[1]);
    else throw new Error('no such page: ' + hash);
    if (isRefresh) clearError();
    document.body.dataset.loaded = hash;
  } catch (e) {
    showError(e.message);
    if (!isRefresh) show(el('p', { class: 'muted' }, 'Nothing to show.'));
    document.body.dataset.loaded = hash;
  }
}

async function showCluster() {
  try {
    const c = await api('/api/cluster');
    document.getElementById('cluster').textContent = `${c.bootstrap} · ${c.brokers.length} broker(s)`;
  } catch (e) {
    document.getElementById('cluster').textContent = 'cluster unreachable';
  }
}

window.addEventListener('hashchange', () => route(false));
showCluster();
route(false);
