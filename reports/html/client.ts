/**
 * The viewer script, part 1 of 2 (see client-detail.ts): reads the embedded JSON once, wires the
 * filters (area, status, free text, only rows where targets differ) and opens a cell's detail on
 * click or Enter. Plain ES2017 as a string (String.raw keeps its backslashes); it never uses
 * innerHTML, so report strings only ever reach the page as text.
 */

/** The filter and table part of the viewer script. Expects `showDetail` from client-detail.ts. */
export const CLIENT_TABLE_JS = String.raw`
var data = JSON.parse(document.getElementById('ec-data').textContent);
var table = document.getElementById('matrix');
var rows = Array.prototype.slice.call(table.tBodies[0].rows);
var fText = document.getElementById('f-text'), fArea = document.getElementById('f-area');
var fStatus = document.getElementById('f-status'), fDiffer = document.getElementById('f-differ');
var countEl = document.getElementById('f-count');

// 1. Index the rows: case rows with their search text and statuses, and the group rows above them.
var cases = [], areaRow = null, featRow = null, groups = [];
rows.forEach(function (row) {
  if (row.classList.contains('area')) { areaRow = { row: row, members: [] }; groups.push(areaRow); return; }
  if (row.classList.contains('feat')) { featRow = { row: row, members: [] }; groups.push(featRow); return; }
  var ci = Number(row.getAttribute('data-c')), c = data.cases[ci], line = data.grid[ci];
  var statuses = {}, ran = {}, unexpected = false, text = [c.id, c.title, c.area, c.feature, c.tags.join(' ')];
  line.forEach(function (r) {
    if (!r) return;
    statuses[r.status] = true;
    if (r.status !== 'SKIP') ran[r.status] = true;
    if (r.status !== r.expected) unexpected = true;
    if (r.message) text.push(r.message);
  });
  var item = { row: row, area: c.area, text: text.join('\n').toLowerCase(), statuses: statuses,
    unexpected: unexpected, differ: Object.keys(ran).length > 1, changed: row.querySelector('td.chg') !== null };
  cases.push(item); areaRow.members.push(item); featRow.members.push(item);
});

// 2. Filter: a case row shows when it passes every filter; a group row when any member shows.
function apply() {
  var q = fText.value.trim().toLowerCase(), area = fArea.value, st = fStatus.value, differ = fDiffer.checked;
  var shown = 0;
  cases.forEach(function (it) {
    var ok = (!q || it.text.indexOf(q) !== -1) && (!area || it.area === area) &&
      (!st || (st === 'unexpected' ? it.unexpected : st === 'changed' ? it.changed : it.statuses[st] === true)) && (!differ || it.differ);
    it.row.hidden = !ok;
    if (ok) shown++;
  });
  groups.forEach(function (g) { g.row.hidden = !g.members.some(function (m) { return !m.row.hidden; }); });
  countEl.textContent = 'Showing ' + shown + ' of ' + cases.length + ' cases';
}
fText.addEventListener('input', apply);
[fArea, fStatus, fDiffer].forEach(function (el) { el.addEventListener('change', apply); });
apply();

// 3. Details: a click (or Enter / Space) on a result cell opens its panel.
var selected = null;
function open(td) {
  if (!td || !td.classList.contains('st') || td.classList.contains('s-none')) return;
  var ci = Number(td.parentNode.getAttribute('data-c')), ti = Number(td.getAttribute('data-t'));
  if (selected) selected.classList.remove('sel');
  selected = td; td.classList.add('sel');
  showDetail(data.cases[ci], data.targets[ti], data.grid[ci][ti]);
}
table.addEventListener('click', function (e) { open(e.target.closest('td.st')); });
table.addEventListener('keydown', function (e) {
  if (e.key === 'Enter' || e.key === ' ') { var td = e.target.closest('td.st'); if (td) { e.preventDefault(); open(td); } }
});
document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeDetail(); });
document.getElementById('detail-close').addEventListener('click', closeDetail);
function closeDetail() {
  document.getElementById('detail').hidden = true;
  if (selected) { selected.classList.remove('sel'); selected.focus(); selected = null; }
}
`;
