import { storageContract } from './storage-contract';
import { openTestStorage } from './support/test-storage';
import { tokenPathContract } from './token-path-contract';

storageContract('SQLite', () => openTestStorage('sqlite'));
tokenPathContract('SQLite', () => openTestStorage('sqlite'));
