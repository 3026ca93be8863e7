// What each role does in the browser, one helper per task: forms filled and buttons clicked, with
// every page landed on going through the audit's checks. Flows in tests/ compose these.
'use strict';
const assert = require('node:assert/strict');

/** Runs `action` (a click, an Enter) and waits for the page it leads to; fails on an error page. */
async function navigate(page, action, { allow = [] } = {}) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  const status = response ? response.status() : 200;
  if (status >= 400 && !allow.includes(status)) {
    const text = await page.locator('main').innerText().catch(() => '');
    assert.fail(`${page.url()} answered ${status}:\n${text.slice(0, 1500)}`);
  }
  return response;
}

/** Clicks a button or link and checks the page it leads to under `name`. */
async function click(audit, page, locator, name, options = {}) {
  const response = await navigate(page, () => locator.click(), options);
  await audit.check(page, name, options);
  return response;
}

async function visit(audit, page, path, name, options = {}) {
  const response = await page.goto(new URL(path, audit.baseUrl).href);
  assert.ok(response.status() < 400, `${path} answered ${response.status()}`);
  await audit.check(page, name, options);
}

async function signIn(audit, page, email, password, options = {}) {
  await visit(audit, page, '/signin', 'signin', options);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await click(audit, page, page.getByRole('button', { name: 'Sign in', exact: true }), 'after-signin', options);
}

/** The producer's home → new production form; returns the production id. */
async function createProduction(audit, page, { title, zone }) {
  await click(audit, page, page.getByRole('link', { name: 'Create a production' }), 'production-new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Time zone').selectOption(zone);
  await click(audit, page, page.getByRole('button', { name: 'Create production' }), 'production-created');
  const id = new URL(page.url()).pathname.match(/^\/productions\/(\d+)/)?.[1];
  assert.ok(id, `no production id in ${page.url()}`);
  return Number(id);
}

function nav(page, name) {
  return page.getByRole('navigation', { name: 'Production' }).getByRole('link', { name, exact: true });
}

/**
 * Opens every page in the production menu (and the account menu) of `page`'s role, so each one
 * goes through the checks; then the given `extra` links found on the way (call sheet, certificate).
 */
async function tour(audit, page, productionId, role) {
  await visit(audit, page, `/productions/${productionId}`, `${role}-home`);
  const menu = page.getByRole('navigation', { name: 'Production' }).getByRole('link');
  const names = (await menu.allInnerTexts()).map((t) => t.trim());
  for (const name of names.slice(1)) { // the first is the production's title: its dashboard
    await click(audit, page, nav(page, name), `${role}-${name.toLowerCase().replace(/\W+/g, '-')}`);
  }
  await click(audit, page, page.getByRole('navigation', { name: 'Account' }).getByRole('link').last(), `${role}-account`);
  return names;
}

/** Producer: Members page → invitation link for `email` with `role` (coordinator, performer…). */
async function invite(audit, page, { email, role }) {
  if (!new URL(page.url()).pathname.endsWith('/members')) {
    await click(audit, page, nav(page, 'Members'), 'members');
  }
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await click(audit, page, page.getByRole('button', { name: 'Make invitation link' }), `invited-${role}`);
  return page.getByLabel('Invitation link').inputValue();
}

/** Opens an invitation link; a new person chooses name and password, an existing one enters theirs. */
async function acceptInvitation(audit, page, link, { name, password }, label) {
  await visit(audit, page, link, `${label}-invitation`);
  if (await page.getByLabel('Your name').count()) {
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Choose a password').fill(password);
    await page.getByLabel('The same password again').fill(password);
  } else {
    await page.getByLabel('Your password').fill(password);
  }
  await click(audit, page, page.getByRole('button', { name: 'Accept the invitation' }), `${label}-joined`);
}

/** Coordinator: adds a cast member and returns the cast page's invitation link for `email`. */
async function addCastMember(audit, page, { number, name, character, email }) {
  await click(audit, page, nav(page, 'Cast'), 'cast');
  await page.getByLabel('Cast number').fill(String(number));
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Character').fill(character);
  await click(audit, page, page.getByRole('button', { name: 'Add to the cast list' }), 'cast-added');
  await click(audit, page, page.getByRole('link', { name, exact: true }), 'cast-member');
  await page.getByLabel('Their e-mail address').fill(email);
  await click(audit, page, page.getByRole('button', { name: 'Make invitation link' }), 'cast-invited');
  return page.getByLabel('Invitation link').inputValue();
}

/**
 * Coordinator: adds scene `number` with `castLabel` in it, then its intimacy breakdown (nudity,
 * partial upper, breasts shown, a closed set). Returns the scene id.
 */
async function addNudeScene(audit, page, { number, set, castLabel, closedSet }) {
  await click(audit, page, nav(page, 'Scenes'), `scenes-before-${number}`);
  await click(audit, page, page.getByRole('link', { name: 'Add a scene' }), 'scene-new');
  await page.getByLabel('Scene number').fill(number);
  await page.getByLabel('Set', { exact: true }).fill(set);
  await page.getByLabel('Time of day').selectOption('night');
  await page.getByLabel('Length in pages').fill('2 3/8');
  await page.getByLabel('Synopsis').fill('Maya swims at night and leaves the water.');
  await page.getByRole('group', { name: 'Cast in this scene' }).getByLabel(castLabel).check();
  await click(audit, page, page.getByRole('button', { name: 'Add scene' }), `scene-${number}`);
  const sceneId = Number(new URL(page.url()).pathname.match(/\/scenes\/(\d+)/)?.[1]);
  assert.ok(sceneId, `no scene id in ${page.url()}`);

  await click(audit, page, page.getByRole('link', { name: 'Edit intimacy breakdown' }), 'breakdown');
  await page.getByRole('group', { name: 'Kinds of intimacy' }).getByLabel('Nudity', { exact: true }).check();
  const part = page.getByRole('group', { name: castLabel });
  await part.getByLabel('Nudity level').selectOption({ label: 'Partial upper (breasts)' });
  await part.getByRole('group', { name: 'Body areas shown on camera' }).getByLabel('Breasts', { exact: true }).check();
  await part.getByLabel('Garments and barriers for this performer only').fill('Flesh-tone briefs\nRobe between takes');
  await page.getByLabel('Shared modesty garments and barriers').fill('Barrier cushion');
  await page.getByLabel('Closed set: essential people, one name per line').fill(closedSet.join('\n'));
  await page.getByLabel('Monitor list, one name per line').fill(closedSet[0]);
  await click(audit, page, page.getByRole('button', { name: 'Save breakdown' }), 'breakdown-saved');
  return sceneId;
}

/** Coordinator: a shoot day on `date` (YYYY-MM-DD) with a general call `call` (HH:MM, production zone). */
async function addShootDay(audit, page, { date, call }) {
  await click(audit, page, nav(page, 'Schedule'), 'schedule');
  await page.getByLabel('Shoot date').fill(date);
  await page.getByLabel('General call').fill(call);
  await click(audit, page, page.getByRole('button', { name: 'Add shoot day' }), 'shoot-day-added');
}

/** Coordinator: opens the (only) shoot day from the stripboard and puts scene `number` on it. */
async function scheduleScene(audit, page, { number }) {
  if (!new URL(page.url()).pathname.endsWith('/schedule')) await click(audit, page, nav(page, 'Schedule'), 'schedule');
  await click(audit, page, page.locator('.stripboard h3 a').first(), 'shoot-day');
  await page.getByLabel('Scene', { exact: true }).selectOption({ label: new RegExp(`^(Sc\\. )?${number}\\b`) }).catch(async () => {
    const options = await page.getByLabel('Scene', { exact: true }).locator('option').allInnerTexts();
    const match = options.find((o) => o.trim().startsWith(number) || o.includes(`Sc. ${number}`) || o.includes(`${number} `));
    assert.ok(match, `no option for scene ${number} among ${options.join(' | ')}`);
    await page.getByLabel('Scene', { exact: true }).selectOption({ label: match });
  });
  await click(audit, page, page.getByRole('button', { name: 'Add to this day' }), 'scene-scheduled');
}

/** Coordinator: logs a first one-to-one with `castLabel` on `date` at `time`. */
async function logFirstMeeting(audit, page, { castLabel, date, time }) {
  await click(audit, page, nav(page, 'Conversations'), 'conversations');
  await page.getByLabel('Kind of conversation').selectOption({ label: 'First one-to-one' });
  await page.getByRole('group', { name: 'Performers who took part' }).getByLabel(castLabel).check();
  await page.getByLabel('Date held').fill(date);
  await page.getByLabel('Time started').fill(time);
  await page.getByLabel('Confidential summary').fill('Talked through the swim scene; happy with partial upper nudity, robe between takes.');
  await click(audit, page, page.getByRole('button', { name: 'Log conversation' }), 'conversation-logged');
}

/** Coordinator: drafts a rider for `castLabel` covering scene `number`, then delivers it. Returns its URL path. */
async function draftAndDeliverRider(audit, page, { castLabel, number }) {
  await click(audit, page, nav(page, 'Riders'), 'riders');
  await click(audit, page, page.getByRole('link', { name: 'Draft a rider' }), 'rider-new');
  await page.getByLabel('Performer').selectOption({ label: castLabel });
  await click(audit, page, page.getByRole('button', { name: 'Show their scenes' }), 'rider-new-scenes');
  const scenes = page.getByRole('group', { name: /Scenes it covers/ });
  await scenes.getByRole('checkbox', { name: new RegExp(`\\b${number}\\b`) }).check();
  await page.getByLabel('In the picture').check();
  await click(audit, page, page.getByRole('button', { name: 'Save draft' }), 'rider-draft');
  const path = new URL(page.url()).pathname;
  assert.match(path, /\/riders\/\d+$/);
  await click(audit, page, page.getByRole('button', { name: /^Deliver to/ }), 'rider-delivered');
  await assertText(page.locator('.facts'), /Delivered/);
  return path;
}

/**
 * After a form answered with errors: the summary is announced (role="alert"), links to the field,
 * and the field names its message (aria-invalid, aria-describedby → the message's id). Following
 * the summary's link puts the focus in the field.
 */
async function assertErrorLinked(page, field, pattern) {
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  const link = summary.locator(`a[href="#${field}"]`);
  assert.equal(await link.count(), 1, `the error summary links to #${field}`);
  assert.match(await link.innerText(), pattern);
  const input = page.locator(`#${field}`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `#${field} is marked invalid`);
  const describedBy = (await input.getAttribute('aria-describedby')) || '';
  assert.ok(describedBy.split(/\s+/).includes(`${field}-error`), `#${field} is described by its error, not "${describedBy}"`);
  assert.match(await page.locator(`#${field}-error`).innerText(), pattern);
  await link.click();
  assert.ok(await input.evaluate((el) => el === document.activeElement), `following the summary link focuses #${field}`);
}

async function assertText(locator, pattern) {
  const text = await locator.innerText();
  assert.match(text, pattern);
}

/** A scene's entry in the producer dashboard's "next 14 days": its status word and reasons. */
function dashboardScene(page, number) {
  return page
    .locator('section[aria-labelledby="days-title"] li')
    .filter({ hasText: new RegExp(`^Sc\\. ${number}:`) })
    .first();
}

/** A date `days` after today in `zone`, as YYYY-MM-DD. */
function dateIn(zone, days) {
  const at = new Date(Date.now() + days * 24 * 3600 * 1000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

module.exports = {
  tour, navigate, click, visit, signIn, createProduction, nav, invite, acceptInvitation, addCastMember,
  addNudeScene, addShootDay, scheduleScene, logFirstMeeting, draftAndDeliverRider, assertText, assertErrorLinked,
  dateIn, dashboardScene,
};
