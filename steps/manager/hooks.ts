/**
 * Per-scenario lifecycle of @manager scenarios: undo what the scenario changed on the server under
 * test (users added, settings changed), close its sockets. Hooks are tagged so they never run for
 * the RFC scenarios, and carry their own timeouts (not setDefaultTimeout, which is global).
 */
import { After } from '@cucumber/cucumber';
import { signRequest } from '../../src/manager/client.js';
import { dropState, managerState, parametersOf } from './support/state.js';

After({ tags: '@manager', timeout: 60_000 }, async function (this: object) {
  const state = managerState(this);
  const client = state.client;
  const token = parametersOf(this).managerToken;
  if (client && token) {
    for (const [name, value] of state.savedSettings) {
      await client.exchange(signRequest(token, `SET ${name} ${value}`.trimEnd(), Date.now())).catch(() => undefined);
    }
    for (const user of state.addedUsers) {
      await client.exchange(signRequest(token, `DEL ${user}`, Date.now())).catch(() => undefined);
    }
  }
  for (const undo of state.cleanups.reverse()) await undo().catch(() => undefined);
  client?.close();
  for (const c of state.others) c.close();
  dropState(this);
});
