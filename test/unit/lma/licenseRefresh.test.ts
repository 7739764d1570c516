import assert from 'node:assert/strict';
import { test } from 'node:test';
import { licenseRefreshText } from '../../../src/lma/rules/licenseRefresh';

test('Refresh Licenses: never, next available in the future, available now', () => {
  const none = { lastLicenseRefresh: undefined, nextAvailableRefresh: undefined };
  assert.equal(licenseRefreshText(none, '2026-12-05'), 'never refreshed');
  const dates = { lastLicenseRefresh: '2026-12-01', nextAvailableRefresh: '2026-12-08' };
  assert.equal(licenseRefreshText(dates, '2026-12-05'), 'last 2026-12-01; next available 2026-12-08');
  assert.equal(licenseRefreshText(dates, '2026-12-08'), 'last 2026-12-01; available now');
});

test('Refresh Licenses: without a Next Available Refresh, the next is a week after the last', () => {
  const dates = { lastLicenseRefresh: '2026-12-01', nextAvailableRefresh: undefined };
  assert.equal(licenseRefreshText(dates, '2026-12-05'), 'last 2026-12-01; next available 2026-12-08');
  assert.equal(licenseRefreshText(dates, '2026-12-09'), 'last 2026-12-01; available now');
});
