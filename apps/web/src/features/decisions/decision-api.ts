export type VotingMethod = 'majority' | 'approval' | 'consent';
export type Outcome = 'adopted' | 'rejected' | 'no_quorum' | 'tie' | 'no_majority';

export interface Decision {
  id: string;
  orgId: string;
  title: string;
  description: string;
  method: VotingMethod;
  status: 'open' | 'closed';
  deadline: string;
  closedAt: string | null;
  createdAt: string;
  proposerId: string | null;
  quorum: number;
  voterRoles: string[];
  votesCast: number;
  options: { id: string; label: string }[];
  myVote: { choices: string[]; reason: string; castAt: string } | null;
  result: {
    ballots: number;
    quorumMet: boolean;
    outcome: Outcome;
    winners: string[];
    counts: { optionId: string; count: number }[];
    objections: { voterId: string; reason: string }[];
  } | null;
}

const FIELDS = `id orgId title description method status deadline closedAt createdAt proposerId quorum voterRoles votesCast
  options { id label }
  myVote { choices reason castAt }
  result { ballots quorumMet outcome winners counts { optionId count } objections { voterId reason } }`;

export const DECISIONS = `query Decisions($orgId: ID!, $status: DecisionStatus) {
  decisions(orgId: $orgId, status: $status, first: 50) { nodes { id title method status deadline votesCast quorum myVote { castAt } } } }`;
export const DECISION = `query Decision($orgId: ID!, $id: ID!) { decision(orgId: $orgId, id: $id) { ${FIELDS} } }`;
export const CREATE_DECISION = `mutation CreateDecision($input: CreateDecisionInput!) { createDecision(input: $input) { ${FIELDS} } }`;
export const CAST_VOTE = `mutation CastVote($input: CastVoteInput!) { castVote(input: $input) { ${FIELDS} } }`;
export const CLOSE_DECISION = `mutation CloseDecision($orgId: ID!, $id: ID!) { closeDecision(orgId: $orgId, id: $id) { ${FIELDS} } }`;
