/**
 * Renders a workflow's form (JSON Schema) with @rjsf/core. Loaded on demand:
 * rjsf is the heaviest part of the UI and only the workflow screens need it.
 */
import Form from '@rjsf/core';
import {
  type ErrorSchema,
  englishStringTranslator,
  type RJSFSchema,
  TranslatableString,
  type UiSchema,
} from '@rjsf/utils';
import { type ReactNode, useMemo } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { FieldProblem } from '../../lib/graphql';
import { cspSafeValidator, type Messages } from './form-validator';

export interface SchemaFormProps {
  schema: RJSFSchema;
  formData: Record<string, unknown>;
  onChange: (data: Record<string, unknown>) => void;
  onSubmit: (data: Record<string, unknown>) => void;
  /** Problems the gateway found (the engine's messages), shown under their fields. */
  serverErrors?: readonly FieldProblem[];
  disabled?: boolean;
  idPrefix?: string;
  children: ReactNode;
}

/** UI hints a designer can put in a schema (JSON Schema allows `$comment`): "multiline" makes a text area. */
export function uiSchemaFor(schema: RJSFSchema): UiSchema {
  const ui: UiSchema = { 'ui:title': '' };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (typeof property !== 'object') continue;
    if (property.$comment === 'multiline') ui[name] = { 'ui:widget': 'textarea', 'ui:options': { rows: 4 } };
    if (property.type === 'boolean') ui[name] = { 'ui:widget': 'checkbox' };
  }
  return ui;
}

/** Turns the gateway's field problems (`amount`, `data.amount`, `address.city`) into rjsf's error tree. */
export function errorSchemaFrom(problems: readonly FieldProblem[]): ErrorSchema {
  const tree: Record<string, unknown> = {};
  for (const { field, message } of problems) {
    const parts = field
      .replace(/^data\.?/, '')
      .split('.')
      .filter(Boolean);
    let node = tree;
    for (const part of parts) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const list = (node.__errors as string[] | undefined) ?? [];
    list.push(message);
    node.__errors = list;
  }
  return tree as ErrorSchema;
}

export default function SchemaForm({
  schema,
  formData,
  onChange,
  onSubmit,
  serverErrors = [],
  disabled,
  idPrefix = 'item',
  children,
}: SchemaFormProps) {
  const { t } = useI18n();
  const validator = useMemo(() => {
    const messages: Messages = {
      required: t('form.required'),
      type: (type) => t('form.type', { type }),
      enum: t('form.enum'),
      minimum: (n) => t('form.minimum', { n }),
      maximum: (n) => t('form.maximum', { n }),
      minLength: (n) => t('form.minLength', { n }),
      maxLength: (n) => t('form.maxLength', { n }),
      pattern: t('form.pattern'),
      format: (format) => t('form.format', { format }),
      minItems: (n) => t('form.minItems', { n }),
      maxItems: (n) => t('form.maxItems', { n }),
    };
    return cspSafeValidator(messages);
  }, [t]);
  const uiSchema = useMemo(() => uiSchemaFor(schema), [schema]);
  const extraErrors = useMemo(
    () => (serverErrors.length ? errorSchemaFrom(serverErrors) : undefined),
    [serverErrors],
  );
  const translateString = (key: TranslatableString, params?: string[]) => {
    switch (key) {
      case TranslatableString.YesLabel:
        return t('common.yes');
      case TranslatableString.NoLabel:
        return t('common.no');
      case TranslatableString.AddItemButton:
      case TranslatableString.AddButton:
        return t('common.add');
      case TranslatableString.RemoveButton:
        return t('common.remove');
      default:
        return englishStringTranslator(key, params);
    }
  };

  return (
    <Form
      schema={schema}
      uiSchema={uiSchema}
      formData={formData}
      validator={validator}
      idPrefix={idPrefix}
      disabled={disabled}
      extraErrors={extraErrors}
      showErrorList={false}
      focusOnFirstError
      noHtml5Validate
      translateString={translateString}
      onChange={(e) => onChange((e.formData ?? {}) as Record<string, unknown>)}
      onSubmit={(e) => onSubmit((e.formData ?? {}) as Record<string, unknown>)}
    >
      {children}
    </Form>
  );
}
