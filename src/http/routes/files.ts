import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoreDeps } from '../../core/context.js';
import { deleteFile, getFile, listFiles, uploadFile } from '../../core/files.js';
import { ListFilesQuerySchema } from '../../core/schemas.js';
import { ApiError, invalid } from '../../lib/errors.js';

const idParams = z.object({ id: z.string().min(1).max(255) });

export function fileRoutes(deps: CoreDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/files/upload',
      {
        schema: {
          summary: 'Upload a file',
          tags: ['Files'],
          querystring: z.object({ convertToPdf: z.enum(['true', 'false']).optional() }),
        },
      },
      async (request) => {
        if (!request.isMultipart()) {
          throw invalid('Upload the file as multipart/form-data in a part named "file"', 'file');
        }
        let file: { bytes: Buffer; name: string; mimeType: string } | null = null;
        let password: string | null = null;
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file')
              throw invalid(`Unexpected file part "${part.fieldname}"; name it "file"`, part.fieldname);
            const bytes = await part.toBuffer();
            file = { bytes, name: part.filename || 'file', mimeType: part.mimetype };
          } else if (part.fieldname === 'password') {
            password = String(part.value);
          } else {
            throw invalid(`Unknown form field "${part.fieldname}"`, part.fieldname);
          }
        }
        if (!file) throw invalid('No file: upload it in a multipart part named "file"', 'file');
        if (file.bytes.byteLength === 0) throw invalid('The file is empty.', 'file');
        if (file.bytes.byteLength > deps.config.limits.maxUploadBytes) {
          throw new ApiError('PAYLOAD_TOO_LARGE', 'The file is larger than the upload limit.');
        }
        return uploadFile(deps, request.actor, { ...file, password });
      },
    );
    app.get(
      '/files/:id',
      { schema: { summary: 'Get a file, with a presigned download URL', tags: ['Files'], params: idParams } },
      (request) => getFile(deps, request.actor, request.params.id),
    );
    app.get(
      '/files',
      { schema: { summary: 'List files', tags: ['Files'], querystring: ListFilesQuerySchema } },
      (request) => listFiles(deps, request.actor, request.query),
    );
    app.delete(
      '/files/:id',
      {
        schema: { summary: 'Delete a file, its bytes and its parse runs', tags: ['Files'], params: idParams },
      },
      (request) => deleteFile(deps, request.actor, request.params.id),
    );
  };
}
