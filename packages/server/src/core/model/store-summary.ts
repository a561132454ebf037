/** A store as the consent page and app tokens name it. */
export interface StoreSummary {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}
