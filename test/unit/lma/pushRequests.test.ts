// Watching push requests, the pure rules: which statuses are polled, what a request offers, the jobs line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeJobs, isRunning, pushRequestActions } from '../../../src/lma/rules/pushRequests';

test('Created, Pending and In Progress are polled; an ended request is not', () => {
  for (const status of ['Created', 'Pending', 'In Progress']) assert.ok(isRunning(status), status);
  for (const status of ['Succeeded', 'Failed', 'Canceled']) assert.ok(!isRunning(status), status);
});

test('a request offers abort only while Created or Pending, retry once over with failures, finish when left Created', () => {
  const actions = (status: string, jobs: Record<string, number>) => pushRequestActions({ status, jobs });
  assert.deepEqual(actions('Created', { Created: 3 }), { abort: true, retry: false, finish: true });
  assert.deepEqual(actions('Created', {}), { abort: true, retry: false, finish: false });
  assert.deepEqual(actions('Pending', { Pending: 3 }), { abort: true, retry: false, finish: false });
  assert.deepEqual(actions('In Progress', { Failed: 1, Pending: 2 }), {
    abort: false,
    retry: false,
    finish: false,
  });
  assert.deepEqual(actions('Failed', { Failed: 1, Succeeded: 2 }), {
    abort: false,
    retry: true,
    finish: false,
  });
  assert.deepEqual(actions('Succeeded', { Succeeded: 3 }), { abort: false, retry: false, finish: false });
  assert.deepEqual(actions('Canceled', { Canceled: 3 }), { abort: false, retry: false, finish: false });
});

test('jobs by status read in the order a push goes', () => {
  assert.equal(describeJobs({ Failed: 1, Succeeded: 2, Pending: 0 }), '2 Succeeded, 1 Failed');
  assert.equal(describeJobs({ 'In Progress': 1, Pending: 4 }), '4 Pending, 1 In Progress');
  assert.equal(describeJobs({}), 'no jobs');
});
