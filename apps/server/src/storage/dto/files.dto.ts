import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_SIGNED_URL_SECONDS } from '../signed-urls.js';

export class ListFilesQueryDto {
  /** Length is left to the filter parser, which answers invalid_filter with a position. */
  @ApiPropertyOptional({ example: "contentType ~ 'image/' && size < 100000" })
  @IsOptional()
  @IsString()
  filter?: string;

  @ApiPropertyOptional({ example: '-createdAt,name' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  sort?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  cursor?: string;
}

export class SignedUrlDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SIGNED_URL_SECONDS, default: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SIGNED_URL_SECONDS)
  expiresIn?: number;
}

/** A signed content URL's query; both parts or neither. */
export class ContentQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(20)
  expires?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  signature?: string;
}
