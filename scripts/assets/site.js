// The site's page script, loaded in <head> of every page (before any chart draws): the theme
// (the system's, or the reader's remembered choice), the charts' dark template, the chapter
// outline (current section, phone menu), the search box (which loads search.js, MiniSearch
// and the index on first use), keyboard access to scrolling boxes and chart sliders, and print.
//
// For code that adds to a page later (live mode): <html data-theme="light|dark"> and the CSS
// variables of course.css give the colours; document gets a 'course-theme' event when the
// theme changes; window.courseCharts.draw(el, figure) draws a chart in the page's theme and
// keeps it in step (plotHtml's charts call it themselves); a 'course-output' event that
// bubbles from an added output lets a box that scrolls sideways take the keyboard focus.
(function () {
  var doc = document.documentElement;
  var KEY = 'course-theme';
  var system = window.matchMedia('(prefers-color-scheme: dark)');

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function theme() {
    var t = stored();
    return t === 'dark' || t === 'light' ? t : system.matches ? 'dark' : 'light';
  }
  function isDark() { return doc.getAttribute('data-theme') === 'dark'; }
  doc.setAttribute('data-theme', theme());

  // --- Charts ------------------------------------------------------------------------------
  // A chart made by plotHtml (src/notebook/plot.ts) calls courseCharts.draw(el, figure), here
  // or in anything added to the page later: it draws in the page's theme, and redraws when
  // the theme changes. Dark is a template: the chart's neutral inks (black, greys, white)
  // take their opposite lightness, the background and text are the page's, and the colours
  // of the data are kept. Nothing is inverted.
  var DARK = { bg: '#16181c', text: '#e3e6ea', muted: '#a0a8b2', grid: '#2c3036', line: '#8a929c' };
  var DARK_TEMPLATE = {
    layout: {
      xaxis: { gridcolor: DARK.grid, linecolor: DARK.line, zerolinecolor: '#4a5058' },
      yaxis: { gridcolor: DARK.grid, linecolor: DARK.line, zerolinecolor: '#4a5058' },
      sliderdefaults: { bgcolor: '#3a3f46', activebgcolor: '#6b7480', bordercolor: '#6b7480', tickcolor: DARK.muted, font: { color: DARK.text } },
      annotationdefaults: { arrowcolor: DARK.muted, font: { color: DARK.text } },
      shapedefaults: { line: { color: DARK.muted } },
      modebar: { bgcolor: 'rgba(22,24,28,0.6)', color: DARK.muted, activecolor: DARK.text },
    },
  };
  var hex2 = function (v) { return ('0' + Math.round(v).toString(16)).slice(-2); };
  /** A neutral colour (r = g = b) at the opposite lightness, on the dark background; others as they are. */
  function darkInk(c) {
    if (typeof c !== 'string') return c;
    var s = c.trim().toLowerCase(), rgb = null, alpha = null, m;
    if (s === 'black') rgb = [0, 0, 0];
    else if (s === 'white') rgb = [255, 255, 255];
    else if ((m = s.match(/^#([0-9a-f])([0-9a-f])([0-9a-f])$/))) rgb = [m[1] + m[1], m[2] + m[2], m[3] + m[3]].map(function (h) { return parseInt(h, 16); });
    else if ((m = s.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/))) rgb = [m[1], m[2], m[3]].map(function (h) { return parseInt(h, 16); });
    else if ((m = s.match(/^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/))) { rgb = [+m[1], +m[2], +m[3]]; alpha = m[4]; }
    if (!rgb || Math.max(rgb[0], rgb[1], rgb[2]) - Math.min(rgb[0], rgb[1], rgb[2]) > 8) return c;
    var v = 20 + (255 - rgb[0]) * (230 - 20) / 255;
    return alpha == null ? '#' + hex2(v) + hex2(v) + hex2(v) : 'rgba(' + [v, v, v].map(Math.round).join(',') + ',' + alpha + ')';
  }
  /** A copy of a figure's data or layout with every colour (not colour scales) in dark ink. */
  function darken(x, colorKey) {
    if (Array.isArray(x)) {
      if (colorKey) return x.map(function (v) { return darkInk(v); });
      return x.length && typeof x[0] === 'object' ? x.map(function (v) { return darken(v, false); }) : x;
    }
    if (x && typeof x === 'object') {
      var o = {};
      for (var k in x) {
        var isColor = /color$/i.test(k) || k === 'colorway';
        o[k] = isColor && typeof x[k] === 'string' ? darkInk(x[k]) : k === 'colorscale' ? x[k] : darken(x[k], isColor);
      }
      return o;
    }
    return colorKey ? darkInk(x) : x;
  }
  function clone(x) { return JSON.parse(JSON.stringify(x)); }

  /** The figure to draw in the current theme, keeping the chart's wrapped title and slider position. */
  function themedFigure(el) {
    var f = clone(el._courseFigure);
    var now = el.layout;
    if (now) {
      if (now.title && f.layout.title) f.layout.title.text = now.title.text;
      if (now.margin) f.layout.margin = now.margin;
      if (now.height) f.layout.height = now.height;
      var s = now.sliders && now.sliders[0];
      var active = s && s.active;
      if (f.frames && f.layout.sliders && f.frames[active]) {
        f.layout.sliders[0].active = active;
        f.data = f.frames[active].data;
      }
    }
    if (!isDark() || printing) return f;
    f.data = darken(f.data, false);
    f.layout = darken(f.layout, false);
    if (f.frames) f.frames = f.frames.map(function (fr) { return { name: fr.name, data: darken(fr.data, false) }; });
    f.layout.paper_bgcolor = DARK.bg;
    f.layout.plot_bgcolor = DARK.bg;
    f.layout.font = f.layout.font || {};
    f.layout.font.color = DARK.text;
    f.layout.template = DARK_TEMPLATE;
    return f;
  }

  var charts = [];
  var printing = false;

  function redrawCharts() {
    charts = charts.filter(function (el) { return el.isConnected; });
    charts.forEach(function (el) { window.Plotly.react(el, themedFigure(el)); });
  }

  /** A slider chart gets a range input: Tab reaches it, the arrow keys move the chart's slider. */
  function sliderKeys(el) {
    var s = el._courseFigure.layout.sliders && el._courseFigure.layout.sliders[0];
    if (!s || !s.steps || s.steps.length < 2 || !el.parentNode) return;
    var name = (s.currentvalue && s.currentvalue.prefix || 'Step').replace(/:\s*$/, '');
    var box = document.createElement('label');
    box.className = 'chart-keys';
    box.innerHTML = '<span class="vh">' + name.replace(/</g, '&lt;') + ', for the chart above</span><input type="range" min="0" step="1">' +
      '<span class="hint" aria-hidden="true">&larr; &rarr; move the slider</span>';
    var input = box.querySelector('input');
    input.max = String(s.steps.length - 1);
    var show = function (i) {
      input.value = String(i);
      input.setAttribute('aria-valuetext', name + ': ' + s.steps[i].label);
    };
    show(s.active || 0);
    input.addEventListener('input', function () {
      var step = s.steps[Number(input.value)];
      window.Plotly.animate(el, step.args[0], step.args[1]);
      window.Plotly.relayout(el, { 'sliders[0].active': Number(input.value) });
      show(Number(input.value));
    });
    el.on('plotly_sliderchange', function (e) { show(e.step._index); });
    el.parentNode.insertBefore(box, el.nextSibling);
  }

  window.courseCharts = {
    draw: function (el, figure) {
      el._courseFigure = clone(figure);
      charts.push(el);
      var drawn = window.Plotly.newPlot(el, themedFigure(el));
      sliderKeys(el);
      return drawn;
    },
    redraw: redrawCharts,
    isDark: isDark,
  };

  function setTheme(t, remember) {
    doc.setAttribute('data-theme', t);
    if (remember) { try { localStorage.setItem(KEY, t); } catch (e) { /* private mode: not remembered */ } }
    var button = document.querySelector('header.site button.theme');
    if (button) button.setAttribute('aria-pressed', String(t === 'dark'));
    if (window.Plotly) redrawCharts();
    // For anything else on the page that draws its own colours (live mode's editor, say).
    document.dispatchEvent(new CustomEvent('course-theme', { detail: { theme: t } }));
  }
  system.addEventListener('change', function () { if (!stored()) setTheme(theme(), false); });

  // Printed pages are light, whatever the screen's theme, and show the outputs folded on screen.
  var unfolded = [];
  window.addEventListener('beforeprint', function () {
    printing = true;
    if (isDark() && window.Plotly) redrawCharts();
    unfolded = [].slice.call(document.querySelectorAll('details.fold:not([open])'));
    unfolded.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    printing = false;
    if (isDark() && window.Plotly) redrawCharts();
    unfolded.forEach(function (d) { d.open = false; });
  });

  // --- The page ----------------------------------------------------------------------------
  document.addEventListener('DOMContentLoaded', function () {
    var button = document.querySelector('header.site button.theme');
    if (button) {
      button.setAttribute('aria-pressed', String(isDark()));
      button.addEventListener('click', function () { setTheme(isDark() ? 'light' : 'dark', true); });
    }
    // From disk, browsers show a linked notebook instead of downloading it.
    if (location.protocol === 'file:') {
      [].forEach.call(document.querySelectorAll('a[download]'), function (a) { a.title = 'Opened from disk, your browser may show the notebook instead: save it with Ctrl+S (Cmd+S on a Mac)'; });
    }
    outline();
    search();
    scrollers();
    window.addEventListener('resize', scrollers);
    // An output added later (live mode announces each with a bubbling 'course-output' event)
    // may scroll sideways too.
    document.addEventListener('course-output', scrollers);
  });

  /** Boxes that scroll sideways (wide code, tables, formulas) take the keyboard focus, so the arrow keys scroll them. */
  function scrollers() {
    var boxes = document.querySelectorAll('main pre, main .scroll, main .output.rich, main .katex-display');
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      var scrolls = b.scrollWidth > b.clientWidth + 1 && getComputedStyle(b).overflowX !== 'visible';
      if (scrolls && !b.hasAttribute('tabindex')) { b.setAttribute('tabindex', '0'); b.setAttribute('data-scroller', ''); }
      if (!scrolls && b.hasAttribute('data-scroller')) { b.removeAttribute('tabindex'); b.removeAttribute('data-scroller'); }
    }
  }

  function outline() {
    var nav = document.getElementById('outline');
    var menu = document.querySelector('header.site button.menu');
    if (!nav) return;
    // The phone's menu: the same panel, opened over the page.
    function close(focusButton) {
      document.body.classList.remove('menu-open');
      menu.setAttribute('aria-expanded', 'false');
      if (focusButton) menu.focus();
    }
    if (menu) {
      menu.addEventListener('click', function () {
        var open = !document.body.classList.contains('menu-open');
        document.body.classList.toggle('menu-open', open);
        menu.setAttribute('aria-expanded', String(open));
        if (open) (nav.querySelector('[aria-current="location"]') || nav.querySelector('a')).focus();
      });
      nav.addEventListener('click', function (e) { if (e.target.closest('a')) close(false); });
      document.addEventListener('keydown', function (e) {
        if (e.key === 'Escape' && document.body.classList.contains('menu-open')) close(true);
      });
    }
    // The current section: the last heading above the top fifth of the window.
    var links = [].slice.call(nav.querySelectorAll('ol.sections a[href^="#"]'));
    var targets = links.map(function (a) { return document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))); });
    var current = null;
    var pending = false;
    function update() {
      pending = false;
      var line = window.innerHeight / 5;
      var found = null;
      for (var i = 0; i < targets.length; i++) {
        if (targets[i] && targets[i].getBoundingClientRect().top <= line) found = links[i];
      }
      if (found === current) return;
      if (current) { current.classList.remove('active'); current.removeAttribute('aria-current'); }
      current = found;
      if (!current) return;
      current.classList.add('active');
      current.setAttribute('aria-current', 'location');
      // Keep it in view inside the panel (not by scrolling the page).
      var top = current.offsetTop - nav.offsetTop;
      if (top < nav.scrollTop || top > nav.scrollTop + nav.clientHeight - 40) nav.scrollTop = top - nav.clientHeight / 3;
    }
    window.addEventListener('scroll', function () {
      if (!pending) { pending = true; window.requestAnimationFrame(update); }
    }, { passive: true });
    update();
  }

  function search() {
    var input = document.getElementById('search-input');
    var panel = document.getElementById('search-results');
    var status = document.getElementById('search-status');
    if (!input) return;
    var loading = null;
    // search.js, MiniSearch and the index load once, when the reader first uses the box: a
    // page does not pay for them until then. <script> tags, since a page opened from disk
    // cannot fetch files.
    function load() {
      if (loading) return loading;
      var files = ['assets/minisearch.js', 'assets/search-index.js', 'assets/search.js'];
      loading = files.reduce(function (p, src) {
        return p.then(function () {
          return new Promise(function (resolve, reject) {
            var s = document.createElement('script');
            s.src = src;
            s.onload = resolve;
            s.onerror = function () { reject(new Error('could not load ' + src)); };
            document.head.appendChild(s);
          });
        });
      }, Promise.resolve());
      return loading;
    }
    function hide() { panel.hidden = true; }
    var last = null;
    function run() {
      var q = input.value;
      if (!q.trim()) { hide(); status.textContent = ''; last = null; return; }
      load().then(function () {
        if (q !== input.value || q === last) return;
        last = q;
        var results = window.courseSearch.search(q, 20);
        panel.innerHTML = results.length
          ? '<p class="count">' + results.length + (results.length === 20 ? '+' : '') + ' result' + (results.length === 1 ? '' : 's') + '</p><ol>' + window.courseSearch.resultsHtml(results) + '</ol>'
          : '<p class="count">Nothing found for “' + q.replace(/</g, '&lt;') + '”.</p>';
        panel.hidden = false;
        status.textContent = results.length ? results.length + ' results' : 'No results';
      }, function (e) {
        panel.innerHTML = '<p class="count">Search could not load: ' + e.message + '</p>';
        panel.hidden = false;
      });
    }
    input.addEventListener('focus', function () { load(); if (input.value.trim()) { last = null; run(); } });
    input.addEventListener('input', run);
    var resultLinks = function () { return [].slice.call(panel.querySelectorAll('a')); };
    input.addEventListener('keydown', function (e) {
      var links = resultLinks();
      if (e.key === 'ArrowDown' && links.length && !panel.hidden) { e.preventDefault(); links[0].focus(); }
      else if (e.key === 'Enter' && links.length && !panel.hidden) { e.preventDefault(); links[0].click(); }
      else if (e.key === 'Escape') { hide(); }
    });
    panel.addEventListener('keydown', function (e) {
      var links = resultLinks();
      var i = links.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
      else if (e.key === 'Escape') { hide(); input.focus(); }
    });
    panel.addEventListener('click', function (e) { if (e.target.closest('a')) hide(); });
    document.addEventListener('click', function (e) { if (!e.target.closest('.search')) hide(); });
    document.addEventListener('keydown', function (e) {
      // "/" jumps to the search box, as on most documentation sites.
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) && !document.activeElement.isContentEditable) {
        e.preventDefault();
        input.focus();
      }
    });
  }
})();
