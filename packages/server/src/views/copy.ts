/** Every word the pages show, in one place (the dashboard's are in dashboard/dashboard-copy.ts). */
export const copy = {
  product: 'Countersign',
  skipToContent: 'Skip to content',
  siteNav: { label: 'Site', dashboard: 'Dashboard', scopes: 'Scope reference' },
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
    homepage: 'Website',
    returnsTo: 'After you answer, you go back to',
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
  landing: {
    title: 'An OAuth 2.0 authorization server for commerce platforms',
    lead: 'Countersign issues the tokens with which apps call a commerce API for a store, its staff or its shoppers.',
    dashboard: 'Dashboard',
    dashboardHint: 'Register apps, manage your stores’ credentials, see and revoke the apps you connected, read the activity log.',
    scopes: 'Scope reference',
    scopesHint: 'Every permission an app or credential can ask for, in plain words.',
    metadata: 'Server metadata',
    metadataHint: 'The RFC 8414 document that OAuth client libraries read to configure themselves.',
  },
  scopeReference: {
    title: 'Scope reference',
    lead: 'A scope is a space-separated list of two kinds of entries: permissions, which say what a token may do, and restrictions, which narrow where.',
    permissions: 'Permission scopes',
    permissionsHint:
      'Apps and store credentials may hold only these. A store’s members hold the “view” ones; owners and admins hold them all.',
    provisioningNote: 'Never held by a public client (a sales channel or a public app).',
    introspectNote:
      'For a store’s confidential credential (an integration or webapp): at POST /oauth/introspect it may ask about any token of its store and mode, not only its own. A public client cannot introspect.',
    restrictions: 'Restriction scopes',
    restrictionsHint: 'For store credentials only: at most one market, and a stock location of that market.',
    restrictionExamples: [
      { scope: 'market:code:CODE', description: 'Act in the market with this code (or market:id:ID). A sales channel needs one.' },
      {
        scope: 'stock_location:code:CODE',
        description: 'Narrow to one stock location of that market (or stock_location:id:ID).',
      },
    ],
  },
} as const;
