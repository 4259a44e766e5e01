/* The batch report's order explorer: filters, sorting, search and paging over the JSON embedded once:
   the tables in <script type="application/json" id="data">, the orders' rows and a table of the values
   they refer to by number (messages, objects, lists of missing fields) in elements of class "orders" and
   "table" (several of each for a large batch: a browser cannot read one element of hundreds of MB). No framework, no request. Every text from the data is put in
   the page with textContent, never as HTML. Layout of the data: procurement/views/batch.py. */
(function () {
  "use strict";
  // Each element's array appended to one list; the element's text is then dropped (it is no longer read,
  // and held twice, text and values, a large batch would need twice the memory).
  function joined(cls) {
    var out = [];
    document.querySelectorAll('script[type="application/json"].' + cls).forEach(function (el) {
      var part = JSON.parse(el.textContent);
      for (var k = 0; k < part.length; k++) out.push(part[k]);
      el.textContent = "";
    });
    return out;
  }
  var D = JSON.parse(document.getElementById("data").textContent);
  D.orders = joined("orders");
  D.table = joined("table");
  var W = D.words, F = D.fmt, RULES = D.rules, ORDERS = D.orders, TABLE = D.table;
  var C = {};
  D.columns.forEach(function (name, i) { C[name] = i; });
  var STATUS = {};
  D.statuses.forEach(function (s) { STATUS[s[0]] = { code: s[1], label: s[2] }; });
  var LETTER = {};
  D.statuses.forEach(function (s) { LETTER[s[1]] = s[0]; });
  var $ = function (id) { return document.getElementById(id); };
  // Between a label and its value: "Source: ..." in English, « Origine : ... » (no-break space) in French.
  var COLON = F.lang === "en" ? ": " : "\u00a0: ";
  var collator = new Intl.Collator(F.lang === "en" ? "en" : "fr", { sensitivity: "base", numeric: true });

  // ---- formats: the same as procurement/i18n.py (fmt_number, fmt_money, fmt_date) ----
  function group(digits, sep) {
    var out = [];
    while (digits.length > 3) { out.unshift(digits.slice(-3)); digits = digits.slice(0, -3); }
    out.unshift(digits);
    return out.join(sep);
  }
  function fmtNumber(v, dec) {
    if (v === null || v === undefined) return "\u2014";
    var text = Math.abs(v).toFixed(dec || 0), parts = text.split(".");
    var body = group(parts[0], F.group) + (parts[1] ? F.point + parts[1] : "");
    return (v < 0 && parseFloat(text) !== 0 ? "-" : "") + body;
  }
  function fmtMoney(v) {
    if (v === null || v === undefined) return "\u2014";
    var n = fmtNumber(v, 2);
    if (F.lang === "en") return n.charAt(0) === "-" ? "-\u20ac" + n.slice(1) : "\u20ac" + n;
    return n + "\u202f\u20ac";
  }
  function fmtDate(iso) {
    if (!iso) return "\u2014";
    return F.lang === "en" ? iso : iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4);
  }
  // A count's words, as procurement/views/summary_words.py (plural): in French 0 and 1 take the singular,
  // in English only 1 does ("0 commande sur 5", "0 orders of 5").
  function plural(k, one, many) { return (F.lang === "en" ? k === 1 : k < 2) ? one : many; }
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  window.procurementFormats = { fmtNumber: fmtNumber, fmtMoney: fmtMoney, fmtDate: fmtDate };

  // ---- per-order counts, computed once ----
  var n = ORDERS.length, fails = new Int32Array(n), legal = new Int32Array(n), insufficient = new Int32Array(n);
  var waived = new Int32Array(n);
  var legalRules = RULES.map(function (r) { return r[1] === "legal"; });
  for (var i = 0; i < n; i++) {
    var st = ORDERS[i][C.statuses];
    for (var r = 0; r < st.length; r++) {
      var ch = st.charCodeAt(r);
      if (ch === 102) { fails[i]++; if (legalRules[r]) legal[i]++; } else if (ch === 105) { insufficient[i]++; }
      else if (ch === 119) { waived[i]++; }
    }
  }
  var haystacks = null;
  function haystack(i) {
    if (haystacks === null) haystacks = new Array(n);
    var h = haystacks[i];
    if (h === undefined) {
      var o = ORDERS[i];
      h = haystacks[i] = fold([o[C.id], TABLE[o[C.object]], D.buyers[o[C.buyer]], D.suppliers[o[C.supplier]]].join("\u0001"));
    }
    return h;
  }

  // ---- state ----
  var state = { q: "", status: "", kind: "", chantier: "", rule: "", buyer: "", supplier: "", sort: "index",
    dir: 1, page: 0, size: Number($("f-size").value) || 50 };
  var view = [], expanded = new Set(), renders = 0;

  // buyer options, sorted by name
  var buyerSelect = $("f-buyer");
  D.buyers.map(function (b, idx) { return [b, idx]; })
    .sort(function (a, b) { return collator.compare(a[0], b[0]); })
    .forEach(function (pair) {
      var opt = document.createElement("option");
      opt.value = String(pair[1]);
      opt.textContent = pair[0] || W.not_given;
      buyerSelect.appendChild(opt);
    });

  function ruleSet() {
    // rules that the status/kind/chantier/rule filters look at, or null when none is set
    if (!state.status && !state.kind && !state.chantier && !state.rule) return null;
    var out = [];
    RULES.forEach(function (r, idx) {
      if (state.kind && r[1] !== state.kind) return;
      if (state.chantier && r[2].indexOf(Number(state.chantier)) < 0) return;
      if (state.rule && r[0] !== state.rule) return;
      out.push(idx);
    });
    return out;
  }

  // sort keys; an empty value (null or "") always sorts last, whatever the direction
  var KEYS = {
    id: function (i) { return ORDERS[i][C.id]; },
    buyer: function (i) { return D.buyers[ORDERS[i][C.buyer]]; },
    supplier: function (i) { return D.suppliers[ORDERS[i][C.supplier]]; },
    amount: function (i) { return ORDERS[i][C.amount]; },
    date: function (i) { return ORDERS[i][C.date]; },
    score: function (i) { return ORDERS[i][C.score]; },
    findings: function (i) { return legal[i] * 1000000 + fails[i]; }
  };
  var TEXT_KEYS = { id: true, buyer: true, supplier: true };
  function sorter(name, dir) {
    var key = KEYS[name], textual = TEXT_KEYS[name];
    return function (a, b) {
      var x = key(a), y = key(b);
      if (x === y) return a - b;
      if (x === null || x === "") return 1;
      if (y === null || y === "") return -1;
      var c = textual ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
      return dir * c || a - b;
    };
  }

  function compute() {
    var rules = ruleSet(), letter = state.status ? LETTER[state.status] : "";
    var q = state.q ? fold(state.q.trim()) : "", sup = state.supplier ? fold(state.supplier.trim()) : "";
    var buyer = state.buyer === "" ? -1 : Number(state.buyer);
    var supCache = {};
    var out = [];
    for (var i = 0; i < n; i++) {
      var o = ORDERS[i];
      if (buyer >= 0 && o[C.buyer] !== buyer) continue;
      if (sup) {
        var si = o[C.supplier], hit = supCache[si];
        if (hit === undefined) hit = supCache[si] = fold(D.suppliers[si]).indexOf(sup) >= 0;
        if (!hit) continue;
      }
      if (rules !== null) {
        var st = o[C.statuses], ok = false;
        for (var k = 0; k < rules.length; k++) {
          var c = st.charAt(rules[k]);
          // "-": the rule gave the order no finding (RISK-02 on an order in no group): no verdict at all
          if (letter ? c === letter : c !== "n" && c !== "-") { ok = true; break; }
        }
        if (!ok) continue;
      }
      if (q && haystack(i).indexOf(q) < 0) continue;
      out.push(i);
    }
    if (KEYS[state.sort]) out.sort(sorter(state.sort, state.dir));
    else if (state.dir < 0) out.reverse();
    view = out;
  }

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value === null || value === undefined ? "" : String(value);
    if (cls) el.className = cls;
    return el;
  }
  // A cell shows the first CLIP characters of a long text, the whole of it in its tooltip (and the search
  // reads it all): 10 KB names made one table row 22,000 pixels high.
  var CLIP = 160;
  function clipped(tag, value) {
    var s = value === null || value === undefined ? "" : String(value);
    if (s.length <= CLIP) return text(tag, s);
    var el = text(tag, s.slice(0, CLIP - 1) + "\u2026");
    el.title = s;
    return el;
  }
  function badge(code, label) { return text("span", label, "badge b-" + code); }
  // A rule's legal basis, from the rules table (given once per rule): each reference, its date, a link
  // when it has one (http or https only), its note as the tooltip, and "recalled, to be checked".
  function legalBasis(r) {
    var refs = RULES[r][4];
    if (!refs || !refs.length) return null;
    var div = text("div", W.legal_basis + COLON, "note legal");
    refs.forEach(function (ref, k) {
      if (k) div.appendChild(document.createTextNode(F.lang === "en" ? "; " : "\u00a0; "));
      var label = ref[0] + (ref[1] ? " (" + ref[1] + ")" : ""), el;
      if (/^https?:\/\//.test(ref[2])) {
        el = text("a", label);
        el.href = ref[2];
        el.rel = "noopener noreferrer external";
      } else {
        el = text("span", label);
      }
      if (ref[4]) el.title = ref[4];
      div.appendChild(el);
      if (ref[3]) div.appendChild(text("em", " (" + W.recalled + ")"));
    });
    return div;
  }

  function findingsCell(i) {
    var td = document.createElement("td");
    if (legal[i]) { td.appendChild(badge("fail", W.legal_fails + COLON + legal[i])); td.appendChild(document.createTextNode(" ")); }
    // "6 × non conforme", as the details' "31 × sans objet": a status label takes no plural ("6 non conforme")
    if (fails[i]) { td.appendChild(badge("fail", fails[i] + " \u00d7 " + STATUS.f.label)); td.appendChild(document.createTextNode(" ")); }
    if (insufficient[i]) { td.appendChild(badge("insufficient_data", insufficient[i] + " \u00d7 " + STATUS.i.label)); td.appendChild(document.createTextNode(" ")); }
    // waivers are never hidden: an order whose only failure was waived read « conforme »
    if (waived[i]) td.appendChild(badge("waived", waived[i] + " \u00d7 " + STATUS.w.label));
    if (!fails[i] && !insufficient[i] && !waived[i]) td.appendChild(badge("pass", STATUS.p.label));
    return td;
  }

  function detailsRow(i, id) {
    var o = ORDERS[i], tr = document.createElement("tr"), td = document.createElement("td");
    tr.className = "details";
    tr.id = id;
    td.colSpan = 9;
    var msgs = {}, miss = {}, m = o[C.messages], x = TABLE[o[C.missing]], k;
    // a rule may have several findings on one order (RISK-02: one per group): each message is kept
    for (k = 0; k < m.length; k += 2) (msgs[m[k]] = msgs[m[k]] || []).push(TABLE[m[k + 1]]);
    for (k = 0; k < x.length; k += 2) miss[x[k]] = x[k + 1];
    var row = typeof o[C.row] === "number" ? W.row_word + " " + o[C.row] : o[C.row];
    td.appendChild(text("p", W.where + COLON + D.files[o[C.file]] + " \u00b7 " + row, "note"));
    var ul = document.createElement("ul"), st = o[C.statuses], na = 0;
    ul.className = "flist";
    for (var r = 0; r < st.length; r++) {
      var s = STATUS[st.charAt(r)];
      if (!s) continue;
      if (s.code === "not_applicable") { na++; continue; }
      var li = document.createElement("li");
      li.appendChild(badge(s.code, s.label));
      li.appendChild(document.createTextNode(" " + RULES[r][0] + " \u2014 " + RULES[r][3]));
      if (msgs[r] !== undefined) {
        msgs[r].forEach(function (msg) { li.appendChild(text("div", msg)); });
        var basis = legalBasis(r);
        if (basis) li.appendChild(basis);
      }
      if (miss[r] !== undefined) {
        li.appendChild(text("div", W.missing_title + COLON + miss[r].map(function (f) { return D.fields[f]; }).join(", "),
          "s-insufficient_data"));
      }
      ul.appendChild(li);
    }
    td.appendChild(ul);
    if (na) td.appendChild(text("p", na + " \u00d7 " + STATUS.n.label, "note"));
    if (o[C.page]) {
      var a = text("a", W.open_page + " \u2014 " + o[C.id]);
      a.href = "orders/" + encodeURIComponent(o[C.page]);
      td.appendChild(a);
    }
    tr.appendChild(td);
    return tr;
  }

  function render() {
    var tbody = $("rows"), pages = Math.max(1, Math.ceil(view.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * state.size, end = Math.min(view.length, start + state.size);
    var frag = document.createDocumentFragment();
    for (var p = start; p < end; p++) {
      var i = view[p], o = ORDERS[i], tr = document.createElement("tr"), id = "d-" + i;
      var tdBtn = document.createElement("td"), btn = document.createElement("button");
      btn.type = "button";
      btn.className = "toggle";
      btn.textContent = W.show_findings;
      btn.setAttribute("aria-expanded", expanded.has(i) ? "true" : "false");
      btn.setAttribute("aria-controls", id);
      btn.setAttribute("aria-label", W.show_findings + " \u2014 " + o[C.id]);
      btn.dataset.index = String(i);
      tdBtn.appendChild(btn);
      tr.appendChild(tdBtn);
      var th = text("th", o[C.id]);
      th.scope = "row";
      tr.appendChild(th);
      tr.appendChild(clipped("td", D.buyers[o[C.buyer]] || W.not_given));
      tr.appendChild(clipped("td", D.suppliers[o[C.supplier]] || W.not_given));
      tr.appendChild(clipped("td", TABLE[o[C.object]]));
      var amount = text("td", fmtMoney(o[C.amount]), "num");
      if (o[C.amount] !== null && D.natures[o[C.nature]]) amount.appendChild(text("span", D.natures[o[C.nature]], "note"));
      tr.appendChild(amount);
      tr.appendChild(text("td", fmtDate(o[C.date]), "num"));
      tr.appendChild(text("td", o[C.score] === null ? W.no_score : fmtNumber(o[C.score], 0) + " / 100", "num"));
      tr.appendChild(findingsCell(i));
      frag.appendChild(tr);
      if (expanded.has(i)) frag.appendChild(detailsRow(i, id));
    }
    tbody.replaceChildren(frag);
    renders++;
    document.body.setAttribute("data-renders", String(renders));
    $("status-line").textContent = plural(view.length, W.shown_one, W.shown)
      .replace("{n}", fmtNumber(view.length)).replace("{total}", fmtNumber(n));
    $("page-info").textContent = W.page + " " + fmtNumber(state.page + 1) + " " + W.of + " " + fmtNumber(pages);
    $("prev").disabled = state.page <= 0;
    $("next").disabled = state.page >= pages - 1;
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      var key = th.getAttribute("data-sort"), arrow = th.querySelector(".arrow");
      var on = key === state.sort;
      th.setAttribute("aria-sort", on ? (state.dir > 0 ? "ascending" : "descending") : "none");
      arrow.textContent = on ? (state.dir > 0 ? "\u25b2" : "\u25bc") : "";
    });
  }

  function update() { compute(); state.page = 0; render(); }

  var timer = null;
  function typed() {
    // search boxes: wait for a pause in typing, then read both boxes as they are now
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = $("q").value; state.supplier = $("f-supplier").value; update(); }, 150);
  }
  $("q").addEventListener("input", typed);
  $("f-supplier").addEventListener("input", typed);
  [["f-status", "status"], ["f-kind", "kind"], ["f-chantier", "chantier"], ["f-rule", "rule"], ["f-buyer", "buyer"]]
    .forEach(function (pair) {
      $(pair[0]).addEventListener("change", function (e) { state[pair[1]] = e.target.value; update(); });
    });
  $("f-size").addEventListener("change", function (e) { state.size = Number(e.target.value) || 50; state.page = 0; render(); });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  $("filters").addEventListener("reset", function () {
    clearTimeout(timer);
    setTimeout(function () {
      state = { q: "", status: "", kind: "", chantier: "", rule: "", buyer: "", supplier: "", sort: state.sort,
        dir: state.dir, page: 0, size: Number($("f-size").value) || 50 };
      update();
    }, 0);
  });
  $("prev").addEventListener("click", function () { state.page--; render(); });
  $("next").addEventListener("click", function () { state.page++; render(); });
  document.querySelectorAll("th[data-sort] button").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var key = btn.parentNode.getAttribute("data-sort");
      if (state.sort === key) state.dir = -state.dir; else { state.sort = key; state.dir = key === "findings" || key === "amount" ? -1 : 1; }
      compute();
      render();
    });
  });
  $("rows").addEventListener("click", function (e) {
    var btn = e.target.closest("button.toggle");
    if (!btn) return;
    var i = Number(btn.dataset.index);
    if (expanded.has(i)) expanded.delete(i); else expanded.add(i);
    render();
    var again = document.querySelector('button.toggle[data-index="' + i + '"]');
    if (again) again.focus();
  });
  document.documentElement.classList.add("js");
  update();
  document.body.setAttribute("data-ready", "1");
})();
