// The page checks themselves, on small pages written to break them: each check finds the fault it
// is for, and finds nothing on the same page put right. A check that cannot fail would let every
// flow pass, so this runs first and needs no server.
'use strict';
const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');
const { launch, PHONE } = require('../lib/browser');
const checks = require('../lib/checks');

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: PHONE });
});

after(async () => {
  await browser?.close().catch(() => {});
});

async function run(check, body, css = '') {
  await page.setContent(`<!doctype html><html lang="en"><head><style>
    body { margin: 0; font: 16px sans-serif; }
    .tag { display: inline-block; padding: 0 .5rem; }
    .status-cleared::before { content: "\\2713"; } .status-blocked::before { content: "\\2715"; }
    ${css}</style></head><body><main>${body}</main></body></html>`);
  return page.evaluate(check);
}

test('a page wider than the phone scrolls sideways, and says which box is too wide', async () => {
  const found = await run(checks.sidewaysScroll, '<div class="wide">x</div>', '.wide { width: 600px; }');
  assert.equal(found.length, 1);
  assert.match(found[0], /scrollWidth 600 > 390.*div\.wide/);
  assert.deepEqual(await run(checks.sidewaysScroll, '<div class="wide">x</div>', '.wide { max-width: 100%; }'), []);
});

test('a button, a tag, a clipped box or a card too small for its words overflows; one that grows or scrolls does not', async () => {
  const found = await run(checks.fixedBoxOverflow, `
    <button class="narrow">Withdraw consent for every scene</button>
    <span class="tag cut">Blocked until a new rider is signed</span>
    <div class="short">Two lines<br>of text</div>
    <div class="card"><p>f945d209d439ae1a20774c2f839cc6bd0b20f5ed</p></div>
    <ul class="tiles"><li class="tile">2 flagged</li></ul>`, `
    button.narrow { width: 80px; white-space: nowrap; }
    .cut { width: 60px; overflow: hidden; white-space: nowrap; }
    .short { height: 20px; overflow: hidden; }
    .card { width: 120px; border: 1px solid; }
    .tiles { padding: 0; } .tile { display: inline-block; border: 1px solid; padding: 4px 0; }`);
  assert.equal(found.length, 5, found.join('\n'));
  assert.match(found[0], /sideways: button\.narrow/);
  assert.match(found[1], /sideways: span\.tag\.cut/);
  assert.match(found[2], /downwards: div\.short/);
  // A digest spilling past a card's border: the paragraph holding it is named, not the card.
  assert.match(found[3], /sideways: p "f945d209/);
  assert.match(found[4], /touches its box's border: li\.tile "2 flagged"/);
  const fine = await run(checks.fixedBoxOverflow, `
    <button>Withdraw consent for every scene</button><span class="tag">Blocked</span>
    <button>Move <span class="visually-hidden">scene 12 of the board to another day</span></button>
    <ul class="tiles"><li class="tile">2 flagged</li></ul>
    <span class="visually-hidden">hidden words for a screen reader only</span>
    <div class="scroller"><table><tr><td>a very wide table that scrolls in its own box</td></tr></table></div>`, `
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .scroller { overflow-x: auto; } table { width: 900px; }
    .tiles { padding: 0; } .tile { display: inline-block; border: 1px solid; padding: 4px 8px; }`);
  assert.deepEqual(fine, []);
});

test('a status with only a colour, only an icon, or an icon another status uses is shown by colour alone', async () => {
  const found = await run(checks.statusByColour, `
    <span class="tag status-blocked"></span>
    <span class="tag status-none">Not started</span>
    <span class="tag tag-ok">Cleared</span><span class="tag tag-danger">Blocked</span>`, `
    .status-blocked { background: red; } .status-none { background: grey; }
    .tag-ok::before, .tag-danger::before { content: "*"; }`);
  assert.ok(found.some((p) => /without a word: span\.tag\.status-blocked/.test(p)), found.join('\n'));
  assert.ok(found.some((p) => /without an icon or shape, by colour alone: span\.tag\.status-none "Not started"/.test(p)), found.join('\n'));
  assert.ok(found.some((p) => /the icon "\*" marks different statuses \(ok, danger\)/.test(p)), found.join('\n'));
  const fine = await run(checks.statusByColour, `
    <span class="tag status-cleared">Cleared</span> <span class="tag status-blocked">Blocked</span>
    <li class="tile tile-ok"><span class="count">3</span> <span class="label">Yes</span></li>`, `
    .tile-ok .label::before { content: "\\2713"; }`);
  assert.deepEqual(fine, []);
});

test('a word split across two lines is broken mid-letter; a hash may break, and whole words may wrap', async () => {
  const text = 'Consent certificate withdrawn';
  const found = await run(checks.brokenWords, `<p class="narrow">${text}</p>`, '.narrow { width: 50px; overflow-wrap: anywhere; }');
  assert.ok(found.some((p) => /"certificate" is broken across lines/.test(p)), found.join('\n'));
  assert.deepEqual(await run(checks.brokenWords, `<p class="narrow">${text}</p>`, '.narrow { width: 110px; }'), []);
  const hash = 'c24b1aafb4c40f482972d13073f0a7d1748a05707c1099f2f35bb38400079836';
  assert.deepEqual(await run(checks.brokenWords, `<p><code class="hash">${hash}</code></p>`, 'code { word-break: break-all; }'), []);
});

test('a page has one h1 and headings that skip no level', async () => {
  const found = await run(checks.structure, '<h1>A</h1><h3>C</h3><h1>B</h1>');
  assert.deepEqual(found, ['2 h1 headings, expected one', 'heading "C" is h3 after h1']);
  assert.deepEqual(await run(checks.structure, '<h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2>'), []);
});

test('a table shown as cards on a phone names each value\'s column; a value without its label, or under another name, is found', async () => {
  // The same card rules as app.css: below 40rem the header row is hidden and rows stack.
  const cards = `
    @media (max-width: 40rem) {
      .table thead { display: none; }
      .table, .table tbody, .table tr, .table td { display: block; }
      .table td[data-label]::before { content: attr(data-label) ": "; }
    }`;
  const table = (cells) => `<table class="table"><caption>Scenes</caption>
    <thead><tr><th scope="col">Scene</th><th scope="col">Performer</th><th scope="col">Closed set</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody><tr>${cells}</tr></tbody></table>`;
  const actions = '<td><button type="button">Withdraw</button></td>';
  const found = await run(checks.cardLabels, table(
    `<td data-label="Scene">INT. MOTEL ROOM – NIGHT</td><td>Alex Rivera</td><td data-label="Closed">No</td>${actions}`), cards);
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0], /card in "Scenes" shows "Alex Rivera" without saying it is "Performer"/);
  assert.match(found[1], /labels "No" as "Closed", but its column header says "Closed set"/);
  // Every value labelled with its header's words: nothing found; an empty cell and a cell that is
  // only a button need no label.
  assert.deepEqual(await run(checks.cardLabels, table(
    `<td data-label="Scene">INT. MOTEL ROOM – NIGHT</td><td></td><td data-label="Closed set">No</td>${actions}`), cards), []);
  // The same unlabelled table at a width where it stays a table: the header row names the column.
  assert.deepEqual(await run(checks.cardLabels, table('<td>INT. MOTEL ROOM – NIGHT</td><td>Alex Rivera</td><td>No</td><td></td>')), []);
  // A label attribute the stylesheet never shows does not count.
  const unshown = await run(checks.cardLabels, table('<td data-label="Scene">INT. MOTEL ROOM – NIGHT</td><td></td><td></td><td></td>'),
    cards.replace(/\.table td\[data-label\]::before[^}]*}/, ''));
  assert.equal(unshown.length, 1, unshown.join('\n'));
  assert.match(unshown[0], /shows "INT\. MOTEL ROOM – NIGHT" without saying it is "Scene"/);
});
