/**
 * The architecture rules `npm run lint` enforces (dependency-cruiser). The folders of src/ are
 * NestJS modules around src/core, the recommender library; docs/architecture.md shows the order they depend on each other in.
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
      name: 'core-stands-alone',
      comment:
        'src/core is the recommender as a library (algorithms, protocol, bundle, serving model): plain TypeScript over typed arrays that imports nothing of the service, no Nest, database, files or settings, so it is tested and benchmarked alone.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: '^(src/core/|node_modules/ml-knn/)' },
    },
    {
      name: 'core-specs-stand-alone',
      comment: "The core's own tests need nothing of the service either.",
      severity: 'error',
      from: { path: '^src/core/.*\\.spec\\.ts$' },
      to: { path: '^(src/(?!core/)|node_modules/(@nestjs|typeorm|pg|pg-copy-streams|fastify)/)' },
    },
    {
      name: 'core-through-its-index',
      comment:
        "The service reaches the core through src/core/index.ts, its public face (tests may use the core's fixtures).",
      severity: 'error',
      from: { path: '^(src/(?!core/)|bench/|scripts/)', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/core/', pathNot: '^src/core/index\\.ts$' },
    },
    {
      name: 'controllers-use-services',
      comment:
        "A controller reaches another module only through that module's exported services and DTOs, never its stages, repositories, algorithms or controllers.",
      severity: 'error',
      from: { path: '^src/([^/]+)/.*\\.controller\\.ts$' },
      to: {
        path: '^src/([^/]+)/.*(\\.controller|\\.stage|\\.repository)\\.ts$',
        pathNot: '^src/$1/',
      },
    },
    {
      name: 'no-test-helpers-in-app',
      comment: 'Test fixtures stay out of the app (and of dist).',
      severity: 'error',
      from: { path: '^src/', pathNot: '(\\.spec|/fixtures|/test-data|/recommender-contract)\\.ts$' },
      to: { path: '(^test/|/fixtures\\.ts$|/test-data\\.ts$|/recommender-contract\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
