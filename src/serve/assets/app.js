// secsearch's page. Every piece of article text (titles, snippets, bodies,
// sources, paths) is put into the DOM as text nodes, never as HTML (the
// article's Markdown arrives as blocks of text, see src/serve/render.rs); the
// highlights are <mark> elements built from the byte offsets the API
// returns. The page's state lives in the URL hash, so reload, back and
// links keep the search.
'use strict';

const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
const PAGE = 10;
const state = { q: '', sources: [], since: '', until: '', sort: 'relevance', word: false, page: 0, article: '' };
let seq = 0;
let sourceFacets = [];

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// Appends `text` to `parent` with the byte ranges `ranges` as <mark>s.
function marked(parent, text, ranges) {
  const bytes = enc.encode(text);
  let at = 0;
  for (const [a, b] of ranges || []) {
    if (a < at || b <= a || b > bytes.length) continue;
    if (a > at) parent.append(dec.decode(bytes.subarray(at, a)));
    parent.append(el('mark', null, dec.decode(bytes.subarray(a, b))));
    at = b;
  }
  if (at < bytes.length) parent.append(dec.decode(bytes.subarray(at)));
  return parent;
}

// Only http(s) links are made clickable: an article's url field could hold
// `javascript:`.
function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (_) {
    return null;
  }
}

function fmt(n) {
  return Number(n).toLocaleString('en-US');
}

function toHash() {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.sources.length) p.set('sources', JSON.stringify(state.sources));
  if (state.word) p.set('w', '1');
  if (state.since) p.set('since', state.since);
  if (state.until) p.set('until', state.until);
  if (state.sort !== 'relevance') p.set('sort', state.sort);
  if (state.page) p.set('page', String(state.page));
  if (state.article) p.set('article', state.article);
  return p.toString();
}

function fromHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  state.q = p.get('q') || '';
  state.sources = parseSources(p.get('sources'));
  state.word = p.get('w') === '1';
  $('word').checked = state.word;
  state.since = p.get('since') || '';
  state.until = p.get('until') || '';
  state.sort = p.get('sort') === 'date' ? 'date' : 'relevance';
  state.page = Math.max(0, parseInt(p.get('page') || '0', 10) || 0);
  state.article = p.get('article') || '';
  $('q').value = state.q;
  $('sort').value = state.sort;
  $('since').value = state.since;
  $('until').value = state.until;
}

// Source names are exact and may hold commas: a JSON array in the URL.
function parseSources(text) {
  try {
    const v = JSON.parse(text || '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  } catch (_) {
    return [];
  }
}

function saveHash(push) {
  const h = '#' + toHash();
  if (h === location.hash) return;
  if (push) history.pushState(null, '', h);
  else history.replaceState(null, '', h);
}

function apiUrl(path, extra) {
  const p = new URLSearchParams({ q: state.q, sort: state.sort, since: state.since, until: state.until });
  if (state.word) p.set('word', '1');
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return path + '?' + p.toString();
}

async function getJson(url) {
  const r = await fetch(url);
  const body = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// Runs the search in `state`; a newer search makes an older answer moot.
async function search() {
  saveHash(false);
  const mine = ++seq;
  if (!state.q.trim() && !state.sources.length && !state.since && !state.until) return overview(mine);
  const sources = state.sources.length ? JSON.stringify(state.sources) : '';
  const page = apiUrl('/api/search', { sources, limit: String(PAGE), offset: String(state.page * PAGE) });
  try {
    // The source list leaves out the source filter, the months the dates:
    // a tick or a click on a month keeps the others in view.
    const bySource = state.sources.length ? getJson(apiUrl('/api/search', { limit: '0' })) : null;
    const dated = state.since || state.until;
    const byMonth = dated ? getJson(apiUrl('/api/search', { sources, since: '', until: '', limit: '0' })) : null;
    const r = await getJson(page);
    const sf = (bySource && (await bySource).facets) || r.facets;
    const mf = (byMonth && (await byMonth).facets) || r.facets;
    if (mine !== seq) return;
    showResults(r);
    showSources(sf ? sf.sources : []);
    showHistogram(mf ? mf.months : []);
  } catch (e) {
    if (mine !== seq) return;
    $('results').replaceChildren();
    $('status').textContent = e.message;
    $('pager').hidden = true;
  }
}

// No query: what the index holds.
async function overview(mine) {
  try {
    const s = await getJson('/api/stats');
    if (mine !== seq) return;
    $('results').replaceChildren();
    $('pager').hidden = true;
    $('status').textContent = `${fmt(s.documents)} articles from ${fmt(s.source_count)} sources, ` +
      `${s.first_date || '?'} – ${s.last_date || '?'}. Type to search.`;
    showSources(s.sources);
    showHistogram(s.months);
  } catch (e) {
    $('status').textContent = e.message;
  }
}

function showResults(r) {
  const list = $('results');
  list.replaceChildren();
  const first = r.total ? state.page * PAGE + 1 : 0;
  const last = state.page * PAGE + r.hits.length;
  $('status').textContent = r.total
    ? `${fmt(first)}–${fmt(last)} of ${fmt(r.total)} articles`
    : 'No article matches.';
  for (const h of r.hits) list.append(hitItem(h));
  showNotes(r);
  const pages = Math.ceil(r.total / PAGE);
  $('pager').hidden = pages <= 1;
  $('page').textContent = `page ${state.page + 1} of ${fmt(pages)}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = state.page + 1 >= pages;
}

// What the terminal says on stderr: words also searched, and for no hit
// each word's count alone with close words to try.
function showNotes(r) {
  const notes = $('notes');
  notes.replaceChildren();
  if (r.also_searched && r.also_searched.length) {
    notes.append(el('div', null, `also searched: ${r.also_searched.join(', ')}`));
  }
  const zero = r.zero_hits || [];
  if (zero.length > 1) {
    notes.append(el('div', null, 'no article has all of: ' + zero.map((z) => `${z.term} (${fmt(z.hits)})`).join(', ')));
  }
  for (const z of zero.filter((z) => !z.hits)) {
    const line = el('div', null, `'${z.term}' matched nothing`);
    if (z.suggestions.length) {
      line.append('; try: ');
      z.suggestions.forEach((w, i) => {
        if (i) line.append(', ');
        const b = el('button', 'link', w);
        b.type = 'button';
        b.addEventListener('click', () => { state.q = state.q.replace(z.term, w); $('q').value = state.q; state.page = 0; search(); });
        line.append(b);
      });
    }
    notes.append(line);
  }
}

function hitItem(h) {
  const li = el('li', 'hit');
  const title = marked(el('button', 'hit-title'), h.title, h.title_highlights);
  title.type = 'button';
  title.dataset.path = h.path;
  title.addEventListener('click', () => openArticle(h.path, true));
  const meta = el('div', 'meta');
  meta.textContent = [h.source, h.date, h.path].filter(Boolean).join(' · ');
  if (h.duplicates.length) meta.append(el('span', null, ` (+${h.duplicates.length} duplicate${h.duplicates.length > 1 ? 's' : ''})`));
  if (h.reprints && h.reprints.length) meta.append(el('span', null, ` (+${h.reprints.length} reprint${h.reprints.length > 1 ? 's' : ''})`));
  if (h.via_alias) meta.append(el('span', 'badge', `via ${typeof h.via_alias === 'string' ? h.via_alias : 'an alias'}`));
  if (h.stale) meta.append(el('span', 'badge', 'changed since indexing'));
  if (typeof h.substance === 'string' && h.substance) meta.append(el('span', 'badge', h.substance));
  const snip = h.snippet ? marked(el('p', 'snippet'), h.snippet, h.highlights) : el('p', 'snippet dim', '(title only)');
  li.append(title, meta, snip);
  return li;
}

function showSources(sources) {
  sourceFacets = sources || [];
  const filter = $('source-filter').value.trim().toLowerCase();
  const ul = $('sources');
  ul.replaceChildren();
  const chosen = new Set(state.sources);
  const shown = sourceFacets.filter(([name]) => chosen.has(name) || !filter || name.toLowerCase().includes(filter));
  for (const name of state.sources) if (!shown.some(([n]) => n === name)) shown.unshift([name, 0]);
  for (const [name, count] of shown.slice(0, 200)) {
    const li = el('li');
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = chosen.has(name);
    box.dataset.source = name;
    box.addEventListener('change', () => {
      state.sources = box.checked ? [...state.sources, name] : state.sources.filter((s) => s !== name);
      chosenNote();
      state.page = 0;
      search();
    });
    label.append(box, el('span', 'name', name || '(no source)'), el('span', 'count', fmt(count)));
    label.title = name;
    li.append(label);
    ul.append(li);
  }
}

function chosenNote() {
  $('sources-chosen').textContent = state.sources.length ? `(${state.sources.length} chosen)` : '';
}

function monthEnd(ym) {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 0));
  return `${ym}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

// The months from the first to the last, a month without articles as 0,
// so that the bars are a time line.
function everyMonth(months) {
  if (!months.length) return [];
  const counts = new Map(months);
  const sorted = [...counts.keys()].sort();
  let [y, m] = sorted[0].split('-').map(Number);
  const [ly, lm] = sorted[sorted.length - 1].split('-').map(Number);
  const out = [];
  while ((y < ly || (y === ly && m <= lm)) && out.length < 600) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push([key, counts.get(key) || 0]);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

function showHistogram(months) {
  const box = $('histogram');
  box.replaceChildren();
  const known = everyMonth((months || []).filter(([m]) => /^\d{4}-\d{2}$/.test(m)));
  const max = Math.max(1, ...known.map(([, n]) => n));
  // One tab stop for the whole histogram (the chosen or last month); the
  // arrow keys move between months, Enter or a click picks one.
  const on = known.findIndex(([m]) => state.since === `${m}-01` && state.until === monthEnd(m));
  const stop = on >= 0 ? on : known.length - 1;
  known.forEach(([m, n], i) => {
    const bar = el('button', 'bar');
    bar.type = 'button';
    bar.style.height = n ? `${Math.max(3, (100 * n) / max)}%` : '0';
    bar.title = `${m}: ${fmt(n)}`;
    bar.setAttribute('aria-label', `${m}: ${fmt(n)} articles`);
    bar.tabIndex = i === stop ? 0 : -1;
    if (i === on) bar.classList.add('on');
    bar.addEventListener('keydown', (e) => {
      const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
      if (!step) return;
      e.preventDefault();
      const next = box.children[Math.min(box.children.length - 1, Math.max(0, i + step))];
      bar.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
    bar.addEventListener('click', () => {
      state.since = `${m}-01`;
      state.until = monthEnd(m);
      $('since').value = state.since;
      $('until').value = state.until;
      state.page = 0;
      search();
    });
    box.append(bar);
  });
  $('histogram-range').textContent = known.length ? `${known[0][0]} … ${known[known.length - 1][0]}` : '';
}

async function openArticle(path, push) {
  state.article = path;
  saveHash(push);
  const view = $('article');
  view.hidden = false;
  $('article-title').textContent = '…';
  for (const id of ['article-meta', 'article-dups', 'article-iocs', 'article-body']) $(id).replaceChildren();
  try {
    const a = await getJson(`/api/article?${new URLSearchParams({ path, q: state.q, word: state.word ? '1' : '0' })}`);
    if (state.article !== path) return;
    showArticle(a);
  } catch (e) {
    $('article-title').textContent = e.message;
  }
}

function showArticle(a) {
  const title = $('article-title');
  title.replaceChildren();
  marked(title, a.title, a.title_highlights);
  const meta = $('article-meta');
  meta.append([a.source, a.date].filter(Boolean).join(' · '));
  const href = safeUrl(a.url);
  if (href) {
    const link = el('a', null, 'original');
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    meta.append(' · ', link);
  }
  meta.append(el('div', null, a.path));
  if (a.duplicates.length) {
    const ul = el('ul');
    for (const d of a.duplicates) {
      const b = el('button', 'link', d);
      b.type = 'button';
      b.addEventListener('click', () => openArticle(d, true));
      const li = el('li');
      li.append(b);
      ul.append(li);
    }
    $('article-dups').append(el('strong', null, 'Reprints / duplicates'), ul);
  }
  if (a.indicators.length) {
    const ul = el('ul');
    for (const i of a.indicators) {
      const li = el('li');
      li.append(el('code', null, `${i.type}  ${i.value}`));
      ul.append(li);
    }
    $('article-iocs').append(el('strong', null, `Indicators (${a.indicators.length})`), ul);
  }
  if (a.reprints && a.reprints.length) $('article-dups').append(el('div', 'dim', `${a.reprints.length} reprint(s)`));
  renderBlocks($('article-body'), a.blocks || []);
  const first = $('article-body').querySelector('mark');
  if (first) first.scrollIntoView({ block: 'center' });
  $('close').focus({ preventScroll: true });
}

// A span of the article: text nodes with <mark>s, in <strong>, <code> or
// a link to an http(s) target (the server keeps no other).
function spanNode(s) {
  let node = marked(el(s.code ? 'code' : 'span'), s.text, s.marks);
  if (s.strong) {
    const b = el('strong');
    b.append(node);
    node = b;
  }
  const href = s.href && safeUrl(s.href);
  if (href) {
    const a = el('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.append(node);
    node = a;
  }
  return node;
}

// The article's blocks (see src/serve/render.rs) as elements; every piece
// of text is a text node.
function renderBlocks(box, blocks) {
  let list = null;
  let table = null;
  for (const b of blocks) {
    if (b.kind !== 'li') list = null;
    if (b.kind !== 'tr' && b.kind !== 'th') table = null;
    const spans = (b.spans || []).map(spanNode);
    if (b.kind === 'li') {
      if (!list) { list = el('ul'); box.append(list); }
      const li = el('li');
      li.style.marginLeft = `${Math.max(0, (b.depth || 1) - 1) * 1.2}rem`;
      li.append(...spans);
      list.append(li);
    } else if (b.kind === 'tr' || b.kind === 'th') {
      if (!table) { table = el('table'); box.append(table); }
      const tr = el('tr');
      for (const cell of b.cells || []) {
        const td = el(b.kind === 'th' ? 'th' : 'td');
        td.append(...cell.map(spanNode));
        tr.append(td);
      }
      table.append(tr);
    } else if (b.kind === 'hr') {
      box.append(el('hr'));
    } else {
      const tag = { pre: 'pre', quote: 'blockquote' }[b.kind] || (/^h[1-6]$/.test(b.kind) ? b.kind : 'p');
      const e = el(tag);
      e.append(...spans);
      box.append(e);
    }
  }
}

function closeArticle(push) {
  const was = state.article;
  $('article').hidden = true;
  state.article = '';
  if (push) saveHash(true);
  const back = [...document.querySelectorAll('.hit-title')].find((b) => b.dataset.path === was);
  if (back) back.focus();
}

function hitTitles() {
  return [...document.querySelectorAll('#results .hit-title')];
}

// The keys of a reader: / to the box, Enter searches, j/k or the arrows
// move through the hits, Enter or o opens one, Esc goes back.
function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
  if (!$('article').hidden) {
    if (e.key === 'Escape') { e.preventDefault(); closeArticle(true); }
    return;
  }
  if (t === $('q')) {
    if (e.key === 'Enter') { e.preventDefault(); state.q = $('q').value; state.page = 0; search(); }
    if (e.key === 'ArrowDown' && hitTitles().length) { e.preventDefault(); hitTitles()[0].focus(); }
    if (e.key === 'Escape') $('q').blur();
    return;
  }
  if (typing) return;
  const hits = hitTitles();
  const at = hits.indexOf(document.activeElement);
  if (e.key === '/') { e.preventDefault(); $('q').focus(); $('q').select(); return; }
  if (t.closest && t.closest('#histogram')) return;
  const move = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[e.key];
  if (move && hits.length) {
    e.preventDefault();
    hits[Math.min(hits.length - 1, Math.max(0, at < 0 ? 0 : at + move))].focus();
    return;
  }
  if (e.key === 'o' && at >= 0) { e.preventDefault(); hits[at].click(); }
}

function debounce(fn, ms) {
  let t;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}

function setTheme(t) {
  if (t) document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}

function init() {
  setTheme(localStorage.getItem('theme'));
  fromHash();
  const typed = debounce(() => {
    state.q = $('q').value;
    state.page = 0;
    search();
  }, 200);
  $('q').addEventListener('input', typed);
  $('sort').addEventListener('change', () => { state.sort = $('sort').value; state.page = 0; search(); });
  for (const id of ['since', 'until']) {
    $(id).addEventListener('change', () => { state[id] = $(id).value; state.page = 0; search(); });
  }
  $('clear-dates').addEventListener('click', () => {
    state.since = state.until = '';
    $('since').value = $('until').value = '';
    search();
  });
  $('source-filter').addEventListener('input', () => showSources(sourceFacets));
  $('prev').addEventListener('click', () => { state.page -= 1; search(); scrollTo(0, 0); });
  $('next').addEventListener('click', () => { state.page += 1; search(); scrollTo(0, 0); });
  $('close').addEventListener('click', () => closeArticle(true));
  document.addEventListener('keydown', onKey);
  $('word').addEventListener('change', () => { state.word = $('word').checked; state.page = 0; search(); });
  // On a narrow screen the filters start folded: the first hit is then on
  // the first screen.
  if (window.matchMedia('(max-width: 800px)').matches) $('filters-box').open = false;
  if (state.sources.length) $('sources-box').open = true;
  chosenNote();
  $('theme').addEventListener('click', () => {
    const dark = getComputedStyle(document.documentElement).colorScheme === 'dark';
    const next = dark ? 'light' : 'dark';
    localStorage.setItem('theme', next);
    setTheme(next);
  });
  window.addEventListener('popstate', () => {
    fromHash();
    search();
    if (state.article) openArticle(state.article, false);
    else $('article').hidden = true;
  });
  search();
  if (state.article) openArticle(state.article, false);
}

init();
