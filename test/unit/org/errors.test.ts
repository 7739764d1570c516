import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLimitInfo } from '../../../src/org/apiUsage';
import { toLmoError } from '../../../src/org/errors';

test('jsforce and core errors map to the kinds the UI acts on', () => {
  assert.equal(
    toLmoError({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }).kind,
    'sessionExpired',
  );
  assert.equal(
    toLmoError({ name: 'RefreshTokenAuthError', message: 'expired access/refresh token' }).kind,
    'sessionExpired',
  );
  assert.equal(
    toLmoError({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }).kind,
    'requestLimit',
  );
  assert.equal(
    toLmoError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }).kind,
    'network',
  );
  assert.equal(toLmoError({ errorCode: 'ERROR_HTTP_503', message: 'Service Unavailable' }).kind, 'server');
  const malformed = toLmoError({ errorCode: 'MALFORMED_QUERY', message: "unexpected token: 'FORM'" });
  assert.equal(malformed.kind, 'salesforce');
  assert.equal(malformed.errorCode, 'MALFORMED_QUERY');
});

test('Sforce-Limit-Info api-usage is read from the header', () => {
  assert.deepEqual(parseLimitInfo('api-usage=18/15000'), { used: 18, limit: 15000 });
  assert.deepEqual(parseLimitInfo('per-app-api-usage=1/50(appName=x), api-usage=7/100'), {
    used: 7,
    limit: 100,
  });
  assert.equal(parseLimitInfo(undefined), undefined);
  assert.equal(parseLimitInfo('nonsense'), undefined);
});
