/** Helpers of the ops tests: the deployment files (Grafana, Docker, Kubernetes, DVC) checked against the app. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../../src/config/environment.js';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

export function repoPath(...parts: string[]): string {
  return resolve(ROOT, ...parts);
}

/** Every document of a (multi-document) YAML file; a syntax error in any of them throws. */
export function readYamlDocuments(path: string): unknown[] {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });
}

/** The single document of a YAML file, as an object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary YAML, checked by the tests
export function readYaml(path: string): any {
  const docs = readYamlDocuments(path).filter((doc) => doc !== null && doc !== undefined);
  if (docs.length !== 1) throw new Error(`${path}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

/** The environment variables the app reads (every module's settings, composed by src/config/environment.ts). */
export function knownEnvironmentVariables(): Set<string> {
  return new Set(ENVIRONMENT_VARIABLES);
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
  // aggregation operators, also when their clause comes first: `sum by (le) (…)`
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions (followed by
 * a parenthesis), aggregation-clause label lists, keywords, label matchers, ranges, numbers or
 * Grafana variables. `rate(x_bucket{le="1"}[5m])` gives x_bucket; the caller maps suffixes.
 */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' $1 ') // label lists
    .replace(/\$\{?\w+\}?/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const before = stripped[match.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // part of a number such as 1e-9
    const after = stripped.slice(match.index + word.length);
    if (/^\s*\(/.test(after)) continue; // a function or an aggregation
    if (PROMQL_KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

export interface Exposition {
  /** Metric family name → type, from the `# TYPE` lines. */
  families: Map<string, string>;
  /** Names on sample lines (with their _bucket, _count, _sum suffixes). */
  sampled: Set<string>;
}

/** Reads the Prometheus text exposition format. */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, string>();
  const sampled = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    else if (line !== '' && !line.startsWith('#')) sampled.add(/^[^\s{]+/.exec(line)![0]);
  }
  return { families, sampled };
}

/**
 * The family a name in a query belongs to: itself, or the histogram (or summary) it is a
 * _bucket/_count/_sum series of. Undefined when the scrape declares no such family.
 */
export function familyOf(name: string, exposition: Exposition): string | undefined {
  if (exposition.families.has(name)) return name;
  const suffix = /^(.+)_(bucket|count|sum)$/.exec(name);
  if (!suffix) return undefined;
  const [, base, kind] = suffix;
  const type = exposition.families.get(base!);
  if (type === 'histogram') return base;
  if (type === 'summary' && kind !== 'bucket') return base;
  return undefined;
}
