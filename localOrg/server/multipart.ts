// A record's body as JSON or as multipart/form-data, the form Salesforce takes for blob fields ("Insert
// or Update Blob Data"): one part of JSON (the record's other fields) and one part per blob field,
// named by the field. The local org's objects have no blob field, so a binary part names a field the
// object lacks, as it would on Salesforce for such an object.
import { SalesforceError, invalidField } from '../data/errors';
import { header, jsonBody, type ApiRequest } from './http';

export const isMultipart = (req: ApiRequest): boolean =>
  /^multipart\/form-data\b/i.test(header(req, 'content-type')?.trim() ?? '');

interface Part {
  name: string;
  contentType: string;
  body: string;
}

function parts(req: ApiRequest): Part[] {
  const type = header(req, 'content-type') ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) throw new SalesforceError('INVALID_MULTIPART_REQUEST', 'The multipart request has no boundary');
  const out: Part[] = [];
  const chunks = req.rawBody.split(`--${mark}`);
  // chunks[0] is the preamble; the last one starts with `--` (the close delimiter).
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    const split = chunk.indexOf('\r\n\r\n');
    if (split === -1)
      throw new SalesforceError('INVALID_MULTIPART_REQUEST', 'A part of the request has no headers');
    const head = chunk.slice(0, split);
    const body = chunk.slice(split + 4).replace(/\r\n$/, '');
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const contentType = /^content-type:\s*([^\r\n;]+)/im.exec(head)?.[1]?.trim() ?? 'text/plain';
    out.push({ name, contentType, body });
  }
  if (out.length === 0)
    throw new SalesforceError('INVALID_MULTIPART_REQUEST', 'The multipart request has no parts');
  return out;
}

/**
 * The record a create or update sends: its JSON body, or the JSON part of a multipart body whose
 * other parts must each name a field of the object (`describe` is the object's describe).
 */
export function recordBody(req: ApiRequest, describe: Record<string, unknown>): Record<string, unknown> {
  if (!isMultipart(req)) return jsonBody(req);
  const all = parts(req);
  const entity = all.filter((p) => /^application\/json$/i.test(p.contentType));
  if (entity.length !== 1) {
    throw new SalesforceError(
      'INVALID_MULTIPART_REQUEST',
      'A multipart request needs exactly one part of type application/json with the record',
    );
  }
  const fields = (describe.fields as Array<{ name: string; type: string }> | undefined) ?? [];
  for (const blob of all.filter((p) => p !== entity[0])) {
    const field = fields.find((f) => f.name.toLowerCase() === blob.name.toLowerCase());
    if (!field || field.type !== 'base64') throw invalidField(blob.name, String(describe.name));
  }
  return jsonBody({ ...req, rawBody: entity[0]!.body });
}
