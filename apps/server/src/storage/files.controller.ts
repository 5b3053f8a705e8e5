import type { FileList, SignedUrlResponse, StoredFile } from '@basalt/contracts';
import type { Principal } from '@basalt/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator.js';
import { BlobStore } from '../infra/blobs/blob-store.port.js';
import { serveContent } from './download/serve-content.js';
import { ContentQueryDto, ListFilesQueryDto, SignedUrlDto } from './dto/files.dto.js';
import { FilesService } from './files.service.js';
import { UploadFileService } from './upload/upload-file.service.js';

/** Files of a bucket, under its rules (admins and API keys with files:read / files:write bypass them). */
@ApiTags('storage')
@Controller('storage/buckets/:bucket/files')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly uploads: UploadFileService,
    private readonly blobs: BlobStore,
  ) {}

  @Post()
  @ApiConsumes('multipart/form-data')
  upload(@CurrentPrincipal() principal: Principal, @Param('bucket') bucket: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<StoredFile> {
    return this.uploads.upload(principal, bucket, req.raw, res);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Param('bucket') bucket: string, @Query() q: ListFilesQueryDto): Promise<FileList> {
    return this.files.list(principal, bucket, q);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('bucket') bucket: string, @Param('id') id: string): Promise<StoredFile> {
    return this.files.get(principal, bucket, id);
  }

  /** With `expires` and `signature` (a signed URL) no credentials are needed; without, the read rule applies. */
  @Get(':id/content')
  async content(
    @CurrentPrincipal() principal: Principal,
    @Param('bucket') bucket: string,
    @Param('id') id: string,
    @Query() q: ContentQueryDto,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const signed = q.expires !== undefined || q.signature !== undefined;
    const file = signed ? await this.files.bySignature(bucket, id, q.expires, q.signature) : await this.files.readable(principal, bucket, id);
    const isPublic = !signed && (await this.files.bucket(bucket)).public;
    await serveContent(req, res, file, this.blobs, isPublic);
  }

  @Post(':id/url')
  @HttpCode(200)
  signedUrl(@CurrentPrincipal() principal: Principal, @Param('bucket') bucket: string, @Param('id') id: string, @Body() body: SignedUrlDto): Promise<SignedUrlResponse> {
    return this.files.signedUrl(principal, bucket, id, body.expiresIn);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@CurrentPrincipal() principal: Principal, @Param('bucket') bucket: string, @Param('id') id: string): Promise<void> {
    return this.files.delete(principal, bucket, id);
  }
}
