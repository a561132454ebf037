/** A record that changed, named by its collection (`credentials`, `markets`, `grants`, ...). */
export interface RecordChange {
  readonly collection: string;
  readonly id: string;
}
