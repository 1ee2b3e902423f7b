import { useI18n } from '../i18n/i18n';
import { connectionState } from '../lib/connection';
import { useStore } from '../lib/store';
import type { Org } from '../session/session';
import { useMeshStatus } from './mesh-status';

type Level = 'ok' | 'warn' | 'bad' | 'unknown';

/** Symbol + text, so the state reads without colour. */
function Indicator({ level, label, value }: { level: Level; label: string; value: string }) {
  const symbol = level === 'ok' ? '●' : level === 'bad' ? '✕' : level === 'warn' ? '◐' : '○';
  return (
    <li className={`status status-${level}`}>
      <span aria-hidden="true" className="status-symbol">
        {symbol}
      </span>{' '}
      {label}: <strong>{value}</strong>
    </li>
  );
}

/**
 * Always visible: can this browser reach the gateway, is the gateway
 * connected to its region and to the wider network, and when did the current
 * organisation last sync with another gateway.
 */
export function StatusBar({ org }: { org: Org | undefined }) {
  const { t, relativeTime } = useI18n();
  const connection = useStore(connectionState);
  const mesh = useMeshStatus(org);

  const gatewayLevel: Level =
    connection.gateway === 'reachable' ? 'ok' : connection.gateway === 'unreachable' ? 'bad' : 'unknown';
  const gatewayText =
    connection.gateway === 'reachable'
      ? t('status.gatewayOk')
      : connection.gateway === 'unreachable'
        ? t('status.gatewayDown')
        : t('status.gatewayUnknown');

  return (
    <section className="statusbar" aria-label={t('status.label')}>
      <ul>
        <Indicator level={gatewayLevel} label={t('status.gateway')} value={gatewayText} />
        {mesh.kind === 'unsupported' && (
          <li className="status status-unknown">
            <span aria-hidden="true" className="status-symbol">
              ○
            </span>{' '}
            {t('status.noMeshApi')}
          </li>
        )}
        {mesh.region && (
          <Indicator
            level={mesh.region.running && mesh.region.peers > 0 ? 'ok' : 'bad'}
            label={t('status.region', { region: mesh.region.name })}
            value={
              mesh.region.running && mesh.region.peers > 0
                ? `${t('status.connected')} (${t('status.peers', { count: mesh.region.peers })})`
                : t('status.disconnected')
            }
          />
        )}
        {mesh.kind === 'ok' && (
          <li className="status status-unknown wide-only">
            <span aria-hidden="true" className="status-symbol">
              ○
            </span>{' '}
            {t('status.network')}: {t('status.notReported')}
          </li>
        )}
        {org && (mesh.hosts || mesh.seesSync) && (
          <Indicator
            level={
              !mesh.hosts || mesh.hosts.total === 0 ? 'unknown' : mesh.hosts.connected > 0 ? 'ok' : 'warn'
            }
            label={org.name}
            value={[
              mesh.hosts &&
                (mesh.hosts.total === 0
                  ? t('status.onlyHere')
                  : t('status.hosts', { connected: mesh.hosts.connected, total: mesh.hosts.total })),
              mesh.seesSync &&
                (mesh.lastSyncedAt
                  ? t('status.lastSynced', { when: relativeTime(mesh.lastSyncedAt) })
                  : t('status.neverSynced')),
            ]
              .filter(Boolean)
              .join(' · ')}
          />
        )}
        {connection.live !== 'idle' && (
          <Indicator
            level={connection.live === 'connected' ? 'ok' : 'warn'}
            label={t('status.live')}
            value={connection.live === 'connected' ? t('status.liveOn') : t('status.liveOff')}
          />
        )}
      </ul>
    </section>
  );
}
