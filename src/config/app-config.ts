import { type ConfigGroups, type Environment, MODULES, parseEnvironment } from './environment.js';

const isGroup = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

function composeGroups(env: Environment): ConfigGroups {
  const groups: Record<string, unknown> = {};
  for (const module of MODULES) {
    for (const [key, value] of Object.entries(module.toConfig(env))) {
      const earlier = groups[key];
      groups[key] = isGroup(earlier) && isGroup(value) ? { ...earlier, ...value } : value;
    }
  }
  return groups as ConfigGroups;
}

/** The groups as the fields of a class, so that AppConfig is both their type and the injection token. */
const Composed = class {
  constructor(env: Environment) {
    Object.assign(this, composeGroups(env));
  }
} as new (env: Environment) => Readonly<ConfigGroups>;

/**
 * Typed configuration used everywhere in the app; built once from the environment. Its groups are
 * declared beside the modules that read them (src/<module>/settings/*.settings.ts), composed in
 * environment.ts.
 */
export class AppConfig extends Composed {
  static fromEnvironment(
    env: Record<string, string | undefined> = process.env,
    overrides: Record<string, string | undefined> = {},
  ): AppConfig {
    return new AppConfig(parseEnvironment({ ...env, ...overrides }));
  }
}
