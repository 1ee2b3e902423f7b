import type { OrgScreenProps } from '../../app/routes';
import { Unavailable } from '../../components/Unavailable';

export function DecisionsScreen(_: OrgScreenProps) {
  return <Unavailable feature="decisions" />;
}

export function NewDecisionScreen(_: OrgScreenProps) {
  return <Unavailable feature="decisions" />;
}

export function DecisionScreen(_: OrgScreenProps) {
  return <Unavailable feature="decisions" />;
}
