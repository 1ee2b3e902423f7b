/** The wiki's GraphQL documents and types (see the gateway's schema: wikiPage, saveWikiPage, …). */

export interface RevisionSummary {
  id: string;
  title: string;
  authorId: string | null;
  createdAt: string;
  isMerge: boolean;
  resolvesConflict: boolean;
  parentIds: string[];
}

export interface Revision extends RevisionSummary {
  content: string;
}

export interface EditConflict {
  id: string;
  orgId: string;
  docKind: string;
  docKey: string;
  status: 'open' | 'resolved';
  updatedAt: string;
  headIds: string[];
  heads: Revision[];
}

export interface WikiPage {
  orgId: string;
  path: string;
  title: string;
  content: string;
  html: string;
  currentRevisionId: string;
  headRevisionIds: string[];
  conflictId: string | null;
  updatedAt: string;
  updatedById: string | null;
  conflict: EditConflict | null;
}

export const REVISION_FIELDS = 'id title authorId createdAt isMerge resolvesConflict parentIds';
export const CONFLICT_FIELDS = `id orgId docKind docKey status updatedAt headIds heads { ${REVISION_FIELDS} content }`;
const PAGE_FIELDS = `orgId path title content html currentRevisionId headRevisionIds conflictId updatedAt updatedById
  conflict { ${CONFLICT_FIELDS} }`;

export const WIKI_PAGE = `query WikiPage($orgId: ID!, $path: String!) { wikiPage(orgId: $orgId, path: $path) { ${PAGE_FIELDS} } }`;

export const WIKI_PAGE_CHANGED = `subscription WikiPageChanged($orgId: ID!, $path: String) {
  wikiPageChanged(orgId: $orgId, path: $path) { ${PAGE_FIELDS} } }`;

export const SAVE_WIKI_PAGE = `mutation SaveWikiPage($input: SaveWikiPageInput!) { saveWikiPage(input: $input) { ${PAGE_FIELDS} } }`;

export const WIKI_PAGES = `query WikiPages($orgId: ID!, $after: String) {
  wikiPages(orgId: $orgId, first: 50, after: $after) {
    nodes { path title updatedAt conflictId }
    pageInfo { hasNextPage endCursor }
  } }`;

export const WIKI_HISTORY = `query WikiHistory($orgId: ID!, $path: String!, $after: String) {
  wikiPageHistory(orgId: $orgId, path: $path, first: 50, after: $after) {
    nodes { ${REVISION_FIELDS} }
    pageInfo { hasNextPage endCursor }
  } }`;

export const REVISION = `query Revision($orgId: ID!, $id: ID!) { revision(orgId: $orgId, id: $id) { ${REVISION_FIELDS} content } }`;

export const REVISION_DIFF = `query RevisionDiff($orgId: ID!, $fromId: ID!, $toId: ID!) {
  revisionDiff(orgId: $orgId, fromId: $fromId, toId: $toId) { lines { kind text } }
  from: revision(orgId: $orgId, id: $fromId) { id title createdAt }
  to: revision(orgId: $orgId, id: $toId) { id title createdAt }
}`;

export const RESOLVE_CONFLICT = `mutation ResolveEditConflict($input: ResolveConflictInput!) {
  resolveEditConflict(input: $input) { ${CONFLICT_FIELDS} } }`;

export const CONFLICTS = `query Conflicts($orgId: ID!) {
  conflicts(orgId: $orgId, first: 50) { nodes { id orgId docKind docKey status updatedAt heads { id title authorId } } } }`;
