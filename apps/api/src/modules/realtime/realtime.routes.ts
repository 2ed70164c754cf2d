import fastifyWebsocket from '@fastify/websocket';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Principal } from '../../http/access.js';
import type { PubSub } from '../../platform/pubsub/pubsub.js';

/**
 * `GET /api/v1/realtime` (WebSocket): campaign progress and engagement events for the caller's
 * organization, as JSON messages. Browsers cannot set headers on a WebSocket, so the access
 * token (or an API key) travels in the `access_token` query parameter; it is checked once, when
 * the connection opens. Events come through pub/sub, so a message sent by any worker process
 * reaches every API process's sockets.
 */
export const realtimeRoutes: FastifyPluginAsyncZod<{
  pubsub: PubSub;
  authenticate: (token: string) => Promise<Principal | undefined>;
}> = async (app, { pubsub, authenticate }) => {
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

  app.get(
    '/realtime',
    {
      websocket: true,
      // Authenticated here rather than by the access-control hook: the token is in the query.
      config: { access: { public: true } },
      schema: {
        tags: ['realtime'],
        summary:
          'WebSocket: campaign.progress, campaign.status and engagement events for your organization. Pass ?access_token=<access token or API key>.',
        querystring: z.object({ access_token: z.string().max(4096).optional() }),
      },
    },
    async (socket: WebSocket, request) => {
      const token = request.query.access_token;
      const principal = token ? await authenticate(token).catch(() => undefined) : undefined;
      if (!principal) {
        // 4401: the application-level "unauthorized" close code dashboards look for.
        socket.close(4401, 'unauthorized');
        return;
      }
      socket.send(JSON.stringify({ type: 'ready', orgId: principal.orgId }));
      const off = pubsub.subscribe((event) => {
        if (event.orgId !== principal.orgId || socket.readyState !== socket.OPEN) return;
        socket.send(JSON.stringify(event));
      });
      // Keeps proxies from closing an idle connection, and notices dead peers.
      const ping = setInterval(() => socket.ping(), 25_000);
      ping.unref();
      socket.on('close', () => {
        clearInterval(ping);
        off();
      });
      // The client never needs to send anything; anything it sends is ignored.
      socket.on('message', () => undefined);
    },
  );
};
