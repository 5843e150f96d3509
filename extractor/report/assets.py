"""The CSS and JavaScript inlined into every page (no network: nothing is fetched)."""

CSS = """
:root{--fg:#1d232a;--muted:#5f6b76;--line:#d9dee3;--bg:#fff;--band:#f5f7f9;--accent:#1f5f99;
--measure:#fff0a8;--measure-b:#e0b800;--quantity:#c9e4ff;--quantity-b:#2f7fd0;--deadline:#ffd3df;--deadline-b:#d0456c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.55 system-ui,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
color:var(--fg);background:var(--bg)}
header,main,footer{padding:0 24px}
header{border-bottom:1px solid var(--line);background:var(--band);padding-top:8px;padding-bottom:8px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
a{color:var(--accent)}
nav a{margin-right:14px}
.meta{color:var(--muted);margin:4px 0}
code{font-size:12px;background:var(--band);padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--band);position:sticky;top:0;z-index:1}
th.sortable{cursor:pointer;user-select:none}th.sortable:after{content:" \\2195";color:#aab}
th[aria-sort=ascending]:after{content:" \\2191";color:var(--fg)}th[aria-sort=descending]:after{content:" \\2193";color:var(--fg)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ci{display:block;color:var(--muted);font-size:11px;white-space:nowrap}
.k{color:var(--muted);font-size:11px;white-space:nowrap}
tr.caution td:first-child{border-left:3px solid #e8a317}
.badge{display:inline-block;font-size:11px;padding:0 5px;border-radius:8px;background:#fdebc8;color:#7a4b00;
margin-left:4px;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
#groups-table{font-size:12.5px}#groups-table th,#groups-table td{padding:4px 6px}
#groups-table td:first-child{min-width:8em}
#groups-table td.list{font-size:11.5px;min-width:9em;max-width:13em}
tfoot td{font-weight:600;background:var(--band)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:130px}
.card .v{font-size:20px;font-weight:600;display:block}.card .l{color:var(--muted);font-size:12px}
.note{background:#fff8e6;border-left:3px solid #e8a317;padding:6px 10px;margin:8px 0}
figure{margin:12px 0 24px}figure img{max-width:100%;height:auto;border:1px solid var(--line)}
figcaption{color:var(--muted);font-size:12px;max-width:900px}
dl.method dt{font-weight:600;margin-top:8px}dl.method dd{margin:2px 0 0 16px;max-width:900px}
input.filter{padding:4px 8px;width:320px;margin:6px 0;font:inherit}
.review{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:18px}
@media (max-width:1000px){.review{grid-template-columns:1fr}}
.pane{max-height:calc(100vh - 150px);overflow:auto;padding-right:6px}
.text{white-space:pre-wrap;word-break:break-word;font-size:15px;line-height:2.1}
mark.hl{color:inherit;padding:1px 0;border-radius:2px}
mark.MEASURE{background:var(--measure);border-bottom:2px solid var(--measure-b)}
mark.QUANTITY{background:var(--quantity);border-bottom:2px solid var(--quantity-b)}
mark.DEADLINE{background:var(--deadline);border-bottom:2px solid var(--deadline-b)}
mark.hl mark.hl{padding:2px 0}
body.labels mark.first:before{content:attr(data-label);font-size:9px;font-weight:600;letter-spacing:.02em;
vertical-align:super;line-height:1;margin-right:1px;color:var(--muted)}
mark.focus,tr.focus td{outline:2px solid var(--accent)}
.legend mark{padding:1px 6px;margin-right:8px}
table.commitments ul{margin:0;padding-left:16px}table.commitments li.qualifier{color:var(--muted)}
.role,.kind{font-size:11px;color:var(--muted)}
tr.aspirational td:nth-child(5),tr.exploratory td:nth-child(5){color:#a0522d;font-weight:600}
.error{color:#b00020;font-weight:600}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);margin-top:32px;padding-top:8px;padding-bottom:16px}
"""

JS = """
'use strict';
(function () {
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ''; }
    var raw = cell.getAttribute('data-sort');
    if (raw === null) { return cell.textContent.trim(); }
    var num = parseFloat(raw);
    return isNaN(num) ? raw : num;
  }
  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    var dir = th.getAttribute('aria-sort') === 'descending' ? 'ascending' : 'descending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var cmp = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y), 'zh');
      return dir === 'ascending' ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.classList.add('sortable');
      th.addEventListener('click', function () { sortBy(table, th, index); });
    });
  });
  document.querySelectorAll('input.filter').forEach(function (input) {
    var target = document.getElementById(input.getAttribute('data-table'));
    if (!target) { return; }
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(target.querySelectorAll('tbody tr'), function (tr) {
        tr.hidden = q !== '' && tr.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
  var toggle = document.getElementById('show-labels');
  if (toggle) {
    toggle.addEventListener('change', function () { document.body.classList.toggle('labels', toggle.checked); });
  }
  function focus(el) {
    document.querySelectorAll('.focus').forEach(function (e) { e.classList.remove('focus'); });
    if (el) { el.classList.add('focus'); el.scrollIntoView({block: 'center'}); }
  }
  document.querySelectorAll('tr[data-measure]').forEach(function (tr) {
    tr.addEventListener('click', function (ev) {
      if (ev.target.tagName === 'A') { ev.preventDefault(); }
      focus(document.getElementById(tr.getAttribute('data-measure')));
      tr.classList.add('focus');
    });
  });
  document.querySelectorAll('mark.MEASURE.first').forEach(function (m) {
    m.addEventListener('click', function (ev) {
      ev.stopPropagation();
      focus(document.querySelector('tr[data-measure="' + m.id + '"]'));
      m.classList.add('focus');
    });
  });
})();
"""
