import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../../core/api-keys.js';
import type { Actor } from '../../core/context.js';
import type { Db } from '../../store/database.js';
import { sendError } from './errors.js';

export const API_VERSION = '2026-02-09';
/** Versions this server speaks. Older Extend versions differ in shape and are not served. */
export const SUPPORTED_VERSIONS = new Set([API_VERSION]);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

/**
 * Bearer key → workspace, then the version header (spec §1.1, §1.2). Runs only on API routes; the
 * presigned file download and the health check are outside it.
 */
export function authHook(db: Db) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      return sendError(
        reply,
        request,
        'UNAUTHORIZED',
        'Missing API key: send "Authorization: Bearer sk_...".',
      );
    }
    const actor = await authenticate(db, match[1]);
    if (!actor) return sendError(reply, request, 'UNAUTHORIZED', 'Invalid API key.');
    const version = request.headers['x-extend-api-version'];
    if (typeof version !== 'string' || version === '') {
      return sendError(
        reply,
        request,
        'INVALID_REQUEST',
        `Missing x-extend-api-version header; send "x-extend-api-version: ${API_VERSION}".`,
      );
    }
    if (!SUPPORTED_VERSIONS.has(version)) {
      return sendError(
        reply,
        request,
        'INVALID_REQUEST',
        `Unsupported API version "${version}"; this server speaks ${[...SUPPORTED_VERSIONS].join(', ')}.`,
      );
    }
    request.actor = actor;
  };
}
