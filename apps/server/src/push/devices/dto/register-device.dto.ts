import { PUSH_PLATFORMS, type PushPlatform } from '@basalt/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsDefined, IsIn, IsObject, IsNumber, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, ValidateIf, ValidateNested,
} from 'class-validator';

export const TOPIC_PATTERN = /^[A-Za-z0-9_.~%-]{1,100}$/;
const TOPIC_MESSAGE = 'must be 1-100 letters, digits or _ . ~ % -';
export const MAX_TOPICS = 100;

export class WebPushKeysDto {
  @IsString() @Matches(/^[A-Za-z0-9_-]{80,100}={0,2}$/, { message: 'must be the base64url P-256 public key of the subscription' }) p256dh!: string;
  @IsString() @Matches(/^[A-Za-z0-9_-]{16,32}={0,2}$/, { message: 'must be the base64url auth secret of the subscription' }) auth!: string;
}

export class WebPushSubscriptionDto {
  @ApiProperty() @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { message: 'must be an https:// URL' }) @Length(1, 2000) endpoint!: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsNumber() expirationTime?: number | null;
  @ApiProperty() @IsDefined() @IsObject() @ValidateNested() @Type(() => WebPushKeysDto) keys!: WebPushKeysDto;
}

export class RegisterDeviceDto {
  @ApiProperty({ enum: PUSH_PLATFORMS }) @IsIn(PUSH_PLATFORMS) platform!: PushPlatform;
  @ApiPropertyOptional({ description: 'FCM registration token or APNs device token' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_:.-]{8,4096}$/, { message: 'must be 8-4096 letters, digits or _ : . -' }) token?: string;
  @ApiPropertyOptional({ type: WebPushSubscriptionDto }) @IsOptional() @ValidateNested() @Type(() => WebPushSubscriptionDto) subscription?: WebPushSubscriptionDto;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_TOPICS) @ArrayUnique() @Matches(TOPIC_PATTERN, { each: true, message: `each topic ${TOPIC_MESSAGE}` }) topics?: string[];
}

export class DeviceTopicsDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(MAX_TOPICS) @ArrayUnique() @Matches(TOPIC_PATTERN, { each: true, message: `each topic ${TOPIC_MESSAGE}` }) topics!: string[];
}

export class ListDevicesQueryDto {
  @IsOptional() @IsUUID() userId?: string;
  @IsOptional() @Matches(TOPIC_PATTERN, { message: TOPIC_MESSAGE }) topic?: string;
  @IsOptional() @IsIn(PUSH_PLATFORMS) platform?: PushPlatform;
  @IsOptional() @Type(() => Number) @IsNumber({}, { message: 'must be a number' }) limit?: number;
  @IsOptional() @IsString() cursor?: string;
}
