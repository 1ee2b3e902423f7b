import { type FormEvent, useId, useState } from 'react';
import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Time } from '../../components/Time';
import { Unavailable } from '../../components/Unavailable';
import { type MessageKey, useI18n } from '../../i18n/i18n';
import { Link, navigate, pathTo, withQuery } from '../../lib/router';
import { useLiveRefresh } from '../../lib/use-live-refresh';
import { useMutation, useQuery } from '../../lib/use-query';
import { useAccountNames } from '../../session/accounts';
import { useCapabilities } from '../../session/capabilities';
import { hasRole, type Org, orgKey, useSession } from '../../session/session';
import { ROLES, roleLabel } from '../orgs/RoleSelect';
import {
  CAST_VOTE,
  CLOSE_DECISION,
  CREATE_DECISION,
  DECISION,
  DECISIONS,
  type Decision,
  type Outcome,
  type VotingMethod,
} from './decision-api';

const METHODS: VotingMethod[] = ['majority', 'approval', 'consent'];

const CONSENT_KEYS: Record<string, MessageKey> = {
  consent: 'decisions.consentOption.consent',
  object: 'decisions.consentOption.object',
  'stand-aside': 'decisions.consentOption.standAside',
};

/** Option labels; consent's fixed options are translated here, the others are the proposer's words. */
function useOptionLabel(decision: Decision | undefined) {
  const { t } = useI18n();
  return (id: string) => {
    if (decision?.method === 'consent' && CONSENT_KEYS[id]) return t(CONSENT_KEYS[id]);
    return decision?.options.find((o) => o.id === id)?.label ?? id;
  };
}

const OUTCOME_KEYS: Record<Outcome, MessageKey> = {
  adopted: 'decisions.outcome.adopted',
  rejected: 'decisions.outcome.rejected',
  no_quorum: 'decisions.outcome.no_quorum',
  tie: 'decisions.outcome.tie',
  no_majority: 'decisions.outcome.no_majority',
};

function useBase(org: Org) {
  const { orgs } = useSession();
  return pathTo('o', orgKey(orgs, org), 'decisions');
}

type DecisionRow = Pick<
  Decision,
  'id' | 'title' | 'method' | 'status' | 'deadline' | 'votesCast' | 'quorum'
> & {
  myVote: { castAt: string } | null;
};

export function DecisionsScreen({ org, location }: OrgScreenProps) {
  const { t } = useI18n();
  const caps = useCapabilities();
  const base = useBase(org);
  const status = location.search.get('status') === 'closed' ? 'closed' : 'open';
  const list = useQuery<{ decisions: { nodes: DecisionRow[] } }>(
    DECISIONS,
    caps.has('decisions') ? { orgId: org.id, status } : null,
  );
  if (caps.loaded && !caps.has('decisions')) return <Unavailable feature={t('nav.decisions')} />;
  return (
    <div>
      <PageHeader title={t('decisions.title')} sub={org.name}>
        {hasRole(org.myRole, 'member') && (
          <Link className="button primary" to={`${base}/new`}>
            {t('decisions.propose')}
          </Link>
        )}
      </PageHeader>
      <nav className="tabs" aria-label={t('decisions.title')}>
        <Link to={base} aria-current={status === 'open' ? 'page' : undefined}>
          {t('decisions.open')}
        </Link>
        <Link
          to={withQuery(base, { status: 'closed' })}
          aria-current={status === 'closed' ? 'page' : undefined}
        >
          {t('decisions.closed')}
        </Link>
      </nav>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data?.decisions.nodes.length ? (
        <ul className="card-list">
          {list.data.decisions.nodes.map((d) => (
            <li key={d.id}>
              <Link to={`${base}/${encodeURIComponent(d.id)}`}>{d.title}</Link>
              {d.myVote && (
                <span className="badge badge-ok">
                  <span aria-hidden="true">✓ </span>
                  {t('decisions.voted')}
                </span>
              )}
              <div className="muted small-text">
                {t(`decisions.method.${d.method}`)} ·{' '}
                {t('decisions.votesCast', { count: d.votesCast, quorum: d.quorum })} ·{' '}
                {d.status === 'open' ? t('decisions.closes') : t('decisions.closedLabel')}{' '}
                <Time value={d.deadline} />
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('decisions.none')}</p>
      )}
    </div>
  );
}

function inAWeek(): string {
  const d = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  d.setSeconds(0, 0);
  // datetime-local wants local time without a zone.
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function NewDecisionScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const base = useBase(org);
  const methodId = useId();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [method, setMethod] = useState<VotingMethod>('majority');
  const [options, setOptions] = useState<{ key: number; text: string }[]>([
    { key: 1, text: '' },
    { key: 2, text: '' },
  ]);
  const [deadline, setDeadline] = useState(inAWeek());
  const [quorum, setQuorum] = useState('1');
  const [voterRoles, setVoterRoles] = useState<string[]>(['member']);
  const create = useMutation<{ createDecision: Decision }, { input: Record<string, unknown> }>(
    CREATE_DECISION,
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await create.run({
      input: {
        orgId: org.id,
        title: title.trim(),
        description,
        method,
        options: method === 'consent' ? undefined : options.map((o) => o.text.trim()).filter(Boolean),
        deadline: new Date(deadline).toISOString(),
        quorum: Number(quorum),
        voterRoles,
      },
    });
    if (data) navigate(`${base}/${encodeURIComponent(data.createDecision.id)}`, { replace: true });
  };

  const error = create.error;
  return (
    <div className="narrow">
      <PageHeader title={t('decisions.propose')} sub={org.name} />
      <form onSubmit={submit} className="stack">
        <ErrorMessage
          error={error}
          fieldsShown={['title', 'description', 'method', 'options', 'deadline', 'quorum', 'voterRoles']}
        />
        <InputField
          label={t('decisions.question')}
          name="title"
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={error?.field('title')}
        />
        <TextAreaField
          label={
            <>
              {t('decisions.description')} <span className="muted">{t('common.optional')}</span>
            </>
          }
          rows={4}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={error?.field('description')}
        />
        <fieldset className="checks" aria-describedby={`${methodId}-hint`}>
          <legend>{t('decisions.methodLabel')}</legend>
          {METHODS.map((m) => (
            <label key={m}>
              <input
                type="radio"
                name="method"
                value={m}
                checked={method === m}
                onChange={() => setMethod(m)}
              />
              {t(`decisions.method.${m}`)}
            </label>
          ))}
        </fieldset>
        <p className="hint" id={`${methodId}-hint`}>
          {t(`decisions.methodHint.${method}`)}
        </p>
        {method !== 'consent' && (
          <fieldset className="stack option-list">
            <legend>{t('decisions.options')}</legend>
            {options.map((option, i) => (
              <div className="input-with-button" key={option.key}>
                <label className="visually-hidden" htmlFor={`${methodId}-option-${i}`}>
                  {t('decisions.optionN', { n: i + 1 })}
                </label>
                <input
                  id={`${methodId}-option-${i}`}
                  value={option.text}
                  placeholder={t('decisions.optionN', { n: i + 1 })}
                  onChange={(e) =>
                    setOptions(options.map((o, j) => (j === i ? { ...o, text: e.target.value } : o)))
                  }
                />
                {options.length > 2 && (
                  <button
                    type="button"
                    onClick={() => setOptions(options.filter((_, j) => j !== i))}
                    aria-label={t('decisions.removeOption', { n: i + 1 })}
                  >
                    {t('common.remove')}
                  </button>
                )}
              </div>
            ))}
            {error?.field('options') && <p className="field-error">⚠ {error.field('options')}</p>}
            <button
              type="button"
              onClick={() =>
                setOptions([...options, { key: Math.max(...options.map((o) => o.key)) + 1, text: '' }])
              }
            >
              {t('decisions.addOption')}
            </button>
          </fieldset>
        )}
        <InputField
          label={t('decisions.deadline')}
          type="datetime-local"
          required
          value={deadline}
          onChange={(e) => setDeadline(e.target.value)}
          error={error?.field('deadline')}
        />
        <InputField
          label={t('decisions.quorum')}
          hint={t('decisions.quorumHint')}
          type="number"
          min={1}
          value={quorum}
          onChange={(e) => setQuorum(e.target.value)}
          error={error?.field('quorum')}
        />
        <fieldset className="checks">
          <legend>{t('decisions.voters')}</legend>
          {ROLES.map((r) => (
            <label key={r}>
              <input
                type="checkbox"
                checked={voterRoles.includes(r)}
                onChange={(e) =>
                  setVoterRoles(e.target.checked ? [...voterRoles, r] : voterRoles.filter((x) => x !== r))
                }
              />
              {roleLabel(t, r)}
            </label>
          ))}
        </fieldset>
        <p className="hint">{t('decisions.votersHint')}</p>
        <div className="button-row">
          <button type="submit" className="primary" disabled={create.pending}>
            {t('decisions.submit')}
          </button>
          <Link className="button" to={base}>
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </div>
  );
}

export function DecisionScreen({ org, params }: OrgScreenProps) {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const nameOf = useAccountNames(org);
  const decision = useQuery<{ decision: Decision }>(DECISION, { orgId: org.id, id: params.id });
  const close = useMutation<{ closeDecision: Decision }, { orgId: string; id: string }>(CLOSE_DECISION);
  const d = decision.data?.decision;
  const label = useOptionLabel(d);
  // Other members' votes and the close, here or on another gateway, show up at once.
  useLiveRefresh(
    decision.reload,
    { orgId: org.id, domain: 'decision', entity: params.id },
    d?.status === 'open',
  );
  if (decision.loading && !d) return <Loading />;
  if (!d) return <ErrorMessage error={decision.error} />;
  const canClose = d.status === 'open' && (hasRole(org.myRole, 'admin') || d.proposerId === me?.account.id);

  return (
    <article>
      <PageHeader
        title={d.title}
        sub={
          <>
            {t('common.by', { name: nameOf(d.proposerId) })} · {t(`decisions.method.${d.method}`)} ·{' '}
            {d.status === 'open' ? (
              <span className="badge">{t('decisions.open')}</span>
            ) : (
              <span className="badge">{t('decisions.closedLabel')}</span>
            )}
          </>
        }
      >
        {canClose && (
          <button
            type="button"
            disabled={close.pending}
            onClick={async () => {
              const data = await close.run({ orgId: org.id, id: d.id });
              if (data) decision.setData({ decision: data.closeDecision });
            }}
          >
            {t('decisions.closeNow')}
          </button>
        )}
      </PageHeader>
      <ErrorMessage error={close.error} />
      {d.description && <p className="prose">{d.description}</p>}
      <dl className="facts">
        <dt>{d.status === 'open' ? t('decisions.closes') : t('decisions.closedLabel')}</dt>
        <dd>{dateTime(d.closedAt ?? d.deadline)}</dd>
        <dt>{t('decisions.participation')}</dt>
        <dd>{t('decisions.votesCast', { count: d.votesCast, quorum: d.quorum })}</dd>
        <dt>{t('decisions.voters')}</dt>
        <dd>
          {d.voterRoles.map((r) => (ROLES.includes(r as never) ? roleLabel(t, r as never) : r)).join(', ')}
        </dd>
      </dl>
      {d.status === 'open' ? (
        <VoteForm org={org} decision={d} onVoted={(next) => decision.setData({ decision: next })} />
      ) : (
        <Results decision={d} label={label} nameOf={nameOf} />
      )}
    </article>
  );
}

function VoteForm({
  org,
  decision,
  onVoted,
}: {
  org: Org;
  decision: Decision;
  onVoted: (d: Decision) => void;
}) {
  const { t, dateTime } = useI18n();
  const [choices, setChoices] = useState<string[]>(decision.myVote?.choices ?? []);
  const [reason, setReason] = useState(decision.myVote?.reason ?? '');
  const [saved, setSaved] = useState(false);
  const vote = useMutation<{ castVote: Decision }, { input: Record<string, unknown> }>(CAST_VOTE);
  const many = decision.method === 'approval';
  const label = useOptionLabel(decision);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const data = await vote.run({ input: { orgId: org.id, decisionId: decision.id, choices, reason } });
    if (data) {
      setSaved(true);
      onVoted(data.castVote);
    }
  };

  return (
    <form onSubmit={submit} className="stack vote-form">
      <h2>{t('decisions.yourVote')}</h2>
      {decision.myVote && (
        <p className="notice notice-ok" role="status">
          <span aria-hidden="true">✓ </span>
          {t('decisions.votedAt', { when: dateTime(decision.myVote.castAt) })}
        </p>
      )}
      {saved && (
        <p className="visually-hidden" role="status">
          {t('decisions.voteSaved')}
        </p>
      )}
      <ErrorMessage error={vote.error} fieldsShown={['reason']} />
      <fieldset className="checks vertical">
        <legend>{many ? t('decisions.chooseMany') : t('decisions.chooseOne')}</legend>
        {decision.options.map((o) => (
          <label key={o.id}>
            <input
              type={many ? 'checkbox' : 'radio'}
              name="choice"
              value={o.id}
              checked={choices.includes(o.id)}
              onChange={(e) =>
                setChoices(
                  many ? (e.target.checked ? [...choices, o.id] : choices.filter((c) => c !== o.id)) : [o.id],
                )
              }
            />
            {label(o.id)}
          </label>
        ))}
      </fieldset>
      <TextAreaField
        label={
          <>
            {t('decisions.reason')}{' '}
            <span className="muted">
              {decision.method === 'consent' && choices[0] === 'object'
                ? t('common.required')
                : t('common.optional')}
            </span>
          </>
        }
        rows={3}
        value={reason}
        required={decision.method === 'consent' && choices[0] === 'object'}
        onChange={(e) => setReason(e.target.value)}
        error={vote.error?.field('reason')}
      />
      <button type="submit" className="primary" disabled={vote.pending || choices.length === 0}>
        {decision.myVote ? t('decisions.changeVote') : t('decisions.castVote')}
      </button>
    </form>
  );
}

function Results({
  decision,
  label,
  nameOf,
}: {
  decision: Decision;
  label: (id: string) => string;
  nameOf: (id: string | null | undefined) => string;
}) {
  const { t } = useI18n();
  const r = decision.result;
  if (!r) return <p>{t('decisions.noResult')}</p>;
  const max = Math.max(1, ...r.counts.map((c) => c.count));
  return (
    <section aria-labelledby="result-title">
      <h2 id="result-title">{t('decisions.result')}</h2>
      <p
        className={`notice ${r.outcome === 'adopted' ? 'notice-ok' : 'notice-warn'}`}
        data-testid="decision-outcome"
      >
        <strong>{t(OUTCOME_KEYS[r.outcome])}</strong>
        {r.winners.length > 0 && r.outcome === 'adopted' && <> — {r.winners.map(label).join(', ')}</>}
        {r.outcome === 'tie' && <> — {r.winners.map(label).join(', ')}</>}
        <br />
        {t('decisions.ballots', { count: r.ballots, quorum: decision.quorum })}
      </p>
      <ul className="tally">
        {r.counts.map((c) => (
          <li key={c.optionId}>
            <div>
              {r.winners.includes(c.optionId) && <span aria-hidden="true">✓ </span>}
              <strong>{label(c.optionId)}</strong>: {t('decisions.count', { count: c.count })}
              {r.winners.includes(c.optionId) && (
                <span className="visually-hidden"> ({t('decisions.winner')})</span>
              )}
            </div>
            <div className="tally-bar" aria-hidden="true">
              <span style={{ width: `${(c.count / max) * 100}%` }} />
            </div>
          </li>
        ))}
      </ul>
      {r.objections.length > 0 && (
        <>
          <h3>{t('decisions.objections')}</h3>
          <ul className="plain-list">
            {r.objections.map((o) => (
              <li key={o.voterId}>
                <strong>{nameOf(o.voterId)}</strong>: {o.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
