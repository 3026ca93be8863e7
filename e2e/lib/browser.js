// Headless Chromium for the browser tests, and the checks every visited page goes through:
// no sideways scrolling at 390 px, screenshots at 390×844 and 1280×800, axe-core with no serious
// or critical violation.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const AXE_SOURCE = fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
// Pages opened with JavaScript disabled: axe-core cannot run there (its work is scheduled on the
// page's own task queue, which never runs), so their templates are audited by the flows that
// visit them with scripts on.
const NO_SCRIPTS = new WeakSet();

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
 * Runs in the page: one h1, headings that never skip a level, and status words that are words
 * (colour is never the only signal).
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
  for (const el of document.querySelectorAll('[class^="status-"], [class*=" status-"], .strip-flag, .flag')) {
    if (!el.textContent.trim()) problems.push(`status marker without text: ${el.outerHTML.slice(0, 100)}`);
  }
  return problems;
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
   * Checks the page as it is now: no sideways scroll at phone width, screenshots at phone and
   * desktop size, axe-core (when the page can run scripts). `name` names the screenshots.
   */
  async check(page, name, { axe = true } = {}) {
    await page.waitForLoadState('load');
    const where = `${name} (${this.key(page.url())})`;
    this.checked.add(this.key(page.url()));
    const n = String(++this.shots).padStart(2, '0');
    const file = (size) => path.join(ARTIFACTS, `${this.prefix}-${n}-${name}-${size}.png`);

    await page.setViewportSize(PHONE);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    for (const problem of await page.evaluate(structure)) this.problems.push(`${where}: ${problem}`);
    if (widths.scroll > widths.inner) {
      this.problems.push(`${where} scrolls sideways at 390 px: scrollWidth ${widths.scroll} > ${widths.inner}`);
    }
    await page.screenshot({ path: file('390'), fullPage: true });
    if (axe && !NO_SCRIPTS.has(page)) await this.axe(page, where, 'phone');

    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: file('1280'), fullPage: true });
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
      if (v.impact === 'serious' || v.impact === 'critical') {
        const nodes = v.nodes.map((node) => `    ${node.target}: ${node.summary.replace(/\n/g, ' ')}`).join('\n');
        this.problems.push(`${where} at ${size} size: axe ${v.impact} ${v.id} — ${v.help}\n${nodes}`);
      }
    }
  }

  /** Fails with everything found, and with any page landed on but never checked. */
  done() {
    const report = path.join(ARTIFACTS, `${this.prefix}-axe.json`);
    fs.writeFileSync(report, JSON.stringify(this.findings, null, 2));
    const unchecked = [...this.visited.keys()].filter((k) => !this.checked.has(k));
    const problems = [...this.problems];
    if (unchecked.length) problems.push(`pages visited but never checked: ${unchecked.join(', ')}`);
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
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

module.exports = { launch, Audit, tabTo, focusIndicator, ARTIFACTS, PHONE, DESKTOP };
