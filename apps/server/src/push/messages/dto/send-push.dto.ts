import type { PushPriority } from '@basalt/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { TOPIC_PATTERN } from '../../devices/dto/register-device.dto.js';

export const MAX_TARGET_IDS = 10_000;

export class PushTargetDto {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_TARGET_IDS) @IsUUID('all', { each: true, message: 'each user must be a UUID' }) users?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(TOPIC_PATTERN, { each: true, message: 'each topic must be 1-100 letters, digits or _ . ~ % -' }) topics?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_TARGET_IDS) @IsUUID('all', { each: true, message: 'each device must be a UUID' }) devices?: string[];
}

export class PushNotificationDto {
  @ApiProperty() @IsString() @Length(1, 200) title!: string;
  @ApiProperty() @IsString() @Length(1, 2000) body!: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'must be an https:// URL' }) @Length(1, 2000) image?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) sound?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(99_999) badge?: number;
}

export class SendPushDto {
  @ApiProperty({ type: PushTargetDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => PushTargetDto) target!: PushTargetDto;
  @ApiProperty({ type: PushNotificationDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => PushNotificationDto) notification!: PushNotificationDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) @IsOptional() @IsObject() data?: Record<string, string>;
  @ApiPropertyOptional({ description: 'seconds, at most 4 weeks' }) @IsOptional() @IsInt() @Min(0) @Max(2_419_200) ttl?: number;
  @ApiPropertyOptional({ enum: ['high', 'normal'] }) @IsOptional() @IsIn(['high', 'normal']) priority?: PushPriority;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits or _ . -' }) collapseKey?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) sendAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) idempotencyKey?: string;
}

export class ListMessagesQueryDto {
  @IsOptional() @IsIn(['queued', 'sending', 'done', 'failed', 'cancelled']) status?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(500) limit?: number;
  @IsOptional() @IsString() cursor?: string;
}

export class ListDeliveriesQueryDto {
  @IsOptional() @IsIn(['pending', 'sending', 'sent', 'failed', 'invalid']) status?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(500) limit?: number;
  @IsOptional() @IsString() cursor?: string;
}
