// nklabor explorer: the year selector, the action filters and the search. No libraries, nothing fetched.
(function () {
  "use strict";
  var year = document.getElementById("year");
  if (year) {
    var show = function () {
      var y = year.value;
      document.querySelectorAll("svg.map g.year").forEach(function (g) {
        g.style.display = g.getAttribute("data-year") === y ? "" : "none";
      });
      var shaded = {};
      document.querySelectorAll(".year-table").forEach(function (d) {
        var on = d.getAttribute("data-year") === y;
        d.hidden = !on;
        if (on) {
          d.querySelectorAll("a[href^='countries/']").forEach(function (a) {
            shaded[a.getAttribute("href").slice(10, 13)] = true;
          });
        }
      });
      document.querySelectorAll("svg.map .land path").forEach(function (p) {
        p.setAttribute("class", shaded[p.getAttribute("data-iso3")] ? "host" : "");
      });
      var t = document.getElementById("map-t");
      if (t) { t.textContent = "DPRK workers abroad in " + y + ": best estimate per host country"; }
    };
    year.addEventListener("change", show);
  }
  var filters = ["f-type", "f-actor", "f-country"].map(function (id) { return document.getElementById(id); });
  if (filters[0]) {
    var apply = function () {
      var n = 0;
      document.querySelectorAll("table.actions tbody tr").forEach(function (tr) {
        var ok = (!filters[0].value || tr.getAttribute("data-type") === filters[0].value) &&
                 (!filters[1].value || tr.getAttribute("data-actor") === filters[1].value) &&
                 (!filters[2].value || tr.getAttribute("data-country") === filters[2].value);
        tr.hidden = !ok;
        if (ok) { n += 1; }
      });
      document.getElementById("f-count").textContent = n + " actions";
    };
    filters.forEach(function (f) { f.addEventListener("change", apply); });
  }
  var q = document.getElementById("q");
  if (q && window.NKLABOR_INDEX) {
    var results = document.getElementById("results");
    var status = document.getElementById("search-status");
    var norm = function (s) { return (s || "").toLowerCase().normalize("NFKC"); };
    var run = function () {
      var term = norm(q.value.trim());
      results.innerHTML = "";
      if (!term) { status.textContent = ""; return; }
      var hits = window.NKLABOR_INDEX.filter(function (it) {
        return norm(it.n).indexOf(term) >= 0 || it.a.some(function (a) { return norm(a).indexOf(term) >= 0; });
      }).slice(0, 100);
      status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + q.value + "\u201d";
      hits.forEach(function (it) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = it.u;
        a.textContent = it.n;
        var k = document.createElement("span");
        k.className = "kind";
        k.textContent = " " + it.k + (it.a.length ? " \u00b7 " + it.a.join("; ") : "");
        li.appendChild(a);
        li.appendChild(k);
        results.appendChild(li);
      });
    };
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) { q.value = params.get("q"); }
    q.addEventListener("input", run);
    document.getElementById("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    run();
  }
})();
