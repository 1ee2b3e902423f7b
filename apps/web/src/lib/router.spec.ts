import { describe, expect, it } from 'vitest';
import { matchPath, pathTo, withQuery } from './router';

describe('router', () => {
  it('matches patterns with parameters and a trailing rest', () => {
    expect(matchPath('/o/:org/blog/:id', '/o/acme/blog/p1')).toEqual({ org: 'acme', id: 'p1' });
    expect(matchPath('/o/:org/wiki/*', '/o/acme/wiki/handbook/pumps')).toEqual({
      org: 'acme',
      '*': 'handbook/pumps',
    });
    expect(matchPath('/o/:org/wiki/*', '/o/acme/wiki')).toBeNull();
    expect(matchPath('/o/:org', '/o/acme/wiki')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/o/:org', '/o/caf%C3%A9')).toEqual({ org: 'café' });
  });

  it('builds paths with each segment encoded, keeping wiki slashes', () => {
    expect(pathTo('o', 'acme', 'wiki', 'handbook/pumps')).toBe('/o/acme/wiki/handbook/pumps');
    expect(pathTo('o', 'a b', undefined)).toBe('/o/a%20b');
    expect(withQuery('/x', { edit: '', from: 'r1', none: undefined })).toBe('/x?edit=&from=r1');
  });
});
