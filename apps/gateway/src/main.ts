#!/usr/bin/env node
/**
 * The `gatehouse` command.
 *   gatehouse start     run a gateway (default)
 *   gatehouse status    ask a running gateway for its health
 *   gatehouse rebuild   rebuild every projection from the op log
 *   gatehouse backup    write a consistent copy of the database to <data>/backups/
 *   gatehouse schema    print the GraphQL schema (SDL)
 *   gatehouse invite    invite another gateway to an organisation (prints a code)
 *   gatehouse join      join this gateway to an organisation with such a code
 */
import { runCommand } from './cli/commands.js';

runCommand(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: Error) => {
    console.error(`gatehouse: ${err.message}`);
    process.exit(1);
  },
);
