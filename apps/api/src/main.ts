#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { join } from 'node:path';
import { startHerald } from './server.js';

const USAGE = `Usage: herald <command> [options]

Commands:
  serve [--no-worker]   HTTP API + dashboard on $PORT (default 3000), with the job worker in-process
  worker                job worker only (scale-out: run as many as you like)
  migrate               apply database migrations and exit
  import <file.csv> --org <id|name> [--mode upsert|create|update] [--list <id>] [--tags a,b] [--resubscribe]
                        import contacts from a CSV, with a progress bar
  rotate-key            re-seal stored credentials with the current encryption key (docs/operations.md)
  openapi               print the OpenAPI document as JSON

Configuration comes from the environment; see .env.example.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

async function migrate(cfg: Config) {
  const database = await openDatabase({
    url: cfg.databaseUrl,
    dataDir: cfg.databaseUrl ? undefined : join(cfg.dataDir, 'pglite'),
  });
  await runMigrations(database);
  await database.close();
}

/** Stop on SIGTERM/SIGINT gracefully; a second signal forces the exit. */
function onShutdown(close: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`herald: ${signal} received, shutting down\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => fail(`herald: shutdown failed: ${String(error)}`),
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'no-worker': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
      org: { type: 'string' },
      mode: { type: 'string' },
      list: { type: 'string' },
      tags: { type: 'string' },
      resubscribe: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  switch (command) {
    case 'serve': {
      const cfg = config();
      const running = await startHerald(cfg, { worker: !values['no-worker'] });
      onShutdown(running.close);
      process.stderr.write(
        `herald: serving ${cfg.publicUrl} (${cfg.mode}${cfg.redisUrl ? ' + redis' : ''})\n`,
      );
      return;
    }
    case 'worker': {
      const running = await startHerald(config(), { worker: true, http: false });
      onShutdown(running.close);
      process.stderr.write('herald: worker started\n');
      return;
    }
    case 'migrate': {
      await migrate(config());
      process.stderr.write('herald: migrations applied\n');
      return;
    }
    case 'import': {
      const file = positionals[1];
      if (!file || !values.org) fail(`Usage: herald import <file.csv> --org <id|name>\n\n${USAGE}`);
      const { runImportCommand } = await import('./cli/import.js');
      process.exitCode = await runImportCommand(config(), {
        file,
        org: values.org,
        mode: values.mode,
        list: values.list,
        tags: values.tags,
        resubscribe: values.resubscribe,
      });
      return;
    }
    case 'rotate-key': {
      const { runRotateKeyCommand } = await import('./cli/rotate-key.js');
      process.exitCode = await runRotateKeyCommand(config(), (line) =>
        process.stdout.write(`${line}\n`),
      );
      return;
    }
    case 'openapi': {
      const { buildOpenApiDocument } = await import('./openapi.js');
      process.stdout.write(`${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`);
      return;
    }
    default:
      fail(`Unknown command: ${command}\n\n${USAGE}`);
  }
}

main().catch((error: unknown) =>
  fail(`herald: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
);
