import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';
import { interpolate, pickLanguage } from './i18n';
import { sw } from './sw';

const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)(?=\}|, plural,)/g)].map((m) => m[1]).sort((a, b) => a.localeCompare(b));

describe('i18n', () => {
  it('fills placeholders and plural forms', () => {
    expect(interpolate('Hello {name}', { name: 'Amina' })).toBe('Hello Amina');
    expect(interpolate('{missing} stays', {})).toBe('{missing} stays');
    const votes = '{count, plural, one {# vote} other {# votes}} for {option}';
    expect(interpolate(votes, { count: 1, option: 'Yes' }, new Intl.PluralRules('en'))).toBe(
      '1 vote for Yes',
    );
    expect(interpolate(votes, { count: 3, option: 'Yes' }, new Intl.PluralRules('en'))).toBe(
      '3 votes for Yes',
    );
    // French puts 0 and 1 in "one".
    expect(
      interpolate('{n, plural, one {# vote} other {# votes}}', { n: 0 }, new Intl.PluralRules('fr')),
    ).toBe('0 vote');
  });

  it('takes the member choice, then the browser languages, then English', () => {
    expect(pickLanguage('sw', ['fr-FR'])).toBe('sw');
    expect(pickLanguage(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage(null, ['sw-KE'])).toBe('sw');
    expect(pickLanguage('xx', ['de'])).toBe('en');
  });

  /** Texts that are rightly the same as in English (names, international words). */
  const sameAsEnglish: Record<string, string[]> = {
    French: [
      'app.name',
      'nav.wiki',
      'nav.blog',
      'wiki.title',
      'blog.title',
      'nav.switchOrg',
      'org.description',
      'projects.description',
      'wiki.revision',
      'conflict.version',
      'workflows.version',
      'decisions.options',
      'decisions.optionN',
      'decisions.quorum',
      'decisions.participation',
      'decisions.objections',
      'designer.fieldLabel',
      'designer.type.date',
      'designer.transitions',
      'designer.transitionN',
      'search.kindPage',
    ],
    Swahili: ['app.name', 'nav.wiki', 'wiki.title'],
  };

  for (const [name, messages] of [
    ['French', fr],
    ['Swahili', sw],
  ] as const) {
    it(`${name} translates every text, with the same placeholders`, () => {
      const words = (text: string) =>
        text.replace(/\{\w+\}/g, '').replace(/\{\w+, plural,|\b(one|other)\s*\{|[{}#]/g, '');
      const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter(
        (key) =>
          messages[key] === en[key] && /[a-z]{3}/i.test(words(en[key])) && !sameAsEnglish[name].includes(key),
      );
      expect(untranslated).toEqual([]);
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(placeholders(messages[key]), key).toEqual(placeholders(en[key]));
      }
    });
  }
});
