/**
 * The route table. Screens other than logging in and the start page load on
 * demand, one chunk per section, so the first page stays small.
 */
import { type ComponentType, lazy } from 'react';
import { type Location, matchPath } from '../lib/router';
import type { Org } from '../session/session';

export interface ScreenProps {
  params: Record<string, string>;
  location: Location;
}

export interface OrgScreenProps extends ScreenProps {
  org: Org;
}

export type Route =
  | { pattern: string; kind: 'public'; screen: ComponentType<ScreenProps> }
  | { pattern: string; kind: 'signedIn'; screen: ComponentType<ScreenProps> }
  | { pattern: string; kind: 'org'; screen: ComponentType<OrgScreenProps> };

const auth = () => import('../features/auth/auth-screens');
const orgs = () => import('../features/orgs/org-screens');
const wiki = () => import('../features/wiki/wiki-screens');
const blog = () => import('../features/blog/blog-screens');
const search = () => import('../features/search/SearchScreen');
const settings = () => import('../features/settings/SettingsScreen');
const decisions = () => import('../features/decisions/decision-screens');
const projects = () => import('../features/projects/project-screens');
const workflows = () => import('../features/workflows/workflow-screens');

export const routes: Route[] = [
  { pattern: '/login', kind: 'public', screen: lazy(() => auth().then((m) => ({ default: m.LogInScreen }))) },
  {
    pattern: '/signup',
    kind: 'public',
    screen: lazy(() => auth().then((m) => ({ default: m.SignUpScreen }))),
  },
  { pattern: '/', kind: 'signedIn', screen: lazy(() => orgs().then((m) => ({ default: m.HomeScreen }))) },
  {
    pattern: '/orgs/new',
    kind: 'signedIn',
    screen: lazy(() => orgs().then((m) => ({ default: m.CreateOrgScreen }))),
  },
  { pattern: '/join', kind: 'signedIn', screen: lazy(() => orgs().then((m) => ({ default: m.JoinScreen }))) },
  {
    pattern: '/search',
    kind: 'signedIn',
    screen: lazy(() => search().then((m) => ({ default: m.SearchScreen }))),
  },
  {
    pattern: '/settings',
    kind: 'signedIn',
    screen: lazy(() => settings().then((m) => ({ default: m.SettingsScreen }))),
  },
  { pattern: '/o/:org', kind: 'org', screen: lazy(() => orgs().then((m) => ({ default: m.OrgHomeScreen }))) },
  {
    pattern: '/o/:org/members',
    kind: 'org',
    screen: lazy(() => orgs().then((m) => ({ default: m.MembersScreen }))),
  },
  {
    pattern: '/o/:org/conflicts',
    kind: 'org',
    screen: lazy(() => wiki().then((m) => ({ default: m.ConflictQueueScreen }))),
  },
  {
    pattern: '/o/:org/wiki',
    kind: 'org',
    screen: lazy(() => wiki().then((m) => ({ default: m.WikiIndexScreen }))),
  },
  {
    pattern: '/o/:org/wiki-new',
    kind: 'org',
    screen: lazy(() => wiki().then((m) => ({ default: m.WikiNewScreen }))),
  },
  {
    pattern: '/o/:org/wiki/*',
    kind: 'org',
    screen: lazy(() => wiki().then((m) => ({ default: m.WikiPageScreen }))),
  },
  {
    pattern: '/o/:org/blog',
    kind: 'org',
    screen: lazy(() => blog().then((m) => ({ default: m.BlogIndexScreen }))),
  },
  {
    pattern: '/o/:org/blog/new',
    kind: 'org',
    screen: lazy(() => blog().then((m) => ({ default: m.BlogEditScreen }))),
  },
  {
    pattern: '/o/:org/blog/:id',
    kind: 'org',
    screen: lazy(() => blog().then((m) => ({ default: m.BlogPostScreen }))),
  },
  {
    pattern: '/o/:org/blog/:id/edit',
    kind: 'org',
    screen: lazy(() => blog().then((m) => ({ default: m.BlogEditScreen }))),
  },
  {
    pattern: '/o/:org/decisions',
    kind: 'org',
    screen: lazy(() => decisions().then((m) => ({ default: m.DecisionsScreen }))),
  },
  {
    pattern: '/o/:org/decisions/new',
    kind: 'org',
    screen: lazy(() => decisions().then((m) => ({ default: m.NewDecisionScreen }))),
  },
  {
    pattern: '/o/:org/decisions/:id',
    kind: 'org',
    screen: lazy(() => decisions().then((m) => ({ default: m.DecisionScreen }))),
  },
  {
    pattern: '/o/:org/projects',
    kind: 'org',
    screen: lazy(() => projects().then((m) => ({ default: m.ProjectsScreen }))),
  },
  {
    pattern: '/o/:org/projects/:id',
    kind: 'org',
    screen: lazy(() => projects().then((m) => ({ default: m.ProjectScreen }))),
  },
  {
    pattern: '/o/:org/tasks',
    kind: 'org',
    screen: lazy(() => projects().then((m) => ({ default: m.MyTasksScreen }))),
  },
  {
    pattern: '/o/:org/workflows',
    kind: 'org',
    screen: lazy(() => workflows().then((m) => ({ default: m.InboxScreen }))),
  },
  {
    pattern: '/o/:org/workflows/design',
    kind: 'org',
    screen: lazy(() => workflows().then((m) => ({ default: m.DesignerScreen }))),
  },
  {
    pattern: '/o/:org/workflows/design/:key',
    kind: 'org',
    screen: lazy(() => workflows().then((m) => ({ default: m.DesignerScreen }))),
  },
  {
    pattern: '/o/:org/workflows/start/:key',
    kind: 'org',
    screen: lazy(() => workflows().then((m) => ({ default: m.StartItemScreen }))),
  },
  {
    pattern: '/o/:org/workflows/items/:id',
    kind: 'org',
    screen: lazy(() => workflows().then((m) => ({ default: m.ItemScreen }))),
  },
];

export function resolveRoute(path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}
