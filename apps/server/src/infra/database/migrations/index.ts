import { SystemTables1732100000000 } from './1732100000000-system-tables.js';

/** In order. A new migration is appended here; an applied one is never edited. */
export const SYSTEM_MIGRATIONS = [SystemTables1732100000000];
