/**
 * The contract between the conformance runner (src/harness/, src/cli/conformance-command.ts) and
 * the suite it runs (features/, steps/). The runner passes WorldParameters to cucumber; steps
 * report verdicts other than plain pass/fail through attachments of VERDICT_MEDIA_TYPE, and
 * the wire transcript of every connection through TRANSCRIPT_MEDIA_TYPE.
 */

export type TlsMode = 'none' | 'implicit' | 'stls';

export type FixtureMode =
  /** Scenarios tagged @fixtures write fixtures/messages/* into this maildrop before they run. */
  | { readonly kind: 'maildir'; readonly path: string }
  /** No known messages: @fixtures scenarios end SKIP with a reason. */
  | { readonly kind: 'none' };

export interface Account {
  readonly user: string;
  readonly pass: string;
}

export interface WorldParameters {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  /** Accept self-signed certificates (the bundled server's demo certificate). */
  readonly tlsInsecure: boolean;
  /** The main account; its maildrop is the one fixtures are written into. */
  readonly account: Account;
  /** A second account, for scenarios about two maildrops (optional). */
  readonly account2?: Account | undefined;
  /**
   * An account that logs in with APOP, `pass` being its shared secret (optional). RFC 1939 §13:
   * a server should not allow both USER/PASS and APOP for one user, so a strict server has separate
   * APOP accounts; without one, APOP scenarios use `account`'s password as the secret.
   */
  readonly apopAccount?: Account | undefined;
  readonly fixtures: FixtureMode;
  /** Scenarios tagged @destructive (DELE then QUIT) run only when true. */
  readonly destructive: boolean;
  /** Per-response timeout in milliseconds. */
  readonly timeoutMs: number;
  /** True when the target is the bundled reference server (some scenarios need its settings). */
  readonly bundled: boolean;
  /**
   * The target's management plane (docs/manager-protocol.txt), for the @manager scenarios: its UDP
   * address and the shared token. Without all three, the runner skips @manager scenarios.
   */
  readonly managerHost?: string | undefined;
  readonly managerPort?: number | undefined;
  readonly managerToken?: string | undefined;
  /**
   * True in the run of the @manager-exclusive scenarios: the runner runs them one at a time, after
   * every scenario that shares the server, so they may change it for every client.
   */
  readonly managerExclusive?: boolean | undefined;
  /**
   * On the target: STOP may be sent (the bundled server; a host with --manager-allow-stop). The
   * runner passes it true only to the last run, the @manager-stop scenarios, after everything else.
   */
  readonly managerAllowStop?: boolean | undefined;
}

export const VERDICT_MEDIA_TYPE = 'application/vnd.popcheck.verdict+json';
export const TRANSCRIPT_MEDIA_TYPE = 'text/vnd.popcheck.transcript';

/**
 * What a step attaches to override the verdict derived from cucumber's status:
 * - SKIP: not applicable here (capability not advertised, no fixtures, not --destructive);
 * - NOT-ADVERTISED: a SKIP because CAPA does not list the capability (reported apart);
 * - UNADVERTISED-WORKS: the feature works although CAPA does not list it (a WARN);
 * - ERROR: the target could not be reached or the harness failed (not the server's fault).
 * A failed assertion needs no attachment: the runner maps it to FAIL, or WARN for @SHOULD/@MAY.
 */
export interface VerdictAttachment {
  readonly verdict: 'SKIP' | 'NOT-ADVERTISED' | 'UNADVERTISED-WORKS' | 'ERROR';
  readonly reason: string;
}

/** The verdict of one scenario in the report. */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'SKIP' | 'ERROR';

/** Tag conventions (see docs/requirements.md): */
export const TAGS = {
  rfc: /^@rfc(\d+)$/, // @rfc1939
  section: /^@sec-([\d.]+)$/, // @sec-7
  level: /^@(MUST|SHOULD|MAY)$/, // requirement level of RFC 2119
  requirement: /^@req-([A-Za-z0-9.-]+)$/, // @req-1939-RETR-3
  capability: /^@capa-([A-Z0-9-]+)$/, // @capa-TOP
  fixtures: '@fixtures',
  destructive: '@destructive',
  /** Scenarios that only make sense against the bundled server (they change its configuration). */
  bundled: '@bundled',
  /** Scenarios of the management protocol (features/manager/): they need the manager parameters. */
  manager: '@manager',
  /** Scenarios that change the server for every client: run alone, after the shared ones. */
  managerExclusive: '@manager-exclusive',
  /** STOP: stops the server under test, so it runs last, and only when managerAllowStop. */
  managerStop: '@manager-stop',
} as const;

/** The heading @manager scenarios are counted under in reports (the spec has no RFC number). */
export const MANAGER_SPEC = 'popcheck-manager/1';
