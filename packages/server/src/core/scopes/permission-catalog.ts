/**
 * The permission scopes the server knows (SPEC §2), each with the plain-language description shown
 * on the consent page and the public scope reference. Credentials and apps may hold only these.
 * Order is the order in which they are shown.
 */
export const permissionCatalog = [
  { scope: 'stores.view', description: 'See your stores, their markets and settings' },
  { scope: 'stores.update', description: 'Change your stores’ names and settings' },
  { scope: 'stores.products.view', description: 'See the products (SKUs), prices and stock of your stores' },
  { scope: 'stores.products.create', description: 'Add products to your stores' },
  { scope: 'stores.products.update', description: 'Change products, prices and stock in your stores' },
  { scope: 'stores.orders.view', description: 'See orders placed in your stores' },
  { scope: 'stores.orders.update', description: 'Update the status of orders in your stores' },
  { scope: 'stores.orders.refund', description: 'Refund orders in your stores' },
  { scope: 'stores.customers.view', description: 'See the shoppers who have accounts in your stores' },
  { scope: 'stores.customers.update', description: 'Change shoppers’ account details in your stores' },
  { scope: 'user.view', description: 'See your name and email address' },
  { scope: 'user.webhooks.view', description: 'See the webhooks registered for you' },
  { scope: 'user.webhooks.create', description: 'Register webhooks that notify this app of events' },
  { scope: 'provisioning', description: 'Manage the store’s configuration: markets, credentials, customers and staff' },
  {
    scope: 'tokens.introspect',
    description: 'Ask whether any token of the store is still valid, and what it may do (for services that accept the store’s tokens)',
  },
] as const satisfies readonly { scope: string; description: string }[];

export type PermissionScope = (typeof permissionCatalog)[number]['scope'];

const known: ReadonlySet<string> = new Set(permissionCatalog.map((p) => p.scope));

export const isPermissionScope = (scope: string): scope is PermissionScope => known.has(scope);

/** SPEC §2 roles: a member holds only the `*.view` permission scopes. */
export const isViewScope = (scope: string): boolean => scope.endsWith('.view');
