/** A market (SPEC §1): a price list and ordered stock locations; private when it has a customer group. */
export interface Market {
  readonly id: string;
  readonly code: string;
  readonly active: boolean;
  readonly priceListId: string;
  readonly customerGroupId: string | null;
  /** In the market's order. */
  readonly stockLocationIds: readonly string[];
}

/** A stock location as restriction scopes name it. */
export interface StockLocation {
  readonly id: string;
  readonly code: string;
}

/** How a restriction scope names a record: `market:id:ID` or `market:code:CODE`. */
export interface RecordRef {
  readonly by: 'id' | 'code';
  readonly value: string;
}
