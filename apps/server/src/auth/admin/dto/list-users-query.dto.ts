import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `GET /api/admin/users`: the records list parameters, cursor paging only. */
export class ListUsersQueryDto {
  /** Length is left to the filter parser, which answers invalid_filter with a position. */
  @ApiPropertyOptional({ example: "roles ?= 'editor' && disabled = false" })
  @IsOptional()
  @IsString()
  filter?: string;

  @ApiPropertyOptional({ example: '-createdAt' })
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

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  count?: boolean;
}
