/**
 * dvc.yaml runs the pipeline through the CLI. DVC itself is not installed here: these checks
 * resolve the ${params} of params.yaml, then ask the compiled CLI (built by the e2e global
 * setup) whether every `npm run cli -- …` of every stage is one of its commands with options it
 * has, and check that every dependency exists and every output is written by the stage.
 */
import { existsSync } from 'node:fs';
import { runCli } from '../support/processes.js';
import { knownEnvironmentVariables, readYaml, repoPath } from './support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary YAML, checked below
type Stage = Record<string, any>;

function params(): Record<string, unknown> {
  return readYaml(repoPath('params.yaml'));
}

function param(path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], params());
}

/** DVC templating: ${a.b} from params.yaml; an unknown name throws, as `dvc repro` fails. */
function resolveParams(text: string): string {
  return text.replace(/\$\{\s*([\w.-]+)\s*\}/g, (_, name: string) => {
    const value = param(name);
    if (value === undefined || (typeof value === 'object' && value !== null)) {
      throw new Error(`\${${name}} is not a value in params.yaml`);
    }
    return String(value);
  });
}

function stages(): Record<string, Stage> {
  return readYaml(repoPath('dvc.yaml')).stages;
}

/** A dependency or output entry: a path, or a one-key map of a path to its options. */
function pathOf(entry: string | Record<string, unknown>): string {
  return resolveParams(typeof entry === 'string' ? entry : Object.keys(entry)[0]!);
}

/** Shell words of one command (quotes removed); enough for the commands dvc.yaml holds. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

interface CliCall {
  stage: string;
  env: Record<string, string>;
  npmFlags: string[];
  args: string[];
  stdoutRedirected: boolean;
}

/** Every `[VAR=value …] npm run [flags] cli -- args [> file]` of a stage's commands. */
function cliCalls(name: string, stage: Stage): CliCall[] {
  const calls: CliCall[] = [];
  for (const command of [stage.cmd].flat() as string[]) {
    for (const part of resolveParams(command).split(/&&|\|\||;/)) {
      const words = shellWords(part.trim());
      const env: Record<string, string> = {};
      while (words.length > 0 && /^[A-Za-z_]\w*=/.test(words[0]!)) {
        const [key, ...value] = words.shift()!.split('=');
        env[key!] = value.join('=');
      }
      if (words[0] !== 'npm' || words[1] !== 'run') continue;
      const script = words.findIndex((word, i) => i >= 2 && !word.startsWith('-'));
      const dashes = words.indexOf('--');
      const redirect = words.findIndex((word) => /^(\d?>|>>|\|)/.test(word));
      calls.push({
        stage: name,
        env,
        npmFlags: words.slice(2, script),
        args: [words[script]!, ...words.slice(dashes + 1, redirect === -1 ? undefined : redirect)],
        stdoutRedirected: words[redirect] === '>' || words[redirect] === '>>',
      });
    }
  }
  return calls;
}

function allCliCalls(): CliCall[] {
  return Object.entries(stages()).flatMap(([name, stage]) => cliCalls(name, stage));
}

/**
 * Whether `cli <args>` is a command of the program with options it accepts. Commander exits 0 on
 * `--help` even after an unknown command (it prints the parent's help), so the usage line is
 * what tells: it must name exactly the command words, and the help must list each option.
 */
function checkCliCommand(args: string[]): string | undefined {
  const firstOption = args.findIndex((arg) => arg.startsWith('-'));
  const words = firstOption === -1 ? args : args.slice(0, firstOption);
  const options = args.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0]!);
  const help = runCli([...words, '--help'], {});
  if (help.status !== 0) return `\`${args.join(' ')}\`: --help exited ${help.status}: ${help.stderr}`;
  const usage = /^Usage: movie-reco (.*)$/m.exec(help.stdout)?.[1] ?? '';
  if (!usage.startsWith(`${words.join(' ')} [options]`) || /\[command\]/.test(usage)) {
    return `\`${words.join(' ')}\` is not a command (usage: movie-reco ${usage})`;
  }
  const unknown = options.filter((option) => !new RegExp(`(^|[\\s,])${option}\\b`, 'm').test(help.stdout));
  if (unknown.length > 0) return `\`${words.join(' ')}\` has no option ${unknown.join(', ')}`;
  return undefined;
}

describe('dvc.yaml', () => {
  it('has the stages ingest, validate, train and evaluate, each running the CLI', () => {
    expect(Object.keys(stages())).toEqual(['ingest', 'validate', 'train', 'evaluate']);
    for (const name of Object.keys(stages())) {
      expect({ name, calls: cliCalls(name, stages()[name]!).length > 0 }).toEqual({ name, calls: true });
    }
  });

  it('resolves every ${param} and lists only params that params.yaml holds', () => {
    const problems: string[] = [];
    for (const [name, stage] of Object.entries(stages())) {
      try {
        for (const command of [stage.cmd].flat()) resolveParams(command);
        for (const entry of [...(stage.deps ?? []), ...(stage.outs ?? []), ...(stage.metrics ?? [])]) {
          pathOf(entry);
        }
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
      }
      for (const key of stage.params ?? []) {
        if (param(key) === undefined) problems.push(`${name}: param ${key} is not in params.yaml`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs only real CLI commands with real options', () => {
    const problems = allCliCalls().map((call) =>
      call.args[0] !== 'cli'
        ? `${call.stage}: npm run ${call.args[0]} is not the cli script`
        : checkCliCommand(call.args.slice(1)),
    );
    expect(problems.filter(Boolean)).toEqual([]);
  }, 120_000);

  it('keeps npm quiet where the JSON on stdout is the output, and sets only variables the app knows', () => {
    const known = knownEnvironmentVariables();
    const problems: string[] = [];
    for (const call of allCliCalls()) {
      if (call.stdoutRedirected && !call.npmFlags.some((f) => f === '--silent' || f === '-s')) {
        problems.push(
          `${call.stage}: \`npm run\` prints its banner into the redirected output; add --silent`,
        );
      }
      for (const name of Object.keys(call.env)) {
        if (!known.has(name)) problems.push(`${call.stage}: ${name} is not a variable the app reads`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('depends only on paths that exist', () => {
    const missing = Object.entries(stages()).flatMap(([name, stage]) =>
      (stage.deps ?? [])
        .map(pathOf)
        .filter((dep: string) => !existsSync(repoPath(dep)) && !producedBy(dep))
        .map((dep: string) => `${name}: ${dep}`),
    );
    expect(missing).toEqual([]);
  });

  it('writes every output and metrics file in its own command, metrics uncached', () => {
    const problems: string[] = [];
    for (const [name, stage] of Object.entries(stages())) {
      const commands = [stage.cmd].flat().map(resolveParams).join('\n');
      for (const entry of [...(stage.outs ?? []), ...(stage.metrics ?? [])]) {
        const path = pathOf(entry);
        if (!new RegExp(`(>|--json)\\s*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(commands)) {
          problems.push(`${name}: ${path} is not written by the stage's command`);
        }
      }
      for (const entry of (stage.metrics ?? []) as (string | Record<string, { cache?: boolean }>)[]) {
        if (typeof entry === 'string' || Object.values(entry)[0]?.cache !== false) {
          problems.push(`${name}: metrics ${pathOf(entry)} should have cache: false`);
        }
      }
    }
    expect(problems).toEqual([]);
    const evaluate = allCliCalls().find((call) => call.args[1] === 'evaluate')!;
    const json = evaluate.args[evaluate.args.indexOf('--json') + 1];
    expect((stages().evaluate!.metrics ?? []).map(pathOf)).toContain(json);
  });
});

/** An output of another stage (it exists once that stage ran). */
function producedBy(path: string): string | undefined {
  return Object.entries(stages()).find(([, stage]) =>
    [...(stage.outs ?? []), ...(stage.metrics ?? [])].map(pathOf).includes(path),
  )?.[0];
}
