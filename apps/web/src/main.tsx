import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { type Language, loadMessages, pickLanguage, storedLanguageChoice } from './i18n/i18n';
import './styles.css';

async function start() {
  const choice = storedLanguageChoice();
  const language: Language = pickLanguage(choice, navigator.languages ?? [navigator.language]);
  const messages = await loadMessages(language);
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <App initialChoice={choice} initialLanguage={language} initialMessages={messages} />
    </StrictMode>,
  );
}

void start();
