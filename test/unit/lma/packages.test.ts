import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersionNumbers, releasedNewestFirst } from '../../../src/lma/records/packages';
import type { PackageVersion } from '../../../src/lma/records/types';

const version = (versionNumber: string, isBeta = false): PackageVersion => ({
  id: versionNumber,
  packageId: 'p',
  name: versionNumber,
  versionNumber,
  versionId: undefined,
  releaseDate: undefined,
  isBeta,
  sequence: undefined,
  licenseTotal: 0,
});

test('version numbers compare numerically, not as text', () => {
  assert.ok(compareVersionNumbers('1.10.0', '1.9.0') > 0);
  assert.ok(compareVersionNumbers('2.0', '1.99.99') > 0);
  assert.equal(compareVersionNumbers('1.2', '1.2.0'), 0);
});

test('released versions come first, newest first; betas last', () => {
  const sorted = [version('1.2.0'), version('1.10.0'), version('2.0.0', true), version('1.9.1')].sort(
    releasedNewestFirst,
  );
  assert.deepEqual(
    sorted.map((v) => v.versionNumber),
    ['1.10.0', '1.9.1', '1.2.0', '2.0.0'],
  );
});
