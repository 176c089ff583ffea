import { describe, expect, it } from 'vitest';
import { serviceUrlFromLocation } from '../../../src-renderer/api/ws-transport';

describe('browser-mode service URL', () => {
  it('same host, /api, the token from the page URL', () => {
    expect(serviceUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:4321', search: '?token=ab12', hash: '' })).toBe('ws://127.0.0.1:4321/api?token=ab12');
  });
  it('without a token in the URL relies on the cookie the server set', () => {
    expect(serviceUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:4321', search: '', hash: '' })).toBe('ws://127.0.0.1:4321/api');
  });
});
