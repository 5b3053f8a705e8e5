import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CredentialResolvers } from './auth/credential-resolvers.js';
import { PrincipalGuard } from './auth/principal.guard.js';
import { RequestObservers } from './http/request-observers.js';

@Global()
@Module({
  providers: [CredentialResolvers, RequestObservers, { provide: APP_GUARD, useClass: PrincipalGuard }],
  exports: [CredentialResolvers, RequestObservers],
})
export class CommonModule {}
