import { ParseUUIDPipe } from '@nestjs/common';
import { Errors } from '../../../common/app-error.js';

/** Record ids are UUIDs: anything else is a record that does not exist. */
export const recordIdPipe = new ParseUUIDPipe({ exceptionFactory: () => Errors.notFound('record') });
