// The scale section's plot (bench/run.mjs --only scale): seconds against ratings on log-log axes,
// one line per pipeline stage and one for the whole run. Hand-written SVG, no dependency.
import { writeFileSync } from 'node:fs';

/** The plotted series, in legend order: key in a point's `seconds`, label, colour, line width. */
const SERIES = [
  ['ingest', 'ingest', '#1f77b4', 1.5],
  ['validate', 'validate', '#ff7f0e', 1.5],
  ['transform', 'transform', '#2ca02c', 1.5],
  ['train', 'train', '#d62728', 1.5],
  ['evaluate', 'evaluate', '#9467bd', 1.5],
  ['total', 'total (wall)', '#222222', 2.5],
];

const WIDTH = 720;
const HEIGHT = 460;
const PLOT = { left: 70, right: WIDTH - 150, top: 56, bottom: HEIGHT - 56 };

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const round = (x) => Math.round(x * 10) / 10;

/** Whole decades around the positive values: [lowest exponent, highest exponent], at least one decade. */
function decades(values) {
  const positive = values.filter((x) => x > 0);
  if (positive.length === 0) return [0, 1];
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return [lo, Math.max(hi, lo + 1)];
}

/** A rating count, short: 300k, 1M, 25M. */
function countLabel(n) {
  const [unit, suffix] = n >= 1e9 ? [1e9, 'G'] : n >= 1e6 ? [1e6, 'M'] : n >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${Number((n / unit).toPrecision(3))}${suffix}`;
}

/** 10^k seconds: 0.01, 0.1, 1, 10, 100, 1,000, 10,000; 1e6 and 1e-4 beyond. */
const secondsLabel = (k) =>
  k >= -3 && k <= 5 ? Number((10 ** k).toFixed(3)).toLocaleString('en-US') : `1e${k}`;

/**
 * The SVG text. `points`: one per dataset size, `{ ratings, seconds: { ingest, validate, transform,
 * train, evaluate, total } }`; a missing or non-positive time leaves a gap in its line.
 */
export function scalePlotSvg(points, { title = 'Pipeline run time by dataset size', subtitle = '' } = {}) {
  const sorted = [...points].sort((a, b) => a.ratings - b.ratings);
  const [xLo, xHi] = decades(sorted.map((p) => p.ratings));
  const [yLo, yHi] = decades(sorted.flatMap((p) => SERIES.map(([key]) => p.seconds[key] ?? 0)));
  const x = (v) => round(PLOT.left + ((Math.log10(v) - xLo) / (xHi - xLo)) * (PLOT.right - PLOT.left));
  const y = (v) => round(PLOT.bottom - ((Math.log10(v) - yLo) / (yHi - yLo)) * (PLOT.bottom - PLOT.top));

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  ];
  if (subtitle) {
    out.push(`<text x="${WIDTH / 2}" y="40" text-anchor="middle" fill="#555">${escape(subtitle)}</text>`);
  }

  // Grid: a line per decade (labelled) and lighter ones at 2..9 within it.
  const grid = [];
  const labels = [];
  for (let k = xLo; k <= xHi; k++) {
    for (let m = 1; m <= (k < xHi ? 9 : 1); m++) {
      const px = x(m * 10 ** k);
      grid.push(
        `<line x1="${px}" y1="${PLOT.top}" x2="${px}" y2="${PLOT.bottom}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`,
      );
    }
    labels.push(
      `<text x="${x(10 ** k)}" y="${PLOT.bottom + 18}" text-anchor="middle">${countLabel(10 ** k)}</text>`,
    );
  }
  // The measured sizes between decades, in grey, unless too close to a decade's label.
  for (const ratings of new Set(sorted.map((p) => p.ratings))) {
    const fromDecade = Math.abs(Math.log10(ratings) - Math.round(Math.log10(ratings)));
    if (fromDecade > 0.12) {
      labels.push(
        `<text x="${x(ratings)}" y="${PLOT.bottom + 18}" text-anchor="middle" fill="#777">${countLabel(ratings)}</text>`,
      );
    }
  }
  for (let k = yLo; k <= yHi; k++) {
    for (let m = 1; m <= (k < yHi ? 9 : 1); m++) {
      const py = y(m * 10 ** k);
      grid.push(
        `<line x1="${PLOT.left}" y1="${py}" x2="${PLOT.right}" y2="${py}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`,
      );
    }
    labels.push(
      `<text x="${PLOT.left - 8}" y="${y(10 ** k) + 4}" text-anchor="end">${secondsLabel(k)}</text>`,
    );
  }
  out.push(`<g>${grid.join('')}</g>`, `<g>${labels.join('')}</g>`);
  out.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 14}" text-anchor="middle">ratings (log scale)</text>`,
    `<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">seconds (log scale)</text>`,
  );

  // One polyline per run of consecutive positive times, a dot per point.
  for (const [key, , colour, width] of SERIES) {
    const segments = [[]];
    for (const p of sorted) {
      const s = p.seconds[key];
      if (s > 0) segments.at(-1).push([x(p.ratings), y(s)]);
      else if (segments.at(-1).length > 0) segments.push([]);
    }
    const parts = [];
    for (const segment of segments.filter((seg) => seg.length > 0)) {
      if (segment.length > 1) {
        const coords = segment.map(([px, py]) => `${px},${py}`).join(' ');
        parts.push(`<polyline points="${coords}" fill="none" stroke="${colour}" stroke-width="${width}"/>`);
      }
      for (const [px, py] of segment)
        parts.push(`<circle cx="${px}" cy="${py}" r="${width + 1}" fill="${colour}"/>`);
    }
    out.push(`<g>${parts.join('')}</g>`);
  }

  // Legend, right of the plot.
  const legend = SERIES.map(([, label, colour, width], i) => {
    const ly = PLOT.top + 10 + i * 20;
    return (
      `<line x1="${PLOT.right + 16}" y1="${ly}" x2="${PLOT.right + 40}" y2="${ly}" stroke="${colour}" stroke-width="${width}"/>` +
      `<text x="${PLOT.right + 46}" y="${ly + 4}">${escape(label)}</text>`
    );
  });
  out.push(`<g>${legend.join('')}</g>`, '</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes scalePlotSvg(points, options) to `path`. */
export function writeScalePlot(path, points, options) {
  writeFileSync(path, scalePlotSvg(points, options));
}
