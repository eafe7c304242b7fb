import { DataSource } from 'typeorm';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { bootApp, loadAll, type TestApp } from './support/app.js';
import { clientToken } from './support/auth.js';
import { FIXTURE } from './support/fixtures.js';

const JWT_SECRET = 'x'.repeat(32);
const OPS = {
  id: 'ops',
  secret: 'ops-secret-0123456789',
  scopes: ['pipeline:read', 'data:read', 'data:write'],
};
const VIEWER = { id: 'viewer', secret: 'viewer-secret-0123456', scopes: ['pipeline:read'] };
const HEADER = 'userId,movieId,rating,timestamp';

const now = Math.floor(Date.now() / 1000);
/** Ratings of the fixture's movies 1..30 by a new user, in the last 30 days. */
const goodCsv = (userId: number) =>
  [
    HEADER,
    ...Array.from({ length: 30 }, (_, i) => `${userId},${i + 1},${(i % 10) / 2 + 0.5},${now - i * 86_400}`),
  ]
    .join('\n')
    .concat('\n');

const uploadsLeft = async () =>
  (await readdir(tmpdir()))
    .filter((file) => file.startsWith('movie-reco-upload-') || file.startsWith('movie-reco-quarantine-'))
    .sort();

describe('admin: data batches and uploads', () => {
  let t: TestApp;
  let fullBatchId: number;
  let tempFilesBefore: string[];
  const tokens: Record<string, string> = {};

  const token = (client: { id: string; secret: string }, scope?: string): Promise<string> =>
    clientToken(t, client, scope);

  const get = (path: string, as = tokens.ops!) => t.http.get(path).auth(as, { type: 'bearer' });
  const upload = (csv: string | Buffer, query = '') =>
    t.http
      .post(`/admin/batches${query}`)
      .auth(tokens.ops!, { type: 'bearer' })
      .set('content-type', 'text/csv')
      .send(typeof csv === 'string' ? Buffer.from(csv) : csv);

  const waitForRun = async (runId: number) => {
    for (let attempt = 0; attempt < 300; attempt++) {
      const { body } = await get(`/admin/pipeline/runs/${runId}`).expect(200);
      if (body.status !== 'running') return body;
      await sleep(100);
    }
    throw new Error(`run ${runId} did not finish`);
  };

  beforeAll(async () => {
    tempFilesBefore = await uploadsLeft();
    t = await bootApp({
      AUTH_CLIENTS: JSON.stringify([OPS, VIEWER]),
      JWT_SECRET,
      UPLOAD_MAX_BYTES: '2048',
    });
    const loaded = await loadAll(t);
    expect(loaded.status).toBe('succeeded');
    tokens.ops = await token(OPS);
    tokens.readOnly = await token(OPS, 'data:read');
    tokens.viewer = await token(VIEWER);
    const { body } = await get('/admin/batches').expect(200);
    fullBatchId = body.items[0].id;
  });
  afterAll(() => t?.close());

  describe('GET /admin/batches', () => {
    it('lists the batches newest first with their counts', async () => {
      const { body } = await get('/admin/batches').expect(200);
      expect(body).toMatchObject({ total: 1, page: 1, limit: 20 });
      expect(body.items).toEqual([
        {
          id: fullBatchId,
          version: 1,
          kind: 'full',
          status: 'applied',
          source: expect.stringMatching(/^movielens:/),
          period: null,
          periodStart: null,
          periodEnd: null,
          moviesRows: FIXTURE.movies,
          ratingsRows: FIXTURE.ratings,
          feedbackRows: 0,
          quarantinedRows: FIXTURE.quarantined.length,
          seconds: expect.any(Number),
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          pipelineRunId: expect.any(Number),
        },
      ]);
    });

    it('filters by status and rejects an unknown status or field', async () => {
      const { body } = await get('/admin/batches?status=rejected').expect(200);
      expect(body).toMatchObject({ items: [], total: 0 });
      const bad = await get('/admin/batches?status=pending').expect(400);
      expect(bad.body.message).toContain('status must be one of: applied, rejected');
      await get('/admin/batches?color=red').expect(400);
    });

    it('answers 401 without a token and 403 without data:read', async () => {
      const anonymous = await t.http.get('/admin/batches').expect(401);
      expect(anonymous.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      const forbidden = await get('/admin/batches', tokens.viewer).expect(403);
      expect(forbidden.body).toMatchObject({ statusCode: 403, error: 'Forbidden', path: '/admin/batches' });
      await get(`/admin/batches/${fullBatchId}`, tokens.viewer).expect(403);
      await get(`/admin/batches/${fullBatchId}/quarantine`, tokens.viewer).expect(403);
    });
  });

  describe('GET /admin/batches/:id', () => {
    it('shows the batch with its validation report', async () => {
      const { body } = await get(`/admin/batches/${fullBatchId}`, tokens.readOnly).expect(200);
      expect(body).toMatchObject({ id: fullBatchId, version: 1, kind: 'full', status: 'applied' });
      expect(body.report).toEqual({
        passed: true,
        rowsRead: expect.any(Number),
        rowsAccepted: expect.any(Number),
        rowsQuarantined: FIXTURE.quarantined.length,
        badRowShare: expect.any(Number),
        threshold: 0.05,
        checks: expect.objectContaining({ rating: 1, duplicate: 1, unknown_movie: 1, movie_id: 1 }),
      });
      expect(body.report.rowsRead - body.report.rowsAccepted).toBe(FIXTURE.quarantined.length);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const { body } = await get('/admin/batches/9999').expect(404);
      expect(body).toMatchObject({ statusCode: 404, message: 'batch 9999 not found' });
      await get('/admin/batches/abc').expect(400);
      await get('/admin/batches/0').expect(400);
    });
  });

  describe('GET /admin/batches/:id/quarantine', () => {
    it('lists the quarantined rows by file and line', async () => {
      const { body } = await get(`/admin/batches/${fullBatchId}/quarantine`).expect(200);
      expect(body).toMatchObject({ total: FIXTURE.quarantined.length, page: 1, limit: 20 });
      expect(body.items.map(({ raw: _raw, ...row }: Record<string, unknown>) => row)).toEqual(
        FIXTURE.quarantined,
      );
      expect(body.items[1].raw).toEqual(expect.any(String));
    });

    it('pages and filters by check', async () => {
      const page = await get(`/admin/batches/${fullBatchId}/quarantine?page=2&limit=3`).expect(200);
      expect(page.body.items.map((row: { line: number }) => row.line)).toEqual(
        FIXTURE.quarantined.slice(3, 6).map((row) => row.line),
      );
      const rating = await get(`/admin/batches/${fullBatchId}/quarantine?check=rating`).expect(200);
      expect(rating.body).toMatchObject({ total: 1, items: [{ line: 226, check: 'rating' }] });
      await get(`/admin/batches/${fullBatchId}/quarantine?check=nonsense`).expect(400);
    });

    it('answers 404 for an unknown batch', async () => {
      await get('/admin/batches/9999/quarantine').expect(404);
    });
  });

  describe('POST /admin/batches', () => {
    it('ingests an uploaded CSV as a new data version', async () => {
      const response = await upload(goodCsv(500), '?name=ratings-500.csv').expect(202);
      expect(response.body).toEqual({
        runId: expect.any(Number),
        location: `/admin/pipeline/runs/${response.body.runId}`,
      });
      expect(response.headers['location']).toBe(response.body.location);
      const run = await waitForRun(response.body.runId);
      expect(run).toMatchObject({ trigger: 'upload', status: 'succeeded', dataVersion: 2, error: null });
      // 30 ratings are too few for drift to mean anything (DRIFT_MIN_SAMPLE, 1000 by default).
      expect(run.drift).toMatchObject({
        measures: { rating_psi: null, genre_psi: null, activity_ks: null },
        drifted: [],
        skipped: '30 staged ratings, fewer than DRIFT_MIN_SAMPLE (1000): not measured',
      });

      const { body: batch } = await get(`/admin/batches/${run.batchId}`).expect(200);
      expect(batch).toMatchObject({
        version: 2,
        kind: 'upload',
        status: 'applied',
        source: 'upload:ratings-500.csv',
        ratingsRows: 30,
        quarantinedRows: 0,
        pipelineRunId: run.id,
      });
      expect(batch.report).toMatchObject({ passed: true, rowsRead: 30, rowsQuarantined: 0 });
      const { body: list } = await get('/admin/batches').expect(200);
      expect(list.items[0].id).toBe(run.batchId);
      expect(list.total).toBe(2);
    });

    it('rejects a batch where most rows are bad, keeping its report and quarantine', async () => {
      const rows = Array.from({ length: 10 }, (_, i) => `501,${i + 1},${i < 8 ? '7.5' : '4.0'},${now - i}`);
      const { body } = await upload([HEADER, ...rows].join('\n'), '?name=bad.csv').expect(202);
      const run = await waitForRun(body.runId);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/^stage validate failed: batch rejected: 8 of 10 rows failed validation/);
      expect(run.dataVersion).toBeNull();

      const { body: rejected } = await get('/admin/batches?status=rejected').expect(200);
      expect(rejected.total).toBe(1);
      const [batch] = rejected.items;
      // The run names the batch it stored, so the runbook's path to its report leads there.
      expect(run.batchId).toBe(batch.id);
      expect(batch).toMatchObject({
        kind: 'upload',
        status: 'rejected',
        version: null,
        source: 'upload:bad.csv',
        quarantinedRows: 8,
        pipelineRunId: run.id,
      });
      const { body: shown } = await get(`/admin/batches/${batch.id}`).expect(200);
      expect(shown.report).toMatchObject({
        passed: false,
        rowsRead: 10,
        rowsAccepted: 2,
        rowsQuarantined: 8,
        badRowShare: 0.8,
        checks: expect.objectContaining({ rating: 8 }),
      });
      const { body: quarantine } = await get(`/admin/batches/${batch.id}/quarantine?limit=100`).expect(200);
      expect(quarantine.total).toBe(8);
      expect(quarantine.items[0]).toMatchObject({ file: 'bad.csv', line: 2, check: 'rating' });
    });

    it('answers 400 when the first line is not the header, starting no run', async () => {
      const { body: before } = await get('/admin/pipeline/runs').expect(200);
      const { body } = await upload('502,1,4.0,1700000000\n502,2,3.5,1700000000\n').expect(400);
      expect(body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message:
          'upload.csv must start with the header userId,movieId,rating,timestamp; found "502,1,4.0,1700000000"',
      });
      const wrongColumns = await upload('user,movie,stars,time\n502,1,4.0,1700000000\n').expect(400);
      expect(wrongColumns.body.message).toContain('found "user,movie,stars,time"');
      const { body: after } = await get('/admin/pipeline/runs').expect(200);
      expect(after.total).toBe(before.total);
    });

    it('quarantines rows with NUL or control bytes, with a reason, and applies the rest', async () => {
      const good = goodCsv(508).trimEnd().split('\n');
      const csv = Buffer.concat([
        Buffer.from(`${good.slice(0, 20).join('\n')}\n`),
        Buffer.from('508,21,4.0,\0\0\0\n'),
        Buffer.from(`${good.slice(20).join('\n')}\n`),
      ]);
      const { body } = await upload(csv, '?name=control.csv').expect(202);
      const run = await waitForRun(body.runId);
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      const { body: batch } = await get(`/admin/batches/${run.batchId}`).expect(200);
      expect(batch).toMatchObject({ status: 'applied', ratingsRows: 30, quarantinedRows: 1 });
      expect(batch.report.checks).toMatchObject({ control_bytes: 1 });
      const { body: quarantine } = await get(`/admin/batches/${run.batchId}/quarantine`).expect(200);
      expect(quarantine.items).toEqual([
        {
          file: 'control.csv',
          line: 21,
          raw: '508,21,4.0,\u2400\u2400\u2400',
          check: 'control_bytes',
          reason: 'the row holds the control byte 0x00 (NUL)',
        },
      ]);
    });

    it('quarantines unknown movies and older duplicates with their text exactly as sent', async () => {
      const rated = [509, 510].flatMap((user) => goodCsv(user).trimEnd().split('\n').slice(1));
      const odd = [
        `509,999,4.0,${now}`, // not in the catalog, written the way MovieLens writes it
        `509,1,4,${now - 400 * 86_400}`, // older than 509's rating of movie 1, written without ".0"
      ];
      const { body } = await upload(`${HEADER}\n${[...rated, ...odd].join('\n')}\n`, '?name=keys.csv').expect(
        202,
      );
      const run = await waitForRun(body.runId);
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      const { body: quarantine } = await get(`/admin/batches/${run.batchId}/quarantine`).expect(200);
      expect(
        quarantine.items.map(({ line, raw, check }: Record<string, unknown>) => ({ line, raw, check })),
      ).toEqual([
        { line: 62, raw: odd[0], check: 'unknown_movie' },
        { line: 63, raw: odd[1], check: 'duplicate' },
      ]);
      const [kept] = await t.app
        .get(DataSource)
        .query('SELECT rating FROM ratings WHERE user_id = 509 AND movie_id = 1');
      expect(kept).toEqual({ rating: 0.5 });
    });

    it('answers 413 over UPLOAD_MAX_BYTES', async () => {
      const big = goodCsv(503).repeat(4);
      expect(big.length).toBeGreaterThan(2048);
      const { body } = await upload(big).expect(413);
      expect(body).toMatchObject({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'the upload is larger than 2048 bytes (UPLOAD_MAX_BYTES)',
        path: '/admin/batches',
      });
    });

    it('answers 413 over UPLOAD_MAX_BYTES for a chunked body without Content-Length', async () => {
      const request = t.http
        .post('/admin/batches')
        .auth(tokens.ops!, { type: 'bearer' })
        .set('content-type', 'text/csv')
        .set('transfer-encoding', 'chunked');
      for (let i = 0; i < 4; i++) request.write(goodCsv(504));
      const { status, body } = await request;
      expect(status).toBe(413);
      expect(body.statusCode).toBe(413);
    });

    it('answers 415 for another content type, 400 for an empty body or a bad name', async () => {
      const plain = await t.http
        .post('/admin/batches')
        .auth(tokens.ops!, { type: 'bearer' })
        .set('content-type', 'text/plain')
        .send(goodCsv(505))
        .expect(415);
      expect(plain.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      await t.http
        .post('/admin/batches')
        .auth(tokens.ops!, { type: 'bearer' })
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from(goodCsv(505)))
        .expect(415);
      const empty = await upload('').expect(400);
      expect(empty.body.message).toContain('the request body is empty');
      await upload(goodCsv(505), '?name=../../etc/passwd').expect(400);
    });

    it('answers 401 without a token and 403 without data:write', async () => {
      await t.http.post('/admin/batches').set('content-type', 'text/csv').send(goodCsv(506)).expect(401);
      await t.http
        .post('/admin/batches')
        .auth(tokens.readOnly!, { type: 'bearer' })
        .set('content-type', 'text/csv')
        .send(goodCsv(506))
        .expect(403);
    });

    it('answers 409 while another run holds the pipeline lock', async () => {
      const holder = new pg.Client({ connectionString: t.db.url });
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock(hashtext('movie-reco:pipeline'))`);
        const { body } = await upload(goodCsv(507)).expect(409);
        expect(body).toMatchObject({
          statusCode: 409,
          error: 'Conflict',
          message: 'a pipeline run is already active',
          activeRunId: null,
        });
      } finally {
        await holder.end();
      }
    });

    it('is documented in OpenAPI as a text/csv body behind data:write', async () => {
      const { body } = await t.http.get('/docs-json').expect(200);
      const post = body.paths['/admin/batches'].post;
      expect(post.requestBody.content).toHaveProperty(['text/csv']);
      expect(post['x-required-scopes']).toEqual(['data:write']);
      expect(post.responses).toHaveProperty(['202']);
      expect(post.responses).toHaveProperty(['413']);
      expect(body.paths['/admin/batches/{id}/quarantine'].get['x-required-scopes']).toEqual(['data:read']);
    });

    it('leaves no temporary upload behind', async () => {
      // A run's upload is removed once the run is done, after its status is recorded: on a busy
      // machine that can take seconds.
      for (
        let attempt = 0;
        attempt < 100 && (await uploadsLeft()).length > tempFilesBefore.length;
        attempt++
      ) {
        await sleep(100);
      }
      expect(await uploadsLeft()).toEqual(tempFilesBefore);
    });
  });
});
