import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** Password length rules live in the auth service (the minimum is a runtime setting). */
export class LoginDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}

export class TokenDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  token!: string;
}

export class EmailDto {
  @ApiProperty()
  @IsString()
  @MaxLength(254)
  email!: string;
}

export class ResetConfirmDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}
