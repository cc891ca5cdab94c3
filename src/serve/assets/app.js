// secsearch's page. Every piece of article text (titles, snippets, bodies,
// sources, paths) is put into the DOM as text nodes, never as HTML; the
// highlights are <mark> elements built from the byte offsets the API
// returns. The page's state lives in the URL hash, so reload, back and
// links keep the search.
'use strict';

const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
const PAGE = 10;
const state = { q: '', sources: [], since: '', until: '', sort: 'relevance', page: 0, article: '' };
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
  if (state.sources.length) p.set('source', state.sources.join(','));
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
  state.sources = (p.get('source') || '').split(',').filter(Boolean);
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

function saveHash(push) {
  const h = '#' + toHash();
  if (h === location.hash) return;
  if (push) history.pushState(null, '', h);
  else history.replaceState(null, '', h);
}

function apiUrl(path, extra) {
  const p = new URLSearchParams({ q: state.q, sort: state.sort, since: state.since, until: state.until });
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
  const page = apiUrl('/api/search', {
    source: state.sources.join(','), limit: String(PAGE), offset: String(state.page * PAGE),
  });
  try {
    const all = state.sources.length ? getJson(apiUrl('/api/search', { limit: '0' })) : null;
    const r = await getJson(page);
    const facets = (all && (await all).facets) || r.facets;
    if (mine !== seq) return;
    showResults(r);
    showSources(facets ? facets.sources : []);
    showHistogram(r.facets ? r.facets.months : []);
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
  const pages = Math.ceil(r.total / PAGE);
  $('pager').hidden = pages <= 1;
  $('page').textContent = `page ${state.page + 1} of ${fmt(pages)}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = state.page + 1 >= pages;
}

function hitItem(h) {
  const li = el('li', 'hit');
  const title = marked(el('button', 'hit-title'), h.title, h.title_highlights);
  title.type = 'button';
  title.addEventListener('click', () => openArticle(h.path, true));
  const meta = el('div', 'meta');
  meta.textContent = [h.source, h.date, h.path].filter(Boolean).join(' · ');
  if (h.duplicates.length) meta.append(el('span', null, ` (+${h.duplicates.length} duplicate${h.duplicates.length > 1 ? 's' : ''})`));
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
      state.page = 0;
      search();
    });
    label.append(box, el('span', 'name', name || '(no source)'), el('span', 'count', fmt(count)));
    label.title = name;
    li.append(label);
    ul.append(li);
  }
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
  for (const [m, n] of known) {
    const bar = el('div', 'bar');
    bar.style.height = n ? `${Math.max(3, (100 * n) / max)}%` : '0';
    bar.title = `${m}: ${fmt(n)}`;
    if (state.since === `${m}-01` && state.until === monthEnd(m)) bar.classList.add('on');
    bar.addEventListener('click', () => {
      state.since = `${m}-01`;
      state.until = monthEnd(m);
      $('since').value = state.since;
      $('until').value = state.until;
      state.page = 0;
      search();
    });
    box.append(bar);
  }
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
    const a = await getJson(`/api/article?${new URLSearchParams({ path, q: state.q })}`);
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
  marked($('article-body'), a.body, a.highlights);
  const first = $('article-body').querySelector('mark');
  if (first) first.scrollIntoView({ block: 'center' });
}

function closeArticle(push) {
  $('article').hidden = true;
  state.article = '';
  if (push) saveHash(true);
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
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('article').hidden) closeArticle(true); });
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
