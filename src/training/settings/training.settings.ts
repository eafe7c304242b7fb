import { EASE_FIT_DEFAULTS, fullBundleParams } from '../../core/index.js';
import { defineSettings, parsed, type Reading } from '../../config/declare/settings.js';

/**
 * MODEL_PARAMS as numbers by name: a JSON object whose values are all numbers. Their names and
 * ranges are checked when the app starts (src/training/model-settings.ts).
 */
function readModelParams(text: string, name: string): Reading<Record<string, number>> {
  if (!/^\{.*\}$/s.test(text)) return { problem: `${name} must be a JSON object, e.g. {"lambda": 500}` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, number]) => typeof number !== 'number' || !Number.isFinite(number))) {
    return { problem: 'every value must be a number' };
  }
  return { value: Object.fromEntries(entries) as Record<string, number> };
}

/** Every parameter the served bundle fits with when MODEL_PARAMS gives none, as `name` value. */
const DEFAULTS = Object.entries({ ...EASE_FIT_DEFAULTS, ...fullBundleParams({}) })
  .map(([param, value]) => `\`${param}\` ${value}`)
  .join(', ');

/** The known-user models the pipeline trains (src/training/model-settings.ts, src/core/model-bundle.ts). */
export const trainingSettings = defineSettings(import.meta.url, {
  title: 'Training',
  settings: {
    MODEL_PARAMS: parsed({
      default: {},
      shownDefault: '`{}`',
      allowed: 'a JSON object of numbers ([below](#model_params))',
      description: 'parameters of the known-user models (ease-seq, and EASE for returning users)',
      parse: readModelParams,
    }),
  },
  notes: [
    {
      heading: '`MODEL_PARAMS`',
      text:
        `Defaults: ${DEFAULTS}. A given \`lambda\` (250 when \`relativeLambda\` is 0) or \`weight\` (0.5 when ` +
        "`weightSearchUsers` is 0) is used as given; `returningLambda` fixes the returning model's λ. An " +
        'unknown name or a value out of range stops the start. Meanings: ' +
        '[evaluation](evaluation.md#models).',
    },
  ],
  toConfig: (env) => ({ models: { params: env.MODEL_PARAMS } }),
});
