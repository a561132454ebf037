import { NotAllowedError } from './not-allowed-error';

/** COUNTERSIGN_SIGNUP=0: the dashboard's self-service sign-up is closed; accounts come from an administrator. */
export class SignUpClosedError extends NotAllowedError {
  constructor() {
    super('Sign-up is closed on this server. Ask an administrator for an account.');
  }
}
