// in-process cost per request: node inj.tmp.mjs [n]
import 'reflect-metadata';
import { createApp } from './dist/src/app.factory.js';
import { AppConfig } from './dist/src/config/app-config.js';
const app = await createApp(AppConfig.fromEnvironment());
const f = app.getHttpAdapter().getInstance();
for (let i = 0; i < 100; i++) { const r = await f.inject({ url: '/movies/1/similar' }); if (r.statusCode === 200) break; await new Promise((r) => setTimeout(r, 500)); }
const routes = {
  similar: { url: '/movies/1/similar' }, users: { url: '/users/1/recommendations' },
  taste: { method: 'POST', url: '/users/recommendations', payload: '{"action":5,"sci_fi":4}', headers: { 'content-type': 'application/json' } },
  search: { url: '/movies?search=toy' }, movie: { url: '/movies/1' }, status: { url: '/status' }, live: { url: '/status/live' },
};
const n = Number(process.argv[2] ?? 20000);
const which = (process.argv[3] ?? Object.keys(routes).join(',')).split(',');
for (const name of which) {
  const opts = routes[name];
  const run = async (count) => { let bad = 0; for (let i = 0; i < count; i += 32) { const rs = await Promise.all(Array.from({ length: 32 }, () => f.inject(opts))); bad += rs.filter((r) => r.statusCode >= 300).length; } return bad; };
  await run(2000);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const bad = await run(n);
  const c = process.cpuUsage(c0); const t = performance.now() - t0;
  process.stderr.write(`${name} cpu_us/req=${((c.user + c.system) / n).toFixed(1)} wall_us/req=${(t * 1000 / n).toFixed(1)} bad=${bad}\n`);
}
await app.close();
process.exit(0);
