import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `filter`, `sort`, `limit` and `cursor` of every list that speaks the filter language (records, files). */
export class FilteredPageQueryDto {
  /** Length is left to the filter parser, which answers invalid_filter with a position. */
  @ApiPropertyOptional({ example: "created > '2026-01-01' && name ~ 'news'" })
  @IsOptional()
  @IsString()
  filter?: string;

  @ApiPropertyOptional({ example: '-created,name' })
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
