import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsArray, IsIn, IsObject, IsOptional, IsString } from 'class-validator';

/**
 * The outer shape only: fields, indexes and rules are checked in depth by the schema builder, which
 * names each problem (`fields.2.max`) the way class-validator cannot for a union of field types.
 */
export class CreateCollectionDto {
  @ApiProperty({ example: 'posts' })
  @IsString()
  name!: string;

  @ApiPropertyOptional({ enum: ['base'] })
  @IsOptional()
  @IsIn(['base'])
  kind?: 'base';

  @ApiProperty({ type: 'array', items: { type: 'object' } })
  @IsArray()
  fields!: unknown[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } })
  @IsOptional()
  @IsArray()
  indexes?: unknown[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  rules?: Record<string, unknown>;
}

/** Every part optional; `kind` is fixed at creation. */
export class UpdateCollectionDto extends PartialType(OmitType(CreateCollectionDto, ['kind'] as const)) {}
