import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHttpWarning } from '../../../src/org/salesforce';

test('the insecure-protocol warning is silenced for the local org on loopback only', () => {
  assert.ok(isLoopbackHttpWarning('Using insecure protocol: http: on url: http://127.0.0.1:6109'));
  assert.ok(isLoopbackHttpWarning('Using insecure protocol: http: on url: http://localhost:41011'));
  assert.ok(isLoopbackHttpWarning('Using insecure protocol: http: on url: http://[::1]:6109'));
  assert.ok(!isLoopbackHttpWarning('Using insecure protocol: http: on url: http://acme.my.salesforce.com'));
  assert.ok(!isLoopbackHttpWarning('Using insecure protocol: http: on url: http://127.0.0.1.nip.io'));
  assert.ok(!isLoopbackHttpWarning('Some other warning about http://127.0.0.1:6109'));
});

test('no "Using insecure protocol" warning reaches the process for a loopback URL; others still do', async () => {
  const { SfdcUrl } = await import('@salesforce/core');
  const warnings: string[] = [];
  const listener = (warning: Error) => warnings.push(warning.message);
  process.on('warning', listener);
  try {
    new SfdcUrl('http://127.0.0.1:59999');
    new SfdcUrl('http://example.invalid:59999');
    // process warnings are emitted on the next tick
    await new Promise<void>((resolve) => process.nextTick(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  assert.deepEqual(warnings, ['Using insecure protocol: http: on url: http://example.invalid:59999']);
});
