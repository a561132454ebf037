import type { OAuthClient } from '../model/client';
export interface ClientDirectory {
  findByClientId(clientId: string): Promise<OAuthClient | undefined>;
}
