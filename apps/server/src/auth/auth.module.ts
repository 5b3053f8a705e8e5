import { Module } from '@nestjs/common';
import { AdminUsersController } from './admin-users.controller.js';
import { UserPrincipals } from './user-principals.js';
import { UserTokens } from './user-tokens.js';

@Module({
  controllers: [AdminUsersController],
  providers: [UserTokens, UserPrincipals],
})
export class AuthModule {}
