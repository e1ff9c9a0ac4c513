/* dotpha: the filterable, sortable registry on dang-ky/.

   The page already holds every registration as plain tables (it works
   without JavaScript). When this script finds `.dp-registry[data-registry]`,
   it loads the generated registry.json (compact rows, facet values as
   indices), builds a form of real checkboxes, a text box and sortable column
   buttons, takes the plain tables out (back in only for printing) and shows
   one page of matching rows.

   - Facets combine as AND between facets and OR within one; each value's count
     is what the table would show if it were chosen too (counts of a facet
     ignore that facet's own choice), computed in one pass over the rows.
   - The text box matches without diacritics (`quang ngai` finds "Quảng Ngãi");
     rows that also match with the diacritics as typed come first, then rows
     where the words stand side by side.
   - The state lives in the query string (`?status=in_progress&tim=...`): a view
     can be bookmarked or shared, and back/forward restore it. Values that are
     not in registry.json are dropped, never shown; nothing from the URL or the
     data is ever parsed as HTML (textContent and attributes only).
   - Only PAGE_SIZE rows are in the DOM at a time, so a filter change repaints
     in a few milliseconds with 10,000 registrations (bench/registry_filter.py). */
(function () {
  "use strict";

  var PAGE_SIZE = 50;
  var TEXT_PARAM = "tim"; // "tìm": the text box's words in the address
  // Columns of a row in registry.json (see generator/registry.py).
  var C = { id: 0, year: 1, kind: 2, status: 3, unit: 4, evaluator: 5, flags: 6, tags: 7, due: 8, dueText: 9, title: 10, name: 11, person: 12, late: 13, deadline: 14, tally: 15 };
  // The filters, in this order; their headings are registry.json's "labels" (from generator/domain/schema.py).
  var FACETS = [
    { key: "year", open: true },
    { key: "kind", open: true },
    { key: "status", open: true },
    { key: "flag", open: true },
    { key: "tally", open: false },
    { key: "deadline", open: false },
    { key: "group", open: false },
    { key: "unit", open: false },
    { key: "evaluator", open: false },
    { key: "tag", open: false }
  ];
  var SORTS = [
    { key: "id", label: "Mã" },
    { key: "title", label: "Tên công việc" },
    { key: "name", label: "Người đăng ký" },
    { key: "unit", label: "Đơn vị" },
    { key: "kind", label: "Loại" },
    { key: "due", label: "Hạn" },
    { key: "status", label: "Trạng thái" }
  ];

  var fold = window.dotpha.fold; // fold.js: without diacritics, lower case

  function exact(text) {
    return text.normalize("NFC").toLowerCase();
  }

  function words(text) {
    return text.split(/\s+/).filter(Boolean);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) if (Object.prototype.hasOwnProperty.call(attrs, name)) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ------------------------------------------------------------ the data

  function Data(json) {
    var rows = json.rows;
    var facets = json.facets;
    var unitGroup = facets.unit.map(function (unit) { return unit[2]; });
    this.rows = rows;
    this.facets = facets;
    this.labels = json.labels; // each facet's heading
    this.size = rows.length;
    // For each facet, a function giving a row's value indices (one or several).
    this.values = {
      year: column(rows, C.year), kind: column(rows, C.kind), status: column(rows, C.status),
      unit: column(rows, C.unit), evaluator: column(rows, C.evaluator),
      group: Int32Array.from(rows, function (row) { return unitGroup[row[C.unit]]; }),
      flag: rows.map(function (row) { return row[C.flags]; }),
      tag: rows.map(function (row) { return row[C.tags]; }),
      deadline: rows.map(function (row) { return row[C.deadline]; }),
      tally: column(rows, C.tally)
    };
    var unitName = facets.unit.map(function (unit) { return unit[1]; });
    var tagName = facets.tag.map(function (tag) { return tag[1]; });
    var haystacks = rows.map(function (row) {
      return [row[C.id], row[C.title], row[C.name], unitName[row[C.unit]], row[C.tags].map(function (t) { return tagName[t]; }).join(" ")].join(" \u0001 ");
    });
    this.folded = haystacks.map(fold);
    this.exact = haystacks.map(exact);
    this.persons = {};
    for (var r = 0; r < rows.length; r++) if (!(rows[r][C.person] in this.persons)) this.persons[rows[r][C.person]] = rows[r][C.name];
    this.orders = {};
  }

  function column(rows, index) {
    return Int32Array.from(rows, function (row) { return row[index]; });
  }

  // Row indices sorted by one column, computed once per column on first use.
  Data.prototype.order = function (key) {
    if (this.orders[key]) return this.orders[key];
    var rows = this.rows, facets = this.facets;
    var collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });
    var sortKey = {
      id: function (row) { return row[C.id]; },
      title: function (row) { return row[C.title]; },
      name: function (row) { return row[C.name]; },
      unit: function (row) { return facets.unit[row[C.unit]][1]; },
      kind: function (row) { return row[C.kind]; },
      due: function (row) { return row[C.due]; },
      status: function (row) { return row[C.status]; }
    }[key];
    var keys = rows.map(sortKey);
    var order = Array.from(rows, function (_, i) { return i; });
    var numeric = typeof keys[0] === "number";
    order.sort(function (a, b) {
      var by = numeric ? keys[a] - keys[b] : (key === "due" ? (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0) : collator.compare(keys[a], keys[b]));
      return by || a - b;
    });
    this.orders[key] = Int32Array.from(order);
    return this.orders[key];
  };

  // ------------------------------------------------------------ the state

  function emptyState() {
    var chosen = {};
    FACETS.forEach(function (facet) { chosen[facet.key] = []; });
    return { chosen: chosen, text: "", person: "", sort: "", dir: "asc", page: 1 };
  }

  // Read the query string; keep only what registry.json knows.
  function readState(search, data) {
    var params = new URLSearchParams(search);
    var state = emptyState();
    FACETS.forEach(function (facet) {
      var ids = data.facets[facet.key].map(function (value) { return String(value[0]); });
      params.getAll(facet.key).forEach(function (value) {
        var at = ids.indexOf(value);
        if (at >= 0 && state.chosen[facet.key].indexOf(at) < 0) state.chosen[facet.key].push(at);
      });
      state.chosen[facet.key].sort(function (a, b) { return a - b; });
    });
    state.text = (params.get(TEXT_PARAM) || "").normalize("NFC").slice(0, 200);
    var person = params.get("person") || "";
    state.person = Object.prototype.hasOwnProperty.call(data.persons, person) ? person : "";
    var sort = params.get("sort") || "";
    state.sort = SORTS.some(function (s) { return s.key === sort; }) ? sort : "";
    state.dir = state.sort && params.get("dir") === "desc" ? "desc" : "asc";
    var page = parseInt(params.get("page") || "1", 10);
    state.page = page >= 1 && page <= 100000 ? page : 1;
    return state;
  }

  function writeState(state, data) {
    var params = new URLSearchParams();
    FACETS.forEach(function (facet) {
      state.chosen[facet.key].forEach(function (at) { params.append(facet.key, String(data.facets[facet.key][at][0])); });
    });
    if (state.person) params.set("person", state.person);
    if (state.text.trim()) params.set(TEXT_PARAM, state.text);
    if (state.sort) { params.set("sort", state.sort); if (state.dir === "desc") params.set("dir", "desc"); }
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "") + location.hash;
  }

  // ------------------------------------------------------------ filtering

  // One pass: the matching rows, and for every facet value the number of rows
  // that would match if it were chosen (other facets' choices applied).
  function filter(data, state) {
    var active = [], on = {};
    FACETS.forEach(function (facet) {
      var chosen = state.chosen[facet.key];
      var marks = new Uint8Array(data.facets[facet.key].length);
      chosen.forEach(function (at) { marks[at] = 1; });
      on[facet.key] = marks;
      if (chosen.length) active.push(facet.key);
    });
    var counts = {};
    FACETS.forEach(function (facet) { counts[facet.key] = new Int32Array(data.facets[facet.key].length); });
    var text = words(state.text);
    var folded = text.map(fold), exacts = text.map(exact), phrase = folded.join(" ");
    var matched = [], ranks = new Uint8Array(data.size);
    for (var r = 0; r < data.size; r++) {
      if (state.person && data.rows[r][C.person] !== state.person) continue;
      if (folded.length && !containsAll(data.folded[r], folded)) continue;
      var failed = null, failures = 0;
      for (var a = 0; a < active.length && failures < 2; a++) {
        if (!hits(data.values[active[a]][r], on[active[a]])) { failed = active[a]; failures++; }
      }
      if (failures === 0) {
        matched.push(r);
        if (exacts.length) ranks[r] = rank(data, r, exacts, phrase);
        for (var f = 0; f < FACETS.length; f++) count(counts[FACETS[f].key], data.values[FACETS[f].key][r]);
      } else if (failures === 1) {
        count(counts[failed], data.values[failed][r]);
      }
    }
    return { rows: order(data, state, matched, exacts.length ? ranks : null), counts: counts };
  }

  // 0: every word as typed, diacritics included; 1: the words side by side
  // without diacritics (`quang ngai` before a row with "quang" here and
  // "ngại" there); 2: the words somewhere, without diacritics.
  function rank(data, r, exacts, phrase) {
    if (containsAll(data.exact[r], exacts)) return 0;
    return data.folded[r].indexOf(phrase) >= 0 ? 1 : 2;
  }

  function containsAll(haystack, needles) {
    for (var i = 0; i < needles.length; i++) if (haystack.indexOf(needles[i]) < 0) return false;
    return true;
  }

  function hits(value, marks) {
    if (typeof value === "number") return marks[value] === 1;
    for (var i = 0; i < value.length; i++) if (marks[value[i]] === 1) return true;
    return false;
  }

  function count(counts, value) {
    if (typeof value === "number") { counts[value]++; return; }
    for (var i = 0; i < value.length; i++) counts[value[i]]++;
  }

  // Matching rows in display order: the chosen column, else by text rank
  // (diacritics as typed first), else the order of registry.json.
  function order(data, state, matched, ranks) {
    if (state.sort) {
      var keep = new Uint8Array(data.size);
      matched.forEach(function (r) { keep[r] = 1; });
      var sorted = [], by = data.order(state.sort);
      for (var i = 0; i < by.length; i++) if (keep[by[i]]) sorted.push(by[i]);
      return state.dir === "desc" ? sorted.reverse() : sorted;
    }
    if (!ranks) return matched;
    var byRank = [[], [], []];
    matched.forEach(function (r) { byRank[ranks[r]].push(r); });
    return byRank[0].concat(byRank[1], byRank[2]);
  }

  // ------------------------------------------------------------ the form

  function Registry(root, data) {
    this.root = root;
    this.data = data;
    this.bases = { registration: root.dataset.registrationBase || "./", unit: root.dataset.unitBase || "../don-vi/", person: root.dataset.personBase || "../can-bo/" };
    this.state = readState(location.search, data);
    this.boxes = {};
    this.countNodes = {};
    this.build();
  }

  Registry.prototype.build = function () {
    var self = this;
    var top = el("div", { class: "dp-reg-top" });
    var textId = "dp-reg-text";
    top.appendChild(el("label", { for: textId }, "Tìm trong danh sách (gõ có dấu hoặc không dấu)"));
    this.text = el("input", { type: "search", id: textId, class: "dp-reg-text", autocomplete: "off", spellcheck: "false" });
    this.text.addEventListener("input", function (event) {
      if (event.isComposing) return;
      self.state.text = self.text.value.normalize("NFC");
      self.state.page = 1;
      self.update(false);
    });
    top.appendChild(this.text);
    this.person = el("p", { class: "dp-reg-person" });
    top.appendChild(this.person);
    this.summary = el("p", { class: "dp-reg-summary", role: "status", "aria-live": "polite" });
    top.appendChild(this.summary);
    this.clear = el("button", { type: "button", class: "dp-reg-clear" }, "Xóa bộ lọc");
    this.clear.addEventListener("click", function () { self.reset(); });
    top.appendChild(this.clear);

    var layout = el("div", { class: "dp-reg-layout" });
    var form = el("form", { class: "dp-reg-facets", "aria-label": "Bộ lọc" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    FACETS.forEach(function (facet) { form.appendChild(self.facet(facet)); });
    var results = el("div", { class: "dp-reg-results" });
    this.table = this.buildTable();
    this.empty = el("div", { class: "dp-reg-empty", hidden: "" });
    this.empty.appendChild(el("p", {}, "Không có đăng ký nào khớp với bộ lọc đã chọn."));
    var clearToo = el("button", { type: "button" }, "Xóa bộ lọc để xem tất cả");
    clearToo.addEventListener("click", function () { self.reset(); });
    this.empty.appendChild(clearToo);
    this.pager = el("nav", { class: "dp-reg-pager", "aria-label": "Phân trang" });
    results.appendChild(this.table);
    results.appendChild(this.empty);
    results.appendChild(this.pager);
    layout.appendChild(form);
    layout.appendChild(results);
    this.root.appendChild(top);
    this.root.appendChild(layout);
    window.addEventListener("popstate", function () {
      self.state = readState(location.search, self.data);
      self.render();
    });
  };

  Registry.prototype.facet = function (facet) {
    var self = this;
    var details = el("details", { class: "dp-facet" });
    details.open = facet.open || this.state.chosen[facet.key].length > 0;
    var heading = this.data.labels[facet.key];
    details.appendChild(el("summary", {}, heading));
    var fieldset = el("fieldset", {});
    fieldset.appendChild(el("legend", { class: "dp-sr" }, heading));
    this.boxes[facet.key] = [];
    this.countNodes[facet.key] = [];
    this.data.facets[facet.key].forEach(function (value, at) {
      var label = el("label", {});
      var box = el("input", { type: "checkbox", name: facet.key, value: String(value[0]) });
      box.addEventListener("change", function () { self.toggle(facet.key, at, box.checked); });
      var counter = el("span", { class: "dp-count" });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + value[1] + " "));
      label.appendChild(counter);
      fieldset.appendChild(label);
      self.boxes[facet.key].push(box);
      self.countNodes[facet.key].push(counter);
    });
    details.appendChild(fieldset);
    return details;
  };

  Registry.prototype.buildTable = function () {
    var self = this;
    var table = el("table", { class: "dp-table dp-reg-table" });
    table.appendChild(el("caption", { class: "dp-sr" }, "Danh sách đăng ký đã lọc; bấm tiêu đề cột để sắp xếp"));
    var row = el("tr", {});
    this.headers = {};
    SORTS.forEach(function (sort) {
      var th = el("th", { scope: "col" });
      var button = el("button", { type: "button", class: "dp-sort" }, sort.label);
      button.appendChild(el("span", { class: "dp-sort-mark", "aria-hidden": "true" }));
      button.addEventListener("click", function () { self.sortBy(sort.key); });
      th.appendChild(button);
      row.appendChild(th);
      self.headers[sort.key] = th;
    });
    var head = el("thead", {});
    head.appendChild(row);
    table.appendChild(head);
    this.body = el("tbody", {});
    table.appendChild(this.body);
    return table;
  };

  // ------------------------------------------------------------ changes

  Registry.prototype.toggle = function (key, at, checked) {
    var chosen = this.state.chosen[key].filter(function (v) { return v !== at; });
    if (checked) chosen.push(at);
    this.state.chosen[key] = chosen.sort(function (a, b) { return a - b; });
    this.state.page = 1;
    this.update(true);
  };

  Registry.prototype.sortBy = function (key) {
    var state = this.state;
    if (state.sort === key && state.dir === "asc") state.dir = "desc";
    else if (state.sort === key) { state.sort = ""; state.dir = "asc"; }
    else { state.sort = key; state.dir = "asc"; }
    state.page = 1;
    this.update(true);
  };

  Registry.prototype.goTo = function (page) {
    this.state.page = page;
    this.update(true);
    this.table.scrollIntoView({ block: "start" });
  };

  Registry.prototype.reset = function () {
    this.state = emptyState();
    this.update(true);
    this.text.focus();
  };

  // Typing replaces the history entry; a choice adds one, so Back undoes it.
  Registry.prototype.update = function (push) {
    var url = writeState(this.state, this.data);
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    this.render();
  };

  // ------------------------------------------------------------ painting

  Registry.prototype.render = function () {
    var state = this.state, self = this;
    var result = filter(this.data, state);
    if (this.text.value.normalize("NFC") !== state.text) this.text.value = state.text;
    FACETS.forEach(function (facet) {
      var counts = result.counts[facet.key], boxes = self.boxes[facet.key], nodes = self.countNodes[facet.key];
      var chosen = state.chosen[facet.key];
      for (var i = 0; i < boxes.length; i++) {
        var checked = chosen.indexOf(i) >= 0;
        if (boxes[i].checked !== checked) boxes[i].checked = checked;
        var shown = "(" + counts[i] + ")";
        if (nodes[i].textContent !== shown) nodes[i].textContent = shown;
      }
    });
    var pages = Math.max(1, Math.ceil(result.rows.length / PAGE_SIZE));
    if (state.page > pages) state.page = pages;
    this.paintRows(result.rows.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE));
    this.paintHeaders();
    this.paintSummary(result.rows.length, pages);
    this.paintPager(pages);
  };

  Registry.prototype.paintRows = function (rows) {
    var data = this.data, bases = this.bases, fragment = document.createDocumentFragment();
    rows.forEach(function (r) {
      var row = data.rows[r], tr = document.createElement("tr");
      var unit = data.facets.unit[row[C.unit]], status = data.facets.status[row[C.status]];
      tr.appendChild(cell(null, row[C.id]));
      tr.appendChild(cell(bases.registration + row[C.id] + "/", row[C.title]));
      tr.appendChild(cell(bases.person + row[C.person] + "/", row[C.name]));
      tr.appendChild(cell(bases.unit + unit[0] + "/", unit[1]));
      tr.appendChild(cell(null, data.facets.kind[row[C.kind]][2]));
      tr.appendChild(cell(null, row[C.dueText]));
      var badges = cell(null);
      badges.appendChild(el("span", { class: "dp-badge dp-s-" + status[0] }, status[1]));
      row[C.flags].forEach(function (at) {
        var flag = data.facets.flag[at];
        badges.appendChild(document.createTextNode(" "));
        badges.appendChild(el("span", { class: "dp-badge dp-f-" + flag[0] }, flag[1] + (flag[0] === "overdue" ? " " + row[C.late] + " ngày" : "")));
      });
      tr.appendChild(badges);
      fragment.appendChild(tr);
    });
    this.body.replaceChildren(fragment);
    setHidden(this.table, rows.length === 0);
    setHidden(this.empty, rows.length !== 0);
  };

  // Writing an attribute invalidates styles even when the value is the same.
  function setHidden(node, hidden) {
    if (node.hidden !== hidden) node.hidden = hidden;
  }

  function cell(href, text) {
    var td = document.createElement("td");
    if (href) td.appendChild(el("a", { href: href }, text));
    else if (text !== undefined) td.textContent = text;
    return td;
  }

  Registry.prototype.paintHeaders = function () {
    var state = this.state;
    SORTS.forEach(function (sort) {
      var th = this.headers[sort.key], mark = th.querySelector(".dp-sort-mark");
      if (state.sort === sort.key) {
        th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
        mark.textContent = state.dir === "desc" ? " ▼" : " ▲";
      } else {
        th.removeAttribute("aria-sort");
        mark.textContent = "";
      }
    }, this);
  };

  Registry.prototype.paintSummary = function (total, pages) {
    var state = this.state, filtered = state.text.trim() || state.person || FACETS.some(function (f) { return state.chosen[f.key].length; });
    var text = total + " / " + this.data.size + " đăng ký" + (filtered ? " khớp bộ lọc" : "");
    if (pages > 1) text += "; trang " + state.page + "/" + pages;
    this.summary.textContent = text + ".";
    setHidden(this.clear, !filtered);
    setHidden(this.person, !state.person);
    if (state.person) this.person.textContent = "Chỉ hiện đăng ký của cán bộ " + this.data.persons[state.person] + ".";
  };

  Registry.prototype.paintPager = function (pages) {
    var self = this, page = this.state.page;
    var buttons = [];
    if (pages > 1) {
      buttons.push(pagerButton("Trang trước", page > 1, function () { self.goTo(page - 1); }));
      buttons.push(el("span", {}, "Trang " + page + "/" + pages));
      buttons.push(pagerButton("Trang sau", page < pages, function () { self.goTo(page + 1); }));
    }
    this.pager.replaceChildren.apply(this.pager, buttons);
    setHidden(this.pager, pages <= 1);
  };

  function pagerButton(text, enabled, action) {
    var button = el("button", { type: "button" }, text);
    button.disabled = !enabled;
    button.addEventListener("click", action);
    return button;
  }

  // ------------------------------------------------------------ start

  // The plain tables hold every registration: tens of thousands of nodes that
  // every style recalculation and garbage collection would walk for nothing.
  // Take them out of the document, and put them back only to print the whole list.
  function detachPlainTables() {
    var kept = Array.prototype.map.call(document.querySelectorAll(".dp-registry-static"), function (node) {
      var mark = document.createComment("dp-registry-static");
      node.replaceWith(mark);
      return { node: node, mark: mark };
    });
    window.addEventListener("beforeprint", function () {
      kept.forEach(function (k) { k.mark.replaceWith(k.node); });
    });
    window.addEventListener("afterprint", function () {
      kept.forEach(function (k) { k.node.replaceWith(k.mark); });
    });
  }

  // Sorting 10,000 Vietnamese titles with Intl.Collator takes longer than a
  // frame; do it for every column while the page is idle, before anyone clicks.
  function warmSortOrders(data) {
    var keys = SORTS.map(function (sort) { return sort.key; });
    var later = window.requestIdleCallback || function (fn) { return setTimeout(fn, 50); };
    (function next() {
      if (!keys.length) return;
      later(function () { data.order(keys.shift()); next(); });
    })();
  }

  function start(root) {
    fetch(root.dataset.registry, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("registry.json: HTTP " + response.status);
        return response.json();
      })
      .then(function (json) {
        var registry = new Registry(root, new Data(json));
        var canonical = writeState(registry.state, registry.data);
        if (canonical !== location.pathname + location.search + location.hash) history.replaceState(null, "", canonical);
        registry.render();
        root.hidden = false;
        warmSortOrders(registry.data);
        detachPlainTables();
        root.dispatchEvent(new CustomEvent("dp-registry-ready", { bubbles: true }));
      })
      .catch(function (error) {
        // The plain tables stay; say why the filters did not appear.
        console.warn("dotpha: bộ lọc không tải được, vẫn hiện danh sách đầy đủ.", error);
      });
  }

  var root = document.querySelector(".dp-registry[data-registry]");
  if (root) start(root);
})();
