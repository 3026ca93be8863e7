// The checks that run inside a page (each function is passed to `page.evaluate`, so it must not
// use anything outside itself): what a person would notice on a phone or a desk screen.
'use strict';

/**
 * One h1, headings that never skip a level, and no status marker without a word.
 */
function structure() {
  const problems = [];
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => h.getClientRects().length);
  const h1s = headings.filter((h) => h.tagName === 'H1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 headings, expected one`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading "${h.textContent.trim()}" is h${next} after h${level}`);
    level = next;
  }
  for (const el of document.querySelectorAll('.strip-flag, .flag')) {
    if (!el.textContent.trim()) problems.push(`status marker without text: ${el.outerHTML.slice(0, 100)}`);
  }
  return problems;
}

/** The page is no wider than the window: nothing makes a person scroll sideways. */
function sidewaysScroll() {
  const scroll = document.documentElement.scrollWidth;
  const inner = window.innerWidth;
  if (scroll <= inner) return [];
  // Name the widest culprits, so the report says what to fix rather than only that it is wrong.
  const wide = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > inner + 1 && !el.closest('.table-wrap, .table-scroll'))
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > inner + 1))
    .slice(0, 4)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (right edge ${Math.round(el.getBoundingClientRect().right)})`);
  return [`scrolls sideways: scrollWidth ${scroll} > ${inner}; widest: ${wide.join(', ')}`];
}

/**
 * Text that does not fit its box. Sideways: any box whose content is wider than the box (a long
 * word or code spilling past a card's border, a button's label past its edge). Downwards: a box of
 * fixed size — a tag, tile, button, table cell or menu item, or any box that clips (`overflow:
 * hidden`, `nowrap`, an ellipsis) — whose content is taller than it. A person sees letters cut off
 * or spilling over the next box. Boxes meant to scroll (`auto`) and boxes meant to be invisible
 * (visually hidden text, 1 px) are not fixed boxes; the innermost box at fault is named.
 */
function fixedBoxOverflow() {
  const named = '.tag, .tile, .tiles > li, .dashboard-counts > li, button, .button, td, th, nav a, nav li, '
    + '.site-menu > summary, .badge, .role-badge, .strip-consent, [class^="status-"], [class*=" status-"]';
  const fixed = new Set(document.querySelectorAll(named));
  const describe = (el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
  const faults = new Map();
  for (const el of document.body.querySelectorAll('*')) {
    // A chart's SVG text is drawn where its coordinates say, not laid out in a box.
    if (el instanceof SVGElement || !el.getClientRects().length || !el.textContent.trim()) continue;
    const s = getComputedStyle(el);
    // An inline box has no width of its own to overflow; its line box wraps or the parent clips.
    if (s.display === 'inline' || s.display === 'contents') continue;
    if (el.clientWidth <= 1 || el.clientHeight <= 1) continue; // visually hidden on purpose
    if (el.closest('.visually-hidden, .skip-link, select, option')) continue;
    const clips = /hidden|clip/.test(`${s.overflowX} ${s.overflowY}`) || s.whiteSpace === 'nowrap' || s.textOverflow === 'ellipsis';
    if (!/auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      faults.set(el, `text overflows its box sideways: ${describe(el)} needs ${el.scrollWidth} px, has ${el.clientWidth}`);
    } else if ((clips || fixed.has(el)) && !/auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1) {
      faults.set(el, `text overflows its box downwards: ${describe(el)} needs ${el.scrollHeight} px, has ${el.clientHeight}`);
    }
  }
  // A bordered fixed box whose words run into its left or right border: no overflow as the
  // browser counts it, but a person sees the letters touching the line.
  const range = document.createRange();
  for (const el of fixed) {
    if (faults.has(el) || !el.getClientRects().length || !el.textContent.trim() || el.closest('.visually-hidden')) continue;
    const s = getComputedStyle(el);
    if (s.display === 'inline' || s.display === 'contents') continue;
    const box = el.getBoundingClientRect();
    // The words a person sees: text hidden for screen readers only (clipped to 1 px) is left out.
    const text = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const holder = node.parentElement;
      if (!node.data.trim() || holder.closest('.visually-hidden') || (holder.clientWidth <= 1 && holder.clientHeight <= 1 && getComputedStyle(holder).position === 'absolute')) continue;
      range.selectNodeContents(node);
      text.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    if (!text.length) continue;
    const left = Math.min(...text.map((r) => r.left));
    const right = Math.max(...text.map((r) => r.right));
    const gapLeft = left - (box.left + parseFloat(s.borderLeftWidth));
    const gapRight = box.right - parseFloat(s.borderRightWidth) - right;
    if ((parseFloat(s.borderLeftWidth) > 0 && gapLeft < 2) || (parseFloat(s.borderRightWidth) > 0 && gapRight < 2)) {
      faults.set(el, `text touches its box's border: ${describe(el)} (${Math.round(gapLeft)} px left, ${Math.round(gapRight)} px right)`);
    }
  }
  const innermost = [...faults.keys()].filter((el) => ![...faults.keys()].some((other) => other !== el && el.contains(other)));
  return innermost.map((el) => faults.get(el)).slice(0, 10);
}

/**
 * Status never by colour alone. An element that carries a status tone (a tag, a status-* or
 * tone class, a tile with a tone, a paused or over-budget row) shows a word (visible letters, not
 * only an aria-label) and an icon or shape of its own (a ::before/::after glyph, an svg or img, in
 * it or inside it). And a glyph belongs to one tone: if "Blocked" and "Cleared" shared an icon,
 * only their colours would tell them apart.
 */
function statusByColour() {
  const problems = [];
  const TONES = {
    ok: 'ok', cleared: 'ok', success: 'ok',
    danger: 'danger', blocked: 'danger', paused: 'danger', 'over-budget': 'danger', 'no-use': 'danger',
    warn: 'warn', warning: 'warn', overdue: 'warn',
    info: 'info', neutral: 'neutral', none: 'neutral',
  };
  const toneOf = (el) => {
    for (const c of el.classList) {
      const m = c.match(/^(?:tag|status|tile|tone|strip|flash|banner|is)-(ok|cleared|success|danger|blocked|paused|warn|warning|overdue|info|neutral|none)$/)
        || c.match(/^(over-budget|no-use|overdue|warning)$/) || c.match(/^(warn)ing-text$/) || c.match(/^(paused)-(?:notice|badge)$/);
      if (m) return TONES[m[1]];
    }
    return null;
  };
  const glyph = (el, which) => {
    const content = getComputedStyle(el, which).content;
    return content && content !== 'none' && content !== 'normal' && content !== '""' ? content : null;
  };
  const iconOf = (el) => {
    for (const node of [el, ...el.querySelectorAll('*')]) {
      if (!node.getClientRects().length) continue;
      if (node.matches('svg, img')) return node.tagName.toLowerCase();
      const g = glyph(node, '::before') || glyph(node, '::after');
      if (g) return g;
    }
    return null;
  };
  const iconsByTone = {};
  for (const el of document.body.querySelectorAll('[class]')) {
    const tone = toneOf(el);
    if (!tone || !el.getClientRects().length) continue;
    const what = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.innerText.trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    if (!/\p{L}{2,}/u.test(el.innerText)) problems.push(`status shown without a word: ${what}`);
    const icon = iconOf(el);
    if (!icon) problems.push(`status shown without an icon or shape, by colour alone: ${what}`);
    else (iconsByTone[icon] ||= new Set()).add(tone);
  }
  for (const [icon, tones] of Object.entries(iconsByTone)) {
    if (tones.size > 1 && !['svg', 'img'].includes(icon)) problems.push(`the icon ${icon} marks different statuses (${[...tones].join(', ')}): only colour tells them apart`);
  }
  return [...new Set(problems)].slice(0, 10);
}

/**
 * Words broken mid-letter (the certificate must read as written, on a phone, a desk and paper).
 * Each word of each visible text node is measured with a Range: a word whose boxes sit on two
 * lines was split. Hashes and other codes are meant to break anywhere and are left out.
 */
function brokenWords() {
  const problems = [];
  const root = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !parent.getClientRects().length || parent.closest('.hash, .visually-hidden, script, style, svg')) continue;
    for (const m of node.data.matchAll(/[\p{L}\p{N}]+/gu)) {
      const word = m[0];
      if (word.length < 2 || (/\d/.test(word) && word.length >= 16)) continue; // single letters; ids and digests
      range.setStart(node, m.index);
      range.setEnd(node, m.index + word.length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (rects.length < 2) continue;
      const top = rects[0].top;
      if (rects.some((r) => Math.abs(r.top - top) > rects[0].height / 2)) {
        problems.push(`"${word}" is broken across lines in ${parent.tagName.toLowerCase()} "${parent.textContent.trim().replace(/\s+/g, ' ').slice(0, 50)}"`);
      }
    }
  }
  return [...new Set(problems)].slice(0, 10);
}

/**
 * On a phone a table stacks into cards (its rows stop being table rows) and its header row is
 * hidden, so each cell must say which column it is from: every visible cell with words in it has a
 * `data-label` equal to its column header's words, shown before the value. Left out: a cell whose
 * only words are a button's (the button says what it does), and a cell holding a visible form
 * label of its own (the boundary grid's answers).
 */
function cardLabels() {
  const problems = [];
  const squash = (text) => text.replace(/\s+/g, ' ').trim();
  const visibleWords = (cell) => {
    const words = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const holder = node.parentElement;
      if (!node.data.trim() || holder.closest('button, .button, select, .visually-hidden, script, style')) continue;
      if (!holder.getClientRects().length) continue;
      words.push(node.data);
    }
    return squash(words.join(' '));
  };
  // The column header over each column, colspans counted.
  const headersOf = (table) => {
    const headers = [];
    const row = table.tHead?.rows[0];
    for (const th of row ? row.cells : []) for (let i = 0; i < th.colSpan; i++) headers.push(squash(th.textContent));
    return headers;
  };
  const asCards = (table) => [...table.querySelectorAll(':scope > tbody > tr, :scope > tfoot > tr')]
    .some((tr) => tr.getClientRects().length && getComputedStyle(tr).display !== 'table-row');
  for (const table of document.querySelectorAll('table')) {
    if (!table.getClientRects().length || !asCards(table)) continue;
    const titled = document.getElementById(table.getAttribute('aria-labelledby') || '');
    const name = squash(table.caption?.textContent || titled?.textContent || table.getAttribute('aria-label') || table.className || 'table').slice(0, 50);
    const headers = headersOf(table);
    for (const tr of table.querySelectorAll(':scope > tbody > tr, :scope > tfoot > tr')) {
      let column = 0;
      for (const cell of tr.cells) {
        const at = column;
        column += cell.colSpan;
        if (cell.tagName !== 'TD' || !cell.getClientRects().length) continue;
        const words = visibleWords(cell);
        if (!words) continue;
        if ([...cell.querySelectorAll('label')].some((l) => l.getClientRects().length && l.clientWidth > 1)) continue;
        const label = squash(cell.getAttribute('data-label') || '');
        const shown = getComputedStyle(cell, '::before').content;
        const header = headers[at] || '';
        if (!label || !shown || shown === 'none' || shown === 'normal') {
          problems.push(`card in "${name}" shows "${words.slice(0, 40)}" without saying it is ${header ? `"${header}"` : 'which column'}`);
        } else if (header && label !== header) {
          problems.push(`card in "${name}" labels "${words.slice(0, 40)}" as "${label}", but its column header says "${header}"`);
        }
      }
    }
  }
  return [...new Set(problems)].slice(0, 10);
}

module.exports = { structure, sidewaysScroll, fixedBoxOverflow, statusByColour, brokenWords, cardLabels };
