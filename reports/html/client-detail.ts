/**
 * The viewer script, part 2 of 2: `showDetail(case, target, result)` builds the detail panel of one
 * cell with DOM calls and textContent only: expected versus seen, requests, observed status, header
 * field lines, body excerpt, a chunk timeline, errors, and the route's source.
 */

/** The detail-panel part of the viewer script: defines showDetail. */
export const CLIENT_DETAIL_JS = String.raw`
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function pretty(v) { return typeof v === 'string' ? v : JSON.stringify(v, null, 2); }
function dl(pairs) {
  var d = el('dl');
  pairs.forEach(function (p) {
    if (p[1] === undefined || p[1] === null || p[1] === '') return;
    d.appendChild(el('dt', '', p[0]));
    var dd = el('dd');
    if (p[1] instanceof Node) dd.appendChild(p[1]); else dd.textContent = String(p[1]);
    d.appendChild(dd);
  });
  return d;
}
function isLink(url) { return /^https?:\/\//i.test(url); }
function errorText(e) { return e ? (e.name ? e.name + ': ' : '') + e.message : ''; }

function timeline(chunks, headersAtMs) {
  var box = el('div');
  var last = chunks.length ? chunks[chunks.length - 1].atMs : 0;
  var max = Math.max(last, headersAtMs || 0, 1) * 1.05;
  var maxBytes = Math.max.apply(null, chunks.map(function (c) { return c.bytes; }).concat([1]));
  var tl = el('div', 'tl');
  tl.setAttribute('role', 'img');
  if (headersAtMs !== undefined) {
    var b = el('b'); b.style.left = (headersAtMs / max * 100) + '%'; b.title = 'headers at ' + headersAtMs + ' ms';
    tl.appendChild(b);
  }
  var bytes = 0, gap = 0;
  chunks.forEach(function (c, i) {
    var tick = el('i');
    tick.style.left = (c.atMs / max * 100) + '%';
    tick.style.height = (30 + 70 * c.bytes / maxBytes) + '%';
    tick.title = 'chunk ' + (i + 1) + ': ' + c.bytes + ' B at ' + c.atMs + ' ms';
    tl.appendChild(tick);
    bytes += c.bytes;
    if (i > 0) gap = Math.max(gap, c.atMs - chunks[i - 1].atMs);
  });
  tl.setAttribute('aria-label', chunks.length + ' chunks');
  box.appendChild(tl);
  var axis = el('div', 'tl-axis');
  axis.appendChild(el('span', '', '0 ms'));
  axis.appendChild(el('span', '', chunks.length + ' chunk' + (chunks.length === 1 ? '' : 's') + ', ' + bytes + ' B' +
    (chunks.length ? ', first at ' + chunks[0].atMs + ' ms' : '') + (chunks.length > 1 ? ', largest gap ' + gap + ' ms' : '')));
  axis.appendChild(el('span', '', Math.round(max) + ' ms'));
  box.appendChild(axis);
  return box;
}

function stepSection(body, i, spec, seen) {
  body.appendChild(el('h4', '', 'Request ' + (i + 1) + (spec && spec.startAfter === 'previous-first-chunk' ? ' (sent after the previous first chunk)' : '')));
  if (spec) {
    var req = spec.request, lines = [req.method + ' ' + req.path];
    Object.keys(req.headers || {}).forEach(function (k) { lines.push(k + ': ' + req.headers[k]); });
    if (req.body) lines.push('', req.body.chunks ? '(sent as ' + req.body.chunks.length + ' chunks, ' + (req.body.intervalMs || 0) + ' ms apart) ' + pretty(req.body.chunks)
      : pretty(req.body.text !== undefined ? req.body.text : req.body.json !== undefined ? req.body.json : '(base64) ' + req.body.base64));
    if (req.abortAfterMs !== undefined) lines.push('', '(client aborts after ' + req.abortAfterMs + ' ms)');
    body.appendChild(el('pre', 'req', lines.join('\n')));
    body.appendChild(el('h4', '', 'Expected'));
    body.appendChild(el('pre', '', pretty(spec.expect)));
  }
  body.appendChild(el('h4', '', 'Seen'));
  if (!seen) { body.appendChild(el('p', 'nb', 'Nothing was observed for this request.')); return; }
  body.appendChild(dl([['status', seen.status === undefined ? 'no response' : seen.status], ['headers at', seen.headersAtMs !== undefined ? seen.headersAtMs + ' ms' : ''],
    ['body length', seen.bodyLength !== undefined ? seen.bodyLength + ' B' : ''], ['body sha256', seen.bodySha256],
    ['error', errorText(seen.error)], ['aborted', seen.aborted ? 'yes (as the case asked)' : ''], ['timed out', seen.timedOut ? 'yes' : '']]));
  if (seen.headerFields) {
    // Every field line as received, in order, empty values too: two Set-Cookie lines show as two
    // lines, a folded one as one.
    body.appendChild(el('h4', '', 'Response header field lines (' + seen.headerFields.length + ', in order)'));
    body.appendChild(el('pre', 'fields', seen.headerFields.map(function (f) { return f[0] + ': ' + f[1]; }).join('\n')));
  }
  if (seen.bodyExcerpt !== undefined) {
    body.appendChild(el('h4', '', 'Body excerpt'));
    body.appendChild(el('pre', 'body', seen.bodyExcerpt === '' ? '(empty)' : seen.bodyExcerpt));
  }
  if (seen.chunks) {
    body.appendChild(el('h4', '', 'Chunk timeline'));
    body.appendChild(timeline(seen.chunks, seen.headersAtMs));
  }
}

function showDetail(c, t, r) {
  var panel = document.getElementById('detail'), body = document.getElementById('detail-body');
  body.textContent = '';
  body.appendChild(el('h3', 'mono', c.id));
  body.appendChild(el('p', 'ttl', c.title));
  body.appendChild(el('p', 'nb', t.name + ' \u00b7 ' + t.runtime + ' ' + t.version + (t.isolation ? ' \u00b7 ' + t.isolation : '') + (t.access ? ' \u00b7 files: ' + t.access.files + '; network: ' + t.access.network + '; env: ' + t.access.env : '') + (t.skipped ? ' \u00b7 skipped: ' + t.skipped : '')));
  var v = el('div', 'verdict');
  v.appendChild(el('span', 'st s-' + r.status, r.status));
  v.appendChild(el('span', 'nb', 'expected ' + r.expected + (r.status !== r.expected ? ' \u2014 unexpected' : '') + ' \u00b7 ' + r.durationMs + ' ms'));
  body.appendChild(v);
  body.appendChild(el('div', 'msg', r.message || '(no message)'));
  if (r.support) {
    body.appendChild(el('p', 'support sup-' + r.support, r.support === 'stub'
      ? 'Stub: the API exists but throws when called. A stub is not support.'
      : r.support === 'missing' ? 'Missing: the API does not exist here.' : 'Working: calling the API gave a value.'));
  }
  if (r.subtests) {
    var s = r.subtests;
    body.appendChild(el('h4', '', 'Subtests: ' + s.passed + '/' + s.total + ' passed' + (s.failures.length ? ', ' + s.failures.length + ' failed' : '')));
    if (s.failures.length) {
      var table = el('table', 'subtests');
      var head = el('tr');
      ['vector', 'expected', 'seen', ''].forEach(function (h) { head.appendChild(el('th', '', h)); });
      table.appendChild(head);
      s.failures.forEach(function (f) {
        var row = el('tr', f.known ? 'known' : '');
        row.appendChild(el('td', 'mono', f.name));
        row.appendChild(el('td', 'mono', f.expected === undefined ? '' : pretty(f.expected)));
        row.appendChild(el('td', 'mono', f.seen === undefined ? '' : pretty(f.seen)));
        row.appendChild(el('td', 'nb', f.known ? 'known' : ''));
        table.appendChild(row);
      });
      body.appendChild(table);
    }
    if (s.nowPassing && s.nowPassing.length) body.appendChild(el('p', 'nb', 'Known failures that now pass: ' + s.nowPassing.join(', ')));
  }
  var src = isLink(c.source) ? el('a', '', c.source) : c.source;
  if (src instanceof Node) { src.href = c.source; src.target = '_blank'; src.rel = 'noopener noreferrer'; }
  body.appendChild(el('h4', '', 'Case'));
  body.appendChild(dl([['source', src], ['file', c.file], ['area', c.area], ['feature', c.feature], ['tags', c.tags.join(', ')]]));
  if (c.probe) { body.appendChild(el('h4', '', 'Probe')); body.appendChild(el('pre', '', pretty(c.probe))); }
  if (c.refused) { body.appendChild(el('h4', '', 'Must be refused with')); body.appendChild(el('pre', '', pretty(c.refused))); }
  var o = r.observation;
  if (o.loadError || o.crashed || o.harnessError || o.skipped || o.loadTimedOutMs !== undefined) {
    body.appendChild(el('h4', '', 'Error'));
    body.appendChild(dl([['load error', o.loadError ? errorText(o.loadError) + ' (' + o.loadError.phase + ')' : ''],
      ['load timed out', o.loadTimedOutMs !== undefined ? 'after ' + o.loadTimedOutMs + ' ms' : ''],
      ['crashed', o.crashed ? 'exit code ' + o.crashed.exitCode + ', signal ' + o.crashed.signal : ''],
      ['harness error', errorText(o.harnessError)], ['skipped', o.skipped]]));
    if (o.crashed && o.crashed.stderrTail) body.appendChild(el('pre', 'stderr', o.crashed.stderrTail));
  }
  if (o.buildWarnings && o.buildWarnings.length) {
    // A warning is not a refusal: the build went on and the route was served.
    body.appendChild(el('h4', '', 'Build warnings (the route was built and served)'));
    body.appendChild(el('pre', 'stderr', o.buildWarnings.join('\n\n')));
  }
  for (var i = 0; i < Math.max(c.steps.length, o.steps.length); i++) stepSection(body, i, c.steps[i], o.steps[i]);
  if (o.output) {
    body.appendChild(el('h4', '', 'What the target printed while the case ran'));
    body.appendChild(el('pre', 'stderr', o.output));
  }
  var details = el('details');
  details.open = c.route.length < 1500;
  details.appendChild(el('summary', '', 'Route source'));
  details.appendChild(el('pre', 'route', c.route));
  body.appendChild(el('h4', '', 'Route'));
  body.appendChild(details);
  panel.hidden = false;
  panel.scrollTop = 0;
}
`;
