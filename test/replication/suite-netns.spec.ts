/**
 * The replication suite (libs/mesh/src/testing/replication-suite.ts) once
 * more, over real links between Linux network namespaces. Needs root and
 * iproute2, as the partition test does.
 */
import { runReplicationSuite } from '../../libs/mesh/src/testing/replication-suite.js';
import { netnsSetup } from './support/netns-setup.js';

runReplicationSuite('Linux network namespaces', netnsSetup);
