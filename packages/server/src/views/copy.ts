/** Every word the pages show, in one place. */
export const copy = {
  product: 'Countersign',
  signIn: {
    staffTitle: 'Sign in to the back office',
    shopperTitle: (store: string) => `Sign in to ${store}`,
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    failed: 'The email or password is wrong.',
    throttled: 'Too many failed attempts. Wait a moment and try again.',
    continueTo: (app: string) => `to continue to ${app}`,
  },
  consent: {
    title: (app: string) => `${app} wants access`,
    by: (owner: string) => `by ${owner}`,
    wants: 'It will be able to:',
    stores: 'Choose the stores it may access:',
    storesHint: 'Only stores where you are owner or admin are listed. Choose at least one.',
    signedInAs: (who: string) => `Signed in as ${who}`,
    approve: 'Approve',
    deny: 'Deny',
    noPermissions: 'Sign you in (no further permissions)',
    notYou: 'Not you?',
    signOut: 'Sign out',
  },
  error: {
    title: 'This sign-in link does not work',
    back: 'Go back to the application and start again.',
  },
} as const;
