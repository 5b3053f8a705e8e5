import { SystemTables1732100000000 } from './1732100000000-system-tables.js';
import { Collections1732200000000 } from './1732200000000-collections.js';
import { Auth1732300000000 } from './1732300000000-auth.js';
import { MfaAttempts1732400000000 } from './1732400000000-mfa-attempts.js';
import { RetiredRefreshHashes1732500000000 } from './1732500000000-retired-refresh-hashes.js';
import { Storage1732600000000 } from './1732600000000-storage.js';
import { Push1732700000000 } from './1732700000000-push.js';

/** In order. A new migration is appended here; an applied one is never edited. */
export const SYSTEM_MIGRATIONS = [
  SystemTables1732100000000,
  Collections1732200000000,
  Auth1732300000000,
  MfaAttempts1732400000000,
  RetiredRefreshHashes1732500000000,
  Storage1732600000000,
  Push1732700000000,
];
