import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIGURATION_PAGE, configurationPage } from './configuration-page.js';
import { ENVIRONMENT_VARIABLES, MODULES } from './environment.js';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (markdown: string) =>
  new Set([...markdown.matchAll(/^#+ (.+)$/gm)].map(([, heading]) => anchor(heading!)));

/** The Markdown files that may link to the page, from the repository's root. */
const LINKING = ['README.md', 'deploy/k8s/README.md', 'docs/api.md', 'docs/architecture.md'].concat(
  ['evaluation', 'operations', 'production'].map((page) => `docs/${page}.md`),
);

describe('docs/configuration.md', () => {
  let page: string;
  beforeAll(async () => {
    page = await configurationPage();
  });

  it('is what `npm run docs:config` writes from the settings the modules declare', () => {
    expect(
      readFileSync(CONFIGURATION_PAGE, 'utf8'),
      `${CONFIGURATION_PAGE} differs from the settings files: run \`npm run docs:config\` and commit it`,
    ).toBe(page);
  });

  it('lists every variable, each on one line with a short description', () => {
    for (const name of ENVIRONMENT_VARIABLES)
      expect(page).toMatch(new RegExp(`^- \`${name}\` \\(.+\\): .+$`, 'm'));
    for (const module of MODULES) {
      for (const [name, { description }] of Object.entries(module.settings)) {
        expect(description.length, `${name}: a description is one short line`).toBeLessThanOrEqual(100);
      }
    }
  });

  it('stays short: at most 1,500 words, no line over 300 characters', () => {
    expect(page.split(/\s+/).filter(Boolean).length).toBeLessThanOrEqual(1500);
    expect(page.split('\n').filter((line) => line.length > 300)).toEqual([]);
  });

  it('links to headings that exist, and has the headings other pages link to', () => {
    const own = anchorsOf(page);
    for (const [, target, hash] of page.matchAll(/\]\(([^)#\s]*)(?:#([^)\s]+))?\)/g)) {
      const file = join(dirname(CONFIGURATION_PAGE), target!);
      if (target) expect(existsSync(file), `${file} exists`).toBe(true);
      if (hash)
        expect(target ? anchorsOf(readFileSync(file, 'utf8')) : own, `#${hash} in ${file}`).toContain(hash);
    }
    for (const path of LINKING.filter((file) => existsSync(file))) {
      for (const [, hash] of readFileSync(path, 'utf8').matchAll(/configuration\.md#([\w-]+)/g)) {
        expect(own, `${path} links to configuration.md#${hash}`).toContain(hash);
      }
    }
  });
});
