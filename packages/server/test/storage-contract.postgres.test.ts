import { describe } from 'node:test';
import { storageContract } from './storage-contract';
import { openTestStorage, postgresReachable } from './support/test-storage';
import { tokenPathContract } from './token-path-contract';

// In CI postgresReachable() throws when PostgreSQL is down; elsewhere the suite is skipped loudly.
describe('PostgreSQL', { skip: !(await postgresReachable()) && 'PostgreSQL is unreachable' }, () => {
  storageContract('PostgreSQL', () => openTestStorage('postgres'));
  tokenPathContract('PostgreSQL', () => openTestStorage('postgres'));
});
