import { collectionContract } from './collection-contract';
import { openTestStorage } from './support/test-storage';

collectionContract('SQLite', () => openTestStorage('sqlite'));
