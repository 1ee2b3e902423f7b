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

/** Replaces `{name}` placeholders. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
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
    t: (key, params) => interpolate(messages[key] ?? en[key] ?? key, params),
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
