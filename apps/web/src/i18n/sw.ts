import { en, type Messages } from './en';

export const sw: Messages = { ...en };
