/**
 * Fan-out of realtime events between processes: in-process for one machine (`memory.ts`),
 * Redis pub/sub when workers and API processes are separate (`redis.ts`). Delivery is best
 * effort — events refresh what the dashboard shows; nothing depends on receiving them.
 */
export interface RealtimeEvent {
  orgId: string;
  type: 'campaign.progress' | 'campaign.status' | 'engagement';
  campaignId?: string;
  data: Record<string, unknown>;
}

export interface PubSub {
  readonly driver: 'memory' | 'redis';
  publish(event: RealtimeEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(handler: (event: RealtimeEvent) => void): () => void;
  close(): Promise<void>;
}
