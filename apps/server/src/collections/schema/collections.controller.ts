import type { Collection, ListResponse } from '@basalt/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../common/auth/access.decorator.js';
import { CollectionsService } from './collections.service.js';
import { CreateCollectionDto, UpdateCollectionDto } from './dto/collection.dto.js';

@ApiTags('collections')
@Controller('collections')
@AdminOnly({ scope: 'schema:write' })
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Get()
  list(): ListResponse<Collection> {
    return { items: this.collections.list() };
  }

  @Get(':name')
  get(@Param('name') name: string): Collection {
    return this.collections.get(name);
  }

  @Post()
  create(@Body() body: CreateCollectionDto): Promise<Collection> {
    return this.collections.create(body);
  }

  @Patch(':name')
  update(@Param('name') name: string, @Body() body: UpdateCollectionDto): Promise<Collection> {
    return this.collections.update(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  delete(@Param('name') name: string): Promise<void> {
    return this.collections.delete(name);
  }
}
