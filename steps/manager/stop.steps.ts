/** Scenarios that disturb the server under test: STOP (spec §5.11), and others run alone. */
import net from 'node:net';
import { Given, Then } from '@cucumber/cucumber';
import { check, parametersOf, skip } from './support/state.js';

/** How long the server may take to stop after "+OK stopping" (its shutdown grace is 10 s by default). */
const STOP_DEADLINE_MS = 20_000;
const PROBE_INTERVAL_MS = 100;

Given('no other client uses the server meanwhile', function (this: object) {
  if (!parametersOf(this).managerExclusive) return skip(this, 'changes the server for every client: runs only with the worldParameter managerExclusive (the runner runs it alone)');
  return undefined;
});

Given('the runner allows stopping the server', function (this: object) {
  if (!parametersOf(this).managerAllowStop) return skip(this, 'STOP would stop the server under test: runs only with the worldParameter managerAllowStop');
  return undefined;
});

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

Then('the POP3 server stops accepting connections', { timeout: STOP_DEADLINE_MS + 5000 }, async function (this: object) {
  const p = parametersOf(this);
  if (!p.host || !p.port) return skip(this, 'no POP3 host/port in the parameters');
  // Polling an observable condition against a deadline: the stop happens in another process.
  const deadline = Date.now() + STOP_DEADLINE_MS;
  let open = true;
  while (open && Date.now() < deadline) {
    open = await accepts(p.host, p.port);
    if (open) await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  check(!open, 'the POP3 server still accepts connections after STOP', 'connection refused', 'accepted');
  return undefined;
});
