/** Acceptance: page edit conflicts run as the built-in workflow open -> assigned -> resolved. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { createOrg, type TestOrg } from './org-fixture.js';

const SAVE = `mutation ($input: SaveWikiPageInput!) { saveWikiPage(input: $input) { currentRevisionId conflictId } }`;
const CONFLICT = `query ($o: ID!, $id: ID!) { editConflict(orgId: $o, id: $id) {
  status workflowState assigneeId resolutionNote workflowHistory { type status transitionId actorId text } } }`;

describe('edit conflicts as a workflow', () => {
  let gw: TestGateway;
  let org: TestOrg;
  let conflictId: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    org = await createOrg(gw, 'wiki-town', { eve: 'editor', ed: 'editor', mo: 'member' });
    const eve = org.members.eve.client;
    const first = await eve.gql(SAVE, {
      input: { orgId: org.orgId, path: 'rules', title: 'Rules', content: 'one\ntwo\nthree\n' },
    });
    const base = first.saveWikiPage.currentRevisionId;
    await eve.gql(SAVE, {
      input: {
        orgId: org.orgId,
        path: 'rules',
        title: 'Rules',
        content: 'one\nTWO (eve)\nthree\n',
        baseRevisionId: base,
      },
    });
    const clash = await org.members.ed.client.gql(SAVE, {
      input: {
        orgId: org.orgId,
        path: 'rules',
        title: 'Rules',
        content: 'one\ntwo (ed)\nthree\n',
        baseRevisionId: base,
      },
    });
    conflictId = clash.saveWikiPage.conflictId;
  });
  afterAll(async () => {
    await gw.close();
    removeDir(gw.dataDir);
  });

  const read = async () =>
    (await org.owner.client.gql(CONFLICT, { o: org.orgId, id: conflictId })).editConflict;

  it('opens unassigned', async () => {
    expect(conflictId).toBeTruthy();
    expect(await read()).toMatchObject({ status: 'open', workflowState: 'open', assigneeId: null });
  });

  it("is assigned to one of the page's editors, by an editor", async () => {
    const assign =
      'mutation ($input: AssignEditConflictInput!) { assignEditConflict(input: $input) { workflowState } }';
    const to = (assigneeId: string) => ({ input: { orgId: org.orgId, conflictId, assigneeId } });
    expect(await org.members.mo.client.failure(assign, to(org.members.eve.id))).toBe('FORBIDDEN');
    expect(await org.members.eve.client.failure(assign, to(org.members.mo.id))).toBe('BAD_USER_INPUT');
    const { assignEditConflict } = await org.members.ed.client.gql(assign, to(org.members.eve.id));
    expect(assignEditConflict.workflowState).toBe('assigned');
    expect(await read()).toMatchObject({ workflowState: 'assigned', assigneeId: org.members.eve.id });
  });

  it('is resolved by a revision naming both heads, with a note and comments in its history', async () => {
    const eve = org.members.eve.client;
    await org.members.mo.client.gql(
      'mutation ($input: EditConflictTextInput!) { commentOnEditConflict(input: $input) { id } }',
      { input: { orgId: org.orgId, conflictId, text: 'keep both names?' } },
    );
    await eve.gql(
      'mutation ($input: EditConflictTextInput!) { noteEditConflictResolution(input: $input) { id } }',
      {
        input: { orgId: org.orgId, conflictId, text: 'merged both lines' },
      },
    );
    await eve.gql(
      'mutation ($input: ResolveConflictInput!) { resolveEditConflict(input: $input) { status } }',
      {
        input: { orgId: org.orgId, conflictId, title: 'Rules', content: 'one\nTWO (eve, ed)\nthree\n' },
      },
    );
    const done = await read();
    expect(done).toMatchObject({
      status: 'resolved',
      workflowState: 'resolved',
      resolutionNote: 'merged both lines',
    });
    expect(
      done.workflowHistory.map(
        (h: { transitionId: string | null; type: string }) => h.transitionId ?? h.type,
      ),
    ).toEqual(['start', 'assign', 'comment', 'update', 'resolve']);
    expect(done.workflowHistory.at(-1)).toMatchObject({ status: 'applied', actorId: org.members.eve.id });
    const late = await eve.request(
      'mutation ($input: AssignEditConflictInput!) { assignEditConflict(input: $input) { id } }',
      { input: { orgId: org.orgId, conflictId, assigneeId: org.members.ed.id } },
    );
    expect(late.errors?.[0].extensions?.code).toBe('CONFLICT');
  });
});
