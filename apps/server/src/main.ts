#!/usr/bin/env node
import './runtime-flags.js';
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createLogger } from './common/logger.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { adminCreate } from './cli/admin-create.js';
import { BootError, openDatabase } from './cli/boot.js';
import { serve } from './cli/serve.js';
import { genTypes } from './cli/gen-types.js';

const USAGE = `Usage: basalt <command>

Commands:
  serve                     serve the API, realtime and dashboard (BASALT_ROLE=all also runs jobs)
  worker                    run background jobs only
  migrate                   apply system migrations and exit
  admin create --email E --password P
                            create an admin
  gen types --out FILE      write TypeScript types of the collections of a running server

Configuration comes from BASALT_* environment variables (see docs/api.md).`;

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'gen') return genTypes(argv.slice(1), process.env);
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const env = { ...process.env };
  if (command === 'worker') env.BASALT_ROLE = 'worker';
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);
  switch (command) {
    case 'serve':
    case 'worker':
      return serve(config, log);
    case 'migrate': {
      const db = await openDatabase(config, log);
      await db.server.close();
      process.stdout.write('Migrations are up to date\n');
      return;
    }
    case 'admin':
      if (sub === 'create') return adminCreate(config, log, values.email, values.password);
      break;
  }
  throw new BootError('command', `unknown command "${positionals.join(' ')}"\n\n${USAGE}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof BootError) {
    process.stderr.write(`basalt: ${e.message}\n`);
  } else {
    process.stderr.write(`basalt: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exit(1);
});
