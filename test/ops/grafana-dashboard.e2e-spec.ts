import { readFileSync } from 'node:fs';
import { PipelineRunner } from '../../src/pipeline/pipeline-runner.js';
import { bootApp, type TestApp } from '../support/app.js';
import {
  type Exposition,
  familyOf,
  parseExposition,
  promqlMetricNames,
  readYaml,
  repoPath,
} from './support.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId?: string; expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

const DASHBOARD = repoPath('grafana/dashboards/movie-reco.json');

function readDashboard(): { uid: string; panels: Panel[]; templating: { list: { name: string }[] } } {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8'));
}

/** Every panel, rows' nested panels included. */
function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** panel title → the metric names its queries read. */
function metricsByPanel(): Map<string, string[]> {
  const byPanel = new Map<string, string[]>();
  for (const panel of allPanels(readDashboard().panels)) {
    for (const target of panel.targets ?? []) {
      const names = promqlMetricNames(target.expr ?? '');
      byPanel.set(panel.title, [...new Set([...(byPanel.get(panel.title) ?? []), ...names])]);
    }
  }
  return byPanel;
}

describe('grafana provisioning and dashboard', () => {
  it('provisions the Prometheus of the compose file and the dashboards folder', () => {
    const datasources = readYaml(repoPath('grafana/provisioning/datasources/prometheus.yml'));
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', uid: 'prometheus' }),
    ]);
    const dashboards = readYaml(repoPath('grafana/provisioning/dashboards/movie-reco.yml'));
    expect(dashboards.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: expect.any(String) }),
      }),
    ]);
  });

  it('is a well-formed dashboard: unique panel ids, every query with a refId and an expression', () => {
    const dashboard = readDashboard();
    const panels = allPanels(dashboard.panels);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const variables = dashboard.templating.list.map((v) => `\${${v.name}}`);
    const problems: string[] = [];
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      if (!panel.targets?.length) problems.push(`"${panel.title}": no query`);
      if (!['prometheus', ...variables].includes(panel.datasource?.uid ?? '')) {
        problems.push(`"${panel.title}": unknown datasource ${panel.datasource?.uid}`);
      }
      for (const target of panel.targets ?? []) {
        if (!/^[A-Z]$/.test(target.refId ?? '')) problems.push(`"${panel.title}": bad refId ${target.refId}`);
        if (!/movie_reco_/.test(target.expr ?? '')) problems.push(`"${panel.title}": no movie_reco_ metric`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reads metrics out of PromQL, not functions, keywords, labels or variables', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(movie_reco_x_seconds_bucket{status_code=~"5..", route!="a b"}[$__rate_interval])))',
      ),
    ).toEqual(['movie_reco_x_seconds_bucket']);
    expect(
      promqlMetricNames(
        'time() - max(a_seconds) and max(a_seconds) > 0 or sum(rate(b_total[5m])) without (instance) / clamp_min(c, 1e-9)',
      ),
    ).toEqual(['a_seconds', 'b_total', 'c']);
    const scrape = parseExposition(
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n# TYPE g_count gauge\ng_count 2\n',
    );
    expect(['h_bucket', 'h_count', 'h_sum', 'h', 'g_count', 'g'].map((n) => familyOf(n, scrape))).toEqual([
      'h',
      'h',
      'h',
      'h',
      'g_count',
      undefined,
    ]);
  });

  describe('against the running app', () => {
    let t: TestApp;
    let scrape: Exposition;

    beforeAll(async () => {
      t = await bootApp();
      const run = await t.app.get(PipelineRunner).run({ trigger: 'cli' });
      expect(run).toMatchObject({ status: 'succeeded' });
      // The promoted model is loaded by a NOTIFY; wait until it is served.
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await t.http.get('/users/1/recommendations')).status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await t.http.get('/users/1/recommendations?limit=5').expect(200);
      await t.http.get('/users/999999/recommendations?limit=5').expect(200);
      await t.http.get('/movies/1/similar?limit=3').expect(200);
      await t.http.post('/users/recommendations?limit=3').send({ comedy: 2, drama: 1 }).expect(200);
      await t.http.get('/no/such/path').expect(404);
      const { text } = await t.http.get('/metrics').expect(200);
      scrape = parseExposition(text);
    }, 120_000);
    afterAll(() => t?.close());

    it('exposes every metric a dashboard panel queries', () => {
      const missing: string[] = [];
      for (const [panel, names] of metricsByPanel()) {
        for (const name of names) if (!familyOf(name, scrape)) missing.push(`${name} (panel "${panel}")`);
      }
      expect(missing).toEqual([]);
    });

    it('covers the metric set of the README', () => {
      const queried = new Set([...metricsByPanel().values()].flat().map((name) => familyOf(name, scrape)));
      const expected = [
        'movie_reco_http_request_duration_seconds',
        'movie_reco_recommendations_total',
        'movie_reco_impressions_total',
        'movie_reco_impression_hits_total',
        'movie_reco_impressions_dropped_total',
        'movie_reco_model_info',
        'movie_reco_model_ndcg_at_10',
        'movie_reco_model_recall_at_10',
        'movie_reco_replay_hit_rate',
        'movie_reco_data_version',
        'movie_reco_ingested_rows_total',
        'movie_reco_quarantined_rows_total',
        'movie_reco_pipeline_runs_total',
        'movie_reco_pipeline_stage_duration_seconds',
        'movie_reco_training_duration_seconds',
        'movie_reco_data_drift',
        'movie_reco_data_drift_threshold',
        'movie_reco_process_cpu_seconds_total',
        'movie_reco_process_resident_memory_bytes',
      ];
      expect(expected.filter((name) => !queried.has(name))).toEqual([]);
    });
  });
});
