import type { OrgScreenProps } from '../../app/routes';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { navigate, pathTo } from '../../lib/router';
import { orgKey, useSession } from '../../session/session';
import { WikiEditor } from './WikiEditor';

export function WikiNewScreen({ org, location }: OrgScreenProps) {
  const { t } = useI18n();
  const { orgs } = useSession();
  const key = orgKey(orgs, org);
  return (
    <div>
      <PageHeader title={t('wiki.creating')} />
      <WikiEditor
        orgId={org.id}
        page={null}
        initialPath={location.search.get('path') ?? ''}
        onSaved={(saved) => navigate(pathTo('o', key, 'wiki', saved.path), { replace: true })}
        onCancel={() => navigate(pathTo('o', key, 'wiki'))}
      />
    </div>
  );
}
