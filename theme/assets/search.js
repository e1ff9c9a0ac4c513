/* dotpha: the search box in the header, over Pagefind's index (pagefind/,
   written after each build by generator/search.py).

   The box keeps Material's look (theme/partials/search.html) and its keys:
   `/`, `s` or `f` open it, Escape closes it, arrows move through the results,
   Enter opens the first one. Pagefind is loaded the first time search is
   wanted, not with every page, and then loads only the pieces of the index a
   query needs. Each result shows the page's title and an excerpt of its text
   with the words found marked, all set as text: nothing from a page can
   come alive here. Queries are normalised to NFC (text pasted from some
   systems arrives decomposed).

   For tests and the benchmark, the box says how far it got:
   data-state = idle | loading | ready | error, and data-answered = the query
   whose results are on screen. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 100;
  var box = document.querySelector("[data-dp-search]");
  var toggle = document.getElementById("__search");
  if (!box || !toggle || !document.currentScript) return;
  var input = box.querySelector(".md-search__input");
  var form = box.querySelector("form");
  var scroller = box.querySelector(".md-search__scrollwrap");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var more = box.querySelector(".dp-search-more");
  // The site's root from this script's address (assets/search.js): right at
  // any depth, and inside a year's archive (/2024/) too.
  var root = new URL("../", document.currentScript.src);
  var pagefind = null;
  var results = [];
  var shown = 0;
  var latest = 0; // the number of the latest query: answers to older ones are dropped
  var timer = null;

  function load() {
    if (!pagefind) {
      box.dataset.state = "loading";
      pagefind = import(new URL("pagefind/pagefind.js", root).href)
        .then(function (module) {
          return module.options({ baseUrl: root.pathname }).then(function () {
            return module.init();
          }).then(function () {
            return mergeShards(module);
          }).then(function () {
            return module.preload(""); // an empty query loads the WebAssembly and nothing else
          }).then(function () {
            box.dataset.state = "ready";
            return module;
          });
        });
      pagefind.catch(function () {
        box.dataset.state = "error";
        meta.textContent = "Không tải được chỉ mục tìm kiếm.";
      });
    }
    return pagefind;
  }

  // A big site's index comes in shards (generator/search.py): pagefind/ and those
  // listed in pagefind/shards.json, searched together as one.
  function mergeShards(module) {
    return fetch(new URL("pagefind/shards.json", root).href)
      .then(function (response) { return response.ok ? response.json() : { shards: [] }; })
      .then(function (manifest) {
        return Promise.all(manifest.shards.map(function (shard) {
          return module.mergeIndex(new URL("pagefind/" + shard, root).href, { baseUrl: root.pathname });
        }));
      });
  }

  function el(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  // Without diacritics, đ as d, lower case, letters and digits only: how a word is compared with the query.
  function fold(text) {
    return window.dotpha.fold(text).replace(/[^\p{L}\p{N}]/gu, "");
  }

  // Pagefind's excerpt is the page's text with < and > escaped (& is not) and
  // <mark> around the words it matched. It is never parsed: each word is set
  // as text, with < and > put back (a page whose text had "&lt;" shows "<"),
  // and marked where Pagefind marked it or where it begins with a word of the
  // query once both are folded (Pagefind finds `đường` for `duong` through a
  // folded copy it does not mark).
  function excerpt(html, terms) {
    var paragraph = el("p");
    var text = "";
    html.split(" ").forEach(function (word, at) {
      var found = /^<mark>(.*)<\/mark>$/.exec(word);
      var shown = (found ? found[1] : word).replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      var folded = fold(shown);
      if (at) text += " ";
      if (found || (folded && terms.some(function (term) { return folded.indexOf(term) === 0; }))) {
        paragraph.append(text);
        paragraph.appendChild(el("mark")).textContent = shown;
        text = "";
      } else {
        text += shown;
      }
    });
    paragraph.append(text);
    return paragraph;
  }

  function item(data, terms) {
    var link = el("a", "md-search-result__link");
    link.href = data.url;
    var article = el("article", "md-search-result__article md-search-result__article--document md-typeset");
    var title = el("h1");
    title.textContent = (data.meta && data.meta.title) || data.url;
    article.append(el("div", "md-search-result__icon md-icon"), title, excerpt(data.excerpt || "", terms));
    link.appendChild(article);
    var entry = el("li", "md-search-result__item");
    entry.appendChild(link);
    return entry;
  }

  function showMore(number, query) {
    var next = results.slice(shown, shown + PAGE_SIZE);
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
      if (number !== latest) return;
      shown += pages.length;
      var terms = query.split(/\s+/).map(fold).filter(Boolean);
      pages.forEach(function (data) { list.appendChild(item(data, terms)); });
      more.hidden = shown >= results.length;
      box.dataset.answered = query;
    });
  }

  function clear(text) {
    results = [];
    shown = 0;
    list.textContent = "";
    more.hidden = true;
    meta.textContent = text;
  }

  function search() {
    var query = input.value.normalize("NFC").trim();
    var number = ++latest;
    if (!query) {
      clear("Nhập để bắt đầu tìm kiếm");
      box.dataset.answered = "";
      return;
    }
    load().then(function (module) {
      return module.search(query);
    }).then(function (found) {
      if (number !== latest) return;
      clear(found.results.length ? found.results.length.toLocaleString("vi-VN") + " kết quả" : "Không tìm thấy kết quả");
      results = found.results;
      scroller.scrollTop = 0;
      return showMore(number, query);
    }).catch(function (error) {
      if (box.dataset.state !== "error") meta.textContent = "Tìm kiếm gặp lỗi, hãy thử lại.";
      throw error; // and into the console
    });
  }

  function open() {
    toggle.checked = true;
    input.focus();
    input.select();
    load();
  }

  function close() {
    toggle.checked = false;
    input.blur();
  }

  function typing(target) {
    return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function move(step) {
    var links = Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link"));
    var at = links.indexOf(document.activeElement) + step;
    if (at < 0 || !links.length) input.focus();
    else links[Math.min(at, links.length - 1)].focus();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener("focus", function () {
    toggle.checked = true;
    load();
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked) open();
    else input.blur();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector(".md-search-result__link");
    if (first) first.click();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      search();
      input.focus();
    });
  });
  more.addEventListener("click", function () {
    var first = shown; // the button may go once all are shown: focus moves to the first new result
    showMore(latest, box.dataset.answered).then(function () {
      var added = list.querySelectorAll(".md-search-result__link")[first];
      if (added) added.focus();
    });
  });
  list.addEventListener("click", function (event) {
    if (event.target.closest("a")) toggle.checked = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (toggle.checked) {
      if (event.key === "Escape") close();
      else if (event.key === "ArrowDown") move(1);
      else if (event.key === "ArrowUp") move(-1);
      else return;
      event.preventDefault();
    } else if ((event.key === "/" || event.key === "s" || event.key === "f") && !typing(event.target)) {
      event.preventDefault();
      open();
    }
  });
})();
