import type { OrgScreenProps } from '../../app/routes';
import { Unavailable } from '../../components/Unavailable';

export function InboxScreen(_: OrgScreenProps) {
  return <Unavailable feature="workflows" />;
}

export function DesignerScreen(_: OrgScreenProps) {
  return <Unavailable feature="workflows" />;
}

export function StartItemScreen(_: OrgScreenProps) {
  return <Unavailable feature="workflows" />;
}

export function ItemScreen(_: OrgScreenProps) {
  return <Unavailable feature="workflows" />;
}
