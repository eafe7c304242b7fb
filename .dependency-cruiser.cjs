/**
 * The architecture rules `npm run lint` enforces (dependency-cruiser). The folders of src/ are
 * NestJS modules; docs/architecture.md shows the order they depend on each other in.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'A module folder may not depend on a folder that depends on it back, directly or not.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'pure-algorithms',
      comment:
        'Algorithms and the evaluation protocol are plain TypeScript over typed arrays: no Nest, no database, no files, so they are tested and benchmarked alone.',
      severity: 'error',
      from: {
        path: '^src/(training/algorithms/|evaluation/protocol/|evaluation/evaluate\\.ts$)',
        pathNot: '(\\.spec|/fixtures|/test-data)\\.ts$',
      },
      to: {
        path: '^(node_modules/(@nestjs|typeorm|pg|pg-copy-streams|fastify)/|(node:)?(fs|fs/promises|net|http|child_process)$|src/(database|config|ingestion|registry|pipeline)/)',
      },
    },
    {
      name: 'controllers-use-services',
      comment:
        "A controller reaches another module only through that module's exported services and DTOs, never its stages, repositories, algorithms or controllers.",
      severity: 'error',
      from: { path: '^src/([^/]+)/.*\\.controller\\.ts$' },
      to: {
        path: '^src/([^/]+)/.*(\\.controller|\\.stage|\\.repository|/algorithms/.*)\\.ts$',
        pathNot: '^src/$1/',
      },
    },
    {
      name: 'no-test-helpers-in-app',
      comment: 'Test fixtures stay out of the app (and of dist).',
      severity: 'error',
      from: { path: '^src/', pathNot: '(\\.spec|/fixtures|/test-data)\\.ts$' },
      to: { path: '(^test/|/fixtures\\.ts$|/test-data\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
