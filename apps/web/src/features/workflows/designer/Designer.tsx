import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import type { OrgScreenProps } from '../../../app/routes';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { PageHeader } from '../../../components/PageHeader';
import { type MessageKey, useI18n } from '../../../i18n/i18n';
import { Link, navigate, pathTo } from '../../../lib/router';
import { useMutation, useQuery } from '../../../lib/use-query';
import { type Org, orgKey, useSession } from '../../../session/session';
import { DEFINE_WORKFLOW, PUBLISH_WORKFLOW, WORKFLOW, type Workflow } from '../workflow-api';
import {
  type Design,
  type DesignField,
  type DesignProblems,
  type DesignState,
  type DesignTransition,
  emptyDesign,
  FIELD_TYPES,
  type FieldType,
  fromDefinition,
  OPERATORS,
  type Operator,
  ORG_ROLES,
  sortProblems,
  toDefinition,
  toFieldName,
  toId,
  uid,
} from './model';

const TYPE_KEYS: Record<FieldType, MessageKey> = {
  text: 'designer.type.text',
  multiline: 'designer.type.multiline',
  number: 'designer.type.number',
  integer: 'designer.type.integer',
  boolean: 'designer.type.boolean',
  date: 'designer.type.date',
  choice: 'designer.type.choice',
};

const OP_KEYS: Record<Operator, MessageKey> = {
  '==': 'designer.op.eq',
  '!=': 'designer.op.ne',
  '<': 'designer.op.lt',
  '<=': 'designer.op.le',
  '>': 'designer.op.gt',
  '>=': 'designer.op.ge',
  filled: 'designer.op.filled',
};

const NO_PROBLEMS: DesignProblems = { general: [], basics: {}, states: {}, transitions: {}, fields: [] };

/** The workflow designer: an admin builds a workflow from steps, actions and form fields, without JSON. */
export default function Designer({ org, params }: OrgScreenProps) {
  const { orgs } = useSession();
  const base = pathTo('o', orgKey(orgs, org), 'workflows');
  const existing = useQuery<{ workflow: Workflow }>(
    WORKFLOW,
    params.key ? { orgId: org.id, id: params.key } : null,
  );
  const [design, setDesign] = useState<Design | null>(params.key ? null : emptyDesign());
  // Ids of loaded (published) parts never change: items in flight refer to them.
  const [locked, setLocked] = useState<Set<string>>(new Set());

  useEffect(() => {
    const w = existing.data?.workflow;
    if (!w) return;
    const loaded = fromDefinition(w.definition, w.startRoles);
    setDesign(loaded);
    setLocked(new Set([...loaded.states, ...loaded.fields, ...loaded.transitions].map((x) => x.uid)));
  }, [existing.data]);

  if (params.key && !design) return existing.error ? <ErrorMessage error={existing.error} /> : <Loading />;
  if (!design) return <Loading />;
  return (
    <DesignerForm
      org={org}
      base={base}
      workflowId={params.key}
      version={existing.data?.workflow.version}
      design={design}
      setDesign={setDesign as (d: Design) => void}
      locked={locked}
    />
  );
}

interface DesignerFormProps {
  org: Org;
  base: string;
  workflowId?: string;
  version?: number;
  design: Design;
  setDesign: (d: Design) => void;
  /** Parts already published: their ids are fixed (items in flight refer to them). */
  locked: Set<string>;
}

function DesignerForm({ org, base, workflowId, version, design, setDesign, locked }: DesignerFormProps) {
  const { t } = useI18n();
  const define = useMutation<{ defineWorkflow: { id: string } }, { input: Record<string, unknown> }>(
    DEFINE_WORKFLOW,
  );
  const publish = useMutation<{ publishWorkflowVersion: { id: string } }, { input: Record<string, unknown> }>(
    PUBLISH_WORKFLOW,
  );
  const error = define.error ?? publish.error;
  const problems = error ? sortProblems(error.fields) : NO_PROBLEMS;
  const roles = [...ORG_ROLES, ...design.roles];
  const [newRole, setNewRole] = useState('');
  const [keyTouched, setKeyTouched] = useState(!!workflowId);
  // Parts whose id the admin typed: no longer derived from their label.
  const [manual, setManual] = useState<Set<string>>(new Set());
  const update = (patch: Partial<Design>) => setDesign({ ...design, ...patch });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const definition = toDefinition(design);
    const done = workflowId
      ? await publish.run({ input: { orgId: org.id, workflowId, definition, startRoles: design.startRoles } })
      : await define.run({ input: { orgId: org.id, definition, startRoles: design.startRoles } });
    if (done) navigate(base);
  };

  // Renames keep references intact: transitions name states and fields by id.
  const renameState = (state: DesignState, id: string) =>
    update({
      states: design.states.map((s) => (s.uid === state.uid ? { ...s, id } : s)),
      transitions: design.transitions.map((tr) => ({
        ...tr,
        from: tr.from === state.id ? id : tr.from,
        to: tr.to === state.id ? id : tr.to,
      })),
    });
  const renameField = (field: DesignField, name: string) =>
    update({
      fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, name } : f)),
      transitions: design.transitions.map((tr) => ({
        ...tr,
        requiredFields: tr.requiredFields.map((r) => (r === field.name ? name : r)),
        condition: tr.condition?.field === field.name ? { ...tr.condition, field: name } : tr.condition,
      })),
    });

  return (
    <form onSubmit={submit} className="designer" noValidate>
      <PageHeader
        title={workflowId ? t('designer.editTitle', { name: design.name }) : t('designer.newTitle')}
        sub={version ? t('designer.publishedVersion', { n: version }) : org.name}
      />
      <p>{t('designer.intro')}</p>
      {error && (
        <div className="notice notice-error" role="alert">
          <p>
            <span aria-hidden="true">⚠ </span>
            {error.fields.length ? t('designer.fixProblems', { count: error.fields.length }) : error.message}
          </p>
          {problems.general.length > 0 && (
            <ul>
              {problems.general.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <section className="designer-section" aria-labelledby="basics-title">
        <h2 id="basics-title">{t('designer.basics')}</h2>
        <Row>
          <TextInput
            label={t('designer.name')}
            value={design.name}
            problems={problems.basics.name}
            onChange={(name) => update({ name, key: keyTouched ? design.key : toId(name, '') })}
          />
          <TextInput
            label={t('designer.key')}
            hint={t('designer.keyHint')}
            value={design.key}
            disabled={!!workflowId}
            problems={problems.basics.key}
            onChange={(key) => {
              setKeyTouched(true);
              update({ key });
            }}
          />
        </Row>
        <div className="field">
          <span className="label-text" id="custom-roles">
            {t('designer.customRoles')}
          </span>
          <p className="hint">{t('designer.customRolesHint')}</p>
          <ul className="chips" aria-labelledby="custom-roles">
            {design.roles.map((r) => (
              <li key={r}>
                {r}{' '}
                <button
                  type="button"
                  className="small"
                  aria-label={t('designer.removeRole', { role: r })}
                  onClick={() => update({ roles: design.roles.filter((x) => x !== r) })}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
          <div className="input-with-button">
            <label className="visually-hidden" htmlFor="new-role">
              {t('designer.newRole')}
            </label>
            <input
              id="new-role"
              value={newRole}
              placeholder={t('designer.newRole')}
              onChange={(e) => setNewRole(e.target.value)}
            />
            <button
              type="button"
              onClick={() => {
                const role = toId(newRole, '');
                if (role && !roles.includes(role)) update({ roles: [...design.roles, role] });
                setNewRole('');
              }}
            >
              {t('common.add')}
            </button>
          </div>
          <Problems list={problems.basics.roles} />
        </div>
        <RoleChecks
          legend={t('designer.startRoles')}
          roles={roles}
          value={design.startRoles}
          onChange={(startRoles) => update({ startRoles })}
        />
        <Problems list={problems.basics.startRoles} />
      </section>

      <section className="designer-section" aria-labelledby="fields-title">
        <h2 id="fields-title">{t('designer.fields')}</h2>
        <p className="hint">{t('designer.fieldsHint')}</p>
        <Problems list={problems.fields} />
        {design.fields.map((field, i) => (
          <fieldset className="designer-row" key={field.uid}>
            <legend className="visually-hidden">{t('designer.fieldN', { n: i + 1 })}</legend>
            <TextInput
              label={t('designer.fieldLabel')}
              value={field.title}
              onChange={(title) => {
                if (locked.has(field.uid) || manual.has(field.uid)) {
                  update({ fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, title } : f)) });
                  return;
                }
                const name = toFieldName(title, `field_${i + 1}`);
                setDesign({
                  ...design,
                  fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, title, name } : f)),
                  transitions: design.transitions.map((tr) => ({
                    ...tr,
                    requiredFields: tr.requiredFields.map((r) => (r === field.name ? name : r)),
                    condition:
                      tr.condition?.field === field.name ? { ...tr.condition, field: name } : tr.condition,
                  })),
                });
              }}
            />
            <TextInput
              label={t('designer.fieldName')}
              value={field.name}
              disabled={locked.has(field.uid)}
              onChange={(name) => {
                setManual((m) => new Set(m).add(field.uid));
                renameField(field, name);
              }}
            />
            <Select
              label={t('designer.fieldType')}
              value={field.type}
              options={FIELD_TYPES.map((type) => [type, t(TYPE_KEYS[type])])}
              onChange={(type) =>
                update({
                  fields: design.fields.map((f) =>
                    f.uid === field.uid ? { ...f, type: type as FieldType } : f,
                  ),
                })
              }
            />
            <Check
              label={t('designer.required')}
              checked={field.required}
              onChange={(required) =>
                update({ fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, required } : f)) })
              }
            />
            {field.type === 'choice' && (
              <TextArea
                label={t('designer.choices')}
                value={field.choices}
                onChange={(choices) =>
                  update({ fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, choices } : f)) })
                }
              />
            )}
            {(field.type === 'number' || field.type === 'integer') && (
              <>
                <TextInput
                  label={t('designer.min')}
                  type="number"
                  value={field.min}
                  onChange={(min) =>
                    update({ fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, min } : f)) })
                  }
                />
                <TextInput
                  label={t('designer.max')}
                  type="number"
                  value={field.max}
                  onChange={(max) =>
                    update({ fields: design.fields.map((f) => (f.uid === field.uid ? { ...f, max } : f)) })
                  }
                />
              </>
            )}
            <button
              type="button"
              onClick={() =>
                update({
                  fields: design.fields.filter((f) => f.uid !== field.uid),
                  transitions: design.transitions.map((tr) => ({
                    ...tr,
                    requiredFields: tr.requiredFields.filter((r) => r !== field.name),
                    condition: tr.condition?.field === field.name ? null : tr.condition,
                  })),
                })
              }
            >
              {t('designer.removeField')}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() =>
            update({
              fields: [
                ...design.fields,
                {
                  uid: uid(),
                  name: `field_${design.fields.length + 1}`,
                  title: '',
                  type: 'text',
                  required: false,
                  choices: '',
                  min: '',
                  max: '',
                },
              ],
            })
          }
        >
          {t('designer.addField')}
        </button>
      </section>

      <section className="designer-section" aria-labelledby="states-title">
        <h2 id="states-title">{t('designer.states')}</h2>
        <p className="hint">{t('designer.statesHint')}</p>
        {design.states.map((state, i) => (
          <fieldset className="designer-row" key={state.uid} data-testid={`state-${i}`}>
            <legend className="visually-hidden">{t('designer.stateN', { n: i + 1 })}</legend>
            <TextInput
              label={t('designer.stateLabel')}
              value={state.label}
              onChange={(label) => {
                if (locked.has(state.uid) || manual.has(state.uid)) {
                  update({ states: design.states.map((s) => (s.uid === state.uid ? { ...s, label } : s)) });
                  return;
                }
                const id = toId(label, `step-${i + 1}`);
                setDesign({
                  ...design,
                  states: design.states.map((s) => (s.uid === state.uid ? { ...s, label, id } : s)),
                  transitions: design.transitions.map((tr) => ({
                    ...tr,
                    from: tr.from === state.id ? id : tr.from,
                    to: tr.to === state.id ? id : tr.to,
                  })),
                });
              }}
            />
            <TextInput
              label={t('designer.stateId')}
              value={state.id}
              disabled={locked.has(state.uid)}
              onChange={(id) => {
                setManual((m) => new Set(m).add(state.uid));
                renameState(state, id);
              }}
            />
            <Check
              label={t('designer.initial')}
              type="radio"
              name="initial-state"
              checked={state.initial}
              onChange={() =>
                update({ states: design.states.map((s) => ({ ...s, initial: s.uid === state.uid })) })
              }
            />
            <Check
              label={t('designer.final')}
              checked={state.final}
              onChange={(final) =>
                update({ states: design.states.map((s) => (s.uid === state.uid ? { ...s, final } : s)) })
              }
            />
            <RoleChecks
              legend={t('designer.assigneeRoles')}
              roles={roles}
              value={state.assigneeRoles}
              onChange={(assigneeRoles) =>
                update({
                  states: design.states.map((s) => (s.uid === state.uid ? { ...s, assigneeRoles } : s)),
                })
              }
            />
            <button
              type="button"
              onClick={() => update({ states: design.states.filter((s) => s.uid !== state.uid) })}
              disabled={design.states.length <= 1}
            >
              {t('designer.removeState')}
            </button>
            <Problems list={problems.states[i]} />
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() =>
            update({
              states: [
                ...design.states,
                {
                  uid: uid(),
                  id: `step-${design.states.length + 1}`,
                  label: '',
                  initial: false,
                  final: false,
                  assigneeRoles: [],
                },
              ],
            })
          }
        >
          {t('designer.addState')}
        </button>
      </section>

      <section className="designer-section" aria-labelledby="transitions-title">
        <h2 id="transitions-title">{t('designer.transitions')}</h2>
        <p className="hint">{t('designer.transitionsHint')}</p>
        {design.transitions.map((tr, i) => (
          <TransitionRow
            key={tr.uid}
            index={i}
            transition={tr}
            design={design}
            roles={roles}
            locked={locked.has(tr.uid)}
            problems={problems.transitions[i]}
            onChange={(next) =>
              update({ transitions: design.transitions.map((x) => (x.uid === tr.uid ? next : x)) })
            }
            onRemove={() => update({ transitions: design.transitions.filter((x) => x.uid !== tr.uid) })}
          />
        ))}
        <button
          type="button"
          onClick={() =>
            update({
              transitions: [
                ...design.transitions,
                {
                  uid: uid(),
                  id: `action-${design.transitions.length + 1}`,
                  name: '',
                  from: design.states.find((s) => s.initial)?.id ?? design.states[0]?.id ?? '',
                  to: design.states.find((s) => s.final)?.id ?? design.states.at(-1)?.id ?? '',
                  roles: ['member'],
                  requiredFields: [],
                  condition: null,
                  conditionMessage: '',
                },
              ],
            })
          }
        >
          {t('designer.addTransition')}
        </button>
      </section>

      <div className="button-row">
        <button type="submit" className="primary" disabled={define.pending || publish.pending}>
          {workflowId ? t('designer.publishVersion') : t('designer.publish')}
        </button>
        <Link className="button" to={base}>
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}

function TransitionRow({
  index,
  transition: tr,
  design,
  roles,
  locked,
  problems,
  onChange,
  onRemove,
}: {
  index: number;
  transition: DesignTransition;
  design: Design;
  roles: string[];
  locked: boolean;
  problems?: string[];
  onChange: (t: DesignTransition) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const stateOptions: [string, string][] = design.states.map((s) => [s.id, s.label || s.id]);
  const fieldOptions: [string, string][] = design.fields.map((f) => [f.name, f.title || f.name]);
  return (
    <fieldset className="designer-row" data-testid={`transition-${index}`}>
      <legend className="visually-hidden">{t('designer.transitionN', { n: index + 1 })}</legend>
      <TextInput
        label={t('designer.transitionName')}
        value={tr.name}
        onChange={(name) => onChange({ ...tr, name, id: locked ? tr.id : toId(name, `action-${index + 1}`) })}
      />
      <Select
        label={t('designer.from')}
        value={tr.from}
        options={stateOptions}
        onChange={(from) => onChange({ ...tr, from })}
      />
      <Select
        label={t('designer.to')}
        value={tr.to}
        options={stateOptions}
        onChange={(to) => onChange({ ...tr, to })}
      />
      <RoleChecks
        legend={t('designer.transitionRoles')}
        roles={roles}
        value={tr.roles}
        onChange={(r) => onChange({ ...tr, roles: r })}
      />
      {design.fields.length > 0 && (
        <RoleChecks
          legend={t('designer.requiredFields')}
          roles={design.fields.map((f) => f.name)}
          labels={Object.fromEntries(fieldOptions)}
          value={tr.requiredFields}
          onChange={(requiredFields) => onChange({ ...tr, requiredFields })}
        />
      )}
      {tr.rawCondition !== undefined && !tr.condition ? (
        <p className="hint">{t('designer.advancedCondition')}</p>
      ) : (
        design.fields.length > 0 && (
          <>
            <Select
              label={t('designer.conditionField')}
              value={tr.condition?.field ?? ''}
              options={[['', t('designer.noCondition')], ...fieldOptions]}
              onChange={(field) =>
                onChange({
                  ...tr,
                  condition: field
                    ? { field, op: tr.condition?.op ?? '==', value: tr.condition?.value ?? '' }
                    : null,
                })
              }
            />
            {tr.condition && (
              <>
                <Select
                  label={t('designer.conditionOp')}
                  value={tr.condition.op}
                  options={OPERATORS.map((op) => [op, t(OP_KEYS[op])])}
                  onChange={(op) =>
                    tr.condition && onChange({ ...tr, condition: { ...tr.condition, op: op as Operator } })
                  }
                />
                {tr.condition.op !== 'filled' && (
                  <TextInput
                    label={t('designer.conditionValue')}
                    value={tr.condition.value}
                    onChange={(value) =>
                      tr.condition && onChange({ ...tr, condition: { ...tr.condition, value } })
                    }
                  />
                )}
                <TextInput
                  label={t('designer.conditionMessage')}
                  value={tr.conditionMessage}
                  onChange={(conditionMessage) => onChange({ ...tr, conditionMessage })}
                />
              </>
            )}
          </>
        )
      )}
      <button type="button" onClick={onRemove}>
        {t('designer.removeTransition')}
      </button>
      <Problems list={problems} />
    </fieldset>
  );
}

function Row({ children }: { children: ReactNode }) {
  return <div className="designer-row plain">{children}</div>;
}

function Problems({ list }: { list?: string[] }) {
  if (!list?.length) return null;
  return (
    <ul className="field-error problems" role="alert">
      {list.map((m) => (
        <li key={m}>
          <span aria-hidden="true">⚠ </span>
          {m}
        </li>
      ))}
    </ul>
  );
}

function TextInput({
  label,
  hint,
  value,
  onChange,
  disabled,
  type = 'text',
  problems,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  disabled?: boolean;
  type?: string;
  problems?: string[];
}) {
  const id = useId();
  return (
    <div className={problems?.length ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        type={type}
        value={value}
        disabled={disabled}
        aria-invalid={problems?.length ? true : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <Problems list={problems} />
    </div>
  );
}

function TextArea({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: [string, string][];
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function Check({
  label,
  checked,
  onChange,
  type = 'checkbox',
  name,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  type?: 'checkbox' | 'radio';
  name?: string;
}) {
  return (
    <label className="check">
      <input type={type} name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

function RoleChecks({
  legend,
  roles,
  value,
  onChange,
  labels,
}: {
  legend: string;
  roles: readonly string[];
  value: string[];
  onChange: (roles: string[]) => void;
  labels?: Record<string, string>;
}) {
  const { t } = useI18n();
  const label = (r: string) =>
    labels?.[r] ??
    ((ORG_ROLES as readonly string[]).includes(r) ? t(`role.${r as (typeof ORG_ROLES)[number]}`) : r);
  return (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {roles.map((r) => (
        <label key={r}>
          <input
            type="checkbox"
            checked={value.includes(r)}
            onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))}
          />
          {label(r)}
        </label>
      ))}
    </fieldset>
  );
}
