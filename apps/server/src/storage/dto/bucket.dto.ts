import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { TYPE_PATTERN } from '../upload/sniff-type.js';

/** Bucket names are also a segment of blob keys, so they stay within `[a-z0-9_-]`. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** 5 GiB: the most one S3 PUT part sequence comfortably takes, and far past any sane upload through an API node. */
export const MAX_MAX_FILE_SIZE = 5 * 1024 * 1024 * 1024;

export class CreateBucketDto {
  @ApiProperty({ example: 'covers', pattern: BUCKET_NAME.source })
  @IsString()
  @Matches(BUCKET_NAME, { message: 'must be 1 to 63 characters of a-z, 0-9, _ and -, starting with a letter or digit' })
  name!: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  public?: boolean;

  @ApiPropertyOptional({ default: DEFAULT_MAX_FILE_SIZE, maximum: MAX_MAX_FILE_SIZE })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_MAX_FILE_SIZE)
  maxFileSize?: number;

  @ApiPropertyOptional({ example: ['image/*'], description: 'Empty: any type.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(TYPE_PATTERN, { each: true, message: 'must hold content types such as image/png, image/* or */*' })
  allowedTypes?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { list: 'owner = @request.auth.id', read: '', create: "@request.auth.id != ''", delete: null } })
  @IsOptional()
  @IsObject()
  rules?: Record<string, unknown>;
}

export class UpdateBucketDto extends PartialType(OmitType(CreateBucketDto, ['name'] as const)) {}
