/**
 * No cluster here: the manifests of deploy/k8s are parsed and checked against one another and
 * against the app (its health route, its port, the variables it reads), never applied.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvironment } from '../../src/config/environment.js';
import { knownEnvironmentVariables, readYaml, readYamlDocuments, repoPath } from './support.js';

const DIR = repoPath('deploy/k8s');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary manifests, checked below
type Manifest = Record<string, any>;

function manifests(): (Manifest & { file: string })[] {
  return readdirSync(DIR)
    .filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
    .flatMap((file) =>
      readYamlDocuments(join(DIR, file))
        .filter((doc) => doc !== null && doc !== undefined)
        .map((doc) => ({ ...(doc as Manifest), file })),
    );
}

function only(kind: string): Manifest & { file: string } {
  const found = manifests().filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
}

/** The api replicas' Deployment (ROLE=api) or the pipeline worker's (ROLE=worker). */
function deploymentOf(role: 'api' | 'worker'): Manifest & { file: string } {
  const found = manifests().filter(
    (m) => m.kind === 'Deployment' && m.spec.template.metadata.labels['app.kubernetes.io/component'] === role,
  );
  if (found.length !== 1) throw new Error(`expected one ${role} Deployment, found ${found.length}`);
  return found[0]!;
}

const roleOf = (deployment: Manifest) =>
  (deployment.spec.template.spec.containers[0].env ?? []).find((e: { name: string }) => e.name === 'ROLE')
    ?.value;

function find(kind: string, name: string): Manifest | undefined {
  return manifests().find((m) => m.kind === kind && m.metadata?.name === name);
}

/** Whether every label of the selector is on the labels. */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('deploy/k8s manifests', () => {
  it('parse, each with apiVersion, kind and metadata.name, and are all in the kustomization', () => {
    const all = manifests();
    expect(all.map((m) => m.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ]);
    for (const m of all) {
      expect({ file: m.file, apiVersion: m.apiVersion, kind: m.kind, name: m.metadata?.name }).toEqual({
        file: m.file,
        apiVersion: expect.stringMatching(/^([a-z.]+\/)?v\d+(beta\d+)?$/),
        kind: expect.stringMatching(/^[A-Z]\w+$/),
        name: expect.stringMatching(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
      });
    }
    expect(only('HorizontalPodAutoscaler').apiVersion).toBe('autoscaling/v2');
    const kustomization = readYaml(join(DIR, 'kustomization.yaml'));
    expect([...kustomization.resources].sort()).toEqual([...new Set(all.map((m) => m.file))].sort());
  });

  it('runs 2 api replicas and one worker, each told its role', () => {
    expect(deploymentOf('api').spec.replicas).toBe(2);
    expect(roleOf(deploymentOf('api'))).toBe('api');
    expect(deploymentOf('worker').spec.replicas).toBe(1);
    expect(deploymentOf('worker').spec.strategy.type).toBe('Recreate');
    expect(roleOf(deploymentOf('worker'))).toBe('worker');
    expect(() => parseEnvironment({ ROLE: roleOf(deploymentOf('worker')) })).not.toThrow();
  });

  it.each(['api', 'worker'] as const)(
    '%s pods get a grace period above the time the app takes to stop (SHUTDOWN_GRACE_SECONDS)',
    (role) => {
      const env = Object.fromEntries(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- env entries of a manifest
        deploymentOf(role).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
      );
      const { SHUTDOWN_GRACE_SECONDS } = parseEnvironment(env);
      expect(deploymentOf(role).spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
        SHUTDOWN_GRACE_SECONDS,
      );
    },
  );

  it.each(['api', 'worker'] as const)(
    '%s pods probe /status (readiness) and /status/live (startup, liveness) on the container port, with resources',
    (role) => {
      const deployment = deploymentOf(role);
      const [container, ...others] = deployment.spec.template.spec.containers;
      expect(others).toEqual([]);
      const ports: { name?: string; containerPort: number }[] = container.ports;
      // Liveness must not depend on the database: a restart cannot fix PostgreSQL.
      const paths = {
        readinessProbe: '/status',
        livenessProbe: '/status/live',
        startupProbe: '/status/live',
      };
      for (const [probe, path] of Object.entries(paths)) {
        const get = container[probe]?.httpGet;
        expect({ probe, path: get?.path }).toEqual({ probe, path });
        const port = ports.find((p) => p.containerPort === get.port || (p.name && p.name === get.port));
        expect({ probe, port: get.port, matches: Boolean(port) }).toEqual({
          probe,
          port: get.port,
          matches: true,
        });
      }
      expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.resources.limits.memory).toBeDefined();
      // The container port is the one the app listens on (PORT in the ConfigMap, else the default).
      const config = only('ConfigMap').data;
      expect(ports.map((p) => p.containerPort)).toContain(Number(config.PORT ?? 8000));
      // Prometheus scrapes the port the app serves /metrics on, declared and named `metrics`
      // (prometheus-kubernetes.yml keeps that container port's target).
      const env = parseEnvironment(config);
      const metricsPort = env.METRICS_PORT ?? env.PORT;
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations['prometheus.io/port']).toBe(String(metricsPort));
      expect(annotations['prometheus.io/path']).toBe('/metrics');
      expect(ports.find((p) => p.name === 'metrics')?.containerPort).toBe(metricsPort);
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    },
  );

  it('takes its env from a ConfigMap and a Secret that exist', () => {
    const container = deploymentOf('api').spec.template.spec.containers[0];
    const refs: Manifest[] = container.envFrom ?? [];
    expect(refs.some((r) => r.configMapRef)).toBe(true);
    expect(refs.some((r) => r.secretRef)).toBe(true);
    const problems: string[] = [];
    for (const ref of refs) {
      if (ref.configMapRef && !find('ConfigMap', ref.configMapRef.name)) {
        problems.push(`envFrom: no ConfigMap ${ref.configMapRef.name}`);
      }
      if (ref.secretRef && !find('Secret', ref.secretRef.name))
        problems.push(`envFrom: no Secret ${ref.secretRef.name}`);
    }
    for (const env of container.env ?? []) {
      const from = env.valueFrom;
      if (from?.configMapKeyRef && !find('ConfigMap', from.configMapKeyRef.name)) {
        problems.push(`${env.name}: no ConfigMap ${from.configMapKeyRef.name}`);
      }
      if (from?.secretKeyRef && !find('Secret', from.secretKeyRef.name)) {
        problems.push(`${env.name}: no Secret ${from.secretKeyRef.name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('scales and exposes the api pods that exist, never the worker', () => {
    const deployment = deploymentOf('api');
    const podLabels = deployment.spec.template.metadata.labels;
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);

    const target = only('HorizontalPodAutoscaler').spec.scaleTargetRef;
    expect(find(target.kind, target.name)).toMatchObject({ apiVersion: target.apiVersion });
    expect(only('HorizontalPodAutoscaler').spec.metrics[0].resource.name).toBe('cpu');

    const service = only('Service');
    expect(Object.keys(service.spec.selector).length).toBeGreaterThan(0);
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    const containerPorts: { name?: string; containerPort: number }[] =
      deployment.spec.template.spec.containers[0].ports;
    for (const port of service.spec.ports) {
      expect(
        containerPorts.some(
          (p) => p.containerPort === port.targetPort || (p.name && p.name === port.targetPort),
        ),
      ).toBe(true);
    }
    expect(selects(only('PodDisruptionBudget').spec.selector.matchLabels, podLabels)).toBe(true);
    expect(target.name).toBe(deployment.metadata.name);
    const workerLabels = deploymentOf('worker').spec.template.metadata.labels;
    expect(selects(service.spec.selector, workerLabels)).toBe(false);
  });

  it('sets only variables the app knows, with values it accepts', () => {
    const known = knownEnvironmentVariables();
    const config: Record<string, string> = only('ConfigMap').data;
    const secret: Record<string, string> = only('Secret').stringData;
    expect(Object.keys(config).filter((key) => !known.has(key))).toEqual([]);
    expect(Object.keys(secret).filter((key) => !known.has(key))).toEqual([]);
    expect(Object.keys(secret).sort()).toEqual(['AUTH_CLIENTS', 'DATABASE_URL', 'JWT_SECRET']);
    for (const value of Object.values(config)) expect(typeof value).toBe('string');
    expect(() => parseEnvironment({ ...config, ...secret })).not.toThrow();
    // Placeholders, and marked as such: the image (NODE_ENV=production) refuses to start with them.
    for (const value of Object.values(secret)) expect(value).toMatch(/PLACEHOLDER/);
    expect(() => parseEnvironment({ ...config, ...secret, NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET=\(hidden\): looks like a placeholder[\s\S]*client "ops": the secret is stored in plain text/,
    );
  });
});
