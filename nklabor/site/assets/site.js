// nklabor explorer: the year selector, the map's opening view, filters, sorting and a forgiving search.
// No libraries, nothing fetched.
(function () {
  "use strict";
  var plural = function (n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); };

  // The map opens on the region holding the largest hosts (on a phone it is wider than the screen).
  var scroller = document.querySelector(".mapscroll");
  var centre = function () {
    if (!scroller || scroller.scrollWidth <= scroller.clientWidth + 1) { return; }
    var g = Array.prototype.filter.call(document.querySelectorAll("svg.map g.year"),
      function (x) { return x.style.display !== "none"; })[0];
    if (!g) { return; }
    var discs = Array.prototype.slice.call(g.querySelectorAll("circle.disc")).sort(function (a, b) {
      return b.r.baseVal.value - a.r.baseVal.value;
    }).slice(0, 3);
    if (!discs.length) { return; }
    var box = scroller.getBoundingClientRect();
    var lo = Infinity, hi = -Infinity;
    discs.forEach(function (d) {
      var r = d.getBoundingClientRect();
      lo = Math.min(lo, r.left - box.left + scroller.scrollLeft);
      hi = Math.max(hi, r.right - box.left + scroller.scrollLeft);
    });
    scroller.scrollLeft = Math.max(0, (lo + hi) / 2 - scroller.clientWidth / 2);
  };
  centre();

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
      if (t) { t.textContent = "DPRK workers abroad in " + y + ": reconstruction per host country"; }
      centre();
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
      document.getElementById("f-count").textContent = plural(n, "action", "actions");
    };
    filters.forEach(function (f) { f.addEventListener("change", apply); });
  }

  // Sortable tables: a button in each heading; dates and numbers sort as such.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var tbody = table.tBodies[0];
    table.querySelectorAll("thead th").forEach(function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        table.querySelectorAll("thead th").forEach(function (x) { x.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        var key = function (tr) { return (tr.cells[col].textContent || "").trim().toLowerCase(); };
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, c) {
          var x = key(a), y = key(c);
          var numeric = /^[\d,.]+$/.test(x) && /^[\d,.]+$/.test(y);
          var r = numeric ? parseFloat(x.replace(/,/g, "")) - parseFloat(y.replace(/,/g, "")) :
            x < y ? -1 : x > y ? 1 : 0;
          return dir === "ascending" ? r : -r;
        });
        rows.forEach(function (tr) { tbody.appendChild(tr); });
      });
    });
  });
  var sText = document.getElementById("s-text"), sKind = document.getElementById("s-kind");
  if (sText && sKind) {
    var filterSources = function () {
      var term = sText.value.trim().toLowerCase(), n = 0;
      document.querySelectorAll("table.sources tbody tr").forEach(function (tr) {
        var ok = (!sKind.value || tr.getAttribute("data-kind") === sKind.value) &&
                 (!term || tr.textContent.toLowerCase().indexOf(term) >= 0);
        tr.hidden = !ok;
        if (ok) { n += 1; }
      });
      document.getElementById("s-count").textContent = plural(n, "source", "sources");
    };
    sText.addEventListener("input", filterSources);
    sKind.addEventListener("change", filterSources);
  }

  // Search: every name and alias (Hangul too), forgiving small misspellings ("Rusia", "Mansudea").
  var q = document.getElementById("q");
  if (q && window.NKLABOR_INDEX) {
    var results = document.getElementById("results");
    var status = document.getElementById("search-status");
    var norm = function (s) {
      return (s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFC").toLowerCase();
    };
    var words = function (s) { return norm(s).split(/[^0-9a-z\u00c0-\uffff]+/).filter(Boolean); };
    // Optimal string alignment distance (a swap of two neighbours counts once), stopping past `max`.
    var distance = function (a, b, max) {
      if (Math.abs(a.length - b.length) > max) { return max + 1; }
      var prev2 = null, prev = [], cur, i, j;
      for (j = 0; j <= b.length; j++) { prev.push(j); }
      for (i = 1; i <= a.length; i++) {
        cur = [i];
        var best = i;
        for (j = 1; j <= b.length; j++) {
          var cost = a[i - 1] === b[j - 1] ? 0 : 1;
          var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
          if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            v = Math.min(v, prev2[j - 2] + 1);
          }
          cur.push(v);
          best = Math.min(best, v);
        }
        if (best > max) { return max + 1; }
        prev2 = prev;
        prev = cur;
      }
      return prev[b.length];
    };
    var prepared = window.NKLABOR_INDEX.map(function (it) {
      var names = [it.n].concat(it.a);
      return { it: it, names: names, text: names.map(norm), toks: words(names.join(" ")) };
    });
    var score = function (p, term, qtoks) {
      var s = 0, via = "";
      p.text.forEach(function (t, i) {
        if (t === term) { s = Math.max(s, 100); via = via || (i ? p.names[i] : ""); }
        else if (t.indexOf(term) === 0) { s = Math.max(s, 80); via = via || (i ? p.names[i] : ""); }
        else if (t.indexOf(term) >= 0) { s = Math.max(s, 60); via = via || (i ? p.names[i] : ""); }
      });
      if (s || !qtoks.length) { return [s, via]; }
      var total = 0;
      for (var k = 0; k < qtoks.length; k++) {
        var w = qtoks[k], max = w.length >= 8 ? 2 : w.length >= 4 ? 1 : 0, found = false;
        for (var m = 0; m < p.toks.length && !found; m++) {
          var t = p.toks[m];
          if (t.indexOf(w) === 0 && w.length >= 3) { found = true; }
          else if (max && distance(w, t.slice(0, Math.max(t.length, w.length)), max) <= max) { found = true; }
          else if (max && t.length > w.length && distance(w, t.slice(0, w.length), max) <= max) { found = true; }
        }
        if (!found) { return [0, ""]; }
        total += 1;
      }
      return [total ? 40 : 0, ""];
    };
    var weight = { country: 5, organisation: 3, person: 3, source: 0 };
    var ranked = function (p, term, qtoks) {
      var r = score(p, term, qtoks);
      return r[0] ? [r[0] + (weight[p.it.k] || 0), r[1]] : r;
    };
    var run = function () {
      var raw = q.value.trim(), term = norm(raw), qtoks = words(raw);
      results.innerHTML = "";
      if (!term) { status.textContent = ""; return; }
      var hits = [];
      prepared.forEach(function (p) {
        var r = ranked(p, term, qtoks);
        if (r[0]) { hits.push({ p: p, s: r[0], via: r[1] }); }
      });
      hits.sort(function (a, b) { return b.s - a.s || a.p.it.n.localeCompare(b.p.it.n); });
      var fuzzy = hits.length && hits[0].s < 50;
      hits = hits.slice(0, 100);
      status.textContent = plural(hits.length, "result", "results") + " for \u201c" + raw + "\u201d" +
        (fuzzy ? " (no exact match; showing close spellings)" : "");
      hits.forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = h.p.it.u;
        a.textContent = h.p.it.n;
        var k = document.createElement("span");
        k.className = "kind";
        k.textContent = " " + h.p.it.k;
        li.appendChild(a);
        li.appendChild(k);
        if (h.via) {
          var v = document.createElement("span");
          v.className = "via";
          v.textContent = " also known as " + h.via;
          li.appendChild(v);
        }
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
