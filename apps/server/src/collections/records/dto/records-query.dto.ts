import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;

export class RecordShapeQueryDto {
  @ApiPropertyOptional({ description: 'Comma-separated fields to return', example: 'id,title' })
  @IsOptional()
  @Transform(list)
  @IsString({ each: true })
  fields?: string[];

  @ApiPropertyOptional({ description: 'Comma-separated relation paths (depth 2)', example: 'author,author.org' })
  @IsOptional()
  @Transform(list)
  @IsString({ each: true })
  expand?: string[];
}

export class ListRecordsQueryDto extends RecordShapeQueryDto {
  /** Length is left to the filter parser, which answers invalid_filter with a position. */
  @ApiPropertyOptional({ example: "published = true && title ~ 'news'" })
  @IsOptional()
  @IsString()
  filter?: string;

  @ApiPropertyOptional({ example: '-score,title' })
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

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

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
