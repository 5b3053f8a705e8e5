import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';

/** The complete shape of each settings group, checked after a patch is merged over the stored value. */
export class AuthSettingsDto {
  @IsBoolean() requireEmailVerification!: boolean;
  @IsBoolean() allowSignup!: boolean;
  @IsBoolean() allowAnonymous!: boolean;
  @IsInt() @Min(60) @Max(24 * 3600) accessTokenTtl!: number;
  @IsInt() @Min(300) @Max(365 * 24 * 3600) refreshTokenTtl!: number;
  @IsInt() @Min(6) @Max(256) passwordMinLength!: number;
}

export class OAuth2ProviderDto {
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'must be 1-32 lowercase letters, digits, _ or -, starting with a letter' }) name!: string;
  @IsIn(['oidc', 'github', 'google', 'apple']) type!: 'oidc' | 'github' | 'google' | 'apple';
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['https', 'http'] }) issuer?: string;
  @IsString() @Length(1, 500) clientId!: string;
  @IsString() @Length(1, 4000) clientSecret!: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(100, { each: true }) scopes?: string[];
}

export class OAuth2SettingsDto {
  // Names are unique: a masked secret sent back is matched to the stored one by provider name.
  @IsArray() @ArrayMaxSize(20) @ArrayUnique((p: OAuth2ProviderDto) => p?.name, { message: 'must not name a provider twice' })
  @ValidateNested({ each: true }) @Type(() => OAuth2ProviderDto) providers!: OAuth2ProviderDto[];
}

export class FcmSettingsDto {
  @IsString() @Length(1, 20000) serviceAccount!: string;
  @IsOptional() @IsUrl({ require_tld: false }) baseUrl?: string;
}

export class ApnsSettingsDto {
  @IsString() @Length(1, 10000) keyP8!: string;
  @IsString() @Length(1, 20) keyId!: string;
  @IsString() @Length(1, 20) teamId!: string;
  @IsString() @Length(1, 200) bundleId!: string;
  @IsBoolean() production!: boolean;
  @IsOptional() @IsUrl({ require_tld: false }) baseUrl?: string;
}

export class WebPushSettingsDto {
  @IsString() @Length(1, 200) vapidPublicKey!: string;
  @IsString() @Length(1, 200) vapidPrivateKey!: string;
  @IsString() @Matches(/^(mailto:|https:\/\/)/, { message: 'must be a mailto: or https:// URL' }) subject!: string;
}

export class PushSettingsDto {
  @IsOptional() @ValidateNested() @Type(() => FcmSettingsDto) fcm?: FcmSettingsDto;
  @IsOptional() @ValidateNested() @Type(() => ApnsSettingsDto) apns?: ApnsSettingsDto;
  @IsOptional() @ValidateNested() @Type(() => WebPushSettingsDto) webpush?: WebPushSettingsDto;
}

export class SmtpSettingsDto {
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL' }) url!: string;
  @IsString() @Length(3, 300) from!: string;
}

export class RateLimitRuleDto {
  @IsInt() @Min(1) @Max(100000) max!: number;
  @IsInt() @Min(1) @Max(7 * 24 * 3600) windowSeconds!: number;
}

export class RateLimitSettingsDto {
  @ValidateNested() @Type(() => RateLimitRuleDto) login!: RateLimitRuleDto;
  @ValidateNested() @Type(() => RateLimitRuleDto) signup!: RateLimitRuleDto;
  @ValidateNested() @Type(() => RateLimitRuleDto) passwordReset!: RateLimitRuleDto;
  @ValidateNested() @Type(() => RateLimitRuleDto) verification!: RateLimitRuleDto;
  @ValidateNested() @Type(() => RateLimitRuleDto) oauth2!: RateLimitRuleDto;
}

export const SETTINGS_GROUP_DTOS = {
  auth: AuthSettingsDto,
  oauth2: OAuth2SettingsDto,
  push: PushSettingsDto,
  smtp: SmtpSettingsDto,
  rateLimits: RateLimitSettingsDto,
} as const;

/** The PATCH body: any subset of groups, each a partial object (deep shape checked after merging). */
export class SettingsPatchDto {
  @IsOptional() @IsObject() auth?: Record<string, unknown>;
  @IsOptional() @IsObject() oauth2?: Record<string, unknown>;
  @IsOptional() @IsObject() push?: Record<string, unknown>;
  /** null removes the SMTP settings. */
  @IsOptional() @IsObject() smtp?: Record<string, unknown> | null;
  @IsOptional() @IsObject() rateLimits?: Record<string, unknown>;
}
