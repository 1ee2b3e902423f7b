import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Ballot, countedBallots, type TallyInput, tally } from './tally.util.js';

const options = [
  { id: 'a', label: 'A' },
  { id: 'b', label: 'B' },
  { id: 'c', label: 'C' },
];
const at = (n: number) => `${n.toString(16).padStart(13, '0')}.000000`;
let seq = 0;
const ballot = (voter: string, choices: string[], n: number, extra: Partial<Ballot> = {}): Ballot => ({
  id: `op${++seq}`,
  voter,
  choices,
  reason: '',
  hlc: at(n),
  author: 'gw-a',
  ...extra,
});
const input = (over: Partial<TallyInput> = {}): TallyInput => ({
  method: 'majority',
  options,
  quorum: 1,
  cutoff: at(100),
  ...over,
});

describe('tally', () => {
  it('adopts the option with more than half of the ballots', () => {
    const r = tally(input(), [ballot('ann', ['a'], 1), ballot('bob', ['a'], 2), ballot('cat', ['b'], 3)]);
    expect(r).toMatchObject({ outcome: 'adopted', winners: ['a'], ballots: 3 });
    expect(r.counts).toEqual([
      { optionId: 'a', count: 2 },
      { optionId: 'b', count: 1 },
      { optionId: 'c', count: 0 },
    ]);
  });

  it('finds no majority in a split vote', () => {
    const r = tally(input(), [ballot('ann', ['a'], 1), ballot('bob', ['b'], 2)]);
    expect(r).toMatchObject({ outcome: 'no_majority', winners: [] });
  });

  it('counts one ballot per voter: the last before the cut-off', () => {
    const r = tally(input(), [
      ballot('ann', ['a'], 1),
      ballot('ann', ['b'], 5),
      ballot('ann', ['c'], 100), // at the cut-off: too late
      ballot('bob', ['b'], 2),
    ]);
    expect(r).toMatchObject({ outcome: 'adopted', winners: ['b'], ballots: 2 });
  });

  it('breaks ties between a voter’s ballots on equal hlc by author gateway', () => {
    const ballots = [
      ballot('ann', ['a'], 3, { author: 'gw-b' }),
      ballot('ann', ['b'], 3, { author: 'gw-a' }),
    ];
    expect(countedBallots(input(), ballots)[0].choices).toEqual(['a']);
  });

  it('needs the quorum', () => {
    expect(tally(input({ quorum: 3 }), [ballot('ann', ['a'], 1), ballot('bob', ['a'], 2)])).toMatchObject({
      outcome: 'no_quorum',
      quorumMet: false,
      winners: [],
    });
  });

  it('approval: most approvals wins, equal tops tie', () => {
    const approval = input({ method: 'approval' });
    expect(
      tally(approval, [ballot('ann', ['a', 'b'], 1), ballot('bob', ['b'], 2), ballot('cat', [], 3)]),
    ).toMatchObject({ outcome: 'adopted', winners: ['b'], ballots: 3 });
    expect(tally(approval, [ballot('ann', ['a', 'c'], 1), ballot('bob', ['c', 'a'], 2)])).toMatchObject({
      outcome: 'tie',
      winners: ['a', 'c'],
    });
  });

  it('consent: adopted unless someone objects', () => {
    const consent = input({
      method: 'consent',
      options: [
        { id: 'consent', label: '' },
        { id: 'object', label: '' },
        { id: 'stand-aside', label: '' },
      ],
    });
    expect(tally(consent, [ballot('ann', ['consent'], 1), ballot('bob', ['stand-aside'], 2)])).toMatchObject({
      outcome: 'adopted',
    });
    const r = tally(consent, [
      ballot('ann', ['consent'], 1),
      ballot('bob', ['object'], 2, { reason: 'too loud' }),
    ]);
    expect(r).toMatchObject({ outcome: 'rejected', objections: [{ voter: 'bob', reason: 'too loud' }] });
  });

  it('ignores ballots that name unknown options or several options where one is allowed', () => {
    const r = tally(input(), [
      ballot('ann', ['z'], 1),
      ballot('bob', ['a', 'b'], 2),
      ballot('cat', ['c'], 3),
    ]);
    expect(r).toMatchObject({ ballots: 1, winners: ['c'] });
  });

  it('gives the same result for any order of the same ballots, with re-deliveries', () => {
    const ballotArb = fc.record({
      id: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8'),
      voter: fc.constantFrom('ann', 'bob', 'cat', 'dan'),
      choices: fc.subarray(['a', 'b', 'c']),
      reason: fc.constantFrom('', 'no'),
      hlc: fc.nat({ max: 12 }).map(at),
      author: fc.constantFrom('gw-a', 'gw-b'),
    });
    const ballotsArb = fc.uniqueArray(ballotArb, { selector: (b) => b.id, maxLength: 8 });
    const deliveryArb = ballotsArb.chain((ballots) =>
      fc.tuple(
        fc.constant(ballots),
        fc.shuffledSubarray(ballots, { minLength: ballots.length }),
        fc.subarray(ballots),
      ),
    );
    const methodArb = fc.constantFrom<TallyInput['method']>('majority', 'approval', 'consent');
    fc.assert(
      fc.property(
        deliveryArb,
        methodArb,
        fc.nat({ max: 3 }),
        ([ballots, shuffled, again], method, quorum) => {
          const consent = ['consent', 'object', 'stand-aside'];
          const asConsent = (bs: Ballot[]) =>
            bs.map((b) => ({ ...b, choices: b.choices.map((c) => consent['abc'.indexOf(c)]) }));
          const opts = method === 'consent' ? consent.map((id) => ({ id, label: id })) : options;
          const spec = input({ method, options: opts, quorum, cutoff: at(10) });
          const one = method === 'consent' ? asConsent(ballots) : ballots;
          const other = method === 'consent' ? asConsent([...shuffled, ...again]) : [...shuffled, ...again];
          expect(tally(spec, other)).toEqual(tally(spec, one));
        },
      ),
      { numRuns: 300 },
    );
  });
});
