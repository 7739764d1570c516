import { LmoError } from '../base/lmoError';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// What core and jsforce throw when a session can't be used or refreshed any more.
const sessionCodes = new Set([
  'INVALID_SESSION_ID',
  'invalid_grant',
  'RefreshTokenAuthError',
  'NamedOrgNotFoundError',
  'NoAuthInfoFound',
  'AuthInfoCreationError',
]);

interface ErrorLike {
  name?: string;
  message?: string;
  errorCode?: string;
  code?: string;
  statusCode?: number;
  cause?: unknown;
}

export function toLmoError(error: unknown): LmoError {
  if (error instanceof LmoError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const code = e.errorCode ?? e.name;
  const message = e.message ?? String(error);
  const causeCode = (e.cause as ErrorLike | undefined)?.code;
  const systemCode = e.code ?? causeCode;

  if (code && sessionCodes.has(code)) return new LmoError('sessionExpired', message, code, 401);
  if (/expired access\/refresh token|invalid_grant|Session expired or invalid/i.test(message))
    return new LmoError('sessionExpired', message, code, 401);
  if (code === 'REQUEST_LIMIT_EXCEEDED') return new LmoError('requestLimit', message, code, 403);
  if ((systemCode && networkCodes.has(systemCode)) || /fetch failed|socket hang up/i.test(message))
    return new LmoError('network', message, systemCode);
  const httpStatus = code?.match(/^ERROR_HTTP_(\d{3})$/)?.[1];
  const status = e.statusCode ?? (httpStatus ? Number(httpStatus) : undefined);
  if (status !== undefined && status >= 500) return new LmoError('server', message, code, status);
  return new LmoError('salesforce', message, code, status);
}
