// The course's search, shared by the build (which builds the index with SEARCH_OPTIONS) and
// the page (which loads this file, MiniSearch and the index the first time a reader types in
// the search box, and shows the results). Plain browser JavaScript; Node requires it too.
(function (root) {
  // Greek letters are searched by name, so "σ", "\sigma" and "sigma" find each other.
  var GREEK = {
    α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ϵ: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta',
    ι: 'iota', κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', π: 'pi', ρ: 'rho', σ: 'sigma', ς: 'sigma',
    τ: 'tau', υ: 'upsilon', φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
  };
  // Words are runs of letters or of digits, and each Greek letter is a word of its own, so
  // that math reads the same as TeX ("\chi_1") and as typed ("χ₁").
  var WORD = /[\u0370-\u03ff]|[^\P{L}\u0370-\u03ff]+|\p{N}+/gu;

  var SEARCH_OPTIONS = {
    fields: ['s', 'c', 't', 'x', 'k'], // section, chapter, text, TeX, code
    storeFields: [],
    tokenize: function (text) {
      return String(text).normalize('NFKC').match(WORD) || [];
    },
    processTerm: function (term) {
      var t = term.toLowerCase();
      return GREEK[t] || t;
    },
    // A word of three letters or more also finds the words it starts ("initializ" finds
    // "initialization"); a shorter one only itself, so that "He" does not find "helpers".
    searchOptions: { boost: { s: 3, c: 2, t: 1, x: 1, k: 0.5 }, prefix: function (term) { return term.length >= 3; }, fuzzy: 0.15, combineWith: 'AND' },
  };

  var index = null;
  var docs = null;

  /** The index (root.courseSearchData, made by the build) loaded into MiniSearch (root.MiniSearch), once. */
  function ensureIndex() {
    if (index) return index;
    var data = root.courseSearchData;
    index = root.MiniSearch.loadJS(data.index, SEARCH_OPTIONS);
    docs = data.docs;
    return index;
  }

  function escape(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  var quote = function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); };
  // Where a word starts: not inside another word ("he" is not in "the").
  var START = '(^|[^\\p{L}\\p{N}])';

  /**
   * A window of `text` around the first place one of `words` starts (the first that does), with
   * `marks` marked: whole words, or the start of a word for a mark that ends in '*'.
   */
  function snippet(text, words, marks) {
    var at = -1;
    for (var i = 0; i < words.length && at < 0; i++) {
      var m = new RegExp(START + quote(words[i]), 'iu').exec(text);
      if (m) at = m.index + m[1].length;
    }
    if (at < 0) return null;
    var start = Math.max(0, at - 70);
    var end = Math.min(text.length, at + 150);
    if (start > 0) start = text.indexOf(' ', start) + 1 || start;
    var piece = (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '');
    var patterns = marks.filter(function (w) { return w.replace(/\*$/, '').length > 1; })
      .sort(function (a, b) { return b.length - a.length; })
      .map(function (w) { return /\*$/.test(w) ? quote(w.slice(0, -1)) + '[\\p{L}\\p{N}]*' : quote(w) + '(?![\\p{L}\\p{N}])'; });
    var html = escape(piece);
    if (patterns.length) html = html.replace(new RegExp(START + '(' + patterns.join('|') + ')', 'giu'), '$1<mark>$2</mark>');
    return html;
  }

  /** Up to `limit` results: { href, chapter, section, snippet (HTML), code (whether the snippet is code) }. */
  function search(query, limit) {
    var q = String(query).trim();
    if (!q) return [];
    ensureIndex();
    var phrase = q.toLowerCase();
    var results = index.search(q, {
      // A section that holds the whole phrase ranks above one that holds its words apart.
      boostDocument: function (id) {
        var d = docs[id];
        return (d.t + ' ' + d.s).toLowerCase().indexOf(phrase) >= 0 ? 2 : 1;
      },
    });
    var words = (SEARCH_OPTIONS.tokenize(q) || []).map(function (w) { return w.toLowerCase(); });
    return results.slice(0, limit || 20).map(function (r) {
      var d = docs[r.id];
      var terms = [phrase].concat(r.terms, words);
      // Marked: the phrase, the words the index matched, and what the reader typed (a word
      // of three letters or more as the start of a word, as the search takes it).
      var marks = [phrase].concat(r.terms, words.map(function (w) { return w.length >= 3 ? w + '*' : w; }));
      var fromText = snippet(d.t, terms, marks);
      var fromCode = fromText ? null : snippet(d.k, terms, marks);
      return {
        href: d.p + (d.a ? '#' + d.a : ''),
        chapter: d.c,
        section: d.s === d.c ? '' : d.s,
        snippet: fromText || fromCode || escape(d.t.slice(0, 200)),
        code: !fromText && !!fromCode,
      };
    });
  }

  /** The results list's HTML. */
  function resultsHtml(results) {
    return results.map(function (r) {
      return '<li><a href="' + escape(r.href) + '"><span class="where"><span class="r-chapter">' + escape(r.chapter) + '</span>' +
        (r.section ? ' <span aria-hidden="true">›</span> <span class="r-section">' + escape(r.section) + '</span>' : '') +
        '</span><span class="snippet' + (r.code ? ' code' : '') + '">' + r.snippet + '</span></a></li>';
    }).join('');
  }

  var api = { SEARCH_OPTIONS: SEARCH_OPTIONS, search: search, resultsHtml: resultsHtml };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  else root.courseSearch = api;
})(typeof window !== 'undefined' ? window : globalThis);
