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
        {mesh.kind === 'ok' && (
          <>
            <Indicator
              level={mesh.region.connected ? 'ok' : 'bad'}
              label={t('status.region', { region: mesh.region.name })}
              value={
                mesh.region.connected
                  ? `${t('status.connected')}${mesh.region.peers !== undefined ? ` (${t('status.peers', { count: mesh.region.peers })})` : ''}`
                  : t('status.disconnected')
              }
            />
            <Indicator
              level={mesh.network.connected === null ? 'unknown' : mesh.network.connected ? 'ok' : 'warn'}
              label={t('status.network')}
              value={
                mesh.network.connected === null
                  ? t('status.unknown')
                  : mesh.network.connected
                    ? t('status.connected')
                    : t('status.disconnected')
              }
            />
            {org && (
              <li className="status status-info">
                <span aria-hidden="true" className="status-symbol">
                  ⟳
                </span>{' '}
                {mesh.lastSyncedAt
                  ? t('status.lastSynced', { org: org.name, when: relativeTime(mesh.lastSyncedAt) })
                  : t('status.neverSynced', { org: org.name })}
              </li>
            )}
          </>
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
