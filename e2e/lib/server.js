// Starts the real Closed Set binary for the browser tests: its own temp data dir (the binary's
// embedded PostgreSQL lives there), a free port, the first admin made through the CLI.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.CLOSEDSET_BIN || path.join(ROOT, 'target', 'debug', 'closedset');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(args, env, stdin) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`closedset ${args.join(' ')} exited ${code}:\n${out}`))));
    child.stdin.end(stdin);
  });
}

async function waitReady(url, child, log, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts a server with one admin account, or (`demo: true`) with the demo production loaded
 * through `closedset demo`, whose accounts all have the password `closedset-demo`. `stop()` ends
 * it (SIGTERM) and removes its data.
 */
async function startServer({ adminEmail, adminName, adminPassword, demo = false }) {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run \`cargo build\` first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closedset-e2e-'));
  // The embedded cluster runs as the postgres user when we are root: it must reach the dir.
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    CLOSEDSET_DATA_DIR: dataDir,
    CLOSEDSET_LISTEN: `127.0.0.1:${port}`,
    CLOSEDSET_BASE_URL: url,
    RUST_LOG: process.env.RUST_LOG || 'warn',
  };
  delete env.DATABASE_URL;
  if (adminEmail) {
    await run(['user', 'create', '--admin', '--email', adminEmail, '--name', adminName], env, `${adminPassword}\n`);
  }

  // `demo` loads the demo before it listens, so readiness below also waits for the data.
  const child = spawn(BIN, demo ? ['demo'] : [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => { output = (output + d).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // If this process dies before `stop()` runs, the server (which stops its own PostgreSQL) goes too.
  const orphanGuard = () => child.kill('SIGTERM');
  process.on('exit', orphanGuard);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => { orphanGuard(); process.exit(130); });
  }
  try {
    await waitReady(url, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', orphanGuard);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { url, port, dataDir, stop, log: () => output };
}

module.exports = { startServer };
