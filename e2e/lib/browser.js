// Headless Chromium for the browser tests, and the checks every visited page goes through at a
// phone's 390×844 and a desk's 1440×900: no sideways scrolling, no text spilling out of a fixed
// box, no status by colour alone, no table card on a phone showing a value without its column's
// name, a screenshot at each width, and axe-core with no finding of any impact. The certificate
// also keeps every word whole, on screen and in print.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const AXE_SOURCE = fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const WIDTHS = [['390', PHONE], ['1440', DESKTOP]];
// An A4 sheet's text width at 96 dpi once the 12 mm `@page` margins are off (210 − 24 mm).
const PRINT = { width: 703, height: 1000 };
const checks = require('./checks');
// Pages opened with JavaScript disabled: axe-core cannot run there (its work is scheduled on the
// page's own task queue, which never runs), so their templates are audited by the flows that
// visit them with scripts on.
const NO_SCRIPTS = new WeakSet();
// Kinds of page (a step's name and its path with ids blanked) already screenshotted in this run.
const SHOT = new Set();

function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/**
 * Collects what the checks find during one test and fails the test at its end with all of it, so
 * one run shows every problem rather than the first. Also remembers every page a browser landed on,
 * so a page visited without being checked fails the test too.
 */
class Audit {
  constructor(prefix, baseUrl) {
    this.prefix = prefix;
    this.baseUrl = baseUrl;
    this.problems = [];
    this.visited = new Map(); // path -> first label
    this.checked = new Set();
    this.shots = 0;
    this.findings = []; // every axe violation, any impact, for the report
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }

  key(url) {
    const u = new URL(url);
    return u.pathname + u.search;
  }

  /** Makes this the audit that pages record their navigations into (one per test). */
  begin() {
    Audit.current = this;
    return this;
  }

  /**
   * A page in a new browser context (`options` go to `browser.newContext`), whose navigations are
   * recorded into the current test's audit.
   */
  static async page(browser, options = {}) {
    const context = await browser.newContext({ viewport: DESKTOP, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    if (options.javaScriptEnabled === false) NO_SCRIPTS.add(page);
    // A console error is a problem too: a script failing, a resource missing, or the CSP refusing
    // an inline style or script that a template slipped in.
    page.on('console', (msg) => {
      // Failed loads are judged by the response listener below, which knows the address.
      if (/^Failed to load resource/.test(msg.text())) return;
      if (msg.type() === 'error' && Audit.current) Audit.current.problems.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on('response', (response) => {
      const request = response.request();
      // Documents are judged by the flows (a form may answer 422 on purpose); the browser's own
      // favicon probe is not something the app links to.
      if (request.resourceType() === 'document' || new URL(response.url()).pathname === '/favicon.ico') return;
      if (response.status() >= 400) Audit.current?.problems.push(`${response.url()} answered ${response.status()} on ${page.url()}`);
    });
    page.on('pageerror', (err) => Audit.current?.problems.push(`script error on ${page.url()}: ${err.message}`));
    page.on('framenavigated', (frame) => {
      const audit = Audit.current;
      if (audit && frame === page.mainFrame() && frame.url().startsWith(audit.baseUrl)) {
        const key = audit.key(frame.url());
        if (!audit.visited.has(key)) audit.visited.set(key, frame.url());
      }
    });
    return page;
  }

  /**
   * Checks the page as it is now, at phone and desk width: no sideways scroll, no text overflowing
   * a fixed box, status never by colour alone, headings in order, every table card's value labelled
   * with its column (phone), a screenshot; axe-core once (when
   * the page can run scripts); on a certificate, no word broken across lines, in print too. `name`
   * names the screenshots.
   */
  async check(page, name, { axe = true } = {}) {
    await page.waitForLoadState('load');
    const where = `${name} (${this.key(page.url())})`;
    this.checked.add(this.key(page.url()));
    const n = String(++this.shots).padStart(2, '0');
    const file = (size) => path.join(ARTIFACTS, `${this.prefix}-${n}-${name}-${size}.png`);
    // The same step on the same kind of page again (the third rider delivered, the board after a
    // second move) gets the quick checks but no new screenshots or axe run: those are what make the
    // suite slow, and they would show the same template again.
    const kind = `${name} ${new URL(page.url()).pathname.replace(/\/\d+/g, '/#')}`;
    const again = SHOT.has(kind);
    SHOT.add(kind);
    const certificate = /\/certificate$/.test(new URL(page.url()).pathname);
    const found = (size, problems) => { for (const p of problems) this.problems.push(`${where} at ${size} px: ${p}`); };

    for (const p of await page.evaluate(checks.structure)) this.problems.push(`${where}: ${p}`);
    for (const [size, viewport] of WIDTHS) {
      await page.setViewportSize(viewport);
      found(size, await page.evaluate(checks.sidewaysScroll));
      found(size, await page.evaluate(checks.fixedBoxOverflow));
      found(size, await page.evaluate(checks.statusByColour));
      if (certificate) found(size, await page.evaluate(checks.brokenWords));
      if (viewport === PHONE) found(size, await page.evaluate(checks.cardLabels));
      if (again) continue;
      await page.screenshot({ path: file(size), fullPage: true });
      if (size === '390' && axe && !NO_SCRIPTS.has(page)) await this.axe(page, where, 'phone');
    }
    if (certificate) {
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize(PRINT);
      found('print A4', await page.evaluate(checks.sidewaysScroll));
      found('print A4', await page.evaluate(checks.brokenWords));
      found('print A4', await page.evaluate(checks.fixedBoxOverflow));
      await page.screenshot({ path: file('print'), fullPage: true });
      await page.emulateMedia({ media: null });
      await page.setViewportSize(DESKTOP);
    }
  }

  async axe(page, where, size) {
    // The CSP allows only same-origin script files; evaluating the source through the DevTools
    // protocol is not subject to it, unlike addScriptTag, which inlines it.
    const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!hasAxe) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((node) => ({ target: node.target.join(' '), summary: node.failureSummary })),
      }));
    });
    for (const v of violations) {
      this.findings.push({ page: where, size, ...v });
      const nodes = v.nodes.map((node) => `    ${node.target}: ${node.summary.replace(/\n/g, ' ')}`).join('\n');
      this.problems.push(`${where} at ${size} size: axe ${v.impact} ${v.id} — ${v.help}\n${nodes}`);
    }
  }

  /** Fails with everything found, and with any page landed on but never checked. */
  done() {
    const report = path.join(ARTIFACTS, `${this.prefix}-axe.json`);
    fs.writeFileSync(report, JSON.stringify(this.findings, null, 2));
    const unchecked = [...this.visited.keys()].filter((k) => !this.checked.has(k));
    const problems = [...this.problems];
    if (unchecked.length) problems.push(`pages visited but never checked: ${unchecked.join(', ')}`);
    if (problems.length) assert.fail(`${problems.length} problems:\n${problems.join('\n')}`);
  }
}

/** Whether the focused element shows a focus indicator (an outline or a box-shadow). */
async function focusIndicator(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: false, what: 'nothing focused' };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    return { ok: outline || shadow, what: `${el.tagName.toLowerCase()} ${el.id || el.textContent.trim().slice(0, 40)}`, outline: `${style.outlineStyle} ${style.outlineWidth}`, shadow: style.boxShadow };
  });
}

/**
 * Presses Tab (up to `max` times) until `locator` has focus, asserting on the way there that it
 * gets a visible focus indicator. Works with scripts disabled in the page too.
 */
async function tabTo(page, locator, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await locator.evaluate((el) => el === document.activeElement).catch(() => false);
    if (focused) {
      const indicator = await focusIndicator(page);
      assert.ok(indicator.ok, `no visible focus indicator on ${indicator.what}: outline ${indicator.outline}, box-shadow ${indicator.shadow}`);
      return;
    }
  }
  assert.fail(`Tab never reached ${locator}`);
}

module.exports = { launch, Audit, tabTo, focusIndicator, ARTIFACTS, PHONE, DESKTOP, PRINT };
