import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class OAuth2ExchangeDto {
  @ApiProperty({ description: 'The `code` the callback added to the redirect URI (single use, 60 s).' })
  @IsString()
  @MaxLength(200)
  code!: string;

  @ApiPropertyOptional({ description: 'Required when the sign-in was started with `codeChallenge`: the PKCE verifier it was derived from (S256).' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  codeVerifier?: string;
}
