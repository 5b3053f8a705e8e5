import type { BatchMethod } from '@basalt/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class BatchItemDto {
  @ApiProperty({ enum: ['POST', 'PATCH', 'DELETE'] })
  @IsIn(['POST', 'PATCH', 'DELETE'])
  method!: BatchMethod;

  @ApiProperty()
  @IsString()
  @MaxLength(63)
  collection!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  id?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  body?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  ifMatch?: string;
}

export class BatchDto {
  @ApiProperty({ type: [BatchItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  requests!: BatchItemDto[];
}
