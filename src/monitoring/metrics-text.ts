import { register } from 'prom-client';

/**
 * Scrapes within this long of a rendering get the same text. Rendering runs on the event loop
 * (about 2–10 ms with the default process metrics), so without it 40 scrapers in a loop keep the
 * loop busy and every other request waits; Prometheus scrapes every 15 s and cannot tell.
 */
export const RENDER_REUSE_MS = 1000;

export const METRICS_CONTENT_TYPE = register.contentType;

let rendered: { at: number; text: Promise<string> } | undefined;

/**
 * prom-client's default registry in the text format, shared by the public route and the
 * METRICS_PORT listener, so both show the same figures and one rendering serves both.
 */
export function metricsText(): Promise<string> {
  const now = Date.now();
  if (!rendered || now - rendered.at >= RENDER_REUSE_MS) rendered = { at: now, text: register.metrics() };
  return rendered.text;
}
