/**
 * The report page's script (inline, no network): a click on a column header sorts its table
 * (again: the other way), the class menu shows only that class's rows in every table.
 */
export const reportScript = `
(function () {
  function cellValue(row, index) {
    var cell = row.cells[index];
    var v = cell.getAttribute('data-value');
    return v === null ? cell.textContent : v;
  }
  document.querySelectorAll('table.points').forEach(function (table) {
    table.querySelectorAll('th[data-sort]').forEach(function (th) {
      th.addEventListener('click', function () {
        var index = Array.prototype.indexOf.call(th.parentNode.children, th);
        var numeric = th.getAttribute('data-sort') === 'number';
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var d = numeric ? Number(x) - Number(y) : String(x).localeCompare(String(y));
          return ascending ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var filter = document.getElementById('class-filter');
  if (filter) {
    filter.addEventListener('change', function () {
      var wanted = filter.value;
      document.querySelectorAll('table.points tbody tr').forEach(function (row) {
        row.hidden = wanted !== '' && row.getAttribute('data-class') !== wanted;
      });
    });
  }
})();
`;
