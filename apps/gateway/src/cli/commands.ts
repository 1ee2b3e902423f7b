import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { pino } from 'pino';
import { ConfigError, type GatewayConfig, loadConfig } from '../config/gateway-config.js';
import { startGateway } from '../gateway.js';
import { OpJudge } from '../mesh/authority/op-judge.js';
import { runMeshCommand } from '../mesh/mesh-cli.js';
import { OpLogService } from '../oplog/oplog.service.js';

function configOrExit(): GatewayConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`gatehouse: bad setting ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs a subcommand; returns an exit code, or undefined to keep running (a server). */
export async function runCommand(args: string[]): Promise<number | undefined> {
  const [command = 'start'] = args;
  switch (command) {
    case 'start': {
      const gateway = await startGateway({ config: configOrExit() });
      const stop = async (signal: string) => {
        console.error(`gatehouse: ${signal}, stopping`);
        await gateway.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      return undefined;
    }
    case 'status': {
      const config = configOrExit();
      const res = await fetch(`http://${config.httpHost}:${config.httpPort}/healthz`, {
        signal: AbortSignal.timeout(5000),
      });
      console.log(JSON.stringify(await res.json(), null, 2));
      return res.ok ? 0 : 1;
    }
    case 'rebuild': {
      const config = configOrExit();
      const gateway = await startGateway({ config, listen: false, logger: pino({ level: 'warn' }) });
      // Every op judged afresh: void ops are recomputed along with the tables.
      const count = await gateway.app.get(OpLogService).rebuild({ authority: (tx) => new OpJudge(tx) });
      console.log(`rebuilt projections from ${count} ops`);
      await gateway.close();
      return 0;
    }
    case 'backup': {
      const config = configOrExit();
      const gateway = await startGateway({ config, listen: false, logger: pino({ level: 'warn' }) });
      const dir = join(config.dataDir, 'backups');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `gatehouse-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`);
      // VACUUM INTO writes a consistent snapshot while the database stays usable.
      await gateway.dataSource.query('VACUUM INTO ?', [file]);
      await gateway.close();
      console.log(file);
      return 0;
    }
    case 'schema': {
      const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-schema-'));
      try {
        const config = { ...loadConfig({}), dataDir };
        const gateway = await startGateway({ config, listen: false, logger: pino({ level: 'silent' }) });
        process.stdout.write(`${printSchema(gateway.app.get(GraphQLSchemaHost).schema)}\n`);
        await gateway.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
      return 0;
    }
    case 'invite':
    case 'join':
      return runMeshCommand(command, args.slice(1), configOrExit());
    default:
      console.error(
        `gatehouse: unknown command ${command}; try start, status, rebuild, backup, schema, invite or join`,
      );
      return 2;
  }
}
