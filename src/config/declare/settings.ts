/**
 * How a module declares the environment variables it reads, in a settings file beside its code
 * (`src/<module>/settings/<module>.settings.ts`): each variable's rule, default and one-line
 * description, and how the values become the module's part of AppConfig. This folder imports nothing
 * of the app, and a settings file nothing else of it (src/core aside, which imports nothing), never
 * its own module: src/config composes them (environment.ts) without a folder cycle, and
 * docs/configuration.md is generated from them (configuration-page.ts, `npm run docs:config`).
 */
import { fileURLToPath } from 'node:url';

/** A variable's text read into its value, or the rule it breaks (the variable's name leads it). */
export type Reading<T> = { value: T } | { problem: string };

/** Tells whether another variable is set (present and not blank). */
type IsSet = (name: string) => boolean;

/** One environment variable, as declared. */
export interface Setting<T> {
  /** One short line for docs/configuration.md. */
  readonly description: string;
  /** Never echoed in a message: shown as (hidden). */
  readonly secret: boolean;
  /** The default and the allowed values as docs/configuration.md shows them. */
  readonly shown: { readonly default: string; readonly allowed: string };
  /** The value of `text`, the variable's text (undefined when the variable is absent). */
  read(text: string | undefined, name: string, isSet: IsSet): Reading<T>;
}

/** A union's members as one type (the variables, or the AppConfig groups, of every module). */
export type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;

/** The values of declared settings, by variable name. */
export type Values<S> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** What every kind of setting takes. */
interface Declared<T> {
  description: string;
  /** The value when the variable is absent; without one, the variable is optional and blank = unset. */
  default?: T;
  /** The default as the page shows it, where the value alone would not say it. */
  shownDefault?: string;
  /** The allowed values as the page shows them, where the rule alone would not say it. */
  allowed?: string;
  /** What follows the variable's name in the message when its text is not of the right kind. */
  message?: string;
  /** Applied to the text before it is read (trimming, case, a word that means unset). */
  normalize?: (text: string) => string;
  /** Never echoed in a message. */
  secret?: boolean;
}

interface Kind<T> {
  /** Reads a present, non-blank (for an optional setting) text. */
  parse(text: string, name: string): Reading<T>;
  allowed: string;
}

const code = (value: unknown) => `\`${String(value)}\``;

/** Large bounds with separators (10,000,000); ports and years as they are. */
const figure = (value: number) =>
  Math.abs(value) >= 100_000 ? value.toLocaleString('en-US') : String(value);

function declare<T>(options: Declared<T> & { requiredWith?: string }, kind: Kind<T>) {
  const { description, normalize, requiredWith } = options;
  const optional = options.default === undefined;
  const fallback = options.default as T;
  const unset = (text: string | undefined): text is undefined =>
    text === undefined || (optional && text.trim() === '');
  const setting: Setting<T> = {
    description,
    secret: options.secret ?? false,
    shown: {
      default: options.shownDefault ?? (optional ? 'unset' : code(options.default)),
      allowed: options.allowed ?? kind.allowed,
    },
    read(raw, name, isSet) {
      const text = raw === undefined || normalize === undefined ? raw : normalize(raw);
      // Checked only when the other variable is set, and then required.
      if (requiredWith !== undefined && !isSet(requiredWith)) {
        return { value: unset(text) ? fallback : (text as T) };
      }
      if (unset(text)) {
        return requiredWith === undefined ? { value: fallback } : { problem: `${name} ${options.message}` };
      }
      return kind.parse(text, name);
    },
  };
  return setting;
}

type Optional<O, T> = O extends { default: unknown } ? T : T | undefined;

interface Bounds {
  min?: number;
  max?: number;
}

function inBounds(value: number, name: string, { min, max }: Bounds): Reading<number> {
  if (min !== undefined && value < min) return { problem: `${name} must not be less than ${min}` };
  if (max !== undefined && value > max) return { problem: `${name} must not be greater than ${max}` };
  return { value };
}

function range({ min, max }: Bounds): string {
  if (min !== undefined && max !== undefined) return `${figure(min)}–${figure(max)}`;
  return min !== undefined ? `>= ${figure(min)}` : max !== undefined ? `<= ${figure(max)}` : 'any';
}

type IntegerOptions = Declared<number> &
  Bounds & {
    /** A value refused within the bounds, and what the message says of it. */
    not?: { value: number; message: string };
  };

/** A whole number (`42`, ` 42 `), within bounds; the message names a wrong kind before a bound. */
export function integer<O extends IntegerOptions>(options: O): Setting<Optional<O, number>> {
  const { not } = options;
  return declare<number>(options, {
    allowed: `integer ${range(options)}${not ? `, not ${not.value}` : ''}`,
    parse(text, name) {
      if (!/^-?\d+$/.test(text.trim())) {
        return { problem: `${name} ${options.message ?? 'must be an integer number'}` };
      }
      const value = Number(text);
      if (not !== undefined && value === not.value) return { problem: `${name} ${not.message}` };
      return inBounds(value, name, options);
    },
  }) as Setting<Optional<O, number>>;
}

/** A finite number (`0.05`), within bounds. */
export function decimal<O extends Declared<number> & Bounds>(options: O): Setting<Optional<O, number>> {
  return declare<number>(options, {
    allowed: range(options),
    parse(text, name) {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        return { problem: `${name} ${options.message ?? 'must be a number'}` };
      }
      return inBounds(value, name, options);
    },
  }) as Setting<Optional<O, number>>;
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** true/false, also 1/0, yes/no, on/off, in any case. */
export function flag<O extends Declared<boolean>>(options: O): Setting<Optional<O, boolean>> {
  return declare<boolean>(options, {
    allowed: '`true`/`false`',
    parse(text, name) {
      const word = text.trim().toLowerCase();
      if (TRUE.includes(word)) return { value: true };
      if (FALSE.includes(word)) return { value: false };
      return { problem: `${name} must be true or false` };
    },
  }) as Setting<Optional<O, boolean>>;
}

/** One of a list of words, as written. */
export function oneOf<const V extends string, O extends Declared<V>>(
  values: readonly V[],
  options: O,
): Setting<Optional<O, V>> {
  return declare<V>(options, {
    allowed: values.map(code).join(', '),
    parse(text, name) {
      return values.includes(text as V)
        ? { value: text as V }
        : {
            problem: `${name} ${options.message ?? `must be one of the following values: ${values.join(', ')}`}`,
          };
    },
  }) as Setting<Optional<O, V>>;
}

type TextOptions = Declared<string> & {
  /** The page's allowed values: a text's rule does not say them by itself. */
  allowed: string;
  /** The rule the text must meet (with `message`); any text when absent. */
  valid?: RegExp | ((text: string) => boolean);
  message?: string;
  /** Another variable that, when set, makes this one required; unchecked while it is unset. */
  requiredWith?: string;
};

/** A text, optionally meeting a rule. */
export function text<O extends TextOptions>(options: O): Setting<Optional<O, string>> {
  const { valid } = options;
  const meets = (value: string) =>
    valid === undefined || (typeof valid === 'function' ? valid(value) : valid.test(value));
  return declare<string>(options, {
    allowed: options.allowed,
    parse: (value, name) => (meets(value) ? { value } : { problem: `${name} ${options.message}` }),
  }) as Setting<Optional<O, string>>;
}

/** A value read by the module's own function, which returns it or the rule it breaks. */
export function parsed<T>(options: Declared<T> & { allowed: string; parse: Kind<T>['parse'] }): Setting<T> {
  return declare<T>(options, options);
}

/** A short section the page shows after a module's table: what a variable's row cannot say. */
interface Note {
  heading: string;
  text: string;
}

/** A module's settings: its variables, its part of AppConfig and its rules across variables. */
export interface ModuleSettings<S extends Record<string, Setting<unknown>>, C extends object> {
  /** The module's heading on the page. */
  readonly title: string;
  /** The settings file, from the repository's root (`src/drift/settings/drift.settings.ts`). */
  readonly file: string;
  /** A sentence under the heading, if any. */
  readonly intro?: string;
  readonly notes: readonly Note[];
  readonly settings: S;
  /** The module's groups of AppConfig; groups of the same name from several modules are merged. */
  toConfig(values: Values<S>): C;
  /**
   * Problems across variables, checked once every variable is valid; `all` holds every module's
   * values, for a rule that involves another module's variable.
   */
  check(values: Values<S>, all: Readonly<Record<string, unknown>>): string[];
}

/** Any module's settings, as src/config composes them. */
export type AnyModuleSettings = ModuleSettings<Record<string, Setting<unknown>>, object>;

/**
 * Declares a module's settings. `url` is the settings file's import.meta.url, so the page names
 * the file (from src/ or from the build in dist/src/).
 */
export function defineSettings<S extends Record<string, Setting<unknown>>, C extends object>(
  url: string,
  declaration: Omit<ModuleSettings<S, C>, 'file' | 'notes' | 'check'> &
    Partial<Pick<ModuleSettings<S, C>, 'notes' | 'check'>>,
): ModuleSettings<S, C> {
  const path = fileURLToPath(url);
  const file = path.slice(path.lastIndexOf('/src/') + 1).replace(/\.js$/, '.ts');
  return { notes: [], check: () => [], ...declaration, file };
}
