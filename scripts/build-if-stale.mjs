// Builds dist/ when it is missing or older than any source file, so `npm start` works right
// after `npm ci` and never runs stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Written only after a successful build, so a type-check or an interrupted build never counts.
const stamp = 'dist/.build-stamp';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // A folder's own time changes when a file in it is added, renamed or deleted.
    if (entry.isDirectory()) newest = Math.max(newest, statSync(path).mtimeMs, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  newestMtime('src'),
  newestMtime('migrations'),
  statSync('package-lock.json').mtimeMs,
);
const forced = process.argv.includes('--force');
if (forced || !existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  process.stderr.write('building (tsc)...\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
