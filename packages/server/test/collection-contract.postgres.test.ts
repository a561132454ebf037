import { describe } from 'node:test';
import { collectionContract } from './collection-contract';
import { openTestStorage, postgresReachable } from './support/test-storage';

// In CI postgresReachable() throws when PostgreSQL is down; elsewhere the suite is skipped loudly.
describe('PostgreSQL', { skip: !(await postgresReachable()) && 'PostgreSQL is unreachable' }, () => {
  collectionContract('PostgreSQL', () => openTestStorage('postgres'));
});
