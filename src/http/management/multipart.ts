import { Busboy } from '@fastify/busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ManagementError } from '../../errors/errors.js';

/**
 * `multipart/form-data` for the one Management route that takes a file (`POST /jobs/users-imports`, as Auth0's
 * `curl -F users=@file.json` sends it), registered on that route's own scope only: every other route keeps
 * answering 415 to a multipart body. The file parts become strings (the users file is JSON text); `"true"` and
 * `"false"` in the named boolean fields become booleans, as a form can carry nothing else. Parsing with
 * @fastify/busboy, the parser @fastify/multipart is built on, without that plugin's request decorators.
 */
export function acceptMultipart(scope: FastifyInstance, options: { maxFileBytes: number; booleanFields: string[] }): void {
  scope.addContentTypeParser('multipart/form-data', (request: FastifyRequest, payload, done) => {
    const body: Record<string, unknown> = {};
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      payload.resume();
      done(err, undefined);
    };
    let parser: InstanceType<typeof Busboy>;
    try {
      parser = new Busboy({ headers: request.headers as never, limits: { fileSize: options.maxFileBytes, files: 1, fields: 20, fieldSize: 4096, parts: 21 } });
    } catch {
      done(new ManagementError('invalid_body', 'Payload validation error: the multipart body has no boundary'), undefined);
      return;
    }
    parser.on('field', (name: string, value: string) => {
      body[name] = options.booleanFields.includes(name) && (value === 'true' || value === 'false') ? value === 'true' : value;
    });
    parser.on('file', (name: string, stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new ManagementError('payload_too_large', `Request body is larger than the limit: the ${name} file may be at most ${options.maxFileBytes} bytes`)));
      stream.on('end', () => {
        body[name] = Buffer.concat(chunks).toString('utf8');
      });
    });
    parser.on('error', (err: Error) => fail(new ManagementError('invalid_body', `Payload validation error: ${err.message}`)));
    parser.on('finish', () => {
      if (!failed) done(null, body);
    });
    payload.pipe(parser);
  });
}
