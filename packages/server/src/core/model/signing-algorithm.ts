/** The algorithms signing keys can be made for (SPEC §4, COUNTERSIGN_SIGNING_ALG); never HMAC or `none`. */
export const signingAlgorithms = ['ES256', 'RS256', 'RS512', 'EdDSA'] as const;

export type SigningAlgorithm = (typeof signingAlgorithms)[number];
