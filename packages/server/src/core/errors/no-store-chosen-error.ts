import { AuthorizationPageError } from './authorization-page-error';

/**
 * An app's consent was approved with no store ticked (SPEC §3: the person chooses the stores to
 * grant). Not a broken request: the consent page is shown again with the problem beside the stores.
 */
export class NoStoreChosenError extends AuthorizationPageError {
  constructor() {
    super('No store chosen', 'Choose at least one store to grant the app.');
  }
}
