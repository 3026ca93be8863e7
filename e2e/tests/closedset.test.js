// End-to-end flows in headless Chromium against the real server: each role does its part through
// forms and buttons; every page visited is checked at phone and desktop size and with axe-core.
'use strict';
const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');
const { startServer } = require('../lib/server');
const { launch, Audit, tabTo, PHONE, DESKTOP } = require('../lib/browser');
const a = require('../lib/actions');

const ZONE = 'America/Los_Angeles';
const PRODUCER = { email: 'priya@e2e.test', name: 'Priya Producer', password: 'lantern harbour quiet 41' };
const COORDINATOR = { email: 'ivy@e2e.test', name: 'Ivy Coordinator', password: 'copper meadow kettle 72' };
const PERFORMER = { email: 'pat@e2e.test', name: 'Pat Performer', password: 'violet anchor rowing 19' };
const CAST = { number: 1, name: 'Pat Performer', character: 'Maya' };
const CAST_LABEL = '#1 Pat Performer';

let server;
let browser;
// What the flows build up, in order: each test starts where the one before left off.
const state = {};

before(async () => {
  server = await startServer({ adminEmail: PRODUCER.email, adminName: PRODUCER.name, adminPassword: PRODUCER.password });
  browser = await launch();
});

after(async () => {
  // Both even when a test failed: no Chromium, server or PostgreSQL outlives the run.
  await browser?.close().catch(() => {});
  await server?.stop();
});

function audit(prefix) {
  return new Audit(prefix, server.url).begin();
}

test('the producer creates a production and invites a coordinator and a performer, who accept', { timeout: 180_000 }, async () => {
  const au = audit('1-producer');
  const producer = await Audit.page(browser);
  await a.signIn(au, producer, PRODUCER.email, PRODUCER.password);
  state.productionId = await a.createProduction(au, producer, { title: 'Night Swim (e2e)', zone: ZONE });
  // An invitation without an address is refused beside the field, and the error is announced.
  await a.click(au, producer, a.nav(producer, 'Members'), 'members');
  await producer.getByLabel('Role', { exact: true }).selectOption('coordinator');
  await a.click(au, producer, producer.getByRole('button', { name: 'Make invitation link' }), 'invite-error', { allow: [422] });
  await a.assertErrorLinked(producer, 'email', /e-mail/i);
  const coordinatorLink = await a.invite(au, producer, { email: COORDINATOR.email, role: 'coordinator' });
  const performerLink = await a.invite(au, producer, { email: PERFORMER.email, role: 'performer' });
  assert.notEqual(coordinatorLink, performerLink);

  // Each invitee opens their link in a browser of their own.
  const coordinator = await Audit.page(browser);
  await a.acceptInvitation(au, coordinator, coordinatorLink, COORDINATOR, 'coordinator');
  const performer = await Audit.page(browser);
  await a.acceptInvitation(au, performer, performerLink, PERFORMER, 'performer');

  await a.visit(au, producer, `/productions/${state.productionId}/members`, 'members-joined');
  const members = await producer.locator('table').innerText();
  assert.match(members, /Ivy Coordinator[\s\S]*Intimacy coordinator/i);
  assert.match(members, /Pat Performer/);
  Object.assign(state, { producer, coordinator, performer });
  au.done();
});

test('the coordinator casts the performer, breaks a scene down, schedules it, logs a first one-to-one and delivers a rider', { timeout: 180_000 }, async () => {
  const au = audit('2-coordinator');
  const { coordinator, performer, productionId } = state;
  await a.visit(au, coordinator, `/productions/${productionId}`, 'coordinator-dashboard');

  const castLink = await a.addCastMember(au, coordinator, { ...CAST, email: PERFORMER.email });
  // The performer already has an account: the cast link asks for their password and links it.
  await a.acceptInvitation(au, performer, castLink, PERFORMER, 'performer-cast');
  await a.visit(au, coordinator, `/productions/${productionId}/cast`, 'cast-linked');
  await a.assertText(coordinator.locator('table'), /Linked to an account/);

  state.sceneId = await a.addNudeScene(au, coordinator, {
    number: '12', set: 'Lake house', castLabel: CAST_LABEL, closedSet: ['Ivy Coordinator', 'Dana Director'],
  });
  state.shootDate = a.dateIn(ZONE, 4);
  await a.addShootDay(au, coordinator, { date: state.shootDate, call: '07:00' });
  await a.scheduleScene(au, coordinator, { number: '12' });
  // The call time stays on the production's clocks (Los Angeles), not the server's UTC.
  await a.assertText(coordinator.locator('.facts'), /07:00/);

  await a.logFirstMeeting(au, coordinator, { castLabel: CAST_LABEL, date: a.dateIn(ZONE, 0), time: '10:00' });
  state.riderPath = await a.draftAndDeliverRider(au, coordinator, { castLabel: CAST_LABEL, number: '12' });
  au.done();
});

test('the performer reads the rider, signs it with their password and withdraws consent with one confirmation', { timeout: 180_000 }, async () => {
  const au = audit('3-performer');
  const { performer, producer, productionId, riderPath } = state;
  await a.visit(au, performer, '/', 'performer-home');
  await a.click(au, performer, performer.getByRole('link', { name: 'Night Swim (e2e)' }), 'performer-dashboard');
  await a.click(au, performer, performer.getByRole('link', { name: /Rider for scene 12/ }), 'rider-to-sign');
  assert.equal(new URL(performer.url()).pathname, riderPath);
  await a.assertText(performer.locator('.rider-document'), /partly nude/i);
  await a.assertText(performer.locator('.rider-document'), /Flesh-tone briefs/);

  // A wrong password signs nothing and says so beside the field.
  await performer.getByLabel('Your password').fill('not my password at all');
  await a.click(au, performer, performer.getByRole('button', { name: 'Sign the rider' }), 'rider-sign-error', { allow: [422] });
  await a.assertErrorLinked(performer, 'password', /password/i);
  await a.assertText(performer.locator('.facts'), /Read, not signed/);

  await performer.getByLabel('Your password').fill(PERFORMER.password);
  await a.click(au, performer, performer.getByRole('button', { name: 'Sign the rider' }), 'rider-signed');
  await a.assertText(performer.locator('.facts'), /Signed/);

  // Signed on time, more than the 48-hour notice before the call: the producer sees it cleared.
  await a.visit(au, producer, `/productions/${productionId}`, 'producer-dashboard-cleared');
  await a.assertText(a.dashboardScene(producer, '12'), /Cleared/);

  await a.click(au, performer, performer.getByRole('button', { name: 'Withdraw consent' }).first(), 'withdraw-confirm');
  await a.click(au, performer, performer.getByRole('button', { name: 'Withdraw consent' }), 'withdrawn');

  // Live: the coordinator's rider page has stayed open since they delivered it. The withdrawal
  // reaches it through server-sent events (LISTEN/NOTIFY) within two seconds, without a reload.
  const toast = state.coordinator.locator('#live-toast').filter({ hasText: /withdrew consent/ });
  await toast.waitFor({ state: 'visible', timeout: 2_000 });
  await a.assertText(state.coordinator.locator('#unread-count'), /unread/);
  await au.check(state.coordinator, 'live-toast');

  await a.visit(au, performer, riderPath, 'rider-withdrawn');
  await a.assertText(performer.locator('.facts'), /Consent withdrawn/);
  au.done();
});

test('the producer sees the scene blocked with the reason, and the coordinator the withdrawal notice', { timeout: 180_000 }, async () => {
  const au = audit('4-after-withdrawal');
  const { producer, coordinator, productionId } = state;
  await a.visit(au, producer, `/productions/${productionId}`, 'producer-dashboard-blocked');
  const row = a.dashboardScene(producer, '12');
  await a.assertText(row, /Blocked/);
  await a.assertText(row, /consent revoked/);

  await a.visit(au, coordinator, `/productions/${productionId}`, 'coordinator-dashboard-withdrawn');
  await a.assertText(coordinator.locator('.site-header'), /\(\d+ unread\)/);
  await a.assertText(coordinator.locator('main'), /withdrew consent for scene 12/);
  await a.click(au, coordinator, coordinator.getByRole('link', { name: /Notifications/ }), 'notifications');
  await a.assertText(coordinator.locator('main'), /Pat Performer withdrew consent for/);
  await a.click(au, coordinator, coordinator.getByRole('button', { name: 'Mark these as read' }), 'notifications-read');
  assert.doesNotMatch(await coordinator.locator('.site-header').innerText(), /unread/);
  au.done();
});

test('every page in each role\'s menu passes the checks, with a scene blocked and a withdrawal on record', { timeout: 180_000 }, async () => {
  const au = audit('5-tour');
  const { producer, coordinator, performer, productionId, riderPath } = state;
  for (const [role, page] of [['producer', producer], ['coordinator', coordinator], ['performer', performer]]) {
    const names = await a.tour(au, page, productionId, role);
    assert.ok(names.includes('Schedule'), `${role} menu: ${names.join(', ')}`);
  }
  // Pages reached from others rather than from the menu.
  await a.visit(au, coordinator, `/productions/${productionId}/schedule`, 'coordinator-schedule-again');
  await a.click(au, coordinator, coordinator.getByRole('link', { name: 'Call sheet' }).first(), 'call-sheet');
  await a.visit(au, performer, riderPath, 'performer-rider');
  await a.click(au, performer, performer.getByRole('link', { name: 'Consent certificate' }), 'certificate');
  // The public page that checks a receipt, as anyone would open it.
  await a.visit(au, performer, '/verify', 'verify');
  au.done();
});

test('on a phone each role\'s first page starts with a one-line header, never scrolls sideways, and the changed pages have no axe finding in the light or the dark theme', { timeout: 180_000 }, async () => {
  const au = audit('5b-phone');
  const { producer, coordinator, performer, productionId, riderPath, sceneId } = state;
  const pages = [
    [producer, `/productions/${productionId}`, 'phone-producer-home'],
    [coordinator, `/productions/${productionId}`, 'phone-coordinator-home'],
    [performer, `/productions/${productionId}`, 'phone-performer-home'],
    [coordinator, `/productions/${productionId}/scenes/${sceneId}`, 'phone-scene'],
    [performer, `/productions/${productionId}/boundaries`, 'phone-boundaries'],
    [performer, `${riderPath}/certificate`, 'phone-certificate'],
  ];
  for (const [page, path, name] of pages) {
    await a.visit(au, page, path, name);
    await page.setViewportSize(PHONE);
    const layout = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      header: document.querySelector('.site-header').getBoundingClientRect().bottom,
      title: document.querySelector('h1').getBoundingClientRect().top,
    }));
    assert.ok(layout.scroll <= layout.inner, `${name} scrolls sideways at 390 px: ${layout.scroll} > ${layout.inner}`);
    if (name.endsWith('-home')) {
      assert.ok(layout.header <= 80, `${name}: the header ends at ${layout.header} px, more than 80`);
      assert.ok(layout.title <= 120, `${name}: the page title starts at ${layout.title} px, more than 120`);
    }
    // The night-shoot theme: the same page through axe again, colours from the dark tokens.
    await page.emulateMedia({ colorScheme: 'dark' });
    await au.axe(page, `${name} (dark)`, 'phone');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(DESKTOP);
  }
  // Every finding of any impact, not only serious ones, on the pages this design changed.
  const findings = au.findings.filter((f) => f.page.startsWith('phone-'));
  assert.deepEqual(findings.map((f) => `${f.page}: ${f.impact} ${f.id} ${JSON.stringify(f.nodes)}`), []);
  au.done();
});

/** Coordinator: one more nude scene for the performer on the same day, with a delivered rider. */
async function prepareRider(au, number) {
  const { coordinator, productionId } = state;
  await a.visit(au, coordinator, `/productions/${productionId}`, `coordinator-dashboard-before-${number}`);
  await a.addNudeScene(au, coordinator, { number, set: 'Boathouse', castLabel: CAST_LABEL, closedSet: ['Ivy Coordinator'] });
  await a.scheduleScene(au, coordinator, { number });
  return a.draftAndDeliverRider(au, coordinator, { castLabel: CAST_LABEL, number });
}

/** Presses Enter (or Space) on the focused element and checks the page it leads to. */
async function press(au, page, key, name) {
  await a.navigate(page, () => page.keyboard.press(key));
  await au.check(page, name);
}

test('with the keyboard alone, the performer signs in, signs a rider and withdraws consent', { timeout: 180_000 }, async () => {
  const au = audit('6-keyboard');
  const riderPath = await prepareRider(au, '14');
  const page = await Audit.page(browser);
  await a.visit(au, page, '/signin', 'keyboard-signin');
  await tabTo(page, page.getByLabel('E-mail address'));
  await page.keyboard.type(PERFORMER.email);
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(PERFORMER.password);
  await press(au, page, 'Enter', 'keyboard-home');

  await tabTo(page, page.getByRole('link', { name: 'Night Swim (e2e)' }));
  await press(au, page, 'Enter', 'keyboard-dashboard');
  await tabTo(page, page.getByRole('link', { name: /Rider for scene 14/ }));
  await press(au, page, 'Enter', 'keyboard-rider');
  assert.equal(new URL(page.url()).pathname, riderPath);
  await tabTo(page, page.getByLabel('Your password'));
  await page.keyboard.type(PERFORMER.password);
  await press(au, page, 'Enter', 'keyboard-signed');
  await a.assertText(page.locator('.facts'), /Signed/);

  await tabTo(page, page.getByRole('button', { name: 'Withdraw consent' }).first());
  await press(au, page, 'Enter', 'keyboard-withdraw-confirm');
  await tabTo(page, page.getByRole('button', { name: 'Withdraw consent' }));
  await press(au, page, 'Enter', 'keyboard-withdrawn');
  await a.visit(au, page, riderPath, 'keyboard-rider-withdrawn');
  await a.assertText(page.locator('.facts'), /Consent withdrawn/);
  await page.context().close();
  au.done();
});

test('without JavaScript, the performer signs a rider and withdraws consent', { timeout: 180_000 }, async () => {
  const au = audit('7-no-js');
  const riderPath = await prepareRider(au, '15');
  const page = await Audit.page(browser, { javaScriptEnabled: false });
  await a.signIn(au, page, PERFORMER.email, PERFORMER.password);
  await a.visit(au, page, riderPath, 'nojs-rider');
  await page.getByLabel('Your password').fill(PERFORMER.password);
  await a.click(au, page, page.getByRole('button', { name: 'Sign the rider' }), 'nojs-signed');
  await a.assertText(page.locator('.facts'), /Signed/);
  await a.click(au, page, page.getByRole('button', { name: 'Withdraw consent' }).first(), 'nojs-withdraw-confirm');
  await a.click(au, page, page.getByRole('button', { name: 'Withdraw consent' }), 'nojs-withdrawn');
  await a.visit(au, page, riderPath, 'nojs-rider-withdrawn');
  await a.assertText(page.locator('.facts'), /Consent withdrawn/);
  await page.context().close();

  const { producer, productionId } = state;
  await a.visit(au, producer, `/productions/${productionId}`, 'producer-dashboard-all-blocked');
  for (const n of ['12', '14', '15']) {
    await a.assertText(a.dashboardScene(producer, n), /Blocked[\s\S]*consent revoked/);
  }
  au.done();
});

test('the coordinator moves a strip to the pool by dragging it and back with the keyboard, then publishes the call sheet, which the performer opens and confirms', { timeout: 180_000 }, async () => {
  const au = audit('8-stripboard');
  const { coordinator: page, performer, productionId } = state;
  await a.visit(au, page, `/productions/${productionId}/schedule`, 'board');
  const strip = page.locator('.shoot-day li.strip', { hasText: 'Sc. 12' }).first();
  // Held by its scene number, as a hand would, and dropped on the pool's heading; the window
  // is tall enough to hold both, as a desk screen showing the board would.
  await page.setViewportSize({ width: DESKTOP.width, height: 2400 });
  await a.navigate(page, () => strip.dragTo(page.locator('section.strip-pool'), {
    sourcePosition: { x: 12, y: 12 }, targetPosition: { x: 12, y: 12 },
  }));
  await au.check(page, 'board-dragged-to-pool');
  await a.assertText(page.locator('section.strip-pool'), /Sc\. 12/);

  // Back onto its day with the keyboard alone, through the strip's own form.
  await tabTo(page, page.getByLabel('Move Sc. 12 to'));
  const options = await page.getByLabel('Move Sc. 12 to').locator('option').allInnerTexts();
  const day = options.find((o) => o.startsWith('Day 1 '));
  assert.ok(day, `no Day 1 among ${options.join(' | ')}`);
  await page.getByLabel('Move Sc. 12 to').selectOption({ label: day });
  await tabTo(page, page.getByRole('button', { name: 'Move scene 12' }));
  await press(au, page, 'Enter', 'board-moved-back');
  await a.assertText(page.locator('.shoot-day').first(), /Sc\. 12[\s\S]*Riders due by/);

  await a.click(au, page, page.getByRole('link', { name: /^Call sheet/ }).first(), 'call-sheet');
  await a.assertText(page.locator('.closed-set-banner'), /CLOSED SET/);
  await a.click(au, page, page.getByRole('button', { name: 'Publish the call sheet' }), 'call-sheet-published');
  await a.assertText(page.locator('#distribution'), /Pat Performer[\s\S]*Not yet/);
  await a.click(au, page, page.getByRole('link', { name: 'Location, weather and cast calls' }), 'call-sheet-details');
  await a.visit(au, page, `/productions/${productionId}/locations`, 'locations');
  await a.visit(au, page, `/productions/${productionId}/schedule/palette`, 'strip-colours');
  await a.visit(au, page, `/productions/${productionId}/schedule/day-out-of-days`, 'day-out-of-days');
  await a.assertText(page.locator('table.dood'), /Intimacy coordinator/);

  await a.visit(au, performer, '/notifications', 'performer-notices');
  await a.click(au, performer, performer.getByRole('link', { name: /call sheet for Day 1/ }).first(), 'performer-call-sheet');
  await a.click(au, performer, performer.getByRole('button', { name: 'Confirm I have this call sheet' }), 'performer-confirmed');
  await a.visit(au, page, `/productions/${productionId}/schedule`, 'board-again');
  await a.click(au, page, page.getByRole('link', { name: /^Call sheet/ }).first(), 'call-sheet-confirmed');
  const row = page.locator('#distribution tr', { hasText: 'Pat Performer' });
  assert.doesNotMatch(await row.innerText(), /Not yet/);
  au.done();
});
