import { describe, expect, it } from 'vitest';
import type { FixtureMode } from './contract.js';
import { primaryRfc, readTags } from './scenario-tags.js';
import { optionSkipReason, runnableTagExpression } from './skip-rules.js';

const none: FixtureMode = { kind: 'none' };
const maildir: FixtureMode = { kind: 'maildir', path: '/m' };
const manager = { managerHost: '127.0.0.1', managerPort: 9090, managerToken: 't'.repeat(32) };

describe('skip rules', () => {
  it('skips @fixtures without fixtures, @destructive without --destructive, @bundled on other hosts', () => {
    const tags = readTags(['@fixtures', '@destructive', '@bundled']);
    expect(optionSkipReason(tags, { fixtures: none, destructive: false, bundled: false })).toBe(
      'needs known messages in the maildrop (run with --fixtures maildir:PATH); deletes messages (run with --destructive); needs the bundled reference server (run without --host)',
    );
    expect(optionSkipReason(tags, { fixtures: maildir, destructive: true, bundled: true })).toBeUndefined();
    expect(optionSkipReason(readTags(['@MUST']), { fixtures: none, destructive: false, bundled: false })).toBeUndefined();
  });

  it('builds the tag expression cucumber runs', () => {
    expect(runnableTagExpression('', { fixtures: maildir, destructive: true, bundled: true, ...manager, managerAllowStop: true })).toBe('');
    expect(runnableTagExpression('@rfc1939 or @rfc2449', { fixtures: none, destructive: false, bundled: false })).toBe(
      '(@rfc1939 or @rfc2449) and not @fixtures and not @destructive and not @bundled and not @manager',
    );
    expect(runnableTagExpression('', { fixtures: maildir, destructive: true, bundled: false, ...manager })).toBe('not @bundled and not @manager-stop');
  });

  it('skips @manager without the manager parameters, and @manager-stop unless STOP is allowed', () => {
    const base = { fixtures: maildir, destructive: true, bundled: false };
    const stop = readTags(['@manager', '@manager-exclusive', '@manager-stop']);
    expect(optionSkipReason(readTags(['@manager']), base)).toBe("needs the target's manager (run with --manager-host and --manager-token-file)");
    expect(optionSkipReason(readTags(['@manager']), { ...base, managerHost: 'h', managerPort: 9 })).toMatch(/needs the target's manager/);
    expect(optionSkipReason(readTags(['@manager', '@manager-exclusive']), { ...base, ...manager })).toBeUndefined();
    expect(optionSkipReason(stop, { ...base, ...manager })).toBe('stops the server under test (run with --manager-allow-stop)');
    expect(optionSkipReason(stop, { ...base, ...manager, managerAllowStop: true })).toBeUndefined();
  });

  it('reads levels, requirements and capabilities; the strictest level wins', () => {
    const t = readTags(['@rfc2449', '@sec-6.3', '@MAY', '@SHOULD', '@req-2449-TOP-1', '@capa-TOP']);
    expect(t).toMatchObject({ rfcs: ['2449'], sections: ['6.3'], level: 'SHOULD', requirements: ['2449-TOP-1'], capabilities: ['TOP'] });
  });

  it('counts @manager scenarios under popcheck-manager/1, others under their first @rfc tag', () => {
    expect(primaryRfc(readTags(['@manager', '@sec-5.11', '@manager-stop']))).toBe('popcheck-manager/1');
    expect(primaryRfc(readTags(['@rfc2595', '@rfc1939']))).toBe('RFC 2595');
    expect(primaryRfc(readTags(['@MUST']))).toBe('no RFC tag');
    expect(readTags(['@manager', '@manager-exclusive', '@manager-stop'])).toMatchObject({ manager: true, managerExclusive: true, managerStop: true });
  });
});
