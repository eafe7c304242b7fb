import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './auth/require-scopes.decorator.js';
import { documentTokenSwitches } from './auth/token-switches.js';
import type { AppConfig } from './config/app-config.js';
import { SCOPE_DESCRIPTIONS } from './config/scopes.js';

/** The URL of the token endpoint, relative to the server (TokenController). */
const TOKEN_URL = '/oauth/token';

/**
 * Swagger UI lists tags in this order: the public routes first, then the admin ones and the token
 * endpoint. A controller's @ApiTags must be one of these (the e2e docs test checks it).
 */
export const API_TAGS = [
  [
    'recommendations',
    'Movies for a user, for a genre taste (a new user) and like a movie: public except per-user reads in production',
  ],
  ['catalog', 'Browse and search the movies: public'],
  ['feedback', "A platform backend sends and reads its users' ratings (feedback:write, feedback:read)"],
  ['health & monitoring', 'Readiness, liveness and Prometheus metrics: public'],
  ['admin: pipeline', 'Start and follow pipeline runs (pipeline:run, pipeline:read)'],
  [
    'admin: data',
    'Data batches, validation reports, quarantined rows and CSV uploads (data:read, data:write)',
  ],
  [
    'admin: models',
    'The model registry: versions, metrics, promotion and rollback (models:read, models:write)',
  ],
  ['auth', 'Access tokens for the guarded routes (OAuth2 client credentials)'],
] as const;

const DESCRIPTION = `Movie recommendations with their own daily MLOps loop: catalog, data, health and metrics.

**Trying a guarded route here:** click *Authorize*, and under *oauth2 (OAuth2, clientCredentials)*
enter the client_id and client_secret of a client configured in \`AUTH_CLIENTS\`, tick the scopes to
ask for (none ticked = all the client's scopes; a scope the client lacks is refused with
invalid_scope) and click *Authorize*: Swagger UI gets a token from \`POST ${TOKEN_URL}\` (HTTP Basic)
and sends it with every guarded request until it expires (\`JWT_TTL_SECONDS\`). Or paste a token from
\`POST ${TOKEN_URL}\` under *bearer*. Each guarded operation shows the scopes it needs.

Errors share one JSON shape (ErrorResponseDto), except the token endpoint's RFC 6749 errors. Any
route but \`/status\` and \`/status/live\` may answer 429 with Retry-After past \`RATE_LIMIT_PER_MINUTE\`.`;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Builds the OpenAPI document of the application (also what /docs-json serves). */
function buildApiDocument(app: NestFastifyApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('movie-reco')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Client credentials of a client in AUTH_CLIENTS; the scopes it asks for.',
        flows: { clientCredentials: { tokenUrl: TOKEN_URL, scopes: { ...SCOPE_DESCRIPTIONS } } },
      },
      OAUTH2_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `An access_token from POST ${TOKEN_URL}`,
      },
      BEARER_SCHEME,
    );
  for (const [name, description] of API_TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  fillErrorExamplePaths(document);
  return documentTokenSwitches(document, config);
}

export function setupSwagger(app: NestFastifyApplication, config: AppConfig): void {
  SwaggerModule.setup('docs', app, buildApiDocument(app, config), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { displayRequestDuration: true, docExpansion: 'list' },
  });
}

/**
 * Error examples declared without a path (those of @RequireScopes, shared by every guarded route)
 * get the route's own, with 1 for each path parameter, as the error filter would answer.
 */
function fillErrorExamplePaths(document: OpenAPIObject): void {
  for (const [route, item] of Object.entries(document.paths)) {
    const path = route.replace(/\{[^}]+\}/g, '1');
    for (const method of HTTP_METHODS) {
      for (const response of Object.values(item[method]?.responses ?? {})) {
        if (!response || !('content' in response)) continue;
        for (const media of Object.values(response.content ?? {})) {
          const example = media.example as Record<string, unknown> | undefined;
          if (example && 'statusCode' in example && !('path' in example)) {
            const { timestamp, ...rest } = example;
            media.example = { ...rest, path, timestamp };
          }
        }
      }
    }
  }
}
