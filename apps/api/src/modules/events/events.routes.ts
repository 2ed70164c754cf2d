import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../../http/access.js';
import { PageQuerySchema, pageSchema } from '../../http/pagination.js';
import { MESSAGE_TYPES } from './events.message.js';
import type { EventsService } from './events.service.js';

export const EventSchema = z.object({
  id: z.uuid(),
  type: z.enum(MESSAGE_TYPES),
  name: z.string().nullable().describe('The event name (track) or page/screen name'),
  messageId: z.string(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable().describe('The anonymousId sent; for an alias, its previousId'),
  contactId: z.uuid().nullable().describe('Null until the event can be tied to a contact'),
  contactEmail: z.string().nullable(),
  properties: z
    .record(z.string(), z.unknown())
    .describe('track/page/screen properties; identify traits; group traits with groupId'),
  context: z.record(z.string(), z.unknown()).nullable(),
  occurredAt: z.date(),
  receivedAt: z.date(),
});

export const eventsRoutes: FastifyPluginAsyncZod<{ events: EventsService }> = async (
  app,
  { events },
) => {
  app.get('/events', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['events'],
      summary: 'Recent events from the event API, newest first (the event explorer)',
      querystring: PageQuerySchema.extend({
        name: z.string().trim().min(1).max(200).optional().describe('Exactly this event name'),
        type: z.enum(MESSAGE_TYPES).optional(),
        contactId: z.uuid().optional().describe("Only this contact's events"),
      }),
      response: { 200: pageSchema(EventSchema) },
    },
    handler: async (request) => events.list(principalOf(request), request.query),
  });
};
