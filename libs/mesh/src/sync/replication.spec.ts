import { runReplicationSuite } from '../testing/replication-suite.js';
import { inProcessSetup, relayedSetup, tcpSetup } from '../testing/setups.js';

runReplicationSuite('in-process streams', inProcessSetup);
runReplicationSuite('libp2p on loopback TCP', tcpSetup);
runReplicationSuite('libp2p through a circuit relay', relayedSetup);
