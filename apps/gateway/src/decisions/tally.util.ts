/**
 * Decision results: pure, deterministic functions of the ballots. Every
 * gateway holding the same ballot ops computes the same result, whatever
 * order they arrived in: each voter's ballot that counts is their last valid
 * one (by hlc, then author gateway, then id) cast before the cut-off.
 */

export const VOTING_METHODS = ['majority', 'approval', 'consent'] as const;
export type VotingMethod = (typeof VOTING_METHODS)[number];

/** Consent decisions have these fixed options; one objection blocks the proposal. */
export const CONSENT_OPTIONS = [
  { id: 'consent', label: 'Consent' },
  { id: 'object', label: 'Object' },
  { id: 'stand-aside', label: 'Stand aside' },
] as const;

export interface DecisionOption {
  readonly id: string;
  readonly label: string;
}

export interface Ballot {
  readonly id: string;
  readonly voter: string;
  readonly choices: readonly string[];
  readonly reason: string;
  readonly hlc: string;
  readonly author: string;
}

export interface TallyInput {
  readonly method: VotingMethod;
  readonly options: readonly DecisionOption[];
  /** Least number of counted ballots for a valid result. */
  readonly quorum: number;
  /** HLC string: ballots at or after it do not count. */
  readonly cutoff: string;
}

export type Outcome = 'adopted' | 'rejected' | 'no_quorum' | 'tie' | 'no_majority';

export interface TallyResult {
  /** Voters whose ballot counts. */
  readonly ballots: number;
  readonly quorumMet: boolean;
  readonly outcome: Outcome;
  /** The adopted option, or the options tied at the top; sorted by id. */
  readonly winners: string[];
  /** Per option, in the decision's option order. */
  readonly counts: { optionId: string; count: number }[];
  /** Consent only: who objected and why, by voter id. */
  readonly objections: { voter: string; reason: string }[];
}

/** Majority and consent ballots name exactly one option; approval ballots any set of distinct options. */
export function isValidBallot(
  method: VotingMethod,
  options: readonly DecisionOption[],
  choices: readonly string[],
) {
  const ids = new Set(options.map((o) => o.id));
  if (!choices.every((c) => ids.has(c)) || new Set(choices).size !== choices.length) return false;
  return method === 'approval' || choices.length === 1;
}

const later = (a: Ballot, b: Ballot): boolean =>
  a.hlc !== b.hlc ? a.hlc > b.hlc : a.author !== b.author ? a.author > b.author : a.id > b.id;

/** Each voter's last valid ballot before the cut-off, sorted by voter. */
export function countedBallots(input: TallyInput, ballots: readonly Ballot[]): Ballot[] {
  const byVoter = new Map<string, Ballot>();
  for (const b of ballots) {
    if (!(b.hlc < input.cutoff) || !isValidBallot(input.method, input.options, b.choices)) continue;
    const kept = byVoter.get(b.voter);
    if (!kept || later(b, kept)) byVoter.set(b.voter, b);
  }
  return [...byVoter.values()].sort((a, b) => (a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0));
}

export function tally(input: TallyInput, ballots: readonly Ballot[]): TallyResult {
  const counted = countedBallots(input, ballots);
  const counts = input.options.map((o) => ({
    optionId: o.id,
    count: counted.filter((b) => b.choices.includes(o.id)).length,
  }));
  const objections =
    input.method === 'consent'
      ? counted.filter((b) => b.choices[0] === 'object').map((b) => ({ voter: b.voter, reason: b.reason }))
      : [];
  const quorumMet = counted.length >= input.quorum;
  const base = { ballots: counted.length, quorumMet, counts, objections };
  if (!quorumMet) return { ...base, outcome: 'no_quorum', winners: [] };
  if (input.method === 'consent') {
    return objections.length
      ? { ...base, outcome: 'rejected', winners: [] }
      : { ...base, outcome: 'adopted', winners: ['consent'] };
  }
  const top = Math.max(0, ...counts.map((c) => c.count));
  const leaders = counts
    .filter((c) => c.count === top && top > 0)
    .map((c) => c.optionId)
    .sort();
  if (input.method === 'majority') {
    // Simple majority: more than half of the counted ballots.
    return top * 2 > counted.length
      ? { ...base, outcome: 'adopted', winners: leaders }
      : { ...base, outcome: 'no_majority', winners: [] };
  }
  if (leaders.length === 1) return { ...base, outcome: 'adopted', winners: leaders };
  return leaders.length
    ? { ...base, outcome: 'tie', winners: leaders }
    : { ...base, outcome: 'no_majority', winners: [] };
}
