// The demo production (`closedset demo`: many scenes, a shoot day today, blocked scenes, signed
// and withdrawn riders) as each of its people sees it: every role signs in and tours their menu
// and the pages those lead to, each checked at 390 and 1440 px. Screenshots are named
// demo-<role>-<page>-<width>.png.
'use strict';
const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');
const { startServer } = require('../lib/server');
const fs = require('node:fs');
const path = require('node:path');
const { launch, Audit, PHONE, ARTIFACTS } = require('../lib/browser');
const a = require('../lib/actions');

const PASSWORD = 'closedset-demo';
// Pages a person opens from a menu page, one of each kind. The rest (downloads, feeds, the sign-out
// form, a page that changes state when opened) are not pages to look at.
const NOT_PAGES = /\/signout|\/export|\/download|\.(ics|csv|json|pdf|txt|zip)$|\/calendar\/|\/events$|\/receipt|\/edit-history\.|#/;
const PER_ROLE = 40;

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launch();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

/** A path's kind: its numbers replaced, so /scenes/4 and /scenes/9 are the same page to look at. */
function kind(path) {
  return path.replace(/\/\d+/g, '/#');
}

async function signedIn(au, email) {
  const page = await Audit.page(browser);
  await a.signIn(au, page, email, PASSWORD);
  return page;
}

/** Same-origin links in `scope` (the page's main part by default) that lead to a page to look at. */
async function links(page, scope = 'main a[href]') {
  const hrefs = await page.locator(scope).evaluateAll((els) => els.map((el) => el.href));
  return hrefs.filter((h) => h.startsWith(server.url)).map((h) => new URL(h).pathname).filter((p) => !NOT_PAGES.test(p));
}

// Account pages (sessions, two-step sign-in, passkeys) look the same for every role: the first
// role's tour sees them, the others skip them and spend their pages on the production.
const accountSeen = new Set();

/**
 * The role's tour: the production's menu, then one page of each kind linked from the pages seen
 * (a scene, a rider, its certificate, a shoot day, its call sheet, the on-set page…), breadth
 * first, up to PER_ROLE pages. `must` lists page kinds the tour has to reach for this role. The
 * pages seen are listed in demo-<role>-pages.txt beside the screenshots.
 */
async function tourDemo(role, email, must) {
  const au = new Audit(`demo-${role}`, server.url).begin();
  const page = await signedIn(au, email);
  await a.click(au, page, page.getByRole('link', { name: 'Night Swim (demo)' }).first(), `${role}-dashboard`);
  const production = new URL(page.url()).pathname;
  const seen = new Set([kind(production)]);
  const queue = [...await links(page, 'nav[aria-label="Production"] a[href]'), ...await links(page), '/notifications', '/account'];
  const names = new Map();
  while (queue.length && seen.size < PER_ROLE) {
    const next = queue.shift();
    const k = kind(next);
    if (seen.has(k) || accountSeen.has(k)) continue;
    seen.add(k);
    if (!next.startsWith('/productions/')) accountSeen.add(k);
    // Named by what follows the production: demo-coordinator-07-coordinator-riders-certificate-390.png.
    const rest = next.startsWith(production) ? next.slice(production.length) : next;
    const base = `${role}${rest.replace(/\/\d+/g, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || '-home'}`;
    const name = names.has(base) ? `${base}-${names.get(base) + 1}` : base;
    names.set(base, (names.get(base) || 0) + 1);
    await a.visit(au, page, next, name);
    queue.push(...await links(page));
  }
  fs.writeFileSync(path.join(ARTIFACTS, `demo-${role}-pages.txt`), `${[...seen].join('\n')}\n`);
  const missing = must.filter((m) => ![...seen].some((k) => k.endsWith(m)));
  assert.deepEqual(missing, [], `${role} never reached ${missing.join(', ')}; saw ${[...seen].join(', ')}`);
  au.done();
  return { page, seen };
}

test('the demo producer\'s first page answers, above the fold on a phone, what is blocked this fortnight and why', { timeout: 60_000 }, async () => {
  const au = new Audit('demo-producer-fold', server.url).begin();
  const page = await signedIn(au, 'producer@demo.test');
  await a.click(au, page, page.getByRole('link', { name: 'Night Swim (demo)' }).first(), 'producer-first-page');
  await page.setViewportSize(PHONE);
  await page.evaluate(() => window.scrollTo(0, 0));
  const section = page.locator('section[aria-labelledby="blocked-title"]');
  const heading = section.getByRole('heading', { name: 'Blocked in the next 14 days' });
  const first = section.locator('ul.status-list > li').first();
  const reason = first.locator('ul > li').first();
  await first.waitFor();
  const bottom = async (locator) => (await locator.boundingBox()).y + (await locator.boundingBox()).height;
  assert.ok(await bottom(heading) <= PHONE.height, `the heading ends at ${await bottom(heading)} px, below the fold`);
  assert.match(await first.innerText(), /Sc\. \S+.*Blocked/s);
  assert.ok((await reason.innerText()).trim().length > 3, 'the first blocked scene gives its reason');
  assert.ok(await bottom(reason) <= PHONE.height, `the first blocked scene's reason ends at ${await bottom(reason)} px, below the 844 px fold`);
  // What the phone shows before any scrolling, as its own picture.
  await page.screenshot({ path: path.join(ARTIFACTS, 'demo-producer-fold-390.png') });
  await page.context().close();
  au.done();
});

test('the demo producer tours every page of their menu and the scene, rider, shoot day and budget pages', { timeout: 120_000 }, async () => {
  const { page } = await tourDemo('producer', 'producer@demo.test', ['/scenes/#', '/riders/#', '/schedule/#', '/schedule/#/call-sheet', '/budget', '/members', '/data-protection', '/account']);
  await page.context().close();
});

test('the demo coordinator tours their menu, a scene, a rider and its certificate, the boundary profiles, the on-set page and the call sheet', { timeout: 120_000 }, async () => {
  const { page } = await tourDemo('coordinator', 'coordinator@demo.test', ['/scenes/#', '/riders/#', '/riders/#/certificate', '/boundaries', '/boundaries/#', '/schedule/#', '/schedule/#/on-set', '/conversations']);
  await page.context().close();
});

test('the demo director tours their menu, a scene, the stripboard and a shoot day', { timeout: 120_000 }, async () => {
  const { page } = await tourDemo('director', 'director@demo.test', ['/scenes/#', '/schedule', '/schedule/#']);
  await page.context().close();
});

test('a demo performer tours their riders, the certificate, their boundaries and today\'s on-set page', { timeout: 120_000 }, async () => {
  const { page } = await tourDemo('performer', 'performer1@demo.test', ['/riders/#', '/riders/#/certificate', '/boundaries/#', '/records/views', '/scenes/#', '/data-protection']);
  await page.context().close();
});

test('the demo\'s under-18 performer tours their pages', { timeout: 120_000 }, async () => {
  const { page } = await tourDemo('minor', 'performer3@demo.test', ['/boundaries', '/scenes/#']);
  await page.context().close();
});

test('a demo performer pauses today\'s scene, and the coordinator sees it paused in words and icons on the on-set page, the shoot day and the stripboard', { timeout: 120_000 }, async () => {
  const au = new Audit('demo-paused', server.url).begin();
  const performer = await signedIn(au, 'performer1@demo.test');
  await a.click(au, performer, performer.getByRole('link', { name: 'Night Swim (demo)' }).first(), 'performer-dashboard');
  const production = new URL(performer.url()).pathname;
  // Today's shoot day, found on the stripboard by its date on the production's clocks (London).
  const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
    .format(new Date()).replace(/,/g, '');
  await a.visit(au, performer, `${production}/schedule`, 'performer-board');
  await a.click(au, performer, performer.locator('.stripboard a').filter({ hasText: today }).first(), 'performer-today');
  await a.click(au, performer, performer.locator('main a[href$="/on-set"]').first(), 'performer-on-set');
  await a.click(au, performer, performer.getByRole('button', { name: /^Pause scene/ }).first(), 'performer-paused');
  await a.assertText(performer.locator('main'), /You paused this scene/);
  const onSet = new URL(performer.url()).pathname;
  await performer.context().close();

  const coordinator = await signedIn(au, 'coordinator@demo.test');
  await a.visit(au, coordinator, onSet, 'coordinator-on-set-paused');
  await a.assertText(coordinator.locator('.on-set-scene.is-paused').first(), /Paused/);
  await a.visit(au, coordinator, onSet.replace(/\/on-set$/, ''), 'coordinator-day-paused');
  await a.assertText(coordinator.locator('main'), /Paused/i);
  await a.visit(au, coordinator, `${production}/schedule`, 'coordinator-board-paused');
  await a.assertText(coordinator.locator('.stripboard'), /Paused/i);
  await coordinator.context().close();
  au.done();
});
