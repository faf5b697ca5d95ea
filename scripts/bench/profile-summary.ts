/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): where the samples went, by function (self time)
 * and by source file (self time), and the share of idle, GC and native code.
 *
 *   tsx scripts/bench/profile-summary.ts FILE.cpuprofile [--top N] [--focus SUBSTRING]
 *
 * --focus also prints the inclusive time of functions whose name or file contains SUBSTRING.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Summary {
  readonly totalMs: number;
  readonly bySelf: Array<[string, number]>;
  readonly byFile: Array<[string, number]>;
  readonly inclusive: Array<[string, number]>;
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const p = url.replace(/^file:\/\//, '');
  const i = p.indexOf('/node_modules/');
  if (i !== -1) return p.slice(i + 1);
  const src = p.search(/\/(src|scripts)\//);
  return src !== -1 ? p.slice(src + 1) : path.basename(p);
}

export function summarizeProfile(profile: CpuProfile, focus?: string): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    selfMs.set(id, (selfMs.get(id) ?? 0) + dt);
  }
  const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const bySelf = new Map<string, number>();
  const byFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    const n = byId.get(id)!;
    total += ms;
    bySelf.set(label(n), (bySelf.get(label(n)) ?? 0) + ms);
    const f = n.callFrame.url ? shortUrl(n.callFrame.url) : n.callFrame.functionName;
    byFile.set(f, (byFile.get(f) ?? 0) + ms);
    if (focus) {
      // Each focused frame on the stack gets the sample once.
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const node = byId.get(cur)!;
        const l = label(node);
        if (!seen.has(l) && (l.includes(focus) || node.callFrame.url.includes(focus))) {
          seen.add(l);
          inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
        }
      }
    }
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, bySelf: sorted(bySelf), byFile: sorted(byFile), inclusive: sorted(inclusive) };
}

function main(argv: string[]): void {
  process.stdout.on('error', () => process.exit(0)); // | head
  const file = argv[0];
  if (!file || file === '--help') {
    process.stdout.write('usage: tsx scripts/bench/profile-summary.ts FILE.cpuprofile [--top N] [--focus SUBSTRING]\n');
    return;
  }
  const top = Number(argv[argv.indexOf('--top') + 1]) || 30;
  const focus = argv.includes('--focus') ? argv[argv.indexOf('--focus') + 1] : undefined;
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, focus);
  const busy = s.totalMs - (s.bySelf.find(([l]) => l.startsWith('(idle)'))?.[1] ?? 0);
  const pct = (ms: number): string => `${((ms / busy) * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`total ${s.totalMs.toFixed(0)} ms, busy (not idle) ${busy.toFixed(0)} ms; percentages are of busy time\n\nself time by function:\n`);
  for (const [l, ms] of s.bySelf.slice(0, top)) process.stdout.write(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${l}\n`);
  process.stdout.write('\nself time by file:\n');
  for (const [l, ms] of s.byFile.slice(0, top)) process.stdout.write(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${l}\n`);
  if (focus) {
    process.stdout.write(`\ninclusive time of frames matching "${focus}":\n`);
    for (const [l, ms] of s.inclusive.slice(0, top)) process.stdout.write(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${l}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
