import type { OrgScreenProps } from '../../app/routes';
import { Unavailable } from '../../components/Unavailable';

export function ProjectsScreen(_: OrgScreenProps) {
  return <Unavailable feature="projects" />;
}

export function ProjectScreen(_: OrgScreenProps) {
  return <Unavailable feature="projects" />;
}

export function MyTasksScreen(_: OrgScreenProps) {
  return <Unavailable feature="projects" />;
}
