import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { FilteredPageQueryDto } from '../../common/http/page-query.dto.js';
import { MAX_SIGNED_URL_SECONDS } from '../signed-urls.js';

export class ListFilesQueryDto extends FilteredPageQueryDto {}

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
