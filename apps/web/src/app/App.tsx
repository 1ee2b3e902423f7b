import { Suspense, useCallback, useEffect, useState } from 'react';
import { Loading } from '../components/Loading';
import {
  I18nProvider,
  type Language,
  loadMessages,
  type Messages,
  pickLanguage,
  storeLanguageChoice,
} from '../i18n/i18n';
import { CapabilitiesProvider } from '../session/capabilities';
import { SessionProvider } from '../session/session';
import { Router } from './Router';
import { Shell } from './Shell';

interface AppProps {
  initialChoice: Language | null;
  initialLanguage: Language;
  initialMessages: Messages;
}

/** The member UI: language, session and capabilities around the shell and the current screen. */
export function App({ initialChoice, initialLanguage, initialMessages }: AppProps) {
  const [choice, setChoice] = useState<Language | null>(initialChoice);
  const [loaded, setLoaded] = useState({ language: initialLanguage, messages: initialMessages });

  useEffect(() => {
    const language = pickLanguage(choice, navigator.languages ?? [navigator.language]);
    if (language === loaded.language) return;
    let live = true;
    loadMessages(language).then((messages) => live && setLoaded({ language, messages }));
    return () => {
      live = false;
    };
  }, [choice, loaded.language]);

  useEffect(() => {
    document.documentElement.lang = loaded.language;
  }, [loaded.language]);

  const setLanguage = useCallback((next: Language | null) => {
    storeLanguageChoice(next);
    setChoice(next);
  }, []);

  return (
    <I18nProvider language={loaded.language} messages={loaded.messages} setLanguage={setLanguage}>
      <SessionProvider>
        <CapabilitiesProvider>
          <Shell>
            <Suspense fallback={<Loading />}>
              <Router />
            </Suspense>
          </Shell>
        </CapabilitiesProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
