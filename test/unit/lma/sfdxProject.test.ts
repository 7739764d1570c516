import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lmoPackage } from './packageFixture';
import {
  findLmoPackage,
  readWorkspacePackages,
  SfdxProjectError,
} from '../../../src/lma/project/sfdxProject';

const project = JSON.stringify({
  packageDirectories: [{ path: 'force-app', package: 'Invoicing', versionNumber: '1.2.0.NEXT' }],
  packageAliases: {
    Invoicing: '0Ho000000000001AAA',
    'Invoicing@1.1.0-1': '04t000000000011AAA',
    'Invoicing@1.2.0-3': '04t000000000012AAA',
    Shipping: '033000000000002AAA',
  },
});

test('reads packages from packageDirectories and package aliases', () => {
  const packages = readWorkspacePackages(project);
  assert.deepEqual(
    packages.map((p) => [p.name, p.packageAliasId, p.versionIds.length]),
    [
      ['Invoicing', '0Ho000000000001AAA', 2],
      ['Shipping', '033000000000002AAA', 0],
    ],
  );
});

test('a malformed file is an error, not an empty project', () => {
  assert.throws(() => readWorkspacePackages('{ "packageDirectories": [ '), SfdxProjectError);
  assert.throws(() => readWorkspacePackages('[]'), /JSON object/);
  assert.throws(() => readWorkspacePackages('{"packageDirectories": {}}'), /must be an array/);
});

test('matches an LMO package by a 04t version id or the 033 id, in 15 or 18 characters', () => {
  const lmo = (id: string, packageId: string, versionId: string) =>
    lmoPackage(id, packageId, versionId, '1.1.0');

  const packages = [
    lmo('a', '033000000000009AAA', '04t000000000011'), // 15-character 04t, as the LMA may store
    lmo('b', '033000000000002', '04t000000000099AAA'),
  ];
  const [invoicing, shipping] = readWorkspacePackages(project);
  assert.equal(findLmoPackage(invoicing!, packages)?.id, 'a');
  assert.equal(findLmoPackage(shipping!, packages)?.id, 'b');
  assert.equal(findLmoPackage({ name: 'X', packageAliasId: undefined, versionIds: [] }, packages), undefined);
});
