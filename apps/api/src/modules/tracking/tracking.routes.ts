import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SendPipeline } from '../campaigns/send/pipeline.js';
import type { TrackingService } from './tracking.service.js';

/**
 * The public side of tracking (DESIGN.md §6): the open pixel, click redirects, the unsubscribe
 * page with RFC 8058 one-click, and "view in browser". No login; the signed token is the key,
 * and a token that does not verify gets a 404 with nothing recorded.
 */

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** Any malformed token is simply one that does not verify: 404 like a tampered one. */
const PARAMS = z.object({ token: z.string().max(200) });

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f8fafc;color:#0f172a}main{max-width:28rem;margin:12vh auto;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem}h1{font-size:1.25rem;margin:0 0 .75rem}p{line-height:1.5;color:#334155}button{font:inherit;background:#4f46e5;color:#fff;border:0;border-radius:.5rem;padding:.6rem 1rem;cursor:pointer}button:focus{outline:3px solid #a5b4fc}</style></head>
<body><main>${body}</main></body></html>`;
}

const notFoundPage = (reply: FastifyReply) =>
  reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Link not recognised',
        '<h1>This link is not valid</h1><p>It may have been copied incompletely. Nothing was changed.</p>',
      ),
    );

const hitOf = (request: FastifyRequest) => ({
  userAgent: request.headers['user-agent'],
  ip: request.ip,
  method: request.method,
});

export const trackingRoutes: FastifyPluginAsyncZod<{
  tracking: TrackingService;
  pipeline: SendPipeline;
}> = async (app, { tracking, pipeline }) => {
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store, max-age=0');
  // RFC 8058 one-click arrives as a form post (`List-Unsubscribe=One-Click`); the token in
  // the URL says everything, so form bodies are accepted and not read.
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'])
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 4096 }, (_req, _body, done) =>
      done(null, {}),
    );

  app.route({
    method: ['GET', 'HEAD'],
    url: '/t/o/:token',
    schema: { hide: true, params: PARAMS },
    handler: async (request, reply) => {
      if (!(await tracking.open(request.params.token, hitOf(request))))
        return reply.code(404).send();
      return noStore(reply).type('image/gif').send(PIXEL);
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/t/c/:token',
    schema: { hide: true, params: PARAMS },
    handler: async (request, reply) => {
      const url = await tracking.click(request.params.token, hitOf(request));
      if (!url) return notFoundPage(reply);
      return noStore(reply).redirect(url, 302);
    },
  });

  // Test sends and previews link here: nothing happens, and the page says so.
  for (const path of ['/u/preview', '/v/preview']) {
    app.route({
      method: ['GET', 'POST'],
      url: path,
      schema: { hide: true },
      handler: async (_request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(
            page(
              'Test message',
              '<h1>This was a test message</h1><p>Links in previews and test sends lead here: nobody was unsubscribed and nothing was recorded.</p>',
            ),
          ),
    });
  }

  app.get('/u/:token', {
    schema: { hide: true, params: PARAMS },
    handler: async (request, reply) => {
      // GET only shows the button: mail scanners follow links, and must not unsubscribe anyone.
      const context = await tracking.unsubscribePage(request.params.token);
      if (!context) return notFoundPage(reply);
      const who = context.email ? ` <strong>${escapeHtml(context.email)}</strong>` : '';
      const body = context.unsubscribedAt
        ? `<h1>You are unsubscribed</h1><p>${escapeHtml(context.organizationName)} will not email${who} again.</p>`
        : `<h1>Unsubscribe from ${escapeHtml(context.organizationName)}?</h1><p>You will no longer receive emails from ${escapeHtml(context.organizationName)} at${who || ' this address'}.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`;
      return noStore(reply).type('text/html; charset=utf-8').send(page('Unsubscribe', body));
    },
  });

  // The page's button and RFC 8058 one-click (List-Unsubscribe=One-Click) both land here.
  app.post('/u/:token', {
    schema: { hide: true, params: PARAMS },
    handler: async (request, reply) => {
      const done = await tracking.unsubscribe(request.params.token);
      if (!done) return notFoundPage(reply);
      const who = done.email ? ` <strong>${escapeHtml(done.email)}</strong>` : '';
      return noStore(reply)
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Unsubscribed',
            `<h1>You are unsubscribed</h1><p>${escapeHtml(done.organizationName)} will not email${who} again.</p>`,
          ),
        );
    },
  });

  app.get('/v/:token', {
    schema: { hide: true, params: PARAMS },
    handler: async (request, reply) => {
      const messageId = tracking.viewTarget(request.params.token);
      const view = messageId ? await pipeline.renderView(messageId) : null;
      if (!view) return notFoundPage(reply);
      // The email's own HTML: its images and styles, never scripts or forms.
      return noStore(reply)
        .header(
          'content-security-policy',
          "default-src 'none'; img-src * data:; style-src 'unsafe-inline' *; font-src * data:; form-action 'none'; frame-ancestors 'none'",
        )
        .type('text/html; charset=utf-8')
        .send(view.html);
    },
  });
};
