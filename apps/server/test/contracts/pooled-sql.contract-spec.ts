import { pooledSqlContract } from './pooled-sql.contract.js';
import { type FreshServer, freshPglite, freshPostgres } from './database.servers.js';

/** One server on fresh storage per suite, its storage thrown away after it. */
function onFresh(fresh: () => Promise<FreshServer>) {
  let made: FreshServer | undefined;
  afterAll(() => made?.dispose());
  return async () => (made = await fresh()).server;
}

describe('PooledSql on PgliteServer', () => {
  pooledSqlContract(onFresh(freshPglite));
});

describe('PooledSql on PostgresServer', () => {
  pooledSqlContract(onFresh(freshPostgres));
});
