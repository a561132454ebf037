import { storageContract } from './storage-contract';
import { openTestStorage } from './support/test-storage';

storageContract('SQLite', () => openTestStorage('sqlite'));
