// Status words that stay true on open pages (issue #16): the coordinator keeps a rider page and
// a scene page open; the performer withdraws in a browser of their own; the words on both open
// pages change within two seconds, without a reload, while the performer's words say it in the
// second person.
'use strict';
const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');
const { startServer } = require('../lib/server');
const { launch, Audit } = require('../lib/browser');
const a = require('../lib/actions');

const ZONE = 'Europe/London';
const PRODUCER = { email: 'lee@live-e2e.test', name: 'Lee Producer', password: 'granite orchard lamp 58' };
const COORDINATOR = { email: 'rae@live-e2e.test', name: 'Rae Coordinator', password: 'saffron tunnel bell 23' };
const PERFORMER = { email: 'kit@live-e2e.test', name: 'Kit Performer', password: 'hazel cobalt ferry 64' };
const CAST_LABEL = '#1 Kit Performer';

let server;
let browser;

before(async () => {
  server = await startServer({ adminEmail: PRODUCER.email, adminName: PRODUCER.name, adminPassword: PRODUCER.password });
  browser = await launch();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

test('a withdrawal changes the words on the coordinator\'s open rider and scene pages within 2 s, without a reload', { timeout: 240_000 }, async () => {
  const au = new Audit('live-status', server.url).begin();
  const producer = await Audit.page(browser);
  await a.signIn(au, producer, PRODUCER.email, PRODUCER.password);
  const productionId = await a.createProduction(au, producer, { title: 'Open Water (live)', zone: ZONE });
  const coordinatorLink = await a.invite(au, producer, { email: COORDINATOR.email, role: 'coordinator' });
  const performerLink = await a.invite(au, producer, { email: PERFORMER.email, role: 'performer' });
  // Each person in a browser context of their own: cookies, storage and event streams apart.
  const coordinator = await Audit.page(browser);
  await a.acceptInvitation(au, coordinator, coordinatorLink, COORDINATOR, 'coordinator');
  const performer = await Audit.page(browser);
  await a.acceptInvitation(au, performer, performerLink, PERFORMER, 'performer');

  const castLink = await a.addCastMember(au, coordinator, { number: 1, name: 'Kit Performer', character: 'Sam', email: PERFORMER.email });
  await a.acceptInvitation(au, performer, castLink, PERFORMER, 'performer-cast');
  const sceneId = await a.addNudeScene(au, coordinator, {
    number: '7', set: 'Boathouse', castLabel: CAST_LABEL, closedSet: ['Rae Coordinator'],
  });
  await a.addShootDay(au, coordinator, { date: a.dateIn(ZONE, 5), call: '07:00' });
  await a.scheduleScene(au, coordinator, { number: '7' });
  await a.logFirstMeeting(au, coordinator, { castLabel: CAST_LABEL, date: a.dateIn(ZONE, 0), time: '10:00' });
  const riderPath = await a.draftAndDeliverRider(au, coordinator, { castLabel: CAST_LABEL, number: '7' });
  const riderId = riderPath.split('/').pop();

  await a.visit(au, performer, riderPath, 'rider-to-sign');
  await performer.getByLabel('Your password').fill(PERFORMER.password);
  await a.click(au, performer, performer.getByRole('button', { name: 'Sign the rider' }), 'rider-signed');

  // The coordinator opens the rider page, and the scene page in a second tab of the same
  // browser: both loaded while the rider is signed.
  await a.visit(au, coordinator, riderPath, 'coordinator-rider-open');
  const riderStatus = coordinator.locator(`[data-status="rider-${riderId}"]`);
  await a.assertText(riderStatus, /^Signed$/);
  const sceneTab = await coordinator.context().newPage();
  await a.visit(au, sceneTab, `/productions/${productionId}/scenes/${sceneId}`, 'coordinator-scene-open');
  const sceneStatus = sceneTab.locator('[data-status^="scene-"]').first();
  await a.assertText(sceneStatus, /^Cleared$/);
  assert.equal(await sceneStatus.getAttribute('aria-live'), 'polite');
  // Nothing reloads from here on: a navigation would reset this mark.
  await coordinator.evaluate(() => { window.stillOpen = true; });
  await sceneTab.evaluate(() => { window.stillOpen = true; });

  await a.visit(au, performer, riderPath, 'rider-before-withdrawal');
  await a.click(au, performer, performer.getByRole('button', { name: 'Withdraw consent' }).first(), 'withdraw-confirm');
  await a.click(au, performer, performer.getByRole('button', { name: 'Withdraw consent' }), 'withdrawn');
  const withdrawnAt = Date.now();

  await coordinator.waitForFunction(
    (id) => document.querySelector(`[data-status="rider-${id}"]`)?.textContent === 'Consent withdrawn',
    riderId,
    { timeout: 2_000 },
  );
  await sceneTab.waitForFunction(
    () => document.querySelector('[data-status^="scene-"]')?.textContent === 'Blocked',
    null,
    { timeout: 2_000 },
  );
  assert.ok(Date.now() - withdrawnAt < 2_000, `the words changed ${Date.now() - withdrawnAt} ms after the withdrawal`);
  assert.equal(await coordinator.evaluate(() => window.stillOpen), true, 'the rider page was not reloaded');
  assert.equal(await sceneTab.evaluate(() => window.stillOpen), true, 'the scene page was not reloaded');
  // The tone follows the word where the page drew it from the same words: never colour alone.
  assert.match(await sceneStatus.getAttribute('class'), /\bstatus-blocked\b/);
  assert.doesNotMatch(await sceneStatus.getAttribute('class'), /\bstatus-cleared\b/);
  await au.check(coordinator, 'coordinator-rider-live');
  await au.check(sceneTab, 'coordinator-scene-live');

  // A reload shows the same words the live update put in place.
  await a.visit(au, coordinator, riderPath, 'coordinator-rider-reloaded');
  await a.assertText(riderStatus, /^Consent withdrawn$/);
  // The performer's own first page says it to them in their words.
  await a.visit(au, performer, `/productions/${productionId}`, 'performer-dashboard');
  await a.assertText(performer.locator('main'), /You withdrew consent/);
  au.done();
});
