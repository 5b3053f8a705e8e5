import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { ADMIN_PASSWORD_MIN } from '../admin.constants.js';

export class AdminCredentialsDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class CreateAdminDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: ADMIN_PASSWORD_MIN })
  @IsString()
  @Length(ADMIN_PASSWORD_MIN, 256)
  password!: string;
}

export class AdminSetupDto extends CreateAdminDto {
  @ApiProperty({ description: 'The token from the setup link printed at boot' })
  @IsString()
  @MaxLength(200)
  token!: string;
}
