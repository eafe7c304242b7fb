import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/environment.js';
import {
  BUNDLE_ALGORITHM,
  type BundleParams,
  easeSeqParamProblems,
  fullBundleParams,
  paramProblems,
} from '../core/index.js';

const RETURNING_RULES = {
  returningLambda: { min: 0, minExclusive: true },
  returningRelativeLambda: { min: 0, minExclusive: true },
} as const;

/**
 * MODEL_PARAMS checked against the served model's parameters (the session model's, and the
 * returning model's `returningLambda` or `returningRelativeLambda`); a ConfigError names every problem.
 */
export function checkedModelParams(params: Readonly<Record<string, number>>): BundleParams {
  const { returningLambda, returningRelativeLambda, ...session } = params;
  const returning = Object.fromEntries(
    Object.entries({ returningLambda, returningRelativeLambda }).filter(([, value]) => value !== undefined),
  );
  const problems = [...easeSeqParamProblems(session), ...paramProblems(RETURNING_RULES, returning)];
  if (returningLambda !== undefined && returningRelativeLambda !== undefined)
    problems.push('give returningLambda (fixed) or returningRelativeLambda (relative to the data), not both');
  if (session['weight'] !== undefined && (session['weightSearchUsers'] ?? 0) > 0)
    problems.push('give weight (fixed) or weightSearchUsers (the fit chooses the weight), not both');
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `MODEL_PARAMS: ${problem}`));
  return params as BundleParams;
}

/** The known-user models the pipeline trains, as configured; checked once, when the app starts. */
@Injectable()
export class ModelSettings {
  readonly algorithm = BUNDLE_ALGORITHM;
  /** The configured parameters (the rest take their defaults). */
  readonly params: BundleParams;
  /** Every parameter, defaults included, so a registered version says exactly what was trained. */
  readonly fullParams: Record<string, number>;

  constructor(config: AppConfig) {
    this.params = checkedModelParams(config.models.params);
    this.fullParams = fullBundleParams(this.params);
  }
}
