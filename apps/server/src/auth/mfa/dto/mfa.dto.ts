import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** A 6-digit code from the authenticator app (spaces allowed) or, where accepted, a recovery code `xxxx-xxxx`. */
export class MfaCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @MaxLength(64)
  code!: string;
}

export class MfaVerifyDto extends MfaCodeDto {
  @ApiProperty({ description: 'The mfaToken of the login answer' })
  @IsString()
  @MaxLength(2048)
  mfaToken!: string;
}
