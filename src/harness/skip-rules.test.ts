import { describe, expect, it } from 'vitest';
import type { FixtureMode } from './contract.js';
import { readTags } from './scenario-tags.js';
import { optionSkipReason, runnableTagExpression } from './skip-rules.js';

const none: FixtureMode = { kind: 'none' };
const maildir: FixtureMode = { kind: 'maildir', path: '/m' };

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
    expect(runnableTagExpression('', { fixtures: maildir, destructive: true, bundled: true })).toBe('');
    expect(runnableTagExpression('@rfc1939 or @rfc2449', { fixtures: none, destructive: false, bundled: false })).toBe(
      '(@rfc1939 or @rfc2449) and not @fixtures and not @destructive and not @bundled',
    );
  });

  it('reads levels, requirements and capabilities; the strictest level wins', () => {
    const t = readTags(['@rfc2449', '@sec-6.3', '@MAY', '@SHOULD', '@req-2449-TOP-1', '@capa-TOP']);
    expect(t).toMatchObject({ rfcs: ['2449'], sections: ['6.3'], level: 'SHOULD', requirements: ['2449-TOP-1'], capabilities: ['TOP'] });
  });
});
