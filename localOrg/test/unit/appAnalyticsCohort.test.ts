// The App Analytics dataset's declining cohort must be at risk by the extension's default rule (users
// in the last three months more than 50% below the three before) at every size, or a test comparing
// the two fails for the orgs whose ids happen to hash to the smallest size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeUsers, usageOf } from '../../world/appAnalytics';

test('every size of the declining cohort drops by more than half over three months', () => {
  const sizes = new Map<number, string>();
  for (let i = 0; sizes.size < 6 && i < 100_000; i++) {
    const org = `00D${String(i).padStart(12, '0')}`;
    const u = usageOf(org, '033000000000001');
    if (u.declining && !u.unused && !sizes.has(u.users)) sizes.set(u.users, org);
  }
  assert.equal(sizes.size, 6, 'each size 1 to 6 found');
  for (const [users, org] of sizes) {
    const month = (back: number) => activeUsers(org, '033000000000001', back);
    const recent = month(0) + month(1) + month(2);
    const before = month(3) + month(4) + month(5);
    assert.ok(recent < before * 0.5, `${users} users: ${recent} against ${before}`);
  }
});
