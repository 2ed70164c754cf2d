/** Cache keys for campaign answers; `['campaign', id]` prefixes everything about one campaign. */
export const campaignsKey = ['campaigns'] as const;
export const campaignKey = (id: string) => ['campaign', id] as const;
export const statsKey = (id: string, granularity: 'hour' | 'day') =>
  [...campaignKey(id), 'stats', granularity] as const;
export const messagesKey = (id: string) => [...campaignKey(id), 'messages'] as const;
export const preflightKey = (id: string) => [...campaignKey(id), 'preflight'] as const;
