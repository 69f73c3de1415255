import { test } from 'uvu';
import * as assert from 'uvu/assert';
import AjvModule, { type JSONSchemaType } from 'ajv';
import { decodeConfig, fieldName, type ConfigSpec } from '../../../lib/config/decode.ts';
import { foldKeys } from '../../../lib/config/fold.ts';
import { parseJsonAsGo } from '../../../lib/cni/gosyntax.ts';
import { validAttachments } from '../../../lib/config/schemas/netconf.ts';
import { netConfSpec } from '../../helpers/netconf.ts';
import type { CniError } from '../../../lib/cni/errors.ts';

interface Sample {
  bridge: string;
  mtu: number;
  isGateway: boolean;
  ranges?: { subnet: string; gateway?: string }[][];
  labels?: Record<string, string>;
}

const sampleSchema: JSONSchemaType<Sample> = {
  type: 'object',
  properties: {
    bridge: { type: 'string', default: 'cni0' },
    mtu: { type: 'integer', default: 0 },
    isGateway: { type: 'boolean', default: false },
    ranges: {
      type: 'array',
      nullable: true,
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: { subnet: { type: 'string' }, gateway: { type: 'string', nullable: true } },
          required: ['subnet'],
        },
      },
    },
    labels: { type: 'object', nullable: true, required: [], additionalProperties: { type: 'string' } },
  },
  required: ['bridge', 'mtu', 'isGateway'],
};
// The runtime validator is generated at build time; here ajv compiles the same schema directly.
const ajv = new AjvModule.default({ useDefaults: true, strict: true });
const sample: ConfigSpec<Sample> = { schema: sampleSchema, validate: ajv.compile(sampleSchema) };

function decodeError(raw: unknown): CniError {
  try {
    decodeConfig(raw, sample, 'sample config');
  } catch (err) {
    return err as CniError;
  }
  throw new Error('expected an error');
}

test('decodeConfig fills defaults for missing fields', () => {
  assert.equal(decodeConfig({}, sample), { bridge: 'cni0', mtu: 0, isGateway: false });
});

test('decodeConfig matches keys case-insensitively, like Go', () => {
  const c = decodeConfig({ BRIDGE: 'br1', isgateway: true, Ranges: [[{ SUBNET: '10.0.0.0/24' }]] }, sample);
  assert.is(c.bridge, 'br1');
  assert.is(c.isGateway, true);
  assert.equal(c.ranges, [[{ subnet: '10.0.0.0/24' }]]);
});

test('decodeConfig lets the last of two differently cased keys win', () => {
  assert.is(decodeConfig({ bridge: 'a', Bridge: 'b' }, sample).bridge, 'b');
});

test('decodeConfig keeps the default when a field is null, and an earlier key\'s value, as Go does', () => {
  assert.is(decodeConfig({ bridge: null, mtu: 1400 }, sample).bridge, 'cni0');
  assert.is(decodeConfig({ bridge: 'a', BRIDGE: null }, sample).bridge, 'a');
});

test('decodeConfig refuses a wrong type under a key that a later case variant replaced, as Go does', () => {
  assert.match(decodeError({ mtu: 'x', MTU: 1400 }).message, /field "mtu" must be integer, got "x"/);
  assert.match(decodeError({ ranges: [[{ subnet: 5, SUBNET: '10.0.0.0/24' }]] }).message, /field "ranges\[0\]\[0\]\.subnet" must be string, got 5/);
  assert.is(decodeConfig({ mtu: 1300, MTU: 1400 }, sample).mtu, 1400);
});

test('decodeConfig ignores unknown keys and keeps map keys as they are', () => {
  const c = decodeConfig({ somethingElse: [1, 2], labels: { Foo: 'x' } }, sample) as Sample & { somethingElse: unknown };
  assert.equal(c.labels, { Foo: 'x' });
  assert.equal(c.somethingElse, [1, 2]);
});

test('decodeConfig rejects a wrong type with code 7, naming the field and the value', () => {
  const err = decodeError({ mtu: 1500.5 });
  assert.is(err.code, 7);
  assert.is(err.message, 'invalid sample config: field "mtu" must be integer, got 1500.5');
  assert.is(decodeError({ isGateway: 'true' }).message, 'invalid sample config: field "isGateway" must be boolean, got "true"');
});

test('decodeConfig names a nested field with indexes', () => {
  assert.is(decodeError({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: 7 }]] }).message, 'invalid sample config: field "ranges[0][1].subnet" must be string, got 7');
  assert.is(decodeError({ ranges: [[{}]] }).message, 'invalid sample config: field "ranges[0][0].subnet" is required');
});

test('fieldName turns a JSON pointer into a dotted path', () => {
  assert.is(fieldName('/ipam/ranges/0/1/subnet'), 'ipam.ranges[0][1].subnet');
  assert.is(fieldName('/cni.dev~1attachments/0', 'ifname'), 'cni.dev/attachments[0].ifname');
  assert.is(fieldName(''), '');
});

test('foldKeys leaves values that are not objects alone', () => {
  assert.is(foldKeys(5, sampleSchema as never), 5);
  assert.equal(foldKeys([{ A: 1 }], {} as never), [{ A: 1 }]);
});

test('the generated netconf validator decodes the common fields', () => {
  const c = decodeConfig(
    { CNIVersion: '1.1.0', Name: 'net', type: 'bridge', ipam: { type: 'host-local', subnet: '10.0.0.0/24' }, RuntimeConfig: { portMappings: [] } },
    netConfSpec,
  );
  assert.is(c.cniVersion, '1.1.0');
  assert.is(c.name, 'net');
  assert.equal(c.ipam, { type: 'host-local', subnet: '10.0.0.0/24' });
  assert.equal(c.runtimeConfig, { portMappings: [] });
});

test('the generated netconf validator rejects a non-string name with code 7', () => {
  assert.throws(() => decodeConfig({ name: 5 }, netConfSpec), (e: CniError) => e.code === 7 && /field "name" must be string, got 5/.test(e.message));
});

test('validAttachments prefers the spec key and falls back to the legacy one', () => {
  const a = [{ containerID: 'c', ifname: 'eth0' }];
  const b = [{ containerID: 'd', ifname: 'eth0' }];
  assert.equal(validAttachments(decodeConfig({ name: 'n', 'cni.dev/valid-attachments': a, 'cni.dev/attachments': b }, netConfSpec)), [{ network: 'n', ...a[0]! }]);
  assert.equal(validAttachments(decodeConfig({ name: 'n', 'cni.dev/attachments': b }, netConfSpec)), [{ network: 'n', ...b[0]! }]);
  assert.equal(validAttachments(decodeConfig({ name: 'n' }, netConfSpec)), []);
});

test('decodeConfig refuses a whole number written with a fraction or an exponent where Go has an int', () => {
  const raw = (text: string): unknown => parseJsonAsGo(Buffer.from(text));
  const err = decodeError(raw('{"mtu": 1500.0}'));
  assert.is(err.code, 7);
  assert.is(err.message, 'invalid sample config: field "mtu" must be integer, got 1500.0');
  assert.is(decodeError(raw('{"MTU":1e3}')).message, 'invalid sample config: field "mtu" must be integer, got 1e3');
  assert.equal(decodeConfig(raw('{"mtu":1500,"labels":{"a":"1.0"},"other":2.0,"ranges":[[{"subnet":"10.0.0.0/24"}]]}'), sample).mtu, 1500);
});

test('decodeConfig names the path to a fraction inside arrays', () => {
  const spec: ConfigSpec<{ list: { n: number }[] }> = {
    schema: { type: 'object', properties: { list: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } } }, required: ['list'] },
    validate: () => true,
  };
  assert.throws(
    () => decodeConfig(parseJsonAsGo(Buffer.from('{"list":[{"n":1},{"N":2.00}]}')), spec, 'list config'),
    (e: CniError) => e.code === 7 && e.message === 'invalid list config: field "list[1].n" must be integer, got 2.00',
  );
});

test('the generated netconf validator refuses a common field of the wrong shape, naming it', () => {
  const refused = (raw: object, msg: string): void =>
    assert.throws(() => decodeConfig({ name: 'n', ...raw }, netConfSpec), (e: CniError) => e.code === 7 && e.message === `invalid network config: ${msg}`);
  refused({ dns: 'x' }, 'field "dns" must be object, got "x"');
  refused({ dns: { nameservers: 'a' } }, 'field "dns.nameservers" must be array, got "a"');
  refused({ capabilities: { portMappings: 'yes' } }, 'field "capabilities.portMappings" must be boolean, got "yes"');
  refused({ ipam: [] }, 'field "ipam" must be object, got []');
  refused({ runtimeConfig: 5 }, 'field "runtimeConfig" must be object, got 5');
  refused({ prevResult: 'x' }, 'field "prevResult" must be object, got "x"');
  refused({ type: 5 }, 'field "type" must be string, got 5');
  // Go stores a null capability as false.
  assert.equal(decodeConfig({ name: 'n', capabilities: { portMappings: null } }, netConfSpec).capabilities, { portMappings: null });
});

test.run();
