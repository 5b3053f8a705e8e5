import type { Admin, AdminAuthResponse, AdminSetupStatus, ListResponse, Principal } from '@basalt/contracts';
import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator.js';
import type { BasaltRequest } from '../common/request-context.js';
import { AdminsService } from './admins.service.js';
import { AdminCredentialsDto, AdminSetupDto, CreateAdminDto } from './dto/admin-credentials.dto.js';

@ApiTags('admin')
@Controller('admin')
export class AdminAuthController {
  constructor(private readonly admins: AdminsService) {}

  @Post('auth')
  @HttpCode(200)
  login(@Body() body: AdminCredentialsDto, @Req() req: BasaltRequest): Promise<AdminAuthResponse> {
    return this.admins.login(body.email, body.password, req.ip ?? '');
  }

  @Get('setup')
  async setupStatus(): Promise<AdminSetupStatus> {
    return { setupRequired: await this.admins.setupRequired() };
  }

  @Post('setup')
  setup(@Body() body: AdminSetupDto): Promise<AdminAuthResponse> {
    return this.admins.setup(body.token, body.email, body.password);
  }

  @Get('me')
  @AdminOnly()
  me(@CurrentPrincipal() principal: Principal): Promise<Admin> {
    return this.admins.get(principal.id!);
  }

  @Get('admins')
  @AdminOnly()
  async list(): Promise<ListResponse<Admin>> {
    return { items: await this.admins.list() };
  }

  @Post('admins')
  @AdminOnly()
  create(@Body() body: CreateAdminDto): Promise<Admin> {
    return this.admins.create(body.email, body.password);
  }
}
