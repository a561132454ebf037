import { createHash } from 'node:crypto';

/** `path?v=<digest of content>`: an asset's address that changes with it, so that it may be cached for good. */
export const versionedPath = (path: string, content: string): string =>
  `${path}?v=${createHash('sha256').update(content).digest('hex').slice(0, 12)}`;
