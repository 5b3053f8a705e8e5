import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class LogsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: "status >= 400 && method = 'POST'" })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  filter?: string;
}

export class JobsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['failed'] })
  @IsOptional()
  @IsIn(['failed'])
  status?: 'failed';
}

export class TestMailDto {
  @IsEmail()
  @MaxLength(254)
  to!: string;
}
