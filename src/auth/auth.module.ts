import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ScopesGuard } from './scopes.guard.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';
import { WhoAmIController } from './whoami.controller.js';

/**
 * OAuth2 client-credentials tokens and the scope guard of the admin API. ScopesGuard is global:
 * a route is public until it carries @RequireScopes, so other modules need not import this one.
 */
@Module({
  controllers: [TokenController, WhoAmIController],
  providers: [TokenService, ScopesGuard, { provide: APP_GUARD, useExisting: ScopesGuard }],
  exports: [TokenService, ScopesGuard],
})
export class AuthModule {}
