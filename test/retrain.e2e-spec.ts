import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineRunner } from '../src/pipeline/pipeline-runner.js';
import { RegistryService } from '../src/registry/registry.service.js';
import { bootApp, type TestApp } from './support/app.js';
import { adminToken, AUTH_ENV } from './support/auth.js';
import { runCli } from './support/processes.js';

/** A run with no new data trains only when asked: `pipeline run --retrain` or `?retrain=true`. */
describe('retraining without new data', () => {
  let t: TestApp;
  let token: string;
  const versions = async () => (await t.app.get(RegistryService).list(1, 100)).total;

  beforeAll(async () => {
    // The fixture in one batch: after it, every replay run finds no new data.
    t = await bootApp({ ...AUTH_ENV, REPLAY_START_YEAR: '2100' });
    token = await adminToken(t);
    const first = await t.app.get(PipelineRunner).run({ trigger: 'cli' });
    expect(first).toMatchObject({ status: 'succeeded', summary: 'completed' });
  });
  afterAll(() => t.close());

  it('ends a run with no new data without training, unless asked', async () => {
    const runner = t.app.get(PipelineRunner);
    const before = await versions();
    expect(before).toBe(1);
    const idle = await runner.run({ trigger: 'cli' });
    expect(idle?.summary).toBe('no new data: the replay source is exhausted');
    expect(await versions()).toBe(before);

    const asked = await runner.run({ trigger: 'cli', retrain: true });
    expect(asked).toMatchObject({ status: 'succeeded', summary: 'completed' });
    expect(await versions()).toBe(before + 1);
  });

  it('retrains from the admin route with ?retrain=true, and refuses a value that is not a boolean', async () => {
    const before = await versions();
    await t.http
      .post('/admin/pipeline/runs?retrain=maybe')
      .auth(token, { type: 'bearer' })
      .expect(400)
      .expect(({ body }) => expect(body.message).toBe('retrain must be true or false'));
    const { body: started } = await t.http
      .post('/admin/pipeline/runs?retrain=true')
      .auth(token, { type: 'bearer' })
      .expect(202);
    let run;
    for (let attempt = 0; attempt < 600; attempt++) {
      ({ body: run } = await t.http
        .get(`/admin/pipeline/runs/${started.runId}`)
        .auth(token, { type: 'bearer' })
        .expect(200));
      if (run.status !== 'running') break;
      await sleep(100);
    }
    expect(run).toMatchObject({ status: 'succeeded', summary: 'completed' });
    expect(run.stages[0].detail).toMatchObject({
      asked: true,
      noNewData: expect.stringMatching(/^no new data/),
    });
    expect(run.stages[1]).toMatchObject({ name: 'validate', status: 'skipped' });
    expect(await versions()).toBe(before + 1);
  });

  it('retrains from the command line with pipeline run --retrain', async () => {
    const before = await versions();
    const env = {
      ...AUTH_ENV,
      DATABASE_URL: t.db.url,
      MOVIELENS_DIR: t.config.movielens.dir!,
      REPLAY_START_YEAR: '2100',
    };
    const result = runCli(['pipeline', 'run', '--retrain', '--json'], env);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', summary: 'completed' });
    expect(await versions()).toBe(before + 1);
  });
});
