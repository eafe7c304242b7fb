import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { CSV_MEDIA_TYPE } from './upload.js';

/**
 * Fastify parses JSON and plain text only. For text/csv it hands the route the raw request stream
 * untouched: the upload route streams it to disk and enforces UPLOAD_MAX_BYTES itself (Fastify's
 * bodyLimit does not apply to stream parsers), so the 1 MiB limit of every other body stays as is.
 * Parsing happens before guards run, which is why nothing is read here.
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // No HTTP adapter in a standalone context (e.g. the CLI).
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser(CSV_MEDIA_TYPE)) return;
    fastify.addContentTypeParser(CSV_MEDIA_TYPE, (_request, payload, done) => done(null, payload));
  }
}
