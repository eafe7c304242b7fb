/** The range of a numeric parameter; a value outside it would break or silently degrade a fit. */
interface NumberRule {
  min: number;
  max?: number;
  integer?: boolean;
  minExclusive?: boolean;
}

/** The values a string parameter may take. */
interface ChoiceRule<T extends string = string> {
  oneOf: readonly T[];
}

/** A rule for every parameter of P: a range for numbers, the allowed values for strings. */
export type ParamRules<P> = {
  readonly [K in keyof P]-?: P[K] extends number
    ? NumberRule
    : P[K] extends string
      ? ChoiceRule<P[K]>
      : never;
};

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * What is wrong with `params` against `rules`: unknown names, values of the wrong type, numbers that
 * are not finite or out of range, strings that are not one of the allowed values. Empty when they
 * can be fitted.
 */
export function paramProblems(
  rules: Readonly<Record<string, NumberRule | ChoiceRule>>,
  params: object,
): string[] {
  const problems: string[] = [];
  const known = Object.keys(rules);
  for (const [name, value] of Object.entries(params)) {
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
    if (rule === undefined) {
      const hint = known.length === 0 ? 'it takes none' : `known: ${known.join(', ')}`;
      problems.push(`unknown parameter ${name} (${hint})`);
    } else if ('oneOf' in rule) {
      if (!rule.oneOf.includes(value as string)) {
        problems.push(`${name} must be one of ${rule.oneOf.map(show).join(', ')}, got ${show(value)}`);
      }
    } else if (typeof value !== 'number') {
      problems.push(`${name} must be a number, got ${show(value)}`);
    } else if (!Number.isFinite(value)) {
      problems.push(`${name} must be a finite number, got ${value}`);
    } else {
      const low = rule.minExclusive ? value <= rule.min : value < rule.min;
      const high = rule.max !== undefined && value > rule.max;
      if (low || high || (rule.integer && !Number.isInteger(value))) {
        const bound = `${rule.minExclusive ? '>' : '>='} ${rule.min}${rule.max === undefined ? '' : ` and <= ${rule.max}`}`;
        problems.push(`${name} must be ${rule.integer ? 'an integer ' : ''}${bound}, got ${value}`);
      }
    }
  }
  return problems;
}

/** Throws one Error naming `algorithm` and every problem of `params` against `rules`, if any. */
export function checkParams(algorithm: string, rules: ParamRules<object>, params: object): void {
  const problems = paramProblems(rules as Record<string, NumberRule | ChoiceRule>, params);
  if (problems.length > 0) throw new Error(`invalid ${algorithm} parameters: ${problems.join('; ')}`);
}

/**
 * Passed by a model's deserialize to its constructor: parameters read back from an artifact are
 * restored as they were stored, not checked again (an artifact written before the checks, or
 * before a range was narrowed, must still load and still report what it was trained with).
 */
export const FROM_ARTIFACT = Symbol('parameters read from a serialized model');

/**
 * `defaults` overridden by `params`: what a model's constructor keeps. Unless they come from an
 * artifact (`source` FROM_ARTIFACT), `params` are checked against `rules` first (see checkParams).
 */
export function modelParams<P extends object>(
  algorithm: string,
  rules: ParamRules<P>,
  defaults: P,
  params: Partial<P>,
  source?: typeof FROM_ARTIFACT,
): P {
  if (source !== FROM_ARTIFACT) checkParams(algorithm, rules, params);
  return { ...defaults, ...params };
}
