/**
 * There is no Docker engine where the tests run: the image is never built and the stack never
 * started here. These checks lint docker/Dockerfile and docker/compose.yaml against the
 * repository: every path they name exists, every variable the app gets is one it reads (with a
 * valid value), and the Prometheus and Grafana files they mount point at the services they define.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { parseEnvironment } from '../../src/config/environment.js';
import { knownEnvironmentVariables, readYaml, repoPath, ROOT } from './support.js';

const COMPOSE = repoPath('docker/compose.yaml');
const COMPOSE_DIR = dirname(COMPOSE);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary YAML, checked below
type Service = Record<string, any>;

interface Mount {
  service: string;
  type: 'bind' | 'volume';
  source: string;
  target: string;
}

function compose(): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  return readYaml(COMPOSE);
}

/** KEY=VALUE lines of docker/.env.example, quotes removed, as compose reads an env file. */
function envExample(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(repoPath('docker/.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return values;
}

/** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $$. */
function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name, op, arg) => {
    if (whole === '$$') return '$';
    const value = variables[name];
    const empty = value === undefined || (op?.startsWith(':') && value === '');
    if (!empty) return value!;
    if (op?.endsWith('?')) throw new Error(`${name} is required: ${arg}`);
    return op ? arg : '';
  });
}

function mountsOf(name: string, service: Service): Mount[] {
  return (service.volumes ?? []).map((volume: string | Record<string, string>): Mount => {
    if (typeof volume !== 'string') {
      return { service: name, type: volume.type as 'bind', source: volume.source!, target: volume.target! };
    }
    const [source, target] = volume.split(':');
    const bind = source!.startsWith('.') || source!.startsWith('/');
    return { service: name, type: bind ? 'bind' : 'volume', source: source!, target: target! };
  });
}

function allMounts(): Mount[] {
  return Object.entries(compose().services).flatMap(([name, service]) => mountsOf(name, service));
}

/** The host path of a container path under one of the service's bind mounts, if any. */
function hostPathOf(service: string, containerPath: string): string | undefined {
  for (const mount of allMounts().filter((m) => m.service === service && m.type === 'bind')) {
    const rest = posix.relative(mount.target, containerPath);
    if (rest === '') return resolve(COMPOSE_DIR, mount.source);
    if (!rest.startsWith('..')) return resolve(COMPOSE_DIR, mount.source, rest);
  }
  return undefined;
}

describe('docker/compose.yaml', () => {
  it('defines the app, its worker, PostgreSQL, Prometheus, Alertmanager and Grafana, each with an image or a build', () => {
    const { services } = compose();
    expect(Object.keys(services).sort()).toEqual([
      'alertmanager',
      'app',
      'grafana',
      'postgres',
      'prometheus',
      'worker',
    ]);
    // One image, two roles: the app serves, the worker runs the pipeline.
    expect(services.worker!.image).toBe(services.app!.image);
    expect(services.app!.environment.ROLE).toBe('api');
    expect(services.worker!.environment.ROLE).toBe('worker');
    for (const [name, service] of Object.entries(services)) {
      expect({ name, hasImageOrBuild: Boolean(service.image || service.build) }).toEqual({
        name,
        hasImageOrBuild: true,
      });
    }
  });

  it.each(['app', 'worker'])(
    'gives the %s a stop grace period above the time it takes to stop (SHUTDOWN_GRACE_SECONDS)',
    (name) => {
      const service = compose().services[name]!;
      const grace = /^(\d+)s$/.exec(String(service.stop_grace_period))?.[1];
      const { SHUTDOWN_GRACE_SECONDS } = parseEnvironment({});
      expect(Number(grace)).toBeGreaterThan(SHUTDOWN_GRACE_SECONDS);
    },
  );

  it('builds from an existing context and Dockerfile', () => {
    const { build } = compose().services.app!;
    const context = resolve(COMPOSE_DIR, build.context);
    expect(statSync(context).isDirectory()).toBe(true);
    expect(existsSync(resolve(context, build.dockerfile))).toBe(true);
    expect(existsSync(join(context, 'package.json'))).toBe(true);
  });

  it('mounts only existing paths and declared named volumes', () => {
    const declared = Object.keys(compose().volumes ?? {});
    const problems: string[] = [];
    for (const mount of allMounts()) {
      if (mount.type === 'bind' && !existsSync(resolve(COMPOSE_DIR, mount.source))) {
        problems.push(`${mount.service}: bind source ${mount.source} does not exist`);
      }
      if (mount.type === 'volume' && !declared.includes(mount.source)) {
        problems.push(`${mount.service}: volume ${mount.source} is not declared`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('points the config files in the commands at mounted files that exist', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose().services)) {
      for (const arg of [service.command ?? []].flat() as string[]) {
        const path = /^--[\w.-]*config\.file=(.+)$/.exec(arg)?.[1];
        if (!path) continue;
        const host = hostPathOf(name, path);
        if (!host || !existsSync(host)) problems.push(`${name}: ${path} is not a mounted file (${host})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(['app', 'worker'])('gives the %s only variables it knows, with values it accepts', (name) => {
    const app = compose().services[name]!;
    const known = knownEnvironmentVariables();
    const names = Object.keys(app.environment);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    for (const variables of [{}, envExample()]) {
      const env = Object.fromEntries(
        Object.entries(app.environment).map(([name, value]) => [name, interpolate(String(value), variables)]),
      );
      expect(() => parseEnvironment(env)).not.toThrow();
    }
    expect(Object.keys(envExample())).toEqual(expect.arrayContaining(['JWT_SECRET', 'AUTH_CLIENTS']));
    const movielens = allMounts().find(
      (m) => m.service === name && m.target === app.environment.MOVIELENS_DIR,
    );
    expect(movielens).toMatchObject({ type: 'volume' });
  });

  it('lets Prometheus scrape the app and reach Alertmanager as the compose file names them', () => {
    const { services } = compose();
    const prometheus = readYaml(hostPathOf('prometheus', '/etc/prometheus/prometheus.yml')!);
    const targets = (prometheus.scrape_configs ?? []).flatMap((job: Service) =>
      (job.static_configs ?? []).flatMap((c: Service) => c.targets as string[]),
    );
    const alertmanagers = (prometheus.alerting?.alertmanagers ?? []).flatMap((a: Service) =>
      (a.static_configs ?? []).flatMap((c: Service) => c.targets as string[]),
    );
    // Where each process serves /metrics: METRICS_PORT when set, and the API port only while public.
    for (const name of ['app', 'worker']) {
      const { PORT, METRICS_PORT, PUBLIC_METRICS } = services[name]!.environment;
      const env = parseEnvironment({ PORT, METRICS_PORT, PUBLIC_METRICS });
      const port = env.METRICS_PORT ?? (env.PUBLIC_METRICS ? env.PORT : undefined);
      expect({ name, port }).toEqual({ name, port: expect.any(Number) });
      expect(targets).toContain(`${name}:${port}`);
      if (!env.PUBLIC_METRICS) expect(targets).not.toContain(`${name}:${env.PORT}`);
    }
    expect(alertmanagers).toEqual(['alertmanager:9093']);
    for (const file of prometheus.rule_files ?? []) {
      expect(existsSync(hostPathOf('prometheus', posix.join('/etc/prometheus', file))!)).toBe(true);
    }
  });

  it('mounts the Grafana provisioning and dashboards where the provisioning looks for them', () => {
    const provisioning = hostPathOf('grafana', '/etc/grafana/provisioning/dashboards/movie-reco.yml');
    expect(provisioning && existsSync(provisioning)).toBe(true);
    const provider = readYaml(provisioning!).providers[0];
    const dashboards = hostPathOf('grafana', provider.options.path);
    expect(dashboards && relative(repoPath('grafana/dashboards'), dashboards)).toBe('');
    const home = compose().services.grafana!.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(existsSync(hostPathOf('grafana', home)!)).toBe(true);
    expect(existsSync(hostPathOf('grafana', '/etc/grafana/provisioning/datasources/prometheus.yml')!)).toBe(
      true,
    );
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = () => readFileSync(repoPath('docker/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const instructions = () =>
    dockerfile()
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));

  it('is a two-stage build on node:20-bookworm-slim with a non-root runtime', () => {
    const text = dockerfile();
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const stages = instructions().filter((line) => line.startsWith('FROM '));
    expect(stages).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
    const runtime = text.slice(text.indexOf('AS runtime'));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER (?!root\b|0\b)\S+$/m);
    expect(runtime).toMatch(/^EXPOSE 8000$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*fetch\(.*\/status/m);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const copies = instructions().filter((line) => line.startsWith('COPY ') && !line.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
        const top = source.split('/')[0]!;
        expect({ source, ignored: ignored.includes(top) || ignored.includes(source) }).toEqual({
          source,
          ignored: false,
        });
      }
    }
  });

  it('starts the compiled app, which the build produces', () => {
    const cmd = instructions().find((line) => line.startsWith('CMD '))!;
    const [executable, script] = JSON.parse(cmd.slice('CMD '.length)) as string[];
    expect(executable).toBe('node');
    // dist/ is built by the e2e global setup with the same `tsc -p tsconfig.build.json` as `npm run build`.
    expect(existsSync(join(ROOT, script!))).toBe(true);
    expect(dockerfile()).toMatch(/^RUN npm run build$/m);
    expect(existsSync(join(ROOT, 'dist/migrations/index.js'))).toBe(true);
  });
});
