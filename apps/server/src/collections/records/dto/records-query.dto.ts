import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { FilteredPageQueryDto } from '../../../common/http/page-query.dto.js';

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

export class ListRecordsQueryDto extends IntersectionType(RecordShapeQueryDto, FilteredPageQueryDto) {
  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  count?: boolean;
}
