import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { readFileBytes, verifyPresigned } from '../../core/files.js';
import { sendError } from '../plugins/errors.js';

/** The target of `presignedUrl`: no API key, the signature and expiry are the credential. */
export function fileContentRoute(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/files/:id/content',
      {
        schema: {
          params: z.object({ id: z.string().max(255) }),
          querystring: z.object({ expires: z.string().max(20), signature: z.string().max(128) }),
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        if (!verifyPresigned(deps, id, request.query.expires, request.query.signature)) {
          return sendError(
            reply,
            request,
            'UNAUTHORIZED',
            'This link is invalid or has expired; get a new one from GET /files/{id}.',
          );
        }
        const row = await deps.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return sendError(reply, request, 'NOT_FOUND', `File "${id}" was not found.`);
        const bytes = await readFileBytes(deps, row);
        const asciiName = row.name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, "'");
        // This link shares its origin with the dashboard: an uploaded HTML or SVG file opened here must
        // not run scripts there. PDFs are left out because Chromium will not show a sandboxed PDF.
        if (row.mime_type !== 'application/pdf') reply.header('content-security-policy', 'sandbox');
        return reply
          .header('content-type', row.mime_type ?? 'application/octet-stream')
          .header(
            'content-disposition',
            `inline; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(row.name)}`,
          )
          .header('cache-control', 'private, max-age=60')
          .header('x-content-type-options', 'nosniff')
          .send(Buffer.from(bytes));
      },
    );
  };
}
