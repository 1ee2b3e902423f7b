/**
 * Every text of the UI goes through `t(key)`. A language is a typed
 * dictionary: English is the reference and the fallback; French and Swahili
 * must have every key (the compiler checks) and load on demand.
 */
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { en, type MessageKey, type Messages } from './en';

export type Language = 'en' | 'fr' | 'sw';
export const LANGUAGES: readonly Language[] = ['en', 'fr', 'sw'];
/** Each language's name in itself, for the language picker. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', sw: 'Kiswahili' };

const STORAGE_KEY = 'gatehouse.language';

const loaders: Record<Language, () => Promise<Messages>> = {
  en: async () => en,
  fr: async () => (await import('./fr')).fr,
  sw: async () => (await import('./sw')).sw,
};

export function loadMessages(language: Language): Promise<Messages> {
  return loaders[language]();
}

/** The member's choice if any, else the first of the browser's languages we have, else English. */
export function pickLanguage(choice: string | null, browserLanguages: readonly string[]): Language {
  if (choice && (LANGUAGES as readonly string[]).includes(choice)) return choice as Language;
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

export function storedLanguageChoice(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value && (LANGUAGES as readonly string[]).includes(value) ? (value as Language) : null;
  } catch {
    return null;
  }
}

export function storeLanguageChoice(choice: Language | null): void {
  try {
    if (choice) localStorage.setItem(STORAGE_KEY, choice);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export type Params = Record<string, string | number>;

/**
 * Fills in `{name}` placeholders, and plural choices written as
 * `{count, plural, one {# vote} other {# votes}}` (ICU style; `#` is the
 * number; categories from Intl.PluralRules of the language, `other` as fallback).
 */
export function interpolate(template: string, params?: Params, plurals?: Intl.PluralRules): string {
  if (!params) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    out += template.slice(i, open);
    const plural = /^\{(\w+), plural,/.exec(template.slice(open));
    if (plural) {
      const end = matchingBrace(template, open);
      const name = plural[1];
      const count = Number(params[name]);
      const forms = parseForms(template.slice(open + plural[0].length, end));
      const category = (plurals ?? new Intl.PluralRules('en')).select(count);
      const form = forms[`=${count}`] ?? forms[category] ?? forms.other ?? '';
      out += interpolate(form.replace(/#/g, String(count)), params, plurals);
      i = end + 1;
      continue;
    }
    const simple = /^\{(\w+)\}/.exec(template.slice(open));
    if (simple && simple[1] in params) out += String(params[simple[1]]);
    else out += simple ? simple[0] : '{';
    i = open + (simple ? simple[0].length : 1);
  }
  return out + template.slice(i);
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length - 1;
}

function parseForms(body: string): Record<string, string> {
  const forms: Record<string, string> = {};
  const re = /\s*(=?\w+)\s*\{/g;
  let match = re.exec(body);
  while (match) {
    const start = match.index + match[0].length - 1;
    const end = matchingBrace(body, start);
    forms[match[1]] = body.slice(start + 1, end);
    re.lastIndex = end + 1;
    match = re.exec(body);
  }
  return forms;
}

export interface I18n {
  language: Language;
  t: (key: MessageKey, params?: Params) => string;
  /** "3 minutes ago", "in 2 days" */
  relativeTime: (date: Date | string | number) => string;
  dateTime: (date: Date | string | number) => string;
  setLanguage: (choice: Language | null) => void;
}

export function makeI18n(
  language: Language,
  messages: Messages,
  setLanguage: (choice: Language | null) => void,
): I18n {
  const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const absolute = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const plurals = new Intl.PluralRules(language);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 24 * 3600],
    ['month', 30 * 24 * 3600],
    ['week', 7 * 24 * 3600],
    ['day', 24 * 3600],
    ['hour', 3600],
    ['minute', 60],
  ];
  return {
    language,
    t: (key, params) => interpolate(messages[key] ?? en[key] ?? key, params, plurals),
    relativeTime(date) {
      const seconds = (new Date(date).getTime() - Date.now()) / 1000;
      for (const [unit, size] of units) {
        if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
      }
      return messages['common.justNow'] ?? en['common.justNow'];
    },
    dateTime: (date) => absolute.format(new Date(date)),
    setLanguage,
  };
}

const I18nContext = createContext<I18n>(makeI18n('en', en, () => {}));

export function I18nProvider({
  language,
  messages,
  setLanguage,
  children,
}: {
  language: Language;
  messages: Messages;
  setLanguage: (choice: Language | null) => void;
  children: ReactNode;
}) {
  const value = useMemo(() => makeI18n(language, messages, setLanguage), [language, messages, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

export type { MessageKey, Messages };
