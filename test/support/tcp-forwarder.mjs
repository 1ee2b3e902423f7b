/**
 * Forwards TCP connections, one listener per route: `node tcp-forwarder.mjs
 * '[{"listen":["10.0.0.1",7000],"to":["10.0.0.2",7100]}, ...]'`. Started
 * inside a network namespace, it carries connections between the links of
 * that namespace. Prints "ready" once every listener is up; exits when its
 * stdin closes. A connection whose other side fails is closed.
 */
import net from 'node:net';

const routes = JSON.parse(process.argv[2]);

const listening = routes.map(
  ({ listen: [host, port], to: [toHost, toPort] }) =>
    new Promise((resolve, reject) => {
      const server = net.createServer((inbound) => {
        const outbound = net.connect({ host: toHost, port: toPort });
        const close = () => {
          inbound.destroy();
          outbound.destroy();
        };
        for (const socket of [inbound, outbound]) {
          socket.setNoDelay(true);
          socket.on('error', close);
          socket.on('close', close);
        }
        inbound.pipe(outbound);
        outbound.pipe(inbound);
      });
      server.once('error', reject);
      server.listen(port, host, resolve);
    }),
);

// Stops with the process that started it, even one killed without a chance to clean up.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

Promise.all(listening).then(
  () => process.stdout.write('ready\n'),
  (err) => {
    process.stderr.write(`tcp-forwarder: ${err.message}\n`);
    process.exit(1);
  },
);
