import type { Bucket, BucketStats, ListResponse } from '@basalt/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { BucketsService } from './buckets.service.js';
import { CreateBucketDto, UpdateBucketDto } from './dto/bucket.dto.js';

@ApiTags('storage')
@Controller('storage/buckets')
@AdminOnly({ scope: 'schema:write' })
export class BucketsController {
  constructor(private readonly buckets: BucketsService) {}

  @Get()
  async list(): Promise<ListResponse<Bucket>> {
    return { items: await this.buckets.list() };
  }

  @Get(':bucket')
  get(@Param('bucket') name: string): Promise<Bucket> {
    return this.buckets.get(name);
  }

  @Get(':bucket/stats')
  stats(@Param('bucket') name: string): Promise<BucketStats> {
    return this.buckets.stats(name);
  }

  @Post()
  create(@Body() body: CreateBucketDto): Promise<Bucket> {
    return this.buckets.create(body);
  }

  @Patch(':bucket')
  update(@Param('bucket') name: string, @Body() body: UpdateBucketDto): Promise<Bucket> {
    return this.buckets.update(name, body);
  }

  @Delete(':bucket')
  @HttpCode(204)
  delete(@Param('bucket') name: string): Promise<void> {
    return this.buckets.delete(name);
  }
}
