import type { Op } from '@gatehouse/mesh';
import { OpJudge } from '../../../apps/gateway/src/mesh/authority/op-judge.js';
import { type IngestOptions, OpLogService } from '../../../apps/gateway/src/oplog/oplog.service.js';
import type { TestGateway } from '../../support/gateway-harness.js';

/**
 * Ingests the batches in order, judged as the mesh judges them, then what
 * was refused once more (as the next pull would ask for it again). Returns
 * the ids `org`'s log holds, the void ones, and the kinds still refused.
 */
export async function deliver(gw: TestGateway, org: string, batches: Op[][]) {
  const oplog = gw.gateway.app.get(OpLogService);
  const judged: IngestOptions = { authority: (tx) => new OpJudge(tx) };
  let refused: Op[] = [];
  for (const batch of [...batches, []]) {
    const again = [...refused, ...batch];
    const result = await oplog.ingest(again, judged);
    refused = again.filter((op) => result.rejected.some((r) => r.id === op.id));
  }
  const held: { id: string }[] = await gw.gateway.dataSource.query('SELECT id FROM op_chain WHERE org = ?', [
    org,
  ]);
  return {
    held: held.map((r) => r.id).sort(),
    voided: (await oplog.voidOpsOf(org)).map((v) => v.op.id).sort(),
    refused: refused.map((op) => op.kind),
  };
}
