import { describe, expect, it } from 'vitest';
import { stickyListenAddresses } from './sticky-listen.js';

describe('stickyListenAddresses', () => {
  it('gives port-0 addresses the ports they had, keeping fixed ones and transports apart', () => {
    const previous = [
      '/ip4/127.0.0.1/tcp/40001/p2p/12D3KooWQnmkqdyvF2mvcZoG3KxCqmJ4xAT6hT37URvjsdVyJEVE',
      '/ip4/192.168.1.9/tcp/40001',
      '/ip4/127.0.0.1/tcp/40002/ws',
    ];
    expect(
      stickyListenAddresses(
        ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws', '/ip4/0.0.0.0/tcp/4001'],
        previous,
      ),
    ).toEqual(['/ip4/0.0.0.0/tcp/40001', '/ip4/0.0.0.0/tcp/40002/ws', '/ip4/0.0.0.0/tcp/4001']);
  });

  it('leaves addresses alone on a first start or with unusable history', () => {
    expect(stickyListenAddresses(['/ip4/0.0.0.0/tcp/0'], [])).toEqual(['/ip4/0.0.0.0/tcp/0']);
    expect(stickyListenAddresses(['/ip6/::/tcp/0'], ['/ip4/1.2.3.4/tcp/9', 'garbage'])).toEqual([
      '/ip6/::/tcp/0',
    ]);
  });
});
